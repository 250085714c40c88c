#!/usr/bin/env bash
# The independent check of docs/audit.md, run exactly as printed there: the demo county is built
# on SQLite, PostgreSQL and MariaDB, and the block between the "independent-check" markers of
# docs/audit.md is run against each (peiyu exports, tools/verify_audit.py verifies). Then the
# verifier must refuse two tampered exports: an edited entry and a removed one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cargo build -q -p peiyu
export PATH="$root/target/debug:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The procedure, as docs/audit.md prints it.
awk '/<!-- independent-check -->/{on=1; next} /<!-- \/independent-check -->/{on=0} on && !/^```/' \
  docs/audit.md > "$work/procedure.sh"
grep -q 'verify_audit.py' "$work/procedure.sh" || { echo "CI: no independent-check block in docs/audit.md" >&2; exit 1; }

db=peiyu_audit_ci
psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $db with (force)" -c "create database $db"
mysql -h 127.0.0.1 -uroot -e "drop database if exists $db; create database $db character set utf8mb4 collate utf8mb4_bin"
for url in "sqlite://$work/peiyu.db?mode=rwc" "postgres://postgres@127.0.0.1:5432/$db" "mysql://root@127.0.0.1:3306/$db"; do
  echo "-- $url"
  rm -rf "$work/run" && mkdir -p "$work/run/tools" && cp tools/verify_audit.py "$work/run/tools/"
  PEIYU_DATABASE_URL=$url peiyu demo >/dev/null
  (cd "$work/run" && PEIYU_DATABASE_URL=$url bash -euo pipefail "$work/procedure.sh")
done
psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $db with (force)"
mysql -h 127.0.0.1 -uroot -e "drop database if exists $db"

# Tampered exports must fail: one entry's reason edited, one entry removed.
export_file="$work/run/audit.jsonl"
python3 - "$export_file" "$work/edited.jsonl" "$work/removed.jsonl" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines(keepends=True)
entries = [i for i, l in enumerate(lines) if l.startswith('{"fields":')]
edited = list(lines)
i = [j for j in entries if '"reason":null' in lines[j]][-1]
edited[i] = edited[i].replace('"reason":null', '"reason":"篡改"', 1)
open(sys.argv[2], "w", encoding="utf-8").writelines(edited)
removed = [l for j, l in enumerate(lines) if j != entries[len(entries) // 3]]
open(sys.argv[3], "w", encoding="utf-8").writelines(removed)
PY
for tampered in edited removed; do
  if python3 tools/verify_audit.py "$work/$tampered.jsonl"; then
    echo "CI: the $tampered export verified, it must not" >&2
    exit 1
  fi
  echo "-- the $tampered export is refused, as it must be"
done
