#!/usr/bin/env bash
# The officer's workbench in a real browser: Debian's headless Chromium driven by Playwright for
# Python (tests/browser/workbench.py) against `peiyu serve` over the demo county with the clock
# at 2023-07-03, on SQLite and on PostgreSQL. Installs what it needs on a fresh machine
# (chromium and CJK fonts from Debian; Playwright from PyPI into target/, whose own browser
# download is never used). After each run, `peiyu audit verify` must pass on the same database.
# Screenshots of every page at 1366 and 390 px go to target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PEIYU_BIN:-${CARGO_TARGET_DIR:-target}/debug/peiyu}
[ -x "$bin" ] || cargo build -p peiyu
bin=$(realpath "$bin")
version=1.65.3
venv=${PLAYWRIGHT_VENV:-${CARGO_TARGET_DIR:-target}/playwright-$version}
shots=$(realpath -m "${CARGO_TARGET_DIR:-target}/screenshots")

apt_get() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; export APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
[ -x /usr/bin/chromium ] || apt_get chromium
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || apt_get fonts-noto-cjk
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import playwright' 2>/dev/null; then
  command -v python3 >/dev/null || apt_get python3 python3-venv
  python3 -m venv "$venv" 2>/dev/null || { apt_get python3-venv; python3 -m venv "$venv"; }
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$venv/bin/pip" install --quiet --disable-pip-version-check "playwright==$version"
fi
python="$(cd "$venv/bin" && pwd)/python"
suite=$(realpath tests/browser/workbench.py)
rm -rf "$shots"; mkdir -p "$shots"

run_on() { # backend, database URL
  local backend=$1 url=$2 work port server status=0
  work=$(mktemp -d)
  port=$((20000 + RANDOM % 20000))
  (
    cd "$work"
    export PEIYU_DATABASE_URL="$url" PEIYU_CLOCK=2023-07-03
    "$bin" demo >/dev/null
    echo "peiyu-browser-1" | "$bin" --as li.wt officer password li.wt >/dev/null
    echo "peiyu-browser-2" | "$bin" --as admin officer password admin >/dev/null
    "$bin" serve --listen "127.0.0.1:$port" --no-tick >serve.log 2>&1 &
    server=$!
    trap 'kill $server 2>/dev/null || true' EXIT
    "$python" - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(150):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/v1/health", timeout=1)
        break
    except Exception:
        time.sleep(0.2)
else:
    sys.exit("the server did not answer /api/v1/health")
PY
    "$python" "$suite" --base "http://127.0.0.1:$port" --backend "$backend" --shots "$shots" --peiyu "$bin" || status=$?
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then tail -n 30 serve.log >&2; exit "$status"; fi
    "$bin" audit verify
  ) || status=$?
  rm -rf "$work"
  return "$status"
}

run_on sqlite "sqlite://$(mktemp -d)/peiyu.db?mode=rwc"
if [ -n "${PEIYU_TEST_POSTGRES_URL:-}" ]; then
  db="peiyu_t_browser_$$"
  admin_url=${PEIYU_TEST_POSTGRES_URL%/*}/postgres
  psql "$admin_url" -qc "drop database if exists $db" && psql "$admin_url" -qc "create database $db"
  status=0
  run_on postgres "${PEIYU_TEST_POSTGRES_URL%/*}/$db" || status=$?
  psql "$admin_url" -qc "drop database if exists $db with (force)" || true
  [ "$status" -eq 0 ] || exit "$status"
fi
echo "screenshots: $shots ($(ls "$shots" | wc -l) files)"
