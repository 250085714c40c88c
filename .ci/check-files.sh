#!/usr/bin/env bash
# Checks the files `peiyu weekly` writes with tools that are not peiyu's: LibreOffice (headless)
# converts the XLSX to CSV and the content must match the JSON of the same list; Python's
# `icalendar` package parses the iCalendar file, with one event per open task.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PEIYU_BIN:-${CARGO_TARGET_DIR:-target}/debug/peiyu}
[ -x "$bin" ] || cargo build -p peiyu
bin=$(realpath "$bin")

if ! command -v soffice >/dev/null; then
  [ -n "${APT_UPDATED:-}" ] || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
fi
python3 -c 'import icalendar' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore icalendar

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$bin" demo >/dev/null
"$bin" weekly --all --week 2023-W27 --format json -o week.json
"$bin" weekly --all --week 2023-W27 --format xlsx -o week.xlsx
"$bin" weekly --all --week 2023-W27 --format ics -o week.ics
# Every sheet to its own CSV (the 12th option, -1): lo/week-<sheet>.csv.
soffice --headless --norestore --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' --outdir lo week.xlsx >/dev/null 2>&1
python3 - <<'PY'
import csv, json, icalendar
data = json.load(open("week.json", encoding="utf-8"))
rows = list(csv.reader(open("lo/week-逾期.csv", encoding="utf-8")))
# Each sheet opens with its title (scope, week, seal), then the column headings.
title, header, body = rows[0], rows[1], [r for r in rows[2:] if any(r)]
assert "2023-W27" in title[0] and "审计封签" in title[0], title
assert header[0] == "序号", header
overdue = data["overdue"]
assert len(body) == len(overdue), f"LibreOffice sees {len(body)} overdue rows, JSON has {len(overdue)}"
for row, task in zip(body, overdue):
    cells = "|".join(row)
    assert task["title"] in cells, (task["title"], cells)
    assert task["due_on"] in cells, (task["due_on"], cells)
print(f"xlsx: LibreOffice read {len(body)} overdue rows matching the JSON")
cal = icalendar.Calendar.from_ical(open("week.ics", "rb").read())
events = [c for c in cal.walk() if c.name in ("VEVENT", "VTODO")]
open_tasks = len(overdue) + sum(len(d["tasks"]) for d in data["this_week"]) + len(data["next_week"])
assert len(events) == open_tasks, f"{len(events)} events for {open_tasks} open tasks"
print(f"ics: icalendar parsed {len(events)} events, one per open task")
PY
