#!/usr/bin/env bash
# Fuzzes the HTTP API with Schemathesis (from PyPI) against `peiyu serve` on the demo county:
# one run per role (admin, leader, lead, officer) with its own token, each bounded in examples
# and time. Fails on any 5xx, an undocumented status, a body or content type that does not
# conform to /api/v1/openapi.json. The seed is fixed so that CI is repeatable; run it with
# another (`st run … --seed N`) to explore further.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PEIYU_BIN:-${CARGO_TARGET_DIR:-target}/debug/peiyu}
[ -x "$bin" ] || cargo build -p peiyu
bin=$(realpath "$bin")
version=4.32.5
venv=${SCHEMATHESIS_VENV:-${CARGO_TARGET_DIR:-target}/schemathesis-$version}
# A venv that no longer runs (moved, or its Python gone) is made again.
if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/st" --version >/dev/null 2>&1; then
  rm -rf "$venv"
  command -v python3 >/dev/null || { apt-get update -qq; apt-get install -y -qq python3 python3-venv >/dev/null; }
  python3 -m venv "$venv" 2>/dev/null || { apt-get update -qq; apt-get install -y -qq python3-venv >/dev/null; python3 -m venv "$venv"; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi
st=$(realpath "$venv/bin/st")

work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
export PEIYU_CLOCK=2023-07-03
"$bin" demo >/dev/null
token() { "$bin" --json token create --name "schemathesis" --for "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])'; }
"$bin" serve --listen "127.0.0.1:$port" --no-tick >serve.log 2>&1 &
server=$!
python3 - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/v1/health", timeout=1)
        break
    except Exception:
        time.sleep(0.2)
else:
    sys.exit("the server did not answer /api/v1/health")
PY
# Real values for the path parameters, so that the fuzzer reaches past "no such enterprise":
# the demo county's USCCs (lan.xm's first), task ids, teams, tracks, years and days. Each is
# drawn from its dictionary with probability 0.6; otherwise the fuzzer makes one up.
"$bin" --json enterprise list >enterprises.json
"$bin" --json --as lan.xm task list >tasks.json
"$bin" --json team list >teams.json
python3 - <<'PY'
import json
tasks = json.load(open("tasks.json"))
mine = [t["enterprise"]["uscc"] for t in tasks if isinstance(t.get("enterprise"), dict)]
usccs = list(dict.fromkeys(mine + [e["uscc"] for e in json.load(open("enterprises.json"))]))[:30]
ids = [t["short_id"] for t in tasks][:20]
teams = [t["name"] for t in json.load(open("teams.json"))]
def values(name, items):
    return f"[dictionaries.{name}]\nvalues = {json.dumps(items, ensure_ascii=False)}\n"
with open("schemathesis.toml", "w") as f:
    f.write("[parameters]\n")
    for param, dictionary in [("path.key", "usccs"), ("path.id", "tasks"), ("path.team", "teams"),
                              ("path.track", "tracks"), ("path.year", "years"), ("path.date", "days")]:
        f.write(f'"{param}" = {{ dictionary = "{dictionary}", probability = 0.6 }}\n')
    f.write(values("usccs", usccs) + values("tasks", ids) + values("teams", teams)
            + values("tracks", ["industrial", "commerce", "technology"])
            + values("years", ["2023", "2022", "2024"])
            + values("days", ["2023-06-30", "2023-03-31", "2023-01-01"]))
PY
# Revoking a token is left out: the fuzzer finds token ids in GET /tokens and would revoke its
# own, leaving every later operation 401 (the matrix and tests/it/setup_writes.rs cover it).
for login in admin qin.zg li.wt lan.xm; do
  echo "schemathesis as $login"
  timeout 300 "$st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
    -H "Authorization: Bearer $(token "$login")" \
    --phases examples,fuzzing -n 25 -w 1 --seed 20261202 \
    --exclude-path '/api/v1/tokens/{id}/revoke' \
    -c not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --no-color > "st-$login.log" || { grep -B2 -A14 "^_\{5,\}" "st-$login.log" | head -60; exit 1; }
  tail -3 "st-$login.log"
done
if grep -q "panicked" serve.log; then echo "the server panicked:"; grep -A3 panicked serve.log; exit 1; fi
