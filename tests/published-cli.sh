#!/usr/bin/env bash
# The ReadyToRun CLI of scripts/publish-cli.sh, checked as a user runs it: published into a temp folder, then the MNIST
# network (default mode, and ZK with a private input) compiled, set up on a development SRS, proven, verified, and a
# proof with one flipped byte refused. The precompiled code is a second compilation of every kernel (crossgen2, for this
# CPU's instruction set), so it gets its own run; and the runtime must have taken it: the process's JIT count is
# compared with the `dotnet build` output's on the same command. Called by test.sh after the test projects.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "published CLI: FAILED: $*" >&2; exit 1; }
bash "$root/scripts/publish-cli.sh" "$tmp/cli"
r2r() { dotnet "$tmp/cli/zkml.dll" "$@"; }
jitbuild() { dotnet "$root/src/ZkMl.Cli/bin/Release/net10.0/zkml.dll" "$@"; }
model="$root/circuits/mnist-mlp/model.onnx" data="$root/circuits/mnist-mlp/input.json"
# Three of its 300 rows (a batch padded to 4).
node -e 'const fs=require("fs");const j=JSON.parse(fs.readFileSync(process.argv[1]));j.input_data=j.input_data.slice(0,3);fs.writeFileSync(process.argv[2],JSON.stringify(j))' "$data" "$tmp/three.json"
for mode in default zk; do
  d="$tmp/$mode"; mkdir -p "$d"
  extra=(); [ "$mode" = zk ] && extra=(--zk --input-visibility private)
  r2r compile "$model" --data "$data" "${extra[@]}" -o "$d/c.zkc" --quiet >/dev/null || fail "$mode: compile"
  r2r setup "$d/c.zkc" --dev-srs --max-batch 4 -o "$d/keys" --quiet >/dev/null 2>&1 || fail "$mode: setup"
  r2r prove "$d/c.zkc" --input "$tmp/three.json" --pk "$d/keys/pk.bin" -o "$d/proof.bin" --quiet >/dev/null 2>&1 || fail "$mode: prove"
  r2r verify --vk "$d/keys/vk.bin" --proof "$d/proof.bin" --quiet >/dev/null 2>&1 || fail "$mode: a valid proof was refused"
  # One byte of the proof bytes flipped (64 bytes before the file's closing SHA-256, which is then recomputed so that the
  # file reads as well formed and the verifier's own checks must refuse it): verify must exit 1.
  node -e 'const fs=require("fs"),c=require("crypto");const b=fs.readFileSync(process.argv[1]);const n=b.length;
    b[n-32-64]^=1;c.createHash("sha256").update(b.subarray(0,n-32)).digest().copy(b,n-32);fs.writeFileSync(process.argv[2],b)' \
    "$d/proof.bin" "$d/bad.bin"
  set +e; r2r verify --vk "$d/keys/vk.bin" --proof "$d/bad.bin" --quiet >/dev/null 2>&1; rc=$?; set -e
  [ "$rc" -eq 1 ] || fail "$mode: a tampered proof gave exit $rc, expected 1"
done
# The runtime took the precompiled code: far fewer methods JIT-compiled than the JIT build needs for the same bench.
count() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(!j.verified)process.exit(1);console.log(j.jit.methods)})'; }
n_r2r=$(r2r bench "$tmp/zk/c.zkc" --batch 2 --input "$data" --json 2>/dev/null | count) || fail "bench (ReadyToRun CLI)"
n_jit=$(jitbuild bench "$tmp/zk/c.zkc" --batch 2 --input "$data" --json 2>/dev/null | count) || fail "bench (JIT build)"
[ "$n_r2r" -lt $((n_jit / 3)) ] || fail "the ReadyToRun CLI JIT-compiled $n_r2r methods, the JIT build $n_jit: the precompiled code was not used"
echo "published CLI: ok (default and ZK: prove, verify, tampered proof refused; JIT-compiled methods in a bench: $n_r2r, JIT build $n_jit)"
