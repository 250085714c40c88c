#!/usr/bin/env python3
"""Cross-checks the calendar data against the PyPI package chinesecalendar, day by day.

Development aid only, never used at run time:

    python3 -m venv /tmp/cc && /tmp/cc/bin/pip install chinesecalendar==1.11.0
    /tmp/cc/bin/python crates/workflow/data/notices/verify_chinesecalendar.py

Reads data/calendar/cn.toml and data/calendar/cn-2017-2022.toml, applies the calendar's rule (a
listed make-up workday works, a listed day off is off, otherwise Monday to Friday work) to every
day of 2017-2026, and compares with chinese_calendar.is_workday. Also checks that each listed
day off is one of chinesecalendar's holidays and each make-up workday one of its workdays.
Prints the working days per year; exits 1 on any difference.
"""

import datetime as dt
import pathlib
import sys
import tomllib

import chinese_calendar

DATA = pathlib.Path(__file__).resolve().parent.parent / "calendar"
FILES = ["cn-2017-2022.toml", "cn.toml"]
YEARS = range(2017, 2027)


def dates(entry):
    first, _, last = entry.partition("..")
    day = dt.date.fromisoformat(first)
    end = dt.date.fromisoformat(last) if last else day
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def main():
    listed = {}
    for name in FILES:
        with open(DATA / name, "rb") as f:
            years = tomllib.load(f)["years"]
        for table in years.values():
            for working, key in ((False, "days_off"), (True, "makeup_workdays")):
                for entry in table.get(key, []):
                    for day in dates(entry):
                        if listed.setdefault(day, working) != working:
                            print(f"{day}: listed both as a day off and as a working day")
                            return 1
    differences = 0
    for year in YEARS:
        count = 0
        day = dt.date(year, 1, 1)
        while day.year == year:
            ours = listed.get(day, day.weekday() < 5)
            theirs = chinese_calendar.is_workday(day)
            if ours != theirs:
                print(f"{day}: ours {'work' if ours else 'off'}, chinesecalendar {'work' if theirs else 'off'}")
                differences += 1
            count += ours
            day += dt.timedelta(days=1)
        print(f"{year}: {count} working days")
    for day, working in sorted(listed.items()):
        if working and day not in chinese_calendar.workdays:
            print(f"{day}: a make-up workday here, not in chinesecalendar's workdays")
            differences += 1
        if not working and day not in chinese_calendar.holidays:
            print(f"{day}: a day off here, not in chinesecalendar's holidays")
            differences += 1
    print(f"{differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
