//! A minimal HTTP/1.1 client: one request per connection (`Connection: close`).

use std::collections::BTreeMap;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A response, headers by lower-case name.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: BTreeMap<String, Vec<String>>,
    /// The body as text (lossy for a binary body; see `bytes`).
    pub body: String,
    /// The body as sent.
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// The body as an RFC 9457 problem, checking its content type and that it repeats the
    /// status.
    pub fn problem(&self) -> serde_json::Value {
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{} {}",
            self.status,
            self.body
        );
        let problem = self.json();
        assert_eq!(problem["status"], self.status, "{}", self.body);
        problem
    }

    /// The problem's kind: the last part of its `type`.
    pub fn kind(&self) -> String {
        let problem = self.problem();
        let kind = problem["type"].as_str().unwrap_or_default();
        kind.strip_prefix("urn:peiyu:problem:")
            .unwrap_or_else(|| panic!("not a peiyu problem type: {}", self.body))
            .to_owned()
    }

    /// Fails, showing the body, unless this is a problem of `status` and `kind`
    /// (`forbidden`, `conflict`, `invalid`, …).
    pub fn assert_kind(&self, status: u16, kind: &str) {
        assert_eq!(
            (self.status, self.kind()),
            (status, kind.to_owned()),
            "{}",
            self.body
        );
    }

    /// Fails, showing the body, unless this is a 409 saying the current `ETag` is `etag`.
    pub fn assert_stale(&self, etag: &str) {
        assert_eq!(
            (self.status, self.problem()["current_etag"].clone()),
            (409, serde_json::json!(etag)),
            "{}",
            self.body
        );
    }

    /// Fails, showing the body, unless this is a problem of `status` whose first input at
    /// fault is `field` (a JSON pointer, a parameter or a header).
    pub fn assert_field(&self, status: u16, field: &str) {
        assert_eq!(
            (self.status, self.field()),
            (status, field.to_owned()),
            "{}",
            self.body
        );
    }

    /// The name of the problem's first input at fault: its pointer, parameter or header.
    pub fn field(&self) -> String {
        let problem = self.problem();
        let first = &problem["errors"][0];
        ["pointer", "parameter", "header"]
            .iter()
            .find_map(|k| first[k].as_str())
            .unwrap_or_else(|| panic!("no input at fault: {}", self.body))
            .to_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A request being built.
pub struct Request {
    addr: std::net::SocketAddr,
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

pub fn get(addr: std::net::SocketAddr, path: &str) -> Request {
    Request {
        addr,
        method: "GET",
        path: path.to_owned(),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

pub fn request(addr: std::net::SocketAddr, method: &'static str, path: &str) -> Request {
    Request {
        method,
        ..get(addr, path)
    }
}

pub fn post(addr: std::net::SocketAddr, path: &str) -> Request {
    Request {
        method: "POST",
        ..get(addr, path)
    }
}

impl Request {
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn bearer(self, secret: &str) -> Request {
        self.header("Authorization", &format!("Bearer {secret}"))
    }

    pub fn json(mut self, body: serde_json::Value) -> Request {
        self.body = serde_json::to_vec(&body).unwrap();
        self.header("Content-Type", "application/json")
    }

    pub fn body(mut self, bytes: &[u8]) -> Request {
        self.body = bytes.to_vec();
        self
    }

    pub fn bytes(self, body: Vec<u8>) -> Request {
        self.body(&body)
    }

    pub fn form(mut self, body: &str) -> Request {
        self.body = body.as_bytes().to_vec();
        self.header("Content-Type", "application/x-www-form-urlencoded")
    }

    pub async fn send(self) -> Reply {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.method,
            self.path,
            self.addr,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&self.body).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        parse(&raw)
    }
}

fn parse(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            headers
                .entry(name.trim().to_ascii_lowercase())
                .or_default()
                .push(value.trim().to_owned());
        }
    }
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v.iter().any(|t| t.eq_ignore_ascii_case("chunked")))
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        bytes: body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&data[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

/// The CSRF token in a page's forms.
pub fn csrf_in(body: &str) -> String {
    let at = body
        .find("name=\"csrf\" value=\"")
        .unwrap_or_else(|| panic!("no CSRF field: {body}"));
    let rest = &body[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The `name=value` part of a reply's first `Set-Cookie`.
pub fn set_cookie_of(r: &Reply) -> String {
    r.header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// What a browser holds before it posts a form: its `Cookie` header and the forms' CSRF token.
/// Without a session, the login page's pre-session cookie; with one, the session's (read from
/// the change-password page, which every session may open).
pub async fn form_token(addr: std::net::SocketAddr, session: Option<&str>) -> (String, String) {
    match session {
        None => {
            let r = get(addr, "/").send().await;
            (set_cookie_of(&r), csrf_in(&r.body))
        }
        Some(cookie) => {
            let r = get(addr, "/password").header("Cookie", cookie).send().await;
            assert_eq!(r.status, 200, "{}", r.body);
            (cookie.to_owned(), csrf_in(&r.body))
        }
    }
}

impl Request {
    /// A URL-encoded form as a browser sends it: `body` with its CSRF token, and its cookie.
    pub async fn browser_form(self, session: Option<&str>, body: &str) -> Request {
        let (cookie, token) = form_token(self.addr, session).await;
        let body = if body.is_empty() {
            format!("csrf={token}")
        } else {
            format!("{body}&csrf={token}")
        };
        self.header("Cookie", &cookie).form(&body)
    }
}
