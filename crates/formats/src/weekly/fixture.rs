//! A hand-made weekly list for the renderer tests: 2023-W27 as it stood on Monday 3 July 2023,
//! a week after the Dragon Boat holiday (22–24 June, with Sunday 25 June a make-up workday).
//!
//! Overdue tasks straddle the holiday; tasks fall due on several days; one task is delegated,
//! some are carried over; batches 1, 2, 4 and none; a watch list with every reason; a seal.
//! Text with `&`, `<`, `"`, `|` and `,` checks every format's escaping.

use chrono::NaiveDate;
use peiyu_domain::{
    Batch, EnterpriseId, FactorCategory, OfficerId, Task, TaskId, TaskKind, TaskNote, TaskStatus,
    Text, Week,
};
use peiyu_service::weekly::{
    DueDay, ListBasis, WatchItem, WatchReason, WeeklyList, WeeklyScope, WeeklyTask,
};
use uuid::Uuid;

/// `2023-mm-dd`.
pub fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, m, day).unwrap()
}

fn batch(n: u8) -> Option<Batch> {
    Some(Batch::new(n).unwrap())
}

const WANG: u128 = 0x0189_0000_0000_7000_8000_0000_0000_0001;
const LI: u128 = 0x0189_0000_0000_7000_8000_0000_0000_0002;

/// An enterprise of the fixture: name, USCC, batch.
struct Firm {
    n: u128,
    name: &'static str,
    uscc: &'static str,
    batch: Option<Batch>,
}

fn firms() -> [Firm; 4] {
    [
        Firm {
            n: 1,
            name: "广西运江竹业有限公司",
            uscc: "91450221MA5L8Q2X7B",
            batch: batch(1),
        },
        Firm {
            n: 2,
            name: "柳州 A&B <精密> 机械有限公司",
            uscc: "91450200MA5KT3LN2C",
            batch: batch(2),
        },
        Firm {
            n: 3,
            name: "鹿寨县鑫源食品厂",
            uscc: "92450223MA5N0P8R4D",
            batch: batch(4),
        },
        Firm {
            n: 4,
            name: "融安县金桔农产品加工有限公司",
            uscc: "91450224MA5P6W1E9F",
            batch: None,
        },
    ]
}

/// An open task, due and created as given, neither late, carried over nor delegated: `n`
/// numbers its id, `firm` indexes [`firms`] (`None`: about no enterprise).
fn task(
    n: u32,
    firm: Option<usize>,
    kind: TaskKind,
    title: &str,
    created_on: NaiveDate,
    due_on: NaiveDate,
) -> WeeklyTask {
    let firms = firms();
    let firm = firm.map(|i| &firms[i]);
    let id = Uuid::from_u128(0x0189_1a2b_3c4d_7e5f_8000_0000_0000_0000 + u128::from(n) * 0x1_0101);
    let simple = id.simple().to_string();
    let enterprise = |f: &Firm| {
        EnterpriseId(Uuid::from_u128(
            0x0188_0000_0000_7000_8000_0000_0000_0000 + f.n,
        ))
    };
    WeeklyTask {
        task: Task {
            id: TaskId(id),
            enterprise: firm.map(enterprise),
            cultivation: None,
            kind,
            title: title.to_owned(),
            description: None,
            assignee: OfficerId(Uuid::from_u128(WANG)),
            delegate: None,
            created_by: OfficerId(Uuid::from_u128(WANG)),
            status: TaskStatus::Open,
            created_on,
            due_on,
            due_count: None,
            follow_up_on: None,
            origin: "manual".into(),
            completed_on: None,
            completion_note: None,
            evidence: None,
            cancel_reason: None,
        },
        short_id: simple[simple.len() - 8..].to_owned(),
        enterprise_name: firm.map(|f| f.name.to_owned()),
        enterprise_uscc: firm.map(|f| f.uscc.to_owned()),
        batch: firm.and_then(|f| f.batch),
        assignee_login: "wang.wei".into(),
        assignee_name: "王伟".into(),
        delegate_name: None,
        working_days_overdue: None,
        carried_over: false,
        seq: 0,
        progress: None,
        due_provisional: false,
    }
}

/// What a fixture task can be besides open and on time.
trait Tweak {
    fn late(self, working_days: u32) -> Self;
    fn carried(self) -> Self;
    fn delegated(self) -> Self;
    fn done(self, on: NaiveDate) -> Self;
    fn noted(
        self,
        on: NaiveDate,
        progress: &str,
        problem: Option<&str>,
        next: Option<&str>,
    ) -> Self;
}

impl Tweak for WeeklyTask {
    fn late(mut self, working_days: u32) -> Self {
        self.working_days_overdue = Some(working_days);
        self
    }

    fn carried(mut self) -> Self {
        self.carried_over = true;
        self
    }

    fn delegated(mut self) -> Self {
        self.task.delegate = Some(OfficerId(Uuid::from_u128(LI)));
        self.delegate_name = Some("李娜".into());
        self
    }

    fn noted(
        mut self,
        on: NaiveDate,
        progress: &str,
        problem: Option<&str>,
        next: Option<&str>,
    ) -> Self {
        self.progress = Some(TaskNote {
            task: self.task.id,
            author: self.task.assignee,
            written_on: on,
            progress: progress.to_owned(),
            problem: problem.map(str::to_owned),
            next_step: next.map(str::to_owned),
        });
        self
    }

    fn done(mut self, on: NaiveDate) -> Self {
        self.task.status = TaskStatus::Done;
        self.task.completed_on = Some(on);
        self.task.completion_note = Some("已完成".into());
        self
    }
}

/// 王伟's week 2023-W27 as of Monday 2023-07-03, ordered as the workflow orders it (batches 1
/// and 2 first, then by due date).
#[rustfmt::skip] // The tasks read best as a table, one a line.
pub fn week27() -> WeeklyList {
    use FactorCategory::Land;
    use TaskKind::*;
    // Working days after the due date up to the list's day (`Calendar::working_days_between`):
    // for 21 June, the day before the holiday, 25 June (a make-up workday), 26–30 June and 3 July.
    let overdue = vec![
        task(1, Some(0), Visit, "节前走访：了解二期厂房进度", d(6, 12), d(6, 21)).late(7).carried(),
        task(2, Some(1), FactorGuarantee(Land), "协调用地预审, 跟进规划许可", d(6, 19), d(6, 26))
            .late(5).delegated()
            .noted(d(6, 30), "已报自然资源局", Some("规划许可待批"), Some("7 月 5 日前再催办")),
        task(3, None, StatisticsReport, "报送 6 月规上工业统计快报", d(6, 20), d(6, 29)).late(2),
    ];
    let mut days: Vec<DueDay> = Week::new(2023, 27).unwrap().days().into_iter()
        .map(|date| DueDay { date, working_day: date <= d(7, 7), tasks: Vec::new() })
        .collect();
    days[0].tasks = vec![
        task(4, Some(0), Document, "收集 2022 年度审计报告", d(6, 28), d(7, 3)),
        task(5, Some(2), Visit, "回访：核实新增产线投产时间", d(6, 26), d(7, 3)),
    ];
    days[2].tasks = vec![
        task(6, Some(1), FactorGuarantee(Land), "用地指标 \"点供\" 申请 | 材料补正", d(6, 30), d(7, 5))
            .delegated(),
    ];
    days[3].tasks = vec![
        task(7, Some(0), InspectionFinding, "整改安全生产检查问题（消防通道）", d(7, 3), d(7, 6)),
    ];
    days[4].tasks = vec![
        task(8, Some(3), Application, "申报入统材料初审", d(6, 20), d(7, 7))
            .noted(d(7, 3), "材料已收齐 | 待盖章", None, None),
    ];
    let next_week = vec![
        task(9, Some(0), Application, "申报自治区级专精特新", d(7, 3), d(7, 12)),
        task(10, None, Custom, "准备季度例会汇报材料", d(7, 3), d(7, 14)),
    ];
    let done_last_week = vec![
        task(11, Some(0), Visit, "走访：用电增容需求", d(6, 19), d(6, 30)).done(d(6, 28)),
        task(12, Some(2), Document, "收集食品生产许可证复印件", d(6, 16), d(6, 29)).done(d(6, 30)),
    ];
    let firms = firms();
    let watch = vec![
        WatchItem {
            reason: WatchReason::TargetAtRisk {
                target_date: d(8, 31),
                target_stage: Some("qualified".into()),
                target_label: Some(Text::new("达标", "qualified")),
            },
            enterprise_name: firms[0].name.into(),
            enterprise_uscc: firms[0].uscc.into(),
            batch: firms[0].batch,
            track: Some("industrial".into()),
            track_label: Some(Text::new("工业小升规", "industrial above-scale cultivation")),
            stage: Some(Text::new("培育中", "cultivating")),
            detail: Text::new(
                "营业收入未达 2000 万元；规上条件仍不满足",
                "revenue below 20 million yuan; the above-scale guard still fails",
            ),
        },
        WatchItem {
            reason: WatchReason::NearThreshold { share_bp: 9_250 },
            enterprise_name: firms[1].name.into(),
            enterprise_uscc: firms[1].uscc.into(),
            batch: firms[1].batch,
            track: Some("industrial".into()),
            track_label: Some(Text::new("工业小升规", "industrial above-scale cultivation")),
            stage: Some(Text::new("培育中", "cultivating")),
            detail: Text::new(
                "营收 1850 万元，达规上标准 2000 万元的 92.5%",
                "revenue 18.5 million yuan, 92.5% of the 20 million threshold",
            ),
        },
        WatchItem {
            reason: WatchReason::Stalled { days: 75 },
            enterprise_name: firms[3].name.into(),
            enterprise_uscc: firms[3].uscc.into(),
            batch: None,
            track: Some("industrial".into()),
            track_label: Some(Text::new("工业小升规", "industrial above-scale cultivation")),
            stage: Some(Text::new("入库候选", "candidate")),
            detail: Text::new("自 4 月 19 日起未推进", "no move since 19 April"),
        },
    ];
    let mut list = WeeklyList {
        scope: WeeklyScope::Officer {
            login: "wang.wei".into(),
            name: "王伟".into(),
        },
        week: Week::new(2023, 27).unwrap(),
        as_of: d(7, 3),
        overdue,
        this_week: days,
        next_week,
        done_last_week,
        watch,
        seal: Some("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into()),
        basis: ListBasis::Current,
        provisional_years: Vec::new(),
    };
    number(&mut list);
    list
}

/// Numbers the tasks 1, 2, … through the sections, as the workflow does.
fn number(list: &mut WeeklyList) {
    let mut seq = 0;
    for t in list
        .overdue
        .iter_mut()
        .chain(list.this_week.iter_mut().flat_map(|d| d.tasks.iter_mut()))
        .chain(list.next_week.iter_mut())
        .chain(list.done_last_week.iter_mut())
    {
        seq += 1;
        t.seq = seq;
    }
}

/// The team 企业培育专班's week 2023-W27: 王伟's tasks of [`week27`], those about 东方精密 and
/// the statistics report handed to 李娜, grouped by officer as the workflow groups them.
pub fn team27() -> WeeklyList {
    let mut list = week27();
    list.scope = WeeklyScope::Team {
        name: "企业培育专班".into(),
    };
    let to_li = |t: &mut WeeklyTask| {
        if t.enterprise_name.is_none() || t.batch.is_none() {
            t.assignee_login = "li.na".into();
            t.assignee_name = "李娜".into();
        }
    };
    let by_officer = |a: &WeeklyTask, b: &WeeklyTask| {
        (&a.assignee_name, &a.assignee_login).cmp(&(&b.assignee_name, &b.assignee_login))
    };
    for tasks in [
        &mut list.overdue,
        &mut list.next_week,
        &mut list.done_last_week,
    ]
    .into_iter()
    .chain(list.this_week.iter_mut().map(|d| &mut d.tasks))
    {
        tasks.iter_mut().for_each(to_li);
        tasks.sort_by(by_officer);
    }
    number(&mut list);
    list
}

/// The officer's week with its next-week tasks due in a year without a notice (2027): as a week
/// at the end of 2026 shows them.
pub fn provisional() -> WeeklyList {
    let mut list = week27();
    for task in &mut list.next_week {
        task.due_provisional = true;
    }
    list.provisional_years = vec![2027];
    list
}

/// An empty week of the whole bureau, without a seal.
pub fn empty() -> WeeklyList {
    WeeklyList {
        scope: WeeklyScope::Bureau,
        week: Week::new(2023, 27).unwrap(),
        as_of: d(7, 3),
        overdue: Vec::new(),
        this_week: Week::new(2023, 27)
            .unwrap()
            .days()
            .into_iter()
            .map(|date| DueDay {
                date,
                working_day: date <= d(7, 7),
                tasks: Vec::new(),
            })
            .collect(),
        next_week: Vec::new(),
        done_last_week: Vec::new(),
        watch: Vec::new(),
        seal: None,
        basis: ListBasis::Current,
        provisional_years: Vec::new(),
    }
}
