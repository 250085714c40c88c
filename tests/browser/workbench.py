"""The officer's workbench driven in Debian's headless Chromium (Playwright for Python).

Runs against `peiyu serve` over the demo county with the clock at 2023-07-03 (started by
.ci/browser.sh), as the team lead li.wt: log in with a password, see the week 2023-W27,
complete a task with a note, transfer one, try an advance a guard blocks and read why, enter
a month's figures, advance with an evidence file, find enterprises by stage, move an
enterprise to another batch, switch language, print the week, log out and find that Back
shows nothing; and as the admin: change an officer's role and deactivate one. Each action's effect is checked afterwards
through the CLI on the same database; at 390x844 every page must have
document.scrollWidth <= 390; screenshots of every page at 1366 and 390 px go to --shots.

Prints one line per check and a closing "browser: N passed, N failed"; exits 1 on a failure.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import traceback

from playwright.sync_api import sync_playwright

LOGIN, PASSWORD = "li.wt", "peiyu-browser-1"
# The demo's admin, whose password .ci/browser.sh sets too.
ADMIN, ADMIN_PASSWORD = "admin", "peiyu-browser-2"
# 莫家豪, an officer of the team, made a lead; 黄丽莎 deactivated, her work to 梁燕.
PROMOTED, LEAVING, SUCCESSOR = "mo.jh", "huang.ls", "liang.y"
# 恒达竹木制品有限公司（示例）: cultivating on the industrial track, below the threshold.
GROWING = "91451399MA5G7MJ93E"
# 下田锰矿有限公司: in batch 1 of the 2023 list.
LISTED = "91451399MA5EXB0L07"

parser = argparse.ArgumentParser()
parser.add_argument("--base", required=True)
parser.add_argument("--backend", required=True)
parser.add_argument("--shots", required=True)
parser.add_argument("--peiyu", required=True, help="the peiyu binary, for the checks")
args = parser.parse_args()
os.makedirs(args.shots, exist_ok=True)

results = []


def cli(*argv):
    """`peiyu --json ARGV` as li.wt on the server's database, parsed."""
    out = subprocess.run(
        [args.peiyu, "--as", LOGIN, "--json", *argv],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def check(name, fn):
    try:
        fn()
        results.append((name, None))
        print(f"ok   {args.backend}: {name}", flush=True)
    except Exception as e:  # noqa: BLE001 - every failure is reported, then the run fails
        results.append((name, e))
        print(f"FAIL {args.backend}: {name}: {e}", flush=True)
        traceback.print_exc()


def shot(page, name, width):
    page.screenshot(path=os.path.join(args.shots, f"{args.backend}-{name}-{width}.png"), full_page=True)


def log_in(page, login=LOGIN, password=PASSWORD):
    page.goto(args.base + "/week")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("form.login button[type=submit]")
    page.wait_for_url("**/week")


def note_of(page):
    return page.inner_text("p.ok-note") if page.query_selector("p.ok-note") else ""


def my_tasks(page):
    """The ids of li.wt's own open tasks, from the tasks page."""
    page.goto(args.base + "/tasks")
    return page.eval_on_selector_all(
        "tbody tr",
        """rows => rows
            .filter(r => [...r.cells].some(c => c.dataset.label === '负责人' && c.innerText.trim() === '李文韬'))
            .map(r => r.querySelector('td a').getAttribute('href'))""",
    )


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    state = {}

    def logs_in():
        page.goto(args.base + "/")
        shot(page, "login", 1366)
        log_in(page)
        assert "李文韬" in page.inner_text("header.top")

    def sees_week_27():
        page.goto(args.base + "/week?week=2023-W27")
        text = page.inner_text("main")
        assert "2023-W27" in text, text[:300]
        assert "本周到期" in text and "逾期" in text, text[:300]

    def completes_a_task():
        tasks = my_tasks(page)
        assert len(tasks) >= 2, tasks
        state["done"], state["moved"] = tasks[0], tasks[1]
        page.goto(args.base + state["done"])
        page.click("#complete > summary")
        page.fill("#complete-note", "浏览器测试：已电话回访，企业确认")
        page.click("#complete button[type=submit]")
        assert "任务已完成" in note_of(page), page.inner_text("main")[:400]
        task_id = state["done"].rsplit("/", 1)[1]
        shown = cli("task", "show", task_id)
        assert shown["status"] == "done", shown
        assert any(h["action"] == "task.done" and h["actor"] == LOGIN for h in shown["history"]), shown

    def transfers_a_task():
        page.goto(args.base + state["moved"])
        page.click("#transfer > summary")
        to = page.eval_on_selector("#transfer-to", "s => s.options[0].value")
        page.select_option("#transfer-to", to)
        page.fill("#transfer-reason", "属地调整")
        page.click("#transfer button[type=submit]")
        assert "任务已转办" in note_of(page), page.inner_text("main")[:400]
        task_id = state["moved"].rsplit("/", 1)[1]
        listed = [t for t in cli("task", "list", "--officer", to) if t["id"].replace("-", "") == task_id]
        assert listed and listed[0]["assignee"] == to, (to, listed)

    def a_blocked_advance_says_why():
        page.goto(args.base + f"/enterprises/{GROWING}")
        page.click("#advance-industrial > summary")
        page.select_option("#advance-industrial-to", "qualified")
        page.click("#advance-industrial button[value=check]")
        why = page.inner_text("#advance-industrial-to-error")
        assert "流转条件未满足" in why and "门槛" in why and "万元" in why, why
        shot(page, "advance-blocked", 1366)
        page.click("#advance-industrial button[value=advance]")
        why = page.inner_text("#advance-industrial-to-error")
        assert "流转条件未满足" in why, why
        assert cli("case", "show", GROWING)["cases"][0]["stage"] == "cultivating"

    def enters_a_months_figures():
        page.goto(args.base + f"/enterprises/{GROWING}")
        page.click("#metrics > summary")
        page.fill("#metrics-month", "2023-06")
        page.fill("#metrics-revenue", "800")
        page.fill("#metrics-output_value", "810.5")
        page.click("#metrics button[type=submit]")
        assert "月度指标已保存" in note_of(page), page.inner_text("main")[:400]
        june = [m for m in cli("metrics", "list", GROWING) if m["month"] == "2023-06"]
        assert june and june[0]["revenue"] == 8_000_000 and june[0]["output_value"] == 8_105_000, june

    def advances_with_an_evidence_file():
        page.goto(args.base + f"/enterprises/{GROWING}")
        page.click("#advance-industrial > summary")
        page.select_option("#advance-industrial-to", "qualified")
        page.fill("#advance-industrial-reason", "上半年营收与产值达到规上门槛")
        minutes = "培育工作会议纪要：恒达竹木达到规上门槛".encode("utf-8")
        page.set_input_files(
            "#advance-industrial-evidence_file",
            files=[{"name": "minutes.txt", "mimeType": "text/plain", "buffer": minutes}],
        )
        page.click("#advance-industrial button[value=advance]")
        assert "已推进到新阶段" in note_of(page), page.inner_text("main")[:600]
        case = cli("case", "show", GROWING)["cases"][0]
        assert case["stage"] == "qualified", case
        sha = hashlib.sha256(minutes).hexdigest()
        cited = case["history"][-1]["evidence"]
        assert any(e.startswith(f"sha256:{sha} minutes.txt") for e in cited), cited
        # The file is kept and served back as uploaded.
        got = page.request.get(args.base + f"/evidence/{sha}")
        assert got.status == 200 and got.body() == minutes, got.status

    def finds_enterprises_by_stage():
        page.goto(args.base + "/enterprises")
        page.select_option("#find-enterprises-stage", "industrial:qualified")
        page.click("#find-enterprises button[type=submit]")
        page.wait_for_url("**stage=industrial%3Aqualified**")
        text = page.inner_text("main")
        assert "恒达竹木制品有限公司" in text, text[:600]
        listed = cli("enterprise", "list", "--stage", "qualified", "--track", "industrial")
        assert f"找到 {len(listed)} 家" in text, (len(listed), text[:300])
        assert any(e["uscc"] == GROWING for e in listed), listed

    def moves_between_batches():
        page.goto(args.base + f"/enterprises/{LISTED}")
        page.click("#batch > summary")
        page.select_option("#batch-batch", "2")
        page.fill("#batch-reason", "产能扩张，转入培育壮大")
        page.click("#batch button[type=submit]")
        assert "批次已调整" in note_of(page), page.inner_text("main")[:400]
        moves = cli("batch", "history", LISTED)
        assert moves[-1]["from"] == 1 and moves[-1]["to"] == 2, moves[-1]

    def admin_changes_a_role_and_deactivates_an_officer():
        handed = {t["id"] for t in cli("task", "list", "--officer", LEAVING)}
        assert handed, "the officer to deactivate has open tasks"
        admin = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        a = admin.new_page()
        log_in(a, ADMIN, ADMIN_PASSWORD)
        a.goto(args.base + "/admin")
        a.click("#role > summary")
        a.select_option("#role-officer", PROMOTED)
        a.select_option("#role-role", "lead")
        # No reason: the browser insists (required); then the reason is given.
        a.fill("#role-reason", "任命为工业股组长")
        a.click("#role button[type=submit]")
        assert "角色已调整" in note_of(a), a.inner_text("main")[:400]
        a.click("#deactivate > summary")
        a.select_option("#deactivate-officer", LEAVING)
        a.select_option("#deactivate-successor", SUCCESSOR)
        a.fill("#deactivate-reason", "调往发改局")
        a.click("#deactivate button[value=deactivate]")
        assert "已停用该干部" in note_of(a), a.inner_text("main")[:400]
        shot(a, "admin-after", 1366)
        admin.close()
        officers = {o["login"]: o for o in cli("officer", "list")}
        assert officers[PROMOTED]["role"] == "lead", officers[PROMOTED]
        assert officers[LEAVING]["active"] is False, officers[LEAVING]
        taken = {t["id"] for t in cli("task", "list", "--officer", SUCCESSOR)}
        assert handed <= taken, (handed - taken)

    def switches_language():
        page.goto(args.base + "/week?week=2023-W27")
        page.click("header.top .me a[href*='lang=en']")
        assert page.get_attribute("html", "lang") == "en"
        assert "week=2023-W27" in page.url, page.url
        assert "My week" in page.inner_text("header.top")
        page.click("header.top .me a[href*='lang=zh']")
        assert page.get_attribute("html", "lang") == "zh"

    def the_register_agrees_with_the_cli():
        page.goto(args.base + "/register?as_of=2023-06-30")
        assert "统计名录" in page.inner_text("h1")
        listed = cli("register", "list", "--as-of", "2023-06-30")
        names = page.eval_on_selector_all(
            "table", "ts => [...ts[ts.length - 1].querySelectorAll('tbody tr')].map(r => r.cells[1].innerText.trim())"
        )
        assert len(names) == len(listed["rows"]) == 75, (len(names), len(listed["rows"]))
        assert sorted(names) == sorted(r["enterprise"]["name"] for r in listed["rows"]), names[:5]
        text = page.inner_text("main")
        assert "75" in text and "规上工业" in text, text[:300]

    def prints_the_week():
        page.goto(args.base + "/week/print?week=2023-W27")
        assert "周例会任务清单" in page.inner_text("h1")
        page.emulate_media(media="print")
        shot(page, "print", 1366)
        page.pdf(path=os.path.join(args.shots, f"{args.backend}-week-2023-W27.pdf"), landscape=True, format="A4")
        hidden = page.eval_on_selector("header.top", "h => getComputedStyle(h).display")
        assert hidden == "none", hidden
        page.emulate_media(media="screen")

    pages = [
        ("week", "/week?week=2023-W27"),
        ("week-team", "/week?week=2023-W27&team=%E4%BC%81%E4%B8%9A%E5%9F%B9%E8%82%B2%E5%B7%A5%E4%BD%9C%E4%B8%93%E7%8F%AD"),
        ("print", "/week/print?week=2023-W27&per_officer=true"),
        ("tasks", "/tasks"),
        ("task", None),
        ("enterprises", "/enterprises"),
        ("enterprise", f"/enterprises/{GROWING}"),
        ("progress", "/progress"),
        ("register", "/register?as_of=2023-06-30"),
        ("calendar", "/calendar"),
        ("audit", "/audit"),
        ("admin", "/admin"),
        ("tokens", "/admin/tokens"),
        ("import", "/admin/import"),
        ("find-pinyin", "/enterprises?q=jmmy"),
        ("find-stage", "/enterprises?stage=industrial%3Aqualified"),
        ("find-enterprises", "/enterprises?q=%E6%9C%A8%E4%B8%9A&sort=town"),
        ("find-tasks", "/tasks?scope=mine&status=all"),
        ("password", "/password"),
        ("not-found", "/no/such/page"),
        ("week-en", "/week?week=2023-W27&lang=en"),
    ]

    def every_page_fits_a_phone():
        phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
        small = phone.new_page()
        log_in(small)
        wide = []
        for name, path in pages:
            path = path or state["done"]
            for viewer, width in ((small, 390), (page, 1366)):
                viewer.goto(args.base + path)
                shot(viewer, name, width)
            scroll = small.evaluate("document.documentElement.scrollWidth")
            if scroll > 390:
                wide.append((path, scroll))
        small.goto(args.base + "/")
        phone.close()
        assert not wide, wide

    def logs_out_and_back_shows_nothing():
        page.goto(args.base + "/week?week=2023-W27")
        page.click("header.top form[action='/logout'] button")
        page.wait_for_url("**/")
        page.go_back()
        page.wait_for_load_state()
        text = page.inner_text("main")
        assert "2023-W27" not in text and "逾期" not in text, text[:300]
        assert page.query_selector("#password") is not None, "the login form, not the cached week"

    for name, fn in [
        ("log in with a password", logs_in),
        ("see the week 2023-W27", sees_week_27),
        ("the register (统计名录) lists the CLI's 75 firms", the_register_agrees_with_the_cli),
        ("complete a task with a note", completes_a_task),
        ("transfer a task", transfers_a_task),
        ("an advance a guard blocks says why", a_blocked_advance_says_why),
        ("enter a month's figures in 万元", enters_a_months_figures),
        ("advance with an evidence file", advances_with_an_evidence_file),
        ("find enterprises by stage", finds_enterprises_by_stage),
        ("move an enterprise between batches", moves_between_batches),
        ("the admin changes a role and deactivates an officer", admin_changes_a_role_and_deactivates_an_officer),
        ("switch language", switches_language),
        ("print the week", prints_the_week),
        ("every page fits 390 px; screenshots at 1366 and 390", every_page_fits_a_phone),
        ("log out, and Back shows nothing", logs_out_and_back_shows_nothing),
    ]:
        check(name, fn)
    browser.close()

failed = sum(1 for _, e in results if e is not None)
print(f"browser ({args.backend}): {len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
