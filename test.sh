#!/usr/bin/env bash
# The test command: sets up the pinned tools, builds, runs every test project, then the
# algebra tests again with hardware intrinsics off so the scalar twins stay honest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
bash scripts/setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build ZkMl.sln -c Release --nologo -v q
dotnet test ZkMl.sln -c Release --no-build --nologo -v q
echo "== algebra tests with DOTNET_EnableHWIntrinsic=0 (scalar paths)"
DOTNET_EnableHWIntrinsic=0 dotnet test tests/ZkMl.Algebra.Tests -c Release --no-build --nologo -v q
