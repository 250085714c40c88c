//! `peiyu serve` as a child process of the test, and a minimal HTTP/1.1 client over a TCP
//! stream (one request per connection), for the tests that talk to a real server: the
//! walk-through over HTTP, and the stress and crash runs.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// `peiyu serve` on a free port; killed (SIGKILL) and reaped on drop.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

impl Server {
    /// Kills the server with SIGKILL, as a crash or `kill -9` would, and reaps it.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `peiyu serve --listen 127.0.0.1:0 --no-tick` in `dir` with `env` (the database's
/// URL, a clock) and waits until it says where it listens; its standard output goes to `log`
/// in `dir`.
pub fn serve(dir: &Path, log: &str, env: &[(&str, &str)]) -> Server {
    let log = dir.join(log);
    let child = Command::new(env!("CARGO_BIN_EXE_peiyu"))
        .current_dir(dir)
        .env_remove("PEIYU_CLOCK")
        .env_remove("PEIYU_CALENDAR_OVERRIDE")
        .env_remove("PEIYU_AS")
        .env_remove("PEIYU_LANG")
        .envs(env.iter().copied())
        .args(["serve", "--listen", "127.0.0.1:0", "--no-tick"])
        .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    for _ in 0..400 {
        line = std::fs::read_to_string(&log).unwrap_or_default();
        if line.contains("http://") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let start = line.find("http://").expect("the server's address") + "http://".len();
    let addr = line[start..].split('/').next().unwrap().to_owned();
    Server { child, addr }
}

/// One answer: its status, `ETag`, whether it is a replay (`Idempotent-Replayed: true`) and
/// its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub etag: Option<String>,
    pub replayed: bool,
    pub body: String,
}

/// One request with a bearer token and a JSON body (if any); an error when the connection
/// fails or closes before a whole answer (a server killed mid-request).
pub fn try_http(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(90)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let broken = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no whole answer");
    let (head, body) = raw.split_once("\r\n\r\n").ok_or_else(broken)?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(broken)?;
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    let length: Option<usize> = header("content-length").and_then(|l| l.parse().ok());
    if length.is_some_and(|n| body.len() < n) {
        return Err(broken());
    }
    let chunked = header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(body).ok_or_else(broken)?
    } else {
        body.to_owned()
    };
    Ok(Reply {
        status,
        etag: header("etag"),
        replayed: header("idempotent-replayed").as_deref() == Some("true"),
        body,
    })
}

/// A chunked body put together; `None` when it ends before its last chunk.
fn dechunk(mut body: &str) -> Option<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = body.split_once("\r\n")?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.push_str(rest.get(..size)?);
        body = rest.get(size + 2..)?;
    }
}

/// As [`try_http`], for a server that must answer.
pub fn http(
    server: &Server,
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Reply {
    try_http(&server.addr, method, path, token, headers, body)
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}
