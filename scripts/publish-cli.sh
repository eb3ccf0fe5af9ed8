#!/usr/bin/env bash
# Publishes the zkml command ahead-of-time compiled: `dotnet publish` of src/ZkMl.Cli as a framework-dependent
# ReadyToRun app whose assemblies (ZkMl's and their NuGet dependencies) are one composite image compiled for this
# machine's instruction set (x86-64-v4 with AVX-512, x86-64-v3 with AVX2, as /proc/cpuinfo says), tiered JIT off
# (ZkMl.Cli.csproj). A process then starts with optimized code instead of JIT-compiling several thousand methods while
# it proves: README "The zkml command", bench/README.md "Session 32".
#   bash scripts/publish-cli.sh [OUT]    (default OUT: dist/zkml; run OUT/zkml, or dotnet OUT/zkml.dll)
# The image suits CPUs with the instruction set it was compiled for: publish again on another machine kind (on a CPU
# without it the runtime ignores the precompiled code and compiles every method when first called).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/dist/zkml}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64|arm64) rid=linux-arm64 ;;
  *) echo "publish-cli: no ReadyToRun target for machine $(uname -m); use dotnet build" >&2; exit 1 ;;
esac
isa=""
if [ "$rid" = linux-x64 ]; then
  flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  has() { local f; for f in "$@"; do case "$flags" in *" $f "*) ;; *) return 1 ;; esac; done; }
  # LZCNT (x86-64-v3) is left out of the test: every AVX2 CPU has it, and some hypervisors hide its flag ("abm")
  # from /proc/cpuinfo while the CPU reports it (.NET's Lzcnt.IsSupported is true on such a VM).
  if has avx2 bmi1 bmi2 fma movbe avx512f avx512bw avx512cd avx512dq avx512vl; then isa=x86-64-v4
  elif has avx2 bmi1 bmi2 fma movbe; then isa=x86-64-v3
  elif has sse4_2 popcnt; then isa=x86-64-v2
  fi
fi
# The SDK does not track the compiler's extra arguments: a stamp of the instruction set drops the precompiled image
# when it changes (the same tree published on another machine kind).
r2r="$root/src/ZkMl.Cli/obj/Release/net10.0/$rid/R2R"
stamp="$root/src/ZkMl.Cli/obj/Release/net10.0/$rid/r2r-isa.txt"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$isa" ]; then rm -rf "$r2r"; fi
args=(-c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -nologo -v q)
[ -z "$isa" ] || args+=("-p:PublishReadyToRunCrossgen2ExtraArgs=--instruction-set:$isa")
tmp="$out.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
log="$(dotnet publish "$root/src/ZkMl.Cli" "${args[@]}" -o "$tmp" 2>&1)" || { echo "$log" >&2; echo "publish-cli: dotnet publish failed" >&2; exit 1; }
mkdir -p "$(dirname "$stamp")"; echo "$isa" > "$stamp"
rm -rf "$out"; mv "$tmp" "$out"
echo "publish-cli: $out/zkml (ReadyToRun, $rid${isa:+, $isa})" >&2
