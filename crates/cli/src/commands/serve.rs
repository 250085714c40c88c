//! `peiyu serve`: the HTTP API and the web pages, with `tick` every hour in the background,
//! until Ctrl-C.

use std::net::SocketAddr;

use peiyu_domain::Lang;
use peiyu_service::Service;

use crate::Failure;
use crate::output::tr;

/// Serves `service` (opened like every command, with the same calendar and clock) on `listen` until Ctrl-C (or SIGTERM); `no_tick` turns the hourly
/// background `tick` off (for an instance beside one that runs it, or a read-only replica).
pub async fn run(service: Service, listen: &str, no_tick: bool, lang: Lang) -> Result<(), Failure> {
    let addr: SocketAddr = listen.trim().parse().map_err(|_| {
        Failure::usage(
            "--listen",
            format!("「{listen}」不是监听地址：应为 IP:端口，例如 127.0.0.1:8080"),
            format!(
                "\"{listen}\" is not an address to listen on: expected IP:PORT, e.g. 127.0.0.1:8080"
            ),
        )
    })?;
    service.ensure_initialised().await?;
    let listener = peiyu_server::bind(addr).await.map_err(|e| {
        Failure::usage(
            "--listen",
            format!("无法在 {addr} 上监听：{e}"),
            format!("cannot listen on {addr}: {e}"),
        )
    })?;
    let bound = listener.local_addr().unwrap_or(addr);
    println!(
        "{} http://{bound}/ · API http://{bound}/api/v1/ · OpenAPI http://{bound}/api/v1/openapi.json",
        tr(lang, "peiyu 服务已启动：", "peiyu is serving:")
    );
    println!(
        "{}",
        if no_tick {
            tr(
                lang,
                "后台 tick 已关闭。按 Ctrl-C 停止。",
                "Background tick is off. Press Ctrl-C to stop.",
            )
        } else {
            tr(
                lang,
                "每小时在后台运行一次 tick。按 Ctrl-C 停止。",
                "tick runs in the background every hour. Press Ctrl-C to stop.",
            )
        }
    );
    let tick_every = (!no_tick).then_some(peiyu_server::background::TICK_EVERY);
    peiyu_server::serve_on(
        service,
        listener,
        tick_every,
        peiyu_server::background::shutdown_signal(),
    )
    .await
    .map_err(|e| Failure::Io(std::io::Error::other(e.to_string())))?;
    println!("{}", tr(lang, "已停止。", "Stopped."));
    Ok(())
}
