//! `peiyu officer …` and `peiyu team …`.

use peiyu_domain::{Lang, Login, Officer, Role};
use peiyu_formats::json::{OfficerDto, TeamDto, TeamOnDayDto};
use peiyu_service::{NewOfficer, Service, Successors, TeamOnDay, TeamView};

use crate::Failure;
use crate::args::{OfficerCommand, TeamCommand};
use crate::output::{parse_opt_date, print_json, table, tr};

fn print_officers(officers: &[Officer], json: bool, lang: Lang) -> Result<(), Failure> {
    if json {
        return print_json(&OfficerDto::list(officers, lang));
    }
    let mut t = table(
        lang,
        &[
            ("登录名", "login"),
            ("姓名", "name"),
            ("角色", "role"),
            ("状态", "status"),
        ],
    );
    for o in officers {
        t.add_row(vec![
            o.login.as_str().to_owned(),
            o.name.clone(),
            o.role.label(lang).to_owned(),
            if o.active {
                tr(lang, "在岗", "active")
            } else {
                tr(lang, "停用", "inactive")
            }
            .to_owned(),
        ]);
    }
    println!("{t}");
    Ok(())
}

/// Runs `peiyu officer …`.
pub async fn officer(
    service: &Service,
    actor: &Officer,
    cmd: OfficerCommand,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    match cmd {
        OfficerCommand::Add { login, name, role } => {
            let login = Login::new(&login).map_err(|e| Failure::invalid("LOGIN", &e))?;
            let role = Role::parse(&role).map_err(|e| Failure::invalid("--role", &e))?;
            let officer = service
                .add_officer(actor, NewOfficer { login, name, role })
                .await?;
            print_officers(std::slice::from_ref(&officer), json, lang)
        }
        OfficerCommand::List => {
            let officers = service.list_officers(actor).await?;
            print_officers(&officers, json, lang)
        }
        OfficerCommand::Deactivate {
            login,
            successor,
            enterprises_to,
            tasks_to,
            reason,
        } => {
            let done = service
                .deactivate_officer(
                    actor,
                    &login,
                    Successors {
                        successor: &successor,
                        enterprises_to: enterprises_to.as_deref(),
                        tasks_to: tasks_to.as_deref(),
                    },
                    &reason,
                )
                .await?;
            if json {
                return print_json(&OfficerDto::list(std::slice::from_ref(&done.officer), lang));
            }
            let (e_to, t_to) = (
                done.enterprises_to.login.as_str(),
                done.tasks_to.login.as_str(),
            );
            match lang {
                Lang::Zh => println!(
                    "已停用 {login}：{} 家企业交给 {e_to}，{} 项未完成任务交给 {t_to}，{} 项委派任务退回负责人；吊销令牌 {} 个，结束网页会话 {} 个",
                    done.enterprises, done.tasks, done.undelegated, done.tokens, done.sessions
                ),
                Lang::En => println!(
                    "{login} is inactive: {} enterprises handed to {e_to}, {} open tasks to {t_to}, {} delegated tasks back to their assignees; {} tokens revoked, {} web sessions ended",
                    done.enterprises, done.tasks, done.undelegated, done.tokens, done.sessions
                ),
            }
            Ok(())
        }
        OfficerCommand::Role {
            login,
            role,
            reason,
        } => {
            let role = Role::parse(&role).map_err(|e| Failure::invalid("ROLE", &e))?;
            let officer = service.set_role(actor, &login, role, &reason).await?;
            print_officers(std::slice::from_ref(&officer), json, lang)
        }
        OfficerCommand::Password { login } => {
            let password = read_password(lang)?;
            service.set_password(actor, &login, &password).await?;
            let own = login.trim() == actor.login.as_str();
            println!(
                "{}",
                match (lang, own) {
                    (Lang::Zh, true) => format!("已设置 {login} 的密码"),
                    (Lang::En, true) => format!("the password of {login} is set"),
                    (Lang::Zh, false) => format!(
                        "已设置 {login} 的密码：首次登录时须修改；其已登录的网页会话均已结束"
                    ),
                    (Lang::En, false) => format!(
                        "the password of {login} is set: it must be changed at the first login; their web sessions have ended"
                    ),
                }
            );
            Ok(())
        }
    }
}

/// The new password: typed twice without echo on a terminal, else one line of standard input
/// (its line ending removed, nothing else).
fn read_password(lang: Lang) -> Result<String, Failure> {
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    let failed = |e: std::io::Error| {
        Failure::usage(
            "PASSWORD",
            format!("无法读取密码：{e}"),
            format!("cannot read the password: {e}"),
        )
    };
    if stdin.is_terminal() {
        let (first, again) = match lang {
            Lang::Zh => ("新密码：", "再输入一次："),
            Lang::En => ("New password: ", "Again: "),
        };
        let password = rpassword::prompt_password(first).map_err(failed)?;
        let repeated = rpassword::prompt_password(again).map_err(failed)?;
        if password != repeated {
            return Err(Failure::usage(
                "PASSWORD",
                "两次输入的密码不一致",
                "the two passwords typed differ",
            ));
        }
        return Ok(password);
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(failed)?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    Ok(password.to_owned())
}

fn print_teams(teams: &[TeamView], json: bool, lang: Lang) -> Result<(), Failure> {
    if json {
        return print_json(&TeamDto::list(teams));
    }
    let mut t = table(
        lang,
        &[("专班", "team"), ("组长", "lead"), ("成员", "members")],
    );
    for team in teams {
        t.add_row(vec![
            team.team.name.clone(),
            team.lead
                .as_ref()
                .map(|o| format!("{} ({})", o.name, o.login.as_str()))
                .unwrap_or_default(),
            team.members
                .iter()
                .map(|o| o.name.clone())
                .collect::<Vec<_>>()
                .join(tr(lang, "、", ", ")),
        ]);
    }
    println!("{t}");
    Ok(())
}

/// Runs `peiyu team …`.
pub async fn team(
    service: &Service,
    actor: &Officer,
    cmd: TeamCommand,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    match cmd {
        TeamCommand::Add { name, lead } => {
            service.add_team(actor, &name, lead.as_deref()).await?;
            let teams = service.list_teams(actor).await?;
            let added: Vec<TeamView> = teams
                .into_iter()
                .filter(|t| t.team.name == name.trim())
                .collect();
            print_teams(&added, json, lang)
        }
        TeamCommand::List => {
            let teams = service.list_teams(actor).await?;
            print_teams(&teams, json, lang)
        }
        TeamCommand::Show { team, as_of } => {
            let day = parse_opt_date("--as-of", &as_of)?.unwrap_or_else(|| service.today());
            let shown = service.team_on(actor, &team, day).await?;
            print_team_on(&shown, json, lang)
        }
        TeamCommand::Join { team, officer, on } => {
            let on = parse_opt_date("--on", &on)?;
            let view = service.join_team(actor, &team, &officer, on).await?;
            print_teams(std::slice::from_ref(&view), json, lang)
        }
        TeamCommand::Leave { team, officer, on } => {
            let on = parse_opt_date("--on", &on)?;
            let view = service.leave_team(actor, &team, &officer, on).await?;
            print_teams(std::slice::from_ref(&view), json, lang)
        }
    }
}

/// Prints a team as it was on a day: a heading, then one row per member with their period.
fn print_team_on(shown: &TeamOnDay, json: bool, lang: Lang) -> Result<(), Failure> {
    if json {
        return print_json(&TeamOnDayDto::new(shown));
    }
    let lead = shown
        .lead
        .as_ref()
        .map(|o| format!("{} ({})", o.name, o.login.as_str()))
        .unwrap_or_else(|| tr(lang, "无", "none").to_owned());
    match lang {
        Lang::Zh => println!("{}　{} 的成员（组长：{lead}）", shown.team.name, shown.day),
        Lang::En => println!(
            "{}: members on {} (lead: {lead})",
            shown.team.name, shown.day
        ),
    }
    let mut t = table(
        lang,
        &[
            ("登录名", "login"),
            ("姓名", "name"),
            ("加入日期", "joined on"),
            ("退出日期", "left on"),
        ],
    );
    for m in &shown.members {
        t.add_row(vec![
            m.officer.login.as_str().to_owned(),
            m.officer.name.clone(),
            m.joined_on.to_string(),
            m.left_on.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    println!("{t}");
    Ok(())
}
