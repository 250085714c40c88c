//! `peiyu officer …` and `peiyu team …`.

use peiyu_domain::{Lang, Login, Officer, Role};
use peiyu_formats::json::{OfficerDto, TeamDto};
use peiyu_service::{NewOfficer, Service, TeamView};

use crate::Failure;
use crate::args::{OfficerCommand, TeamCommand};
use crate::output::{print_json, table, tr};

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
    }
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
        TeamCommand::Join { team, officer } => {
            let view = service.join_team(actor, &team, &officer).await?;
            print_teams(std::slice::from_ref(&view), json, lang)
        }
    }
}
