//! Init, officers, teams and enterprises from the command line.

use crate::{peiyu, peiyu_env, stderr, stdout};

fn initialised() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = peiyu(dir.path(), &["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        dir.path().join("peiyu.db").exists(),
        "init creates peiyu.db in the working directory"
    );
    dir
}

#[test]
fn a_wrong_check_character_exits_2_and_names_the_right_one() {
    let dir = initialised();
    let out = peiyu(
        dir.path(),
        &[
            "enterprise",
            "add",
            "--uscc",
            "914403001922038217",
            "--name",
            "华为技术有限公司",
            "--sector",
            "industry",
            "--town",
            "石龙镇",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("--uscc"), "{err}");
    assert!(err.contains("校验位"), "{err}");
    assert!(err.contains('6') && err.contains('7'), "{err}");

    let out = peiyu(
        dir.path(),
        &[
            "--lang",
            "en",
            "enterprise",
            "add",
            "--uscc",
            "914403001922038217",
            "--name",
            "x",
            "--sector",
            "industry",
            "--town",
            "y",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("check character"), "{err}");
    assert!(err.contains("should be 6"), "{err}");

    // Nothing was written.
    let out = peiyu(dir.path(), &["--json", "enterprise", "list"]);
    assert_eq!(stdout(&out).trim(), "[]");
}

#[test]
fn a_valid_enterprise_is_stored_listed_and_shown_and_a_duplicate_is_refused() {
    let dir = initialised();
    let add = [
        "enterprise",
        "add",
        "--uscc",
        "914403001922038216",
        "--name",
        "华为技术有限公司",
        "--sector",
        "工业",
        "--town",
        "石龙镇",
        "--land-area",
        "18.7",
    ];
    let out = peiyu(dir.path(), &add);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("华为技术有限公司"));

    let out = peiyu(dir.path(), &["--json", "enterprise", "list"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["uscc"], "914403001922038216");
    assert_eq!(list[0]["sector"], "industry");
    assert_eq!(list[0]["land_area_mu"], "18.7");

    let out = peiyu(dir.path(), &["enterprise", "show", "华为"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("440300"), "area code is shown: {text}");

    let out = peiyu(dir.path(), &add);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("914403001922038216"));
}

#[test]
fn exit_codes_tell_not_found_and_conflict_apart() {
    let dir = initialised();
    let out = peiyu(dir.path(), &["enterprise", "show", "不存在的企业"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));

    let out = peiyu(
        dir.path(),
        &[
            "enterprise",
            "add",
            "--uscc",
            "914403001922038216",
            "--name",
            "华为技术有限公司",
            "--sector",
            "industry",
            "--town",
            "石龙镇",
        ],
    );
    assert!(out.status.success());
    let out = peiyu(
        dir.path(),
        &[
            "enterprise",
            "edit",
            "华为",
            "--town",
            "运江镇",
            "--expect-version",
            "1",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peiyu(
        dir.path(),
        &[
            "enterprise",
            "edit",
            "华为",
            "--town",
            "三江口",
            "--expect-version",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("版本"), "{}", stderr(&out));

    let out = peiyu(
        dir.path(),
        &[
            "enterprise",
            "add",
            "--uscc",
            "x",
            "--name",
            "x",
            "--sector",
            "mining",
            "--town",
            "y",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = peiyu(dir.path(), &["enterprise", "list", "--sector", "mining"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--sector"), "{}", stderr(&out));
}

#[test]
fn officers_and_teams_and_acting_as_someone() {
    let dir = initialised();
    let out = peiyu(
        dir.path(),
        &["officer", "add", "wang", "--name", "王芳", "--role", "lead"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peiyu(dir.path(), &["officer", "add", "li", "--name", "李明"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peiyu(
        dir.path(),
        &["team", "add", "企业培育工作专班", "--lead", "wang"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peiyu(
        dir.path(),
        &["--as", "wang", "team", "join", "企业培育工作专班", "li"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peiyu(dir.path(), &["--json", "team", "list"]);
    let teams: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(teams[0]["lead"], "wang");
    assert_eq!(teams[0]["members"], serde_json::json!(["wang", "li"]));
    // The lead takes li off again; the lead cannot leave the team they lead (exit 2).
    let out = peiyu(
        dir.path(),
        &["--as", "wang", "team", "leave", "企业培育工作专班", "li"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peiyu(dir.path(), &["team", "leave", "企业培育工作专班", "wang"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("组长"), "{}", stderr(&out));
    let out = peiyu(dir.path(), &["--json", "team", "list"]);
    let teams: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(teams[0]["members"], serde_json::json!(["wang"]));

    // Membership is dated: li back on the team from 5 January (li's same-day join and leave
    // above undid each other); a leave before that day is refused naming it and the flag; the
    // team as it was on a day.
    let out = peiyu(
        dir.path(),
        &[
            "team",
            "add-member",
            "企业培育工作专班",
            "li",
            "--on",
            "2026-01-05",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peiyu(
        dir.path(),
        &[
            "team",
            "leave",
            "企业培育工作专班",
            "li",
            "--on",
            "2026-01-01",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("--on") && err.contains("2026-01-05"), "{err}");
    let out = peiyu(
        dir.path(),
        &[
            "--json",
            "team",
            "show",
            "企业培育工作专班",
            "--as-of",
            "2026-02-01",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["day"], "2026-02-01");
    assert_eq!(
        shown["members"],
        serde_json::json!([{"login": "li", "name": "李明", "joined_on": "2026-01-05", "left_on": null}])
    );
    let out = peiyu(
        dir.path(),
        &["team", "show", "企业培育工作专班", "--as-of", "2026-01-04"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2026-01-04 的成员"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("李明"), "{}", stdout(&out));

    // An officer may not add officers; an unknown --as is bad input.
    let out = peiyu(
        dir.path(),
        &["--as", "li", "officer", "add", "zhao", "--name", "赵"],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = peiyu(dir.path(), &["--as", "nobody", "officer", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nobody"));

    let out = peiyu(dir.path(), &["audit", "verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_command_before_init_says_to_run_init() {
    let dir = tempfile::tempdir().unwrap();
    let out = peiyu(dir.path(), &["enterprise", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("peiyu init"), "{}", stderr(&out));
}

#[test]
fn the_calendar_counts_working_days() {
    let dir = tempfile::tempdir().unwrap();
    let out = peiyu(dir.path(), &["calendar", "add-days", "2023-09-28", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "2023-10-11");
    // A year without its notice counts on the statutory holidays, marked, never refused.
    let out = peiyu(dir.path(), &["calendar", "add-days", "2027-03-01", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "2027-03-08 ※");
    assert!(
        stderr(&out).contains("2027 年的工作日暂按法定节假日计算"),
        "{}",
        stderr(&out)
    );
    // Only a date outside the calendar's range is an error, naming the range.
    let out = peiyu(dir.path(), &["calendar", "add-days", "1999-03-01", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("2000-01-01 至 2100-12-31"),
        "{}",
        stderr(&out)
    );
    // Nothing was created on the way: the calendar needs no database.
    assert!(!dir.path().join("peiyu.db").exists());
}

#[test]
fn an_import_with_bad_rows_exits_2_names_each_and_writes_nothing() {
    let dir = initialised();
    let file = dir.path().join("企业台账.csv");
    std::fs::write(
        &file,
        "\u{feff}统一社会信用代码,企业名称,行业,乡镇\n\
         914403001922038216,华为技术有限公司,工业,石龙镇\n\
         914403001922038217,错码企业,工业,石龙镇\n\
         914403001922038216,重复企业,采矿,石龙镇\n",
    )
    .unwrap();
    let out = peiyu(
        dir.path(),
        &["import", "enterprises", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains('3') && err.contains('4'),
        "each bad line is named: {err}"
    );
    assert!(
        err.contains("行业") || err.contains("sector"),
        "the column is named: {err}"
    );
    let out = peiyu(dir.path(), &["--json", "enterprise", "list"]);
    assert_eq!(stdout(&out).trim(), "[]", "nothing was written");

    // The good row alone imports, and importing it again changes nothing.
    std::fs::write(
        &file,
        "统一社会信用代码,企业名称,行业,乡镇\n914403001922038216,华为技术有限公司,工业,石龙镇\n",
    )
    .unwrap();
    for _ in 0..2 {
        let out = peiyu(
            dir.path(),
            &["import", "enterprises", file.to_str().unwrap()],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = peiyu(
        dir.path(),
        &["--json", "audit", "log", "--action", "enterprise.add"],
    );
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        entries.as_array().unwrap().len(),
        1,
        "re-import wrote nothing"
    );
    assert_eq!(entries[0]["action"], "enterprise.add", "JSON keeps the key");
    // People read the action's label; --action takes the key or the label.
    let out = peiyu(dir.path(), &["audit", "log", "--action", "建档"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("建档"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("enterprise.add"), "{}", stdout(&out));
    let out = peiyu(
        dir.path(),
        &["--lang", "en", "audit", "log", "--action", "enterprise.add"],
    );
    assert!(
        stdout(&out).contains("added to the register"),
        "{}",
        stdout(&out)
    );
    let out = peiyu(dir.path(), &["audit", "log", "--action", "enterprise.fly"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--action"), "{}", stderr(&out));
}

#[test]
fn at_the_years_end_tick_runs_every_phase_and_a_notice_loads_from_its_text() {
    let dir = initialised();
    let clock = [("PEIYU_CLOCK", "2026-12-02")];
    // The monitoring check: 2027 starts within 60 days and is still provisional.
    let out = peiyu_env(dir.path(), &clock, &["calendar", "check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("2027 年：暂定"), "{}", stdout(&out));
    assert!(stdout(&out).contains("2026 年：正式"), "{}", stdout(&out));
    // tick runs every phase and says so in words.
    let out = peiyu_env(dir.path(), &clock, &["tick"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("tick 完成 2026-12-02"), "{said}");
    assert!(
        said.contains("逾期升级督办 0 项") && said.contains("审计日封签"),
        "{said}"
    );
    // The notice's text: shown first, written only with --apply.
    let notice = dir.path().join("2027.txt");
    std::fs::write(
        &notice,
        "国务院办公厅关于2027年部分节假日安排的通知\n\
         一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n\
         二、春节：2月5日（周五）至12日（周五）放假调休，共8天。2月20日（周六）上班。\n",
    )
    .unwrap();
    let path = notice.to_str().unwrap();
    let out = peiyu_env(dir.path(), &clock, &["calendar", "load", path]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("尚未写入"), "{}", stdout(&out));
    let out = peiyu_env(dir.path(), &clock, &["calendar", "check"]);
    assert_eq!(out.status.code(), Some(1), "still provisional");
    let out = peiyu_env(dir.path(), &clock, &["calendar", "load", path, "--apply"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("已录入并审计"), "{}", stdout(&out));
    let out = peiyu_env(dir.path(), &clock, &["calendar", "check"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("2027 年：正式（已录入通知）"),
        "{}",
        stdout(&out)
    );
    let out = peiyu(dir.path(), &["calendar", "add-days", "2027-02-19", "1"]);
    assert_eq!(
        stdout(&out).trim(),
        "2027-02-20",
        "the make-up Saturday works"
    );
    // A wrong count is refused with its line named.
    std::fs::write(
        &notice,
        "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至3日（周日）放假，共4天。\n",
    )
    .unwrap();
    let out = peiyu_env(dir.path(), &clock, &["calendar", "load", path, "--apply"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("第2行"), "{}", stderr(&out));
    let out = peiyu(dir.path(), &["audit", "verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn track_validate_needs_no_database_and_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workflow/tracks/industrial.toml"
    );
    let out = peiyu(dir.path(), &["track", "validate", file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("有效"), "{}", stdout(&out));
    assert!(!dir.path().join("peiyu.db").exists());
}

#[test]
fn every_text_file_over_its_cap_is_refused_by_name_and_nothing_changes() {
    let dir = initialised();
    // 40 KiB of track, rules, notice and override, against a cap of 16 KiB.
    let big = "# 注释\n".repeat(4_000);
    for name in ["track.toml", "rules.toml", "notice.txt", "override.toml"] {
        std::fs::write(dir.path().join(name), &big).unwrap();
    }
    let capped = [("PEIYU_MAX_TEXT_FILE_KB", "16")];
    for (args, field) in [
        (&["track", "validate", "track.toml"][..], "FILE"),
        (&["track", "load", "track.toml"][..], "FILE"),
        (
            &["calendar", "load", "notice.txt", "--year", "2027"][..],
            "FILE",
        ),
        (
            &[
                "batch",
                "suggest",
                "--list",
                "2023",
                "--rules",
                "rules.toml",
            ][..],
            "--rules",
        ),
    ] {
        let out = peiyu_env(dir.path(), &capped, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let said = stderr(&out);
        assert!(said.contains(field), "{args:?}: {said}");
        assert!(said.contains("超过上限 16 KiB"), "{args:?}: {said}");
    }
    let env = [
        ("PEIYU_MAX_TEXT_FILE_KB", "16"),
        ("PEIYU_CALENDAR_OVERRIDE", "override.toml"),
    ];
    let out = peiyu_env(dir.path(), &env, &["--lang", "en", "enterprise", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("more than the limit of 16 KiB"),
        "{}",
        stderr(&out)
    );
    // Within the default cap (1 MiB) the same files are read: the track is checked and found
    // wanting, not refused for its size.
    let out = peiyu(
        dir.path(),
        &["--lang", "en", "track", "validate", "track.toml"],
    );
    assert!(!stderr(&out).contains("limit"), "{}", stderr(&out));
    let out = peiyu(dir.path(), &["--json", "track", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("track.toml"));
}

/// Runs `peiyu` in `dir` with `input` on standard input (not a terminal).
fn peiyu_with_input(dir: &std::path::Path, input: &str, args: &[&str]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_peiyu"))
        .current_dir(dir)
        .env_remove("PEIYU_CLOCK")
        .env_remove("PEIYU_DATABASE_URL")
        .env_remove("PEIYU_AS")
        .env_remove("PEIYU_LANG")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn officer_password_reads_a_line_from_standard_input_and_is_audited() {
    let dir = initialised();
    let out = peiyu(dir.path(), &["officer", "add", "wang", "--name", "王芳"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = peiyu_with_input(
        dir.path(),
        "admin-secret-1\n",
        &["officer", "password", "admin"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("已设置 admin 的密码"),
        "{}",
        stdout(&out)
    );
    let out = peiyu_with_input(
        dir.path(),
        "temporary-1\r\n",
        &["--lang", "en", "officer", "password", "wang"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("must be changed at the first login"),
        "{}",
        stdout(&out)
    );

    // Too short: exit 2, the minimum stated; an officer may not set another's: exit 1.
    let out = peiyu_with_input(dir.path(), "short\n", &["officer", "password", "wang"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("8"), "{}", stderr(&out));
    let out = peiyu_with_input(
        dir.path(),
        "whatever-long\n",
        &["--as", "wang", "officer", "password", "admin"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    let out = peiyu(dir.path(), &["--json", "audit", "log"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stdout(&out);
    assert_eq!(log.matches("officer.password").count(), 2, "{log}");
    assert!(!log.contains("argon2") && !log.contains("secret"), "{log}");
}

#[test]
fn a_bare_amount_is_refused_with_the_units_to_choose_from() {
    let dir = initialised();
    let out = peiyu(
        dir.path(),
        &[
            "enterprise",
            "add",
            "--uscc",
            "914403001922038216",
            "--name",
            "华为技术有限公司",
            "--sector",
            "工业",
            "--town",
            "石龙镇",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let add = |revenue: &str, lang: &str| {
        peiyu(
            dir.path(),
            &[
                "--lang",
                lang,
                "metrics",
                "add",
                "华为",
                "--month",
                "2023-01",
                "--revenue",
                revenue,
            ],
        )
    };
    let out = add("1200", "zh");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("--revenue"), "{err}");
    assert!(err.contains("请注明单位：1200万 或 1200元"), "{err}");
    let out = add("1200", "en");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("\"1200万\" or \"1200元\""),
        "{}",
        stderr(&out)
    );
    // Nothing was recorded; with a unit it is.
    let out = peiyu(dir.path(), &["--json", "metrics", "list", "华为"]);
    assert_eq!(stdout(&out).trim(), "[]", "{}", stderr(&out));
    let out = add("1200万", "zh");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peiyu(dir.path(), &["--json", "metrics", "list", "华为"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["revenue"], 12_000_000, "{list}");

    // A money target needs its unit too; a count does not take one.
    let target = |metric: &str, value: &str| {
        peiyu(
            dir.path(),
            &[
                "target", "set", "--year", "2023", "--metric", metric, "--value", value,
            ],
        )
    };
    let out = target("new_output_value", "30000");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("请注明单位"), "{}", stderr(&out));
    assert!(target("new_output_value", "3亿").status.success());
    let out = target("new_above_scale", "3万");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(target("new_above_scale", "14").status.success());
}
