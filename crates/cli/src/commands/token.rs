//! `peiyu token`: bearer tokens for the HTTP API and the web pages.

use peiyu_domain::{Lang, Officer};
use peiyu_formats::json::{TokenCreatedDto, TokenDto, TokenRevokedDto};
use peiyu_service::Service;

use crate::Failure;
use crate::args::TokenCommand;
use crate::output::tr;

/// Runs a `token` subcommand as `actor`.
pub async fn run(
    service: &Service,
    actor: &Officer,
    cmd: TokenCommand,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let zone = service.zone();
    match cmd {
        TokenCommand::Create {
            for_login,
            name,
            expires,
        } => {
            let expires = crate::output::parse_opt_date("--expires", &expires)?;
            let created = service
                .create_token(actor, for_login.as_deref(), &name, expires)
                .await?;
            if json {
                return crate::output::print_json(&TokenCreatedDto::new(&created));
            }
            println!(
                "{} {} ({}) · {} {}",
                tr(lang, "已为", "created a token for"),
                created.officer.login.as_str(),
                created.officer.name,
                tr(lang, "编号", "id"),
                created.token.id
            );
            if let Some(at) = created.token.expires_at {
                println!("{} {}", tr(lang, "失效于", "expires at"), zone.local(at));
            }
            println!();
            println!("  {}", created.secret);
            println!();
            println!(
                "{}",
                tr(
                    lang,
                    "令牌只显示这一次，请妥善保存。用法：Authorization: Bearer <令牌>，或在网页登录页输入。",
                    "The token is shown only this once: keep it safe. Send it as Authorization: Bearer <token>, or enter it on the web login page."
                )
            );
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            let token = service.revoke_token(actor, &id).await?;
            if json {
                return crate::output::print_json(&TokenRevokedDto::new(&token));
            }
            println!("{} {}", tr(lang, "已吊销令牌", "revoked token"), token.id);
            Ok(())
        }
        TokenCommand::List => {
            let tokens = service.list_tokens(actor).await?;
            if json {
                return crate::output::print_json(&TokenDto::list(&tokens));
            }
            let mut table = crate::output::table(
                lang,
                &[
                    ("编号", "id"),
                    ("干部", "officer"),
                    ("名称", "name"),
                    ("创建", "created"),
                    ("失效", "expires"),
                    ("最近使用", "last used"),
                    ("状态", "state"),
                ],
            );
            for (t, o) in &tokens {
                table.add_row(vec![
                    t.id.to_string(),
                    o.login.as_str().to_owned(),
                    t.name.clone(),
                    zone.local(t.created_at),
                    t.expires_at.map(|x| zone.local(x)).unwrap_or_default(),
                    t.last_used_at.map(|x| zone.local(x)).unwrap_or_default(),
                    if t.revoked {
                        tr(lang, "已吊销", "revoked")
                    } else if !t.usable_at(service.now()) {
                        tr(lang, "已过期", "expired")
                    } else {
                        tr(lang, "有效", "active")
                    }
                    .to_owned(),
                ]);
            }
            println!("{table}");
            Ok(())
        }
    }
}
