use super::*;
use crate::calendar::Calendar;

/// The 2017–2022 tables, in cn.toml's format (not yet embedded in `Calendar::china()`).
const HISTORY: &str = include_str!("../../data/calendar/cn-2017-2022.toml");

const NOTICES: [(i32, &str); 10] = [
    (2017, include_str!("../../data/notices/2017.txt")),
    (2018, include_str!("../../data/notices/2018.txt")),
    (2019, include_str!("../../data/notices/2019.txt")),
    (2020, include_str!("../../data/notices/2020.txt")),
    (2021, include_str!("../../data/notices/2021.txt")),
    (2022, include_str!("../../data/notices/2022.txt")),
    (2023, include_str!("../../data/notices/2023.txt")),
    (2024, include_str!("../../data/notices/2024.txt")),
    (2025, include_str!("../../data/notices/2025.txt")),
    (2026, include_str!("../../data/notices/2026.txt")),
];
const ADJUSTMENT_2019: &str = include_str!("../../data/notices/2019-adjustment.txt");
const EXTENSION_2020: &str = include_str!("../../data/notices/2020-extension.txt");

/// Working days per year, as listed in the headers of cn.toml and cn-2017-2022.toml.
const WORKING_DAYS: [(i32, u32); 10] = [
    (2017, 249),
    (2018, 250),
    (2019, 250),
    (2020, 249),
    (2021, 250),
    (2022, 249),
    (2023, 249),
    (2024, 251),
    (2025, 248),
    (2026, 248),
];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn text_of(year: i32) -> &'static str {
    NOTICES.iter().find(|(y, _)| *y == year).unwrap().1
}

/// The year's notice as the calendar should have it: 2019 and 2020 with their amendments.
fn notice(year: i32) -> Notice {
    let notice = parse_notice(text_of(year), None).unwrap();
    match year {
        2019 => notice.amend(ADJUSTMENT_2019).unwrap(),
        2020 => notice.amend(EXTENSION_2020).unwrap(),
        _ => notice,
    }
}

/// The shipped calendar with the 2017–2022 tables.
fn shipped() -> Calendar {
    Calendar::china().unwrap().with_override(HISTORY).unwrap()
}

/// The 1-based number of the line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|line| line.contains(needle)).unwrap() + 1
}

/// `text` with `from` replaced (exactly once) by `to`.
fn edited(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from}");
    text.replacen(from, to, 1)
}

/// Parses `text`, expects a refusal on the line containing `needle`, and checks both languages'
/// messages name that line.
fn refused(text: &str, hint: Option<i32>, needle: &str) -> NoticeError {
    let error = parse_notice(text, hint).unwrap_err();
    let line = line_of(text, needle);
    assert_eq!(error.line, line, "{error}");
    assert!(
        error.to_string().starts_with(&format!("line {line}: ")),
        "{error}"
    );
    assert!(
        error.message_zh().starts_with(&format!("第{line}行：")),
        "{}",
        error.message_zh()
    );
    let raw = text.lines().nth(line - 1).unwrap().trim();
    assert_eq!(
        error.excerpt,
        raw.chars().take(EXCERPT_CHARS).collect::<String>()
    );
    error
}

// ---------------------------------------------------------------------------------------------
// The shipped notices

#[test]
fn each_notice_reproduces_the_shipped_calendar() {
    let china = Calendar::china().unwrap();
    let shipped = shipped();
    for (year, _) in NOTICES {
        let notice = notice(year);
        assert_eq!(notice.year, year);
        // The calendar as shipped: cn.toml for 2023–2026, cn-2017-2022.toml before.
        let calendar = if year >= 2023 { &china } else { &shipped };
        let days_off: Vec<NaiveDate> = notice.days_off().into_iter().collect();
        let makeups: Vec<NaiveDate> = notice.makeup_workdays().into_iter().collect();
        assert_eq!(
            days_off,
            calendar.days_off(year).unwrap(),
            "{year} days off"
        );
        assert_eq!(
            makeups,
            calendar.makeup_workdays(year).unwrap(),
            "{year} make-up workdays"
        );
        let source = calendar.source(year).unwrap();
        let alone = Calendar::from_toml(&notice.to_toml(source)).unwrap();
        assert_eq!(
            alone.working_day_count(year),
            calendar.working_day_count(year),
            "{year}"
        );
    }
}

#[test]
fn the_notices_together_are_the_shipped_calendar_day_for_day() {
    let shipped = shipped();
    let tables: Vec<String> = NOTICES
        .iter()
        .map(|(year, _)| notice(*year).to_toml(shipped.source(*year).unwrap()))
        .collect();
    let from_notices = Calendar::from_toml(&tables.join("\n")).unwrap();
    assert_eq!(
        from_notices.covered_years(),
        (2017..=2026).collect::<Vec<_>>()
    );
    for (year, count) in WORKING_DAYS {
        assert_eq!(from_notices.working_day_count(year), Ok(count), "{year}");
        assert_eq!(shipped.working_day_count(year), Ok(count), "{year}");
    }
    let mut day = d("2017-01-01");
    while day <= d("2026-12-31") {
        assert_eq!(
            from_notices.is_working_day(day),
            shipped.is_working_day(day),
            "{day}"
        );
        day = day.succ_opt().unwrap();
    }
}

#[test]
fn the_2017_to_2022_tables_are_the_notices_to_toml() {
    let shipped = shipped();
    for year in 2017..=2022 {
        let table = notice(year).to_toml(shipped.source(year).unwrap());
        assert!(HISTORY.contains(&table), "{year}:\n{table}");
    }
}

#[test]
fn to_toml_writes_cn_toml_s_format() {
    let notice = notice(2026);
    let source = Calendar::china().unwrap().source(2026).unwrap().to_owned();
    let table = notice.to_toml(&source);
    let expected = format!(
        "[years.2026]\nsource = \"{source}\"\ndays_off = [\n    \
         \"2026-01-01..2026-01-03\", # 元旦\n    \
         \"2026-02-15..2026-02-23\", # 春节\n    \
         \"2026-04-04..2026-04-06\", # 清明节\n    \
         \"2026-05-01..2026-05-05\", # 劳动节\n    \
         \"2026-06-19..2026-06-21\", # 端午节\n    \
         \"2026-09-25..2026-09-27\", # 中秋节\n    \
         \"2026-10-01..2026-10-07\", # 国庆节\n]\nmakeup_workdays = [\n    \
         \"2026-01-04\",               # 元旦\n    \
         \"2026-02-14\", \"2026-02-28\", # 春节\n    \
         \"2026-05-09\",               # 劳动节\n    \
         \"2026-09-20\", \"2026-10-10\", # 国庆节\n]\n"
    );
    assert_eq!(table, expected);
    // A source with quotes and a backslash stays one TOML string.
    let odd = notice.to_toml("“通知” \"2025\" \\ 11-04");
    let calendar = Calendar::from_toml(&odd).unwrap();
    assert_eq!(calendar.source(2026), Some("“通知” \"2025\" \\ 11-04"));
    // A year without make-up workdays writes an empty list.
    let text = "国务院办公厅关于2030年部分节假日安排的通知\n一、元旦：1月1日放假，共1天。\n";
    let table = parse_notice(text, None).unwrap().to_toml("s");
    assert!(table.ends_with("makeup_workdays = []\n"), "{table}");
    assert!(Calendar::from_toml(&table).is_ok());
}

#[test]
fn the_2026_notice_item_by_item() {
    let notice = notice(2026);
    assert_eq!(
        notice.title.as_deref(),
        Some("国务院办公厅关于2026年部分节假日安排的通知")
    );
    let rows: Vec<(usize, &str, Option<u32>)> = notice
        .holidays
        .iter()
        .map(|h| (h.line, h.name.as_str(), h.stated_days))
        .collect();
    assert_eq!(
        rows,
        [
            (8, "元旦", Some(3)),
            (10, "春节", Some(9)),
            (12, "清明节", Some(3)),
            (14, "劳动节", Some(5)),
            (16, "端午节", Some(3)),
            (18, "中秋节", Some(3)),
            (20, "国庆节", Some(7)),
        ]
    );
    let spring = &notice.holidays[1];
    assert_eq!(spring.days_off, [(d("2026-02-15"), d("2026-02-23"))]);
    assert_eq!(spring.makeup_workdays, [d("2026-02-14"), d("2026-02-28")]);
    assert_eq!(spring.amended_by, None);
    assert_eq!(
        spring.to_string(),
        "春节: 2026-02-15..2026-02-23; working 2026-02-14 2026-02-28"
    );
}

#[test]
fn old_forms_bu_xiu_weekend_and_no_count() {
    // 2017: 1月1日放假，1月2日（星期一）补休 — the extra day off is a one-day range.
    let new_year = &notice(2017).holidays[0];
    assert_eq!(
        new_year.days_off,
        [
            (d("2017-01-01"), d("2017-01-01")),
            (d("2017-01-02"), d("2017-01-02"))
        ]
    );
    assert_eq!(new_year.stated_days, None);
    assert!(new_year.makeup_workdays.is_empty());
    // 2024: 1月1日放假，与周末连休 — the weekend before is not listed.
    assert_eq!(
        notice(2024).holidays[0].days_off,
        [(d("2024-01-01"), d("2024-01-01"))]
    );
    // 2025: 1月1日（周三）放假1天，不调休 — 放假N天 is a count.
    assert_eq!(notice(2025).holidays[0].stated_days, Some(1));
    // 2024: the aside 安排职工在除夕（2月9日）休息 gives no day off.
    assert!(!notice(2024).days_off().contains(&d("2024-02-09")));
}

#[test]
fn cross_year_dates() {
    // 2023: 2022年12月31日至2023年1月2日.
    let notice_2023 = notice(2023);
    assert_eq!(
        notice_2023.holidays[0].days_off,
        [(d("2022-12-31"), d("2023-01-02"))]
    );
    // 2019: 2018年12月30日至2019年1月1日 … 2018年12月29日（星期六）上班.
    let new_year = &notice(2019).holidays[0];
    assert_eq!(new_year.days_off, [(d("2018-12-30"), d("2019-01-01"))]);
    assert_eq!(new_year.makeup_workdays, [d("2018-12-29")]);
    // Without the years, the end of a December range is in January of the next year.
    let short = edited(
        text_of(2023),
        "2022年12月31日至2023年1月2日",
        "2022年12月31日至1月2日",
    );
    assert_eq!(parse_notice(&short, None).unwrap(), notice_2023);
    // A range end with its month but not its year: 1月27日至2月2日.
    assert_eq!(
        notice(2017).holidays[1].days_off,
        [(d("2017-01-27"), d("2017-02-02"))]
    );
    // The next January, named explicitly, belongs too.
    let text = "国务院办公厅关于2030年部分节假日安排的通知\n\
                一、国庆节：10月1日至7日放假调休，共7天。\n\
                二、元旦：2030年12月31日至2031年1月1日放假，共2天。\n";
    let notice = parse_notice(text, None).unwrap();
    assert!(notice.days_off().contains(&d("2031-01-01")));
}

#[test]
fn the_2019_adjustment_replaces_labour_day() {
    let original = parse_notice(text_of(2019), None).unwrap();
    let labour = &original.holidays[3];
    assert_eq!(labour.days_off, [(d("2019-05-01"), d("2019-05-01"))]);
    let amended = original.amend(ADJUSTMENT_2019).unwrap();
    let labour = &amended.holidays[3];
    assert_eq!(labour.name, "劳动节");
    assert_eq!(labour.days_off, [(d("2019-05-01"), d("2019-05-04"))]);
    assert_eq!(labour.stated_days, Some(4));
    assert_eq!(labour.makeup_workdays, [d("2019-04-28"), d("2019-05-05")]);
    assert_eq!(
        labour.amended_by.as_deref(),
        Some("国务院办公厅关于调整2019年劳动节假期安排的通知")
    );
    assert_eq!(
        labour.line,
        line_of(ADJUSTMENT_2019, "一、2019年5月1日至4日")
    );
    // Nothing else changed.
    for (index, holiday) in amended.holidays.iter().enumerate() {
        if index != 3 {
            assert_eq!(holiday, &original.holidays[index]);
        }
    }
}

#[test]
fn the_2020_extension_lengthens_spring_festival() {
    let original = parse_notice(text_of(2020), None).unwrap();
    assert_eq!(
        original.holidays[1].makeup_workdays,
        [d("2020-01-19"), d("2020-02-01")]
    );
    let amended = original.amend(EXTENSION_2020).unwrap();
    let spring = &amended.holidays[1];
    assert_eq!(spring.days_off, [(d("2020-01-24"), d("2020-02-02"))]);
    // 2月1日 (Saturday) was to be worked; the extension made it a day off.
    assert_eq!(spring.makeup_workdays, [d("2020-01-19")]);
    assert_eq!(spring.stated_days, None);
    assert_eq!(
        spring.amended_by.as_deref(),
        Some("国务院办公厅关于延长2020年春节假期的通知")
    );
    assert_eq!(
        spring.line,
        line_of(EXTENSION_2020, "一、延长2020年春节假期")
    );
}

#[test]
fn amendments_are_refused_where_they_do_not_fit() {
    // An amending notice is not a year's notice.
    let error = parse_notice(ADJUSTMENT_2019, None).unwrap_err();
    assert_eq!(
        (error.line, &error.problem),
        (1, &NoticeProblem::IsAmendment)
    );
    // A year's notice is not an amending notice.
    let notice_2019 = parse_notice(text_of(2019), None).unwrap();
    let error = notice_2019.amend(text_of(2020)).unwrap_err();
    assert_eq!(
        (error.line, &error.problem),
        (1, &NoticeProblem::NotAmendment)
    );
    // Another year's amendment.
    let error = notice_2019.amend(EXTENSION_2020).unwrap_err();
    assert_eq!(
        error.problem,
        NoticeProblem::AmendmentYear {
            notice: 2019,
            amendment: 2020
        }
    );
    assert!(
        error
            .to_string()
            .starts_with("line 1: this notice amends 2020, not 2019")
    );
    assert!(
        error
            .message_zh()
            .starts_with("第1行：本通知调整的是 2020 年的安排")
    );
    // A holiday the notice does not have.
    let notice_2020 = parse_notice(text_of(2020), None).unwrap();
    let odd = edited(
        EXTENSION_2020,
        "关于延长2020年春节假期的通知",
        "关于延长2020年元宵节假期的通知",
    );
    let error = notice_2020.amend(&odd).unwrap_err();
    assert_eq!(
        error.problem,
        NoticeProblem::UnknownHoliday {
            name: "元宵节".into()
        }
    );
    // An "extension" that ends before the holiday did.
    let short = edited(
        EXTENSION_2020,
        "至2月2日（农历正月初九，星期日）",
        "至1月29日（星期三）",
    );
    let error = notice_2020.amend(&short).unwrap_err();
    assert_eq!(error.line, line_of(&short, "一、延长"));
    assert_eq!(
        error.problem,
        NoticeProblem::ExtensionNotLater {
            end: d("2020-01-30"),
            new_end: d("2020-01-29")
        }
    );
    // The extension's weekdays are checked too.
    let wrong = edited(EXTENSION_2020, "2月3日（星期一）", "2月3日（星期二）");
    let error = notice_2020.amend(&wrong).unwrap_err();
    assert_eq!(
        error.problem,
        NoticeProblem::WeekdayMismatch {
            date: d("2020-02-03"),
            stated: Weekday::Tue,
            actual: Weekday::Mon
        }
    );
    // An adjustment whose make-up workday is already a day off elsewhere.
    let clash = edited(ADJUSTMENT_2019, "4月28日（星期日）", "2月10日（星期日）");
    let error = notice_2019.amend(&clash).unwrap_err();
    assert_eq!(error.line, line_of(&clash, "一、2019年5月1日"));
    assert_eq!(
        error.problem,
        NoticeProblem::OffAndWorking {
            date: d("2019-02-10")
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Refusals, each from a copy of a real line

#[test]
fn a_wrong_weekday_is_refused_naming_line_date_and_both_weekdays() {
    let text = edited(text_of(2026), "1月1日（周四）", "1月1日（周五）");
    let error = refused(&text, None, "一、元旦");
    assert_eq!(error.line, 8);
    assert_eq!(
        error.problem,
        NoticeProblem::WeekdayMismatch {
            date: d("2026-01-01"),
            stated: Weekday::Fri,
            actual: Weekday::Thu
        }
    );
    assert_eq!(
        error.to_string(),
        "line 8: 2026-01-01 is stated as a Friday but is a Thursday \
         (“一、元旦：1月1日（周五）至3日（周六）放假调休，共3天。1月4日（周日）上班。”)"
    );
    assert_eq!(
        error.message_zh(),
        "第8行：2026-01-01 标注为周五，实际是周四\
         （“一、元旦：1月1日（周五）至3日（周六）放假调休，共3天。1月4日（周日）上班。”）"
    );
    // 星期 form, on a make-up workday, and inside a lunar note.
    let text = edited(text_of(2023), "1月29日（星期日）", "1月29日（星期一）");
    let error = refused(&text, None, "二、春节");
    assert!(matches!(
        error.problem,
        NoticeProblem::WeekdayMismatch {
            stated: Weekday::Mon,
            actual: Weekday::Sun,
            ..
        }
    ));
    let text = edited(text_of(2026), "农历正月初七、周一", "农历正月初七、周二");
    let error = refused(&text, None, "二、春节");
    assert!(
        error
            .to_string()
            .contains("2026-02-23 is stated as a Tuesday but is a Monday")
    );
    // Something that looks like a weekday and is none.
    let text = edited(text_of(2026), "5月9日（周六）", "5月9日（周八）");
    let error = refused(&text, None, "四、劳动节");
    assert_eq!(
        error.problem,
        NoticeProblem::UnknownWeekday {
            text: "周八".into()
        }
    );
}

#[test]
fn a_wrong_count_is_refused_naming_stated_and_counted_days() {
    let text = edited(text_of(2026), "共9天", "共8天");
    let error = refused(&text, None, "二、春节");
    assert_eq!(error.line, 10);
    assert_eq!(
        error.problem,
        NoticeProblem::CountMismatch {
            stated: 8,
            counted: 9
        }
    );
    assert!(
        error
            .to_string()
            .contains("states 8 days (共8天) but its days off span 9 days")
    );
    assert!(
        error
            .message_zh()
            .contains("写明共8天，但放假日期首尾共计9天")
    );
    // 放假N天 and a count in Chinese numerals are counts too.
    let text = edited(text_of(2025), "放假1天", "放假2天");
    let error = refused(&text, None, "一、元旦");
    assert_eq!(
        error.problem,
        NoticeProblem::CountMismatch {
            stated: 2,
            counted: 1
        }
    );
    let text = edited(
        text_of(2022),
        "10月1日至7日放假调休，共7天",
        "10月1日至7日放假调休，共八天",
    );
    let error = refused(&text, None, "七、国庆节");
    assert_eq!(
        error.problem,
        NoticeProblem::CountMismatch {
            stated: 8,
            counted: 7
        }
    );
    let text = edited(
        text_of(2022),
        "10月1日至7日放假调休，共7天",
        "10月1日至7日放假调休，共七天",
    );
    assert_eq!(parse_notice(&text, None).unwrap(), notice(2022));
}

#[test]
fn an_impossible_date_is_refused() {
    let text = edited(text_of(2024), "6月10日放假", "2月30日放假");
    let error = refused(&text, None, "五、端午节");
    assert_eq!(
        error.problem,
        NoticeProblem::InvalidDate {
            year: 2024,
            month: 2,
            day: 30
        }
    );
    assert!(
        error
            .to_string()
            .contains("2024年2月30日 is not a real date")
    );
    assert!(error.message_zh().contains("2024年2月30日不是有效日期"));
    // 13月, and a day without its month.
    let text = edited(text_of(2024), "6月10日放假", "13月1日放假");
    refused(&text, None, "五、端午节");
    let text = edited(text_of(2024), "6月10日放假", "10日放假");
    let error = refused(&text, None, "五、端午节");
    assert_eq!(
        error.problem,
        NoticeProblem::IncompleteDate {
            text: "10日".into()
        }
    );
}

#[test]
fn a_reversed_range_is_refused() {
    let text = edited(
        text_of(2025),
        "4月4日（周五）至6日（周日）",
        "4月6日（周日）至4日（周五）",
    );
    let error = refused(&text, None, "三、清明节");
    assert_eq!(
        error.problem,
        NoticeProblem::ReversedRange {
            start: d("2025-04-06"),
            end: d("2025-04-04")
        }
    );
    assert!(
        error
            .to_string()
            .contains("the range 2025-04-06 to 2025-04-04 ends before it starts")
    );
    assert!(
        error
            .message_zh()
            .contains("日期范围 2025-04-06 至 2025-04-04 的结束早于开始")
    );
    // Too long for the calendar.
    let text = edited(
        text_of(2025),
        "1月28日（农历除夕、周二）至2月4日",
        "1月1日至2月4日",
    );
    let error = refused(&text, None, "二、春节");
    assert!(matches!(
        error.problem,
        NoticeProblem::RangeTooLong { max: 31, .. }
    ));
}

#[test]
fn a_make_up_workday_on_a_weekday_is_refused() {
    let text = edited(
        text_of(2024),
        "4月7日（星期日）上班",
        "4月8日（星期一）上班",
    );
    let error = refused(&text, None, "三、清明节");
    assert_eq!(
        error.problem,
        NoticeProblem::MakeupNotWeekend {
            date: d("2024-04-08"),
            weekday: Weekday::Mon
        }
    );
    assert!(
        error
            .to_string()
            .contains("make-up workday 2024-04-08 is a Monday, not a Saturday or Sunday")
    );
    assert!(
        error
            .message_zh()
            .contains("调休上班日 2024-04-08 是周一，不是周六或周日")
    );
}

#[test]
fn a_date_both_off_and_working_is_refused() {
    // On one line.
    let text = edited(text_of(2023), "10月7日（星期六）", "9月30日（星期六）");
    let error = refused(&text, None, "六、中秋节、国庆节");
    assert_eq!(
        error.problem,
        NoticeProblem::OffAndWorking {
            date: d("2023-09-30")
        }
    );
    assert!(
        error
            .to_string()
            .contains("2023-09-30 is both a day off and a working day")
    );
    assert!(
        error
            .message_zh()
            .contains("2023-09-30 既是放假日又是上班日")
    );
    // Against an earlier line: the later line is named.
    let text = edited(
        text_of(2024),
        "4月7日（星期日）上班",
        "5月4日（星期六）上班",
    );
    let error = refused(&text, None, "四、劳动节");
    assert_eq!(
        error.problem,
        NoticeProblem::OffAndWorking {
            date: d("2024-05-04")
        }
    );
    // One clause that says both.
    let text = edited(text_of(2024), "6月10日放假，与周末连休", "6月10日放假上班");
    let error = refused(&text, None, "五、端午节");
    assert_eq!(error.problem, NoticeProblem::MixedClause);
}

#[test]
fn a_date_outside_the_year_is_refused() {
    let text = edited(
        text_of(2026),
        "6月19日（周五）至21日（周日）",
        "2025年6月19日至21日",
    );
    let error = refused(&text, None, "五、端午节");
    assert_eq!(
        error.problem,
        NoticeProblem::DateOutsideYear {
            date: d("2025-06-19"),
            year: 2026
        }
    );
    assert!(
        error
            .to_string()
            .contains("2025-06-19 cannot belong to the notice for 2026")
    );
    assert!(
        error
            .message_zh()
            .contains("2025-06-19 不可能属于 2026 年的节假日安排")
    );
    // November of the year before is too far, December is not.
    let text = edited(text_of(2023), "2022年12月31日", "2022年11月30日");
    refused(&text, None, "一、元旦");
}

#[test]
fn a_holiday_line_without_a_date_or_a_day_off_is_refused() {
    let text = edited(text_of(2026), "4月4日（周六）至6日（周一）放假", "放假");
    let error = refused(&text, None, "三、清明节");
    assert_eq!(error.problem, NoticeProblem::NoDate);
    assert!(error.to_string().contains("the holiday line gives no date"));
    assert!(error.message_zh().contains("节假日条目没有写明日期"));
    let text = edited(
        text_of(2026),
        "1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班",
        "1月4日（周日）上班",
    );
    let error = refused(&text, None, "一、元旦");
    assert_eq!(error.problem, NoticeProblem::NoDayOff);
}

#[test]
fn a_text_without_holidays_or_year_is_refused() {
    let text = "国务院办公厅关于2027年部分节假日安排的通知\n\n节假日期间，各地区、各部门要妥善安排好值班。\n";
    let error = parse_notice(text, None).unwrap_err();
    assert_eq!(
        (error.line, error.problem.clone()),
        (0, NoticeProblem::NoHolidays)
    );
    assert_eq!(error.excerpt, "");
    assert!(
        error
            .to_string()
            .starts_with("notice: no holiday line found")
    );
    assert!(error.message_zh().starts_with("通知：没有找到节假日条目"));

    // No title and no hint.
    let items = "一、元旦：1月1日（周五）放假1天，不调休。\n";
    let error = parse_notice(items, None).unwrap_err();
    assert_eq!(
        (error.line, error.problem.clone()),
        (0, NoticeProblem::NoYear)
    );
    assert!(error.message_zh().starts_with("通知：无法确定年份"));
    // A title without a year names the title line.
    let text = format!("国务院办公厅关于部分节假日安排的通知\n{items}");
    let error = parse_notice(&text, None).unwrap_err();
    assert_eq!((error.line, error.problem), (1, NoticeProblem::NoYear));
    // A hint that contradicts the title.
    let error = parse_notice(text_of(2026), Some(2027)).unwrap_err();
    assert_eq!(
        (error.line, error.problem.clone()),
        (
            1,
            NoticeProblem::YearMismatch {
                title: 2026,
                given: 2027
            }
        )
    );
    assert!(
        error
            .to_string()
            .starts_with("line 1: the title names 2026 but the year given is 2027")
    );
    assert!(parse_notice(text_of(2026), Some(2026)).is_ok());
}

#[test]
fn the_excerpt_is_at_most_100_characters() {
    let long = format!(
        "一、元旦：1月1日（周五）放假。{}",
        "鼓励错峰出行".repeat(30)
    );
    let text = format!("国务院办公厅关于2026年部分节假日安排的通知\n{long}\n");
    let error = refused(&text, None, "一、元旦");
    assert_eq!(error.excerpt.chars().count(), EXCERPT_CHARS);
    assert!(long.starts_with(&error.excerpt));
}

// ---------------------------------------------------------------------------------------------
// Variants of the text

#[test]
fn half_width_punctuation_reads_the_same() {
    for (year, text) in NOTICES {
        let half: String = text
            .chars()
            .map(|c| match c {
                '（' => '(',
                '）' => ')',
                '：' => ':',
                '，' => ',',
                '。' => '.',
                other => other,
            })
            .collect();
        assert_eq!(
            parse_notice(&half, None).unwrap(),
            parse_notice(text, None).unwrap(),
            "{year}"
        );
    }
}

#[test]
fn xingqi_and_zhou_read_the_same() {
    let zhou = text_of(2026);
    let xingqi = zhou.replace("、周", "、星期").replace("（周", "（星期");
    assert!(xingqi.contains("（星期四）") && xingqi.contains("农历腊月二十八、星期日"));
    assert_eq!(parse_notice(&xingqi, None).unwrap(), notice(2026));
    let back = text_of(2023).replace("（星期", "（周");
    assert_eq!(parse_notice(&back, None).unwrap(), notice(2023));
    // 礼拜 and 星期天 too.
    let text = text_of(2023)
        .replace("（星期日）", "（星期天）")
        .replace("（星期六）", "（礼拜六）");
    assert_eq!(parse_notice(&text, None).unwrap(), notice(2023));
}

#[test]
fn layout_whitespace_and_numbering_do_not_matter() {
    let expected = notice(2021);
    // Leading whitespace (ASCII and ideographic), CRLF, a BOM, extra blank lines.
    let messy: String = format!(
        "\u{feff}{}",
        text_of(2021)
            .lines()
            .map(|line| format!("\u{3000}\u{3000}  {line}\r\n\r\n"))
            .collect::<String>()
    );
    let parsed = parse_notice(&messy, None).unwrap();
    assert_eq!(parsed.year, 2021);
    assert_eq!(parsed.days_off(), expected.days_off());
    assert_eq!(parsed.makeup_workdays(), expected.makeup_workdays());
    assert_eq!(
        parsed.title.as_deref(),
        Some("国务院办公厅关于2021年部分节假日安排的通知")
    );
    // Spaces inside dates, full-width digits.
    let spaced = edited(
        text_of(2021),
        "一、元旦：2021年1月1日至3日",
        "一、元旦： 2021 年 1 月 1 日至 ３ 日",
    );
    assert_eq!(
        parse_notice(&spaced, None).unwrap().days_off(),
        expected.days_off()
    );
    // Items without numbers (as newspapers print them), and with Arabic numbers.
    let bare: String = text_of(2021)
        .lines()
        .map(|line| {
            let line = strip_numbering(line).unwrap_or(line);
            format!("{line}\n")
        })
        .collect();
    assert_eq!(
        parse_notice(&bare, None).unwrap().days_off(),
        expected.days_off()
    );
    let arabic = text_of(2021)
        .replace("一、", "1.")
        .replace("二、", "2、")
        .replace("三、", "(三)");
    assert_eq!(
        parse_notice(&arabic, None).unwrap().days_off(),
        expected.days_off()
    );
}

#[test]
fn a_text_of_items_alone_with_a_year_hint() {
    let items = "元旦：1月1日（周五）至3日（周日）放假，共3天。\n\
                 春节：2月6日（农历腊月二十九、周六）至14日（农历正月初七、周日）放假调休，共9天。\n";
    let notice = parse_notice(items, Some(2027)).unwrap();
    assert_eq!(notice.year, 2027);
    assert_eq!(notice.title, None);
    assert_eq!(notice.holidays.len(), 2);
    assert_eq!(notice.holidays[1].line, 2);
    assert_eq!(notice.days_off().len(), 3 + 9);
    // Without the hint the year is unknown.
    assert_eq!(
        parse_notice(items, None).unwrap_err().problem,
        NoticeProblem::NoYear
    );
    // With it, a wrong weekday is still caught (2027-01-01 is a Friday).
    let wrong = items.replace("1月1日（周五）", "1月1日（周四）");
    let error = parse_notice(&wrong, Some(2027)).unwrap_err();
    assert_eq!(error.line, 1);
}

#[test]
fn lines_that_arrange_nothing_are_ignored() {
    let notice = notice(2025);
    // The preamble of 2025 speaks of 放假 and dates (自2025年1月1日起…如逢周三则只在当日放假).
    assert_eq!(notice.holidays.len(), 6);
    assert_eq!(notice.holidays[0].name, "元旦");
    assert_eq!(notice.holidays[5].name, "国庆节、中秋节");
    // The 2019 adjustment's items 二 and 三, and the 2020 extension's 补休 item, arrange nothing.
    let amended = parse_notice(text_of(2020), None)
        .unwrap()
        .amend(EXTENSION_2020)
        .unwrap();
    assert_eq!(amended.holidays.len(), 6);
}

#[test]
fn merged_ranges_stay_within_the_calendar_s_limit() {
    let ranges = [
        (d("2030-01-21"), d("2030-02-10")),
        (d("2030-01-01"), d("2030-01-20")),
        (d("2030-02-11"), d("2030-02-11")),
    ];
    // 1 January to 11 February would be 42 days: the first two stay apart.
    assert_eq!(
        merged(&ranges),
        [
            (d("2030-01-01"), d("2030-01-20")),
            (d("2030-01-21"), d("2030-02-11"))
        ]
    );
    assert_eq!(
        merged(&[
            (d("2030-01-01"), d("2030-01-01")),
            (d("2030-01-02"), d("2030-01-03"))
        ]),
        [(d("2030-01-01"), d("2030-01-03"))]
    );
}
