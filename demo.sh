#!/usr/bin/env bash
# The demo command: sets up the pinned tools, then runs `zkml demo` — the MNIST example compiled, a
# development SRS (INSECURE, demo only), setup, one proof for a batch of real MNIST test images,
# verified in C# and on a local anvil. Extra arguments go to `zkml demo` (e.g. ./demo.sh --batch 64;
# ./demo.sh --model lenet for the LeNet CNN of circuits/lenet-mnist; ./demo.sh --zk for private images proven with
# zero knowledge and verified on chain).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
bash scripts/setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
exec dotnet run -c Release --project src/ZkMl.Cli -- demo "$@"
