#!/usr/bin/env bash
# Issue 19's two mcl rows, back to back on one machine: the latency of a BN254 Fr product and a 2^18 full-scalar
# G1 MSM (one thread and all threads), native mcl against ZkMl.
#
#   bash bench/mcl/run.sh MCL_DIR [--rounds 2] [twin options: --log-n 18 --reps 5 --chains 400 --chain-length 20000 --threads N]
#
# MCL_DIR is a checkout of github.com/herumi/mcl (not part of this repository, and not fetched by it: the registries
# here serve no native mcl). The script builds a copy of it (BN254-sized fields, OpenMP for mulVecMT; needs make, g++
# and clang++ for mcl's LLVM sources), builds bench/mcl/mcl_twin.cpp against it and the bench project, then runs
# mcl, ZkMl, mcl, ZkMl … (--rounds pairs), checks that both computed the same check MSM, and prints each figure and
# the ratio ZkMl / mcl (the issue's targets: ≤ 1.3 for the product, ≤ 1.0 for the MSMs).
set -euo pipefail
usage="usage: bash bench/mcl/run.sh MCL_DIR [--rounds N] [--log-n 18] [--reps 5] [--chains 400] [--chain-length 20000] [--threads N]"
mcl="${1:?$usage}"; shift
[ -f "$mcl/include/mcl/bn.hpp" ] && [ -f "$mcl/Makefile" ] || { echo "run.sh: $mcl is not an mcl checkout (no include/mcl/bn.hpp or Makefile)" >&2; exit 2; }
rounds=2
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="${2:?$usage}"; shift 2 ;;
    --log-n|--reps|--chains|--chain-length|--threads|--check-log-n) args+=("$1" "${2:?$usage}"); shift 2 ;;
    *) echo "run.sh: unknown option '$1'; $usage" >&2; exit 2 ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || { echo "run.sh: --rounds expects 1..99, got '$rounds'" >&2; exit 2; }
case " ${args[*]-} " in *" --threads "*) ;; *) args+=(--threads "$(nproc)") ;; esac
for tool in make g++ dotnet node; do command -v "$tool" > /dev/null || { echo "run.sh: '$tool' not found" >&2; exit 2; }; done
llvm_ver=""
if ! command -v clang++ > /dev/null; then
  newest=$(compgen -c clang++- | grep -E '^clang\+\+-[0-9]+$' | sort -t- -k2 -n | tail -1 || true)
  [ -n "$newest" ] || { echo "run.sh: mcl's build needs clang++ (none found)" >&2; exit 2; }
  llvm_ver="${newest#clang++}"
fi

here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cp -r "$mcl" "$work/mcl"
echo "building mcl ($(git -C "$mcl" log -1 --format=%h 2>/dev/null || echo 'no git')) ..." >&2
make -C "$work/mcl" -j"$(nproc)" lib/libmcl.a MCL_FP_BIT=256 MCL_FR_BIT=256 MCL_USE_OMP=1 LLVM_VER="$llvm_ver" > "$work/mcl-build.log" 2>&1 \
  || { tail -20 "$work/mcl-build.log" >&2; echo "run.sh: building mcl failed" >&2; exit 1; }
g++ -O2 -std=c++17 -fopenmp -DMCL_USE_OMP -DMCL_FP_BIT=256 -DMCL_FR_BIT=256 -I"$work/mcl/include" \
  "$here/mcl_twin.cpp" "$work/mcl/lib/libmcl.a" -o "$work/mcl_twin"
echo "building the bench project ..." >&2
dotnet build -c Release "$root/bench/ZkMl.Bench/ZkMl.Bench.csproj" > "$work/bench-build.log" 2>&1 \
  || { tail -20 "$work/bench-build.log" >&2; echo "run.sh: building bench/ZkMl.Bench failed" >&2; exit 1; }
twin="$root/bench/ZkMl.Bench/bin/Release/net10.0/ZkMl.Bench.dll"

: > "$work/runs.jsonl"
for ((i = 1; i <= rounds; i++)); do
  echo "round $i/$rounds: mcl" >&2;  "$work/mcl_twin" "${args[@]}" >> "$work/runs.jsonl"
  echo "round $i/$rounds: zkml" >&2; dotnet "$twin" twin "${args[@]}" >> "$work/runs.jsonl"
done

node - "$work/runs.jsonl" <<'EOF'
const lines = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const mcl = lines.filter((r) => r.impl === "mcl"), zk = lines.filter((r) => r.impl === "zkml");
const check = new Set(lines.map((r) => r.check.x + "," + r.check.y));
if (check.size !== 1) { console.error("run.sh: the check MSMs differ between mcl and ZkMl:", [...check]); process.exit(1); }
const best = (rs, f) => Math.min(...rs.map(f));
const rows = [
  ["Fr product, dependent chain (ns)", (r) => r.frMulChain.minNs, 1.3],
  [`MSM 2^${zk[0].msm.logN}, 1 thread (ms)`, (r) => r.msm.oneThread.minMs, 1.0],
  [`MSM 2^${zk[0].msm.logN}, ${zk[0].msm.threads} threads (ms)`, (r) => r.msm.allThreads.minMs, 1.0],
];
console.log(`ZkMl product: ${zk[0].product}; check MSM 2^${zk[0].check.logN} identical in both`);
console.log("| figure (best of each run) | mcl runs | ZkMl runs | ratio ZkMl / mcl (best) | target |");
console.log("|---|---|---|---|---|");
for (const [name, f, target] of rows) {
  const ratio = best(zk, f) / best(mcl, f);
  console.log(`| ${name} | ${mcl.map(f).join(" / ")} | ${zk.map(f).join(" / ")} | ${ratio.toFixed(2)} | ≤ ${target.toFixed(1)} ${ratio <= target ? "met" : "missed"} |`);
}
console.log(`C# product chain (reference): ${zk.map((r) => r.frMulChainManaged.minNs).join(" / ")} ns`);
EOF
