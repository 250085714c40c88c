//! The command line: every subcommand and option, as clap parses them.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// peiyu (培育): cultivating enterprises — four batches, cultivation tracks, tasks and audit.
#[derive(Debug, Parser)]
#[command(name = "peiyu", version, about, long_about = None)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Database URL: sqlite://FILE?mode=rwc, postgres://…, mysql://…
    #[arg(long, global = true, env = "PEIYU_DATABASE_URL", default_value = peiyu_service::DEFAULT_DATABASE_URL)]
    pub db: String,
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of messages and tables: zh (default) or en.
    #[arg(long, global = true, env = "PEIYU_LANG", default_value = "zh")]
    pub lang: LangArg,
    /// The acting officer's login.
    #[arg(long = "as", global = true, env = "PEIYU_AS", default_value = "admin")]
    pub as_login: String,
}

/// Output language.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LangArg {
    /// 简体中文
    Zh,
    /// English
    En,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or upgrade the database and its first admin.
    Init(InitArgs),
    /// Officers (干部).
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// Teams, i.e. task forces (专班).
    #[command(subcommand)]
    Team(TeamCommand),
    /// Enterprises (企业).
    #[command(subcommand)]
    Enterprise(EnterpriseCommand),
    /// Working-day calendar (工作日历).
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Cultivation tracks (培育流程): stages, moves, guards, task templates.
    #[command(subcommand)]
    Track(TrackCommand),
    /// Cultivation cases: an enterprise on a track (立案、推进、退出).
    #[command(subcommand)]
    Case(CaseCommand),
    /// Tasks (任务).
    #[command(subcommand)]
    Task(TaskCommand),
    /// Periodic work: escalate overdue tasks to team leads, create recurring tasks ahead of
    /// time, lapse expired certifications. Idempotent; safe to run from several processes.
    Tick {
        /// Run as of this day instead of today.
        #[arg(long)]
        today: Option<String>,
    },
    /// An enterprise's history: one timeline across tracks, batch lists and tasks.
    History {
        /// USCC or an unambiguous name.
        enterprise: String,
        /// Only stage moves and tasks of this track.
        #[arg(long)]
        track: Option<String>,
        /// From this day (effective date).
        #[arg(long)]
        from: Option<String>,
        /// To this day (effective date).
        #[arg(long)]
        to: Option<String>,
        /// text (default), csv, xlsx or json.
        #[arg(long, default_value = "text")]
        format: String,
        /// Write to this file (`-`: standard output); xlsx needs -o.
        #[arg(short = 'o', long)]
        output: Option<std::path::PathBuf>,
    },
    /// The county's lists as they stood at the end of DATE, rebuilt from history alone.
    Asof {
        /// The day, YYYY-MM-DD.
        date: String,
        /// Only this year's batch list.
        #[arg(long)]
        list: Option<i32>,
        /// Only this batch.
        #[arg(long)]
        batch: Option<String>,
        /// Only this track.
        #[arg(long)]
        track: Option<String>,
        /// Only this stage.
        #[arg(long)]
        stage: Option<String>,
        /// Rebuild from the audit log alone, not the tables (the same answer when
        /// `audit verify` passes).
        #[arg(long)]
        from_log: bool,
    },
    /// Reports (报表).
    #[command(subcommand)]
    Report(ReportCommand),
    /// The statistical register (统计名录): 规上/限上 在库, entries (入库) and exits (退库).
    #[command(subcommand)]
    Register(RegisterCommand),
    /// A week's task list (周例会清单): overdue, due this week by day, next week, done last week,
    /// and the watch list — on the terminal or as md, csv, xlsx, html, ics or json.
    Weekly {
        /// One officer's list (default: yours).
        #[arg(long)]
        officer: Option<String>,
        /// One team's list.
        #[arg(long)]
        team: Option<String>,
        /// The whole bureau's list.
        #[arg(long)]
        all: bool,
        /// The ISO week, e.g. 2023-W27 (default: this week). A past week is shown as it stood on
        /// its Monday, as that day's meeting saw it (what had been recorded by then).
        #[arg(long)]
        week: Option<String>,
        /// Show the list as of this day instead.
        #[arg(long)]
        today: Option<String>,
        /// A past week as it really was: by effective dates, entries recorded later (catch-up,
        /// back-dated moves) included on the days they name.
        #[arg(long)]
        in_effect: bool,
        /// text, md, csv, xlsx, html, ics or json (default: from -o's extension, else text).
        #[arg(long)]
        format: Option<String>,
        /// Write to this file (`-`: standard output); xlsx needs -o.
        #[arg(short = 'o', long)]
        output: Option<std::path::PathBuf>,
    },
    /// The year's targets (年度目标) that progress is reported against.
    #[command(subcommand)]
    Target(TargetCommand),
    /// The four batches (四个一批): yearly batch lists.
    #[command(subcommand)]
    Batch(BatchCommand),
    /// Monthly metrics (月度指标): revenue, output value, energy, employees, tax, R&D.
    #[command(subcommand)]
    Metrics(MetricsCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Build the demo county of the bureau's 2023 mid-year report in a new database (default
    /// peiyu.db here) and show its weekly list for 2023-W27.
    Demo,
    /// Serve the HTTP API (/api/v1, OpenAPI at /api/v1/openapi.json) and the web pages, running
    /// tick every hour in the background, until Ctrl-C.
    Serve {
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Do not run tick in the background (another instance or a cron job runs it).
        #[arg(long)]
        no_tick: bool,
    },
    /// Copy the database to FILE while it is in use and verify the copy's audit log (SQLite;
    /// PostgreSQL and MariaDB through pg_dump / mariadb-dump). See docs/operations.md.
    Backup {
        /// The copy to write; it must not exist yet.
        file: std::path::PathBuf,
    },
    /// Put the backup FILE in place of the database, only when its audit log verifies. Stop
    /// the server first; the replaced SQLite file is kept as FILE.before-restore-TIME.
    Restore {
        /// The backup to put back.
        file: std::path::PathBuf,
    },
    /// Bearer tokens (访问令牌) for the HTTP API and the web pages.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Import a ledger (台账) from CSV or XLSX: enterprises, metrics, batches, tasks or register. Every bad
    /// row is reported; nothing is written unless every row is valid (or --skip-invalid).
    Import(ImportArgs),
    /// Export a ledger to CSV or XLSX with the headers `peiyu import` reads.
    Export(ExportArgs),
}

/// `peiyu init`
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Login of the first admin, created when the database has none.
    #[arg(long, default_value = "admin")]
    pub admin: String,
    /// Name of the first admin.
    #[arg(long, default_value = "管理员")]
    pub admin_name: String,
}

/// `peiyu officer …`
#[derive(Debug, Subcommand)]
pub enum OfficerCommand {
    /// Add an officer (admin only).
    Add {
        /// Login: lowercase letters, digits, '.', '_' or '-', starting with a letter.
        login: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Role: officer (干部), lead (组长), leader (局领导) or admin (管理员).
        #[arg(long, default_value = "officer")]
        role: String,
    },
    /// List officers.
    List,
    /// Set an officer's password for the web pages: your own, or as an admin anyone's (who then
    /// must change it at their first login). Read without echo from the terminal, twice; or one
    /// line from standard input when it is not a terminal.
    Password {
        /// The officer's login.
        login: String,
    },
    /// Deactivate an officer (admin only): in one audited step their enterprises and open tasks
    /// go to the successors, their tokens are revoked and web sessions ended.
    Deactivate {
        /// The officer's login.
        login: String,
        /// Who takes their enterprises and open tasks (unless named below).
        #[arg(long)]
        successor: String,
        /// Who takes their enterprises, if not the successor.
        #[arg(long)]
        enterprises_to: Option<String>,
        /// Who takes their open tasks, if not the successor.
        #[arg(long)]
        tasks_to: Option<String>,
        /// Why (required).
        #[arg(long)]
        reason: String,
    },
    /// Change an officer's role (admin only; the last admin stays one).
    Role {
        /// The officer's login.
        login: String,
        /// The new role: officer (干部), lead (组长), leader (局领导) or admin (管理员).
        role: String,
        /// Why (required).
        #[arg(long)]
        reason: String,
    },
}

/// `peiyu team …`
#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Add a team (admin only).
    Add {
        /// The team's name, e.g. 企业培育工作专班.
        name: String,
        /// The lead's login; the lead joins the team.
        #[arg(long)]
        lead: Option<String>,
    },
    /// List teams and their members.
    List,
    /// Show one team: its lead and members (today, or on a past day).
    Show {
        /// The team's name.
        team: String,
        /// The day to show its members on (YYYY-MM-DD), if not today.
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Put an officer in a team from a day (an admin, or the team's lead).
    #[command(visible_alias = "add-member")]
    Join {
        /// The team's name.
        team: String,
        /// The officer's login.
        officer: String,
        /// The first day they are on the team (YYYY-MM-DD), if not today.
        #[arg(long)]
        on: Option<String>,
    },
    /// Take an officer off a team from a day (an admin, or the team's lead; the lead stays).
    Leave {
        /// The team's name.
        team: String,
        /// The officer's login.
        officer: String,
        /// The day they leave (YYYY-MM-DD; no longer on the team from that day), if not today.
        #[arg(long)]
        on: Option<String>,
    },
}

/// `peiyu enterprise …`
#[derive(Debug, Subcommand)]
pub enum EnterpriseCommand {
    /// Add an enterprise.
    Add(EnterpriseAddArgs),
    /// List enterprises.
    List(EnterpriseListArgs),
    /// Show one enterprise (by USCC or name).
    Show {
        /// USCC or an unambiguous name.
        enterprise: String,
    },
    /// Change an enterprise's details.
    Edit(EnterpriseEditArgs),
    /// Archive an enterprise: hidden from lists, history kept.
    Archive {
        /// USCC or an unambiguous name.
        enterprise: String,
        /// Why (required).
        #[arg(long)]
        reason: String,
        /// Fail with a conflict unless the enterprise is still at this version.
        #[arg(long)]
        expect_version: Option<i64>,
    },
}

/// `peiyu enterprise add`
#[derive(Debug, Args)]
pub struct EnterpriseAddArgs {
    /// Unified social credit code (统一社会信用代码), 18 characters.
    #[arg(long)]
    pub uscc: String,
    /// Registered name.
    #[arg(long)]
    pub name: String,
    /// Sector: industry|wholesale|retail|accommodation|catering|other (or 工业, 批发, 零售, 住宿, 餐饮, 其他).
    #[arg(long)]
    pub sector: String,
    /// Town (乡镇).
    #[arg(long)]
    pub town: String,
    /// Address.
    #[arg(long, default_value = "")]
    pub address: String,
    /// Land area in mu (亩), e.g. 18.7.
    #[arg(long)]
    pub land_area: Option<String>,
    /// The enterprise is a branch (分支机构), not a legal entity.
    #[arg(long)]
    pub branch: bool,
    /// Responsible officer's login (default: you, unless you are an admin).
    #[arg(long)]
    pub officer: Option<String>,
    /// Accept a USCC whose check character is wrong (some genuine early codes), with a warning.
    #[arg(long)]
    pub lenient: bool,
}

/// `peiyu enterprise list`
#[derive(Debug, Args)]
pub struct EnterpriseListArgs {
    /// Only enterprises this officer is responsible for.
    #[arg(long)]
    pub officer: Option<String>,
    /// Only enterprises you (and your team) act on.
    #[arg(long)]
    pub mine: bool,
    /// Only this sector.
    #[arg(long)]
    pub sector: Option<String>,
    /// Only this town.
    #[arg(long)]
    pub town: Option<String>,
    /// Only names containing this.
    #[arg(long)]
    pub name: Option<String>,
    /// Only enterprises with a case at this stage (`candidate`, `cultivating`, …).
    #[arg(long)]
    pub stage: Option<String>,
    /// The track of `--stage` (`industrial`, `commerce`, `technology`); any track without it.
    #[arg(long, requires = "stage")]
    pub track: Option<String>,
    /// Include archived enterprises.
    #[arg(long)]
    pub archived: bool,
}

/// `peiyu enterprise edit`
#[derive(Debug, Args)]
pub struct EnterpriseEditArgs {
    /// USCC or an unambiguous name.
    pub enterprise: String,
    /// Corrected USCC.
    #[arg(long)]
    pub uscc: Option<String>,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    /// New sector.
    #[arg(long)]
    pub sector: Option<String>,
    /// New town.
    #[arg(long)]
    pub town: Option<String>,
    /// New address.
    #[arg(long)]
    pub address: Option<String>,
    /// New land area in mu; "none" clears it.
    #[arg(long)]
    pub land_area: Option<String>,
    /// Legal form: legal_entity (法人) or branch (分支机构).
    #[arg(long)]
    pub legal_form: Option<String>,
    /// New responsible officer's login; "none" clears it.
    #[arg(long)]
    pub officer: Option<String>,
    /// Accept a USCC whose check character is wrong, with a warning.
    #[arg(long)]
    pub lenient: bool,
    /// Why (recorded in the audit log).
    #[arg(long)]
    pub reason: Option<String>,
    /// Fail with a conflict unless the enterprise is still at this version.
    #[arg(long)]
    pub expect_version: Option<i64>,
}

/// `peiyu calendar …`
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// A year's days off and make-up workdays.
    Show {
        /// The year, e.g. 2024.
        year: i32,
    },
    /// Print the Nth working day after DATE.
    AddDays {
        /// Start date, YYYY-MM-DD.
        date: String,
        /// How many working days.
        n: u32,
    },
    /// This year and the next two: official (the State Council's notice), provisional (the
    /// statutory holidays only) or county override. Exits 1 when a year that starts within 60
    /// days is still provisional (for a monitoring job).
    Check {
        /// Check as of this date instead of today.
        #[arg(long)]
        today: Option<String>,
    },
    /// Load a year's holiday notice: the plain text of 国务院办公厅关于YYYY年部分节假日安排的通知
    /// as published, or a TOML year table. Shows what it understood and which deadlines move;
    /// writes only with --apply (admin).
    Load {
        /// The file: the notice's text (UTF-8), or .toml.
        file: std::path::PathBuf,
        /// The year, when the notice's title does not say it.
        #[arg(long)]
        year: Option<i32>,
        /// Store the notice and move the deadlines it changes.
        #[arg(long)]
        apply: bool,
    },
}

/// `peiyu audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute every hash chain, check every daily seal, and replay the log against every
    /// audited table (each row must equal the state its entries leave); exit 1 if anything is
    /// broken.
    Verify {
        /// Check incrementally from the seal of this day: that seal and later ones, and the
        /// chains that moved since it (the rest are trusted to the seal).
        #[arg(long)]
        since: Option<String>,
        /// text, csv or xlsx (the rows that differ from the log), or json.
        #[arg(long, default_value = "text")]
        format: String,
        /// Write the findings to this file (`-`: standard output); xlsx needs -o.
        #[arg(short = 'o', long)]
        output: Option<std::path::PathBuf>,
    },
    /// List audit entries.
    Log {
        /// Only entries by this officer.
        #[arg(long)]
        actor: Option<String>,
        /// Only entries about this enterprise (USCC or name).
        #[arg(long)]
        enterprise: Option<String>,
        /// Only this action: its key (enterprise.edit) or its label (修改企业信息, enterprise edited).
        #[arg(long)]
        action: Option<String>,
        /// Only entries recorded on or after this day.
        #[arg(long)]
        from: Option<String>,
        /// Only entries recorded on or before this day.
        #[arg(long)]
        to: Option<String>,
        /// text, csv, xlsx or json.
        #[arg(long, default_value = "text")]
        format: String,
        /// Write to this file (`-`: standard output); xlsx needs -o.
        #[arg(short = 'o', long)]
        output: Option<std::path::PathBuf>,
    },
    /// Export the whole log for an independent check (docs/audit.md): every entry with exactly
    /// the fields its hash covers, every chain head and every seal, one JSON object a line.
    Export {
        /// The format: jsonl.
        #[arg(long, default_value = "jsonl")]
        format: String,
        /// The file to write (standard output without it, or with -).
        #[arg(short = 'o', long)]
        output: Option<std::path::PathBuf>,
    },
    /// Seal a day (default: yesterday) over every chain head; `tick` does this daily.
    Seal {
        /// The day to seal.
        #[arg(long)]
        day: Option<String>,
    },
}

/// `peiyu track …`
#[derive(Debug, Subcommand)]
pub enum TrackCommand {
    /// List the stored tracks and their versions.
    List,
    /// Show a track: stages, moves, guards and task templates.
    Show {
        /// The track's key: industrial, commerce, technology, …
        track: String,
    },
    /// Check a track file; every problem is listed with its line.
    Validate {
        /// The TOML file.
        file: std::path::PathBuf,
    },
    /// Load a track file as its key's next version (admin only).
    Load {
        /// The TOML file.
        file: std::path::PathBuf,
    },
}

/// `peiyu case …`
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a cultivation: put an enterprise on a track at its first stage.
    Open {
        /// USCC or an unambiguous name.
        enterprise: String,
        /// The track: industrial (工业小升规), commerce (限上入统), technology (科技企业认定).
        #[arg(long)]
        track: String,
        /// The date to reach the target stage by, e.g. 2023-10-31 (力争10月底入统).
        #[arg(long)]
        target: Option<String>,
        /// The target stage (default: registered, when the track has it).
        #[arg(long)]
        target_stage: Option<String>,
        /// The day the case opened, if not today.
        #[arg(long)]
        on: Option<String>,
    },
    /// Move a cultivation to another stage.
    Advance(CaseAdvanceArgs),
    /// Withdraw a cultivation (退出培育); a reason is required.
    Withdraw {
        /// USCC or an unambiguous name.
        enterprise: String,
        /// The track.
        #[arg(long)]
        track: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// The day it took effect, if not today.
        #[arg(long)]
        on: Option<String>,
        /// Fail with a conflict unless the case is still at this version.
        #[arg(long)]
        expect_version: Option<i64>,
    },
    /// Move a running case onto the newest version of its track (admin).
    Migrate {
        /// USCC or an unambiguous name.
        enterprise: String,
        /// The track.
        #[arg(long)]
        track: String,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Show an enterprise's cultivations: stage, version, days in stage, target, possible moves.
    Show {
        /// USCC or an unambiguous name.
        enterprise: String,
    },
}

/// `peiyu case advance`
#[derive(Debug, Args)]
pub struct CaseAdvanceArgs {
    /// USCC or an unambiguous name.
    pub enterprise: String,
    /// The track.
    #[arg(long)]
    pub track: String,
    /// The stage to move to.
    #[arg(long)]
    pub to: String,
    /// Why.
    #[arg(long)]
    pub reason: Option<String>,
    /// Evidence: a document number, letter or file name (repeatable).
    #[arg(long)]
    pub evidence: Vec<String>,
    /// Override failing guards (lead or admin, with --reason).
    #[arg(long = "override")]
    pub override_guards: bool,
    /// Show the plan (guards, tasks) without changing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Fail with a conflict unless the case is still at this version.
    #[arg(long)]
    pub expect_version: Option<i64>,
    /// The day the move took effect, if not today (not in the future, not before the last move).
    #[arg(long)]
    pub on: Option<String>,
    /// A request id: repeating the command with the same id does not move twice.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `peiyu task …`
#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Create a task by hand.
    Add {
        /// Title.
        #[arg(long)]
        title: String,
        /// Kind: visit, factor_guarantee:land|forest|energy|labour|water|power|transport|finance|permit, application, document, inspection_finding, statistics_report, custom.
        #[arg(long, default_value = "custom")]
        kind: String,
        /// The enterprise it is about (USCC or name).
        #[arg(long)]
        enterprise: Option<String>,
        /// Who does it (login); default you.
        #[arg(long)]
        assignee: Option<String>,
        /// Due date (YYYY-MM-DD) or a number of working days from today (e.g. 5).
        #[arg(long)]
        due: String,
        /// A follow-up date, separate from the due date.
        #[arg(long)]
        follow_up: Option<String>,
        /// More detail.
        #[arg(long)]
        description: Option<String>,
    },
    /// List open tasks (yours and your team's by default).
    List {
        /// Only this officer's tasks.
        #[arg(long)]
        officer: Option<String>,
        /// Only tasks about this enterprise.
        #[arg(long)]
        enterprise: Option<String>,
        /// Include done and cancelled tasks.
        #[arg(long)]
        all: bool,
    },
    /// Show one task with its history.
    Show {
        /// The task id (the short id shown by `task list` is enough).
        task: String,
    },
    /// Mark a task done.
    Done {
        /// The task id (the short id shown by `task list` is enough).
        task: String,
        /// What was done.
        #[arg(long)]
        note: Option<String>,
        /// Evidence: a document number or file name.
        #[arg(long)]
        evidence: Option<String>,
        /// The day it was done, if not today.
        #[arg(long)]
        on: Option<String>,
    },
    /// Write a progress note on a task (进展, 问题, 下步措施): the weekly list's 进展 column shows
    /// the latest.
    Note {
        /// The task id (the short id shown by `task list` is enough).
        task: String,
        /// 进展: what was done.
        progress: String,
        /// 问题: what stands in the way.
        #[arg(long)]
        problem: Option<String>,
        /// 下步措施: what comes next.
        #[arg(long)]
        next: Option<String>,
        /// The day the note speaks of, if not today.
        #[arg(long)]
        on: Option<String>,
    },
    /// Assign a task to an officer (lead or admin).
    Assign {
        /// The task id.
        task: String,
        /// The officer's login.
        #[arg(long)]
        to: String,
    },
    /// Hand a task over to another officer (转办).
    Transfer {
        /// The task id.
        task: String,
        /// The officer's login.
        #[arg(long)]
        to: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Have another officer do a task for you (委派); without --to, take it back.
    Delegate {
        /// The task id.
        task: String,
        /// The delegate's login; omit to end the delegation.
        #[arg(long)]
        to: Option<String>,
    },
    /// Open a done or cancelled task again.
    Reopen {
        /// The task id.
        task: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Cancel a task.
    Cancel {
        /// The task id.
        task: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Transfer every open task of an officer to another, in one transaction.
    BulkTransfer {
        /// From this officer.
        #[arg(long)]
        from: String,
        /// To this officer.
        #[arg(long)]
        to: String,
        /// Only tasks about this enterprise.
        #[arg(long)]
        enterprise: Option<String>,
        /// Only tasks about enterprises in this batch of this year's list.
        #[arg(long)]
        batch: Option<String>,
        /// Why (required).
        #[arg(long)]
        reason: String,
    },
}

/// `peiyu metrics …`
#[derive(Debug, Subcommand)]
pub enum MetricsCommand {
    /// Record one enterprise's figures for one month (replaces that month's figures).
    Add {
        /// USCC or an unambiguous name.
        enterprise: String,
        /// The month, e.g. 2023-06.
        #[arg(long)]
        month: String,
        /// Main-business revenue (营业收入): 20000000, 2000万, 0.2亿元.
        #[arg(long)]
        revenue: Option<String>,
        /// Output value (产值).
        #[arg(long)]
        output_value: Option<String>,
        /// Energy used, tonnes of coal equivalent (tce, 吨标准煤).
        #[arg(long)]
        energy: Option<String>,
        /// Employees (从业人员).
        #[arg(long)]
        employees: Option<u32>,
        /// Tax paid (税收).
        #[arg(long)]
        tax: Option<String>,
        /// R&D spend (研发投入).
        #[arg(long)]
        rnd: Option<String>,
        /// Why, when correcting a month already recorded.
        #[arg(long)]
        reason: Option<String>,
    },
    /// List an enterprise's monthly figures.
    List {
        /// USCC or an unambiguous name.
        enterprise: String,
        /// From this month.
        #[arg(long)]
        from: Option<String>,
        /// To this month.
        #[arg(long)]
        to: Option<String>,
    },
}

/// `peiyu batch …`
#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// Show a year's list (default: this year), optionally one batch.
    List {
        /// The list's year.
        #[arg(long)]
        list: Option<i32>,
        /// Only this batch (1-4).
        #[arg(long)]
        batch: Option<String>,
    },
    /// Put an enterprise in a batch (creates the year's list as a draft if needed).
    Assign(BatchChangeArgs),
    /// Move an enterprise to another batch.
    Move(BatchChangeArgs),
    /// Take an enterprise off a list.
    Remove {
        /// USCC or an unambiguous name.
        enterprise: String,
        /// The list's year (default: this year).
        #[arg(long)]
        list: Option<i32>,
        /// Why (required).
        #[arg(long)]
        reason: String,
        /// The day it took effect, if not today.
        #[arg(long)]
        on: Option<String>,
    },
    /// Copy a year's list as another year's draft.
    Copy {
        /// The year to copy.
        #[arg(long)]
        from: i32,
        /// The year of the new draft.
        #[arg(long)]
        to: i32,
        /// The day the copied entries take effect (default today; catch-up entry: a past day).
        #[arg(long)]
        on: Option<String>,
    },
    /// Compare two years' lists: who entered, left, moved up or down.
    Diff {
        /// The earlier list.
        a: i32,
        /// The later list.
        b: i32,
    },
    /// Publish a draft list.
    Publish {
        /// The list's year.
        #[arg(long)]
        list: i32,
        /// The day it was published (default today; catch-up entry: a past day).
        #[arg(long)]
        on: Option<String>,
    },
    /// Suggest each industrial enterprise's batch from its metrics and the rule file, with the
    /// score broken down.
    Suggest {
        /// The list's year (default: this year).
        #[arg(long)]
        list: Option<i32>,
        /// A rule file instead of the shipped rules.
        #[arg(long)]
        rules: Option<std::path::PathBuf>,
        /// Show the indicator breakdown for each enterprise.
        #[arg(long)]
        detail: bool,
    },
    /// Take suggestions onto the list: one enterprise, or all with --all.
    Accept {
        /// USCC or an unambiguous name (omit with --all).
        enterprise: Option<String>,
        /// Accept every suggestion.
        #[arg(long)]
        all: bool,
        /// The list's year (default: this year).
        #[arg(long)]
        list: Option<i32>,
        /// Take this batch instead of the suggestion (needs --reason).
        #[arg(long)]
        batch: Option<String>,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
        /// A rule file instead of the shipped rules.
        #[arg(long)]
        rules: Option<std::path::PathBuf>,
        /// The day the moves take effect (default today; catch-up entry: a past day).
        #[arg(long)]
        on: Option<String>,
    },
    /// An enterprise's batch moves across all lists.
    History {
        /// USCC or an unambiguous name.
        enterprise: String,
    },
}

/// `peiyu batch assign|move`
#[derive(Debug, Args)]
pub struct BatchChangeArgs {
    /// USCC or an unambiguous name.
    pub enterprise: String,
    /// The list's year (default: this year).
    #[arg(long)]
    pub list: Option<i32>,
    /// The batch: 1 重点保障, 2 培育壮大, 3 技改提升, 4 调整盘活.
    #[arg(long)]
    pub batch: String,
    /// Why (required).
    #[arg(long)]
    pub reason: String,
    /// The day it took effect, if not today.
    #[arg(long)]
    pub on: Option<String>,
}

/// `peiyu target …`
#[derive(Debug, Subcommand)]
pub enum TargetCommand {
    /// Set a year's target (leader or admin).
    Set {
        /// The year.
        #[arg(long)]
        year: i32,
        /// new_above_scale, new_above_limit, new_certified or new_output_value.
        #[arg(long)]
        metric: String,
        /// The value (a count, or yuan for new_output_value: 1.36亿 is accepted).
        #[arg(long)]
        value: String,
    },
    /// List a year's targets.
    List {
        /// The year.
        #[arg(long)]
        year: i32,
    },
}

/// `peiyu report …`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Progress against the year's targets: newly above-scale and above-limit enterprises, the
    /// output they contribute, the funnel by stage, by batch, town and sector, overdue tasks.
    Progress {
        /// The year.
        #[arg(long)]
        year: i32,
        /// As it stood at the end of this day (default: the end of the year, or today).
        #[arg(long)]
        as_of: Option<String>,
        /// text, md, xlsx or json.
        #[arg(long, default_value = "text")]
        format: String,
        /// Write to this file instead of the terminal (`-`: standard output); xlsx needs -o.
        #[arg(short = 'o', long)]
        output: Option<std::path::PathBuf>,
        /// Count from the audit log alone, not the tables (the same report when
        /// `audit verify` passes).
        #[arg(long)]
        from_log: bool,
    },
}

/// `peiyu register …`
#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// Enter an enterprise into the register (入库), by hand: admins and the leads of its team.
    Enter {
        /// USCC or an unambiguous name.
        enterprise: String,
        /// 规上 (above_scale) or 限上 (above_limit).
        #[arg(long)]
        kind: String,
        /// The first month counted (入库年月), e.g. 2023-03.
        #[arg(long)]
        month: String,
        /// 月度 (monthly, the default) or 年度 (annual).
        #[arg(long, default_value = "monthly")]
        route: String,
        /// The day the entry is recorded as taking effect (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// Record an enterprise's exit from the register (退库).
    Exit {
        /// USCC or an unambiguous name.
        enterprise: String,
        /// 规上 (above_scale) or 限上 (above_limit).
        #[arg(long)]
        kind: String,
        /// The month it left (退库年月): from this month on it is no longer counted.
        #[arg(long)]
        month: String,
        /// Why it left.
        #[arg(long)]
        reason: String,
        /// The day the exit is recorded as taking effect (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// The register as of a day: 序号, name, town, sector, register, entered, route and the
    /// output value from January to that month; with the counts per register.
    List {
        /// Only 规上 (above_scale) or 限上 (above_limit).
        #[arg(long)]
        kind: Option<String>,
        /// As it stood on this day (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// text (default), csv, xlsx, md, html or json.
        #[arg(long, default_value = "text")]
        format: String,
        /// Write to this file (`-`: standard output); xlsx needs -o.
        #[arg(short = 'o', long)]
        output: Option<std::path::PathBuf>,
    },
}

/// Which ledger (台账) to import or export.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LedgerArg {
    /// 企业台账: the enterprises on the books.
    Enterprises,
    /// 月度指标: monthly figures, one enterprise and month per row.
    Metrics,
    /// 四个一批名单: batch lists, one enterprise per row.
    Batches,
    /// 任务台账: tasks.
    Tasks,
    /// 统计名录: the statistics bureau's register list (规上/限上, 入库年月, 入库方式, 退库年月).
    Register,
}

/// A CSV file's encoding.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8, with or without a byte-order mark.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GB18030 (covers GBK and GB2312): what Excel in China saves as CSV.
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

/// `peiyu import …`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Which ledger: enterprises, metrics, batches, tasks or register.
    pub what: LedgerArg,
    /// The file: .csv (UTF-8 or GB18030) or .xlsx.
    pub file: std::path::PathBuf,
    /// The worksheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// A TOML file mapping this file's headers to fields (see docs/import.md).
    #[arg(long)]
    pub mapping: Option<std::path::PathBuf>,
    /// The CSV file's encoding (default: detected).
    #[arg(long)]
    pub encoding: Option<EncodingArg>,
    /// Import the valid rows and write the others, with why, to a rejects file.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Where --skip-invalid writes the rejected rows (default: FILE.rejects.csv/.xlsx).
    #[arg(long)]
    pub rejects: Option<std::path::PathBuf>,
    /// Accept USCCs whose check characters are wrong (a few genuine early codes), with a warning.
    #[arg(long)]
    pub lenient_uscc: bool,
}

/// `peiyu export …`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Which ledger: enterprises, metrics, batches, tasks or register.
    pub what: LedgerArg,
    /// The batch list's year (default: the latest list).
    #[arg(long)]
    pub list: Option<i32>,
    /// Metrics from this month (YYYY-MM).
    #[arg(long)]
    pub from: Option<String>,
    /// Metrics to this month (YYYY-MM).
    #[arg(long)]
    pub to: Option<String>,
    /// csv or xlsx (default: from -o's extension).
    #[arg(long)]
    pub format: Option<String>,
    /// The file to write (`-`: standard output, with --format).
    #[arg(short = 'o', long)]
    pub output: std::path::PathBuf,
}

/// `peiyu token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token (for yourself, or as an admin for another officer); the secret is shown
    /// once.
    Create {
        /// The officer the token acts as (default: you).
        #[arg(long = "for")]
        for_login: Option<String>,
        /// What the token is for (a device, a script).
        #[arg(long, default_value = "cli")]
        name: String,
        /// The last day the token works (YYYY-MM-DD); default: until revoked.
        #[arg(long)]
        expires: Option<String>,
    },
    /// Revoke a token by its id (see `peiyu token list`).
    Revoke {
        /// The token's id.
        id: String,
    },
    /// Tokens: every officer's for an admin, your own otherwise.
    List,
}
