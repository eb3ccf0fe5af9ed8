#!/usr/bin/env bash
# The test command: sets up the pinned tools, builds, runs every test project, then the
# algebra tests again with hardware intrinsics off so the scalar twins stay honest, then the ReadyToRun CLI
# (published, proving and verifying, refusing a tampered proof). The console logger at
# "minimal" prints each failed test's message and stack (quiet printed only its name).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
bash scripts/setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build ZkMl.sln -c Release --nologo -v q
status=0
dotnet test ZkMl.sln -c Release --no-build --nologo -v q --logger "console;verbosity=minimal" 2>&1 | tee -a "$log" || status=1
echo "== algebra tests with DOTNET_EnableHWIntrinsic=0 (scalar paths)"
DOTNET_EnableHWIntrinsic=0 dotnet test tests/ZkMl.Algebra.Tests -c Release --no-build --nologo -v q --logger "console;verbosity=minimal" 2>&1 | tee -a "$log" || status=1
echo "== the ReadyToRun CLI of scripts/publish-cli.sh (tests/published-cli.sh)"
bash tests/published-cli.sh 2>&1 | tee -a "$log" || status=1
# One summary line over every run: "tests: N passed, N failed, N skipped".
awk -F'[:,]' '/(Passed|Failed)! +- +Failed:/ { f += $2; p += $4; s += $6 }
  END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit $status
