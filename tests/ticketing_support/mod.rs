//! A recording HTTP server and a recording CONNECT proxy on 127.0.0.1, for the ticketing tests.
//! Each serves on its own thread; the test reads what was received afterwards.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == &name.to_ascii_lowercase()).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

/// What the server answers to one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Never answer (for timeouts).
    pub hang: bool,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
            hang: false,
        }
    }

    pub fn empty(status: u16) -> Self {
        Self { status, headers: Vec::new(), body: String::new(), hang: false }
    }

    pub fn hang() -> Self {
        Self { status: 0, headers: Vec::new(), body: String::new(), hang: true }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A server answering with the given replies in order (500 once they run out).
pub struct Server {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    pub fn start(replies: Vec<Reply>) -> Self {
        Self::serve(replies, None)
    }

    /// The same over HTTPS, with the certificate in `tests/fixtures/tls/` (for `localhost` and
    /// 127.0.0.1, signed by the test CA in `ca.pem`).
    pub fn start_tls(replies: Vec<Reply>) -> Self {
        Self::serve(replies, Some(tls_config()))
    }

    /// A server whose answer `emulate` works out from each request (an emulated help desk).
    pub fn emulate(emulate: impl FnMut(&Recorded) -> Reply + Send + 'static) -> Self {
        Self::serve_with(emulate, None)
    }

    fn serve(replies: Vec<Reply>, tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let mut replies = replies.into_iter();
        Self::serve_with(move |_| replies.next().unwrap_or_else(|| Reply::json(500, "{}")), tls)
    }

    fn serve_with(
        mut answer: impl FnMut(&Recorded) -> Reply + Send + 'static,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let mut stream: Box<dyn ReadWrite> = match &tls {
                    None => Box::new(stream),
                    Some(config) => {
                        let Ok(conn) = rustls::ServerConnection::new(Arc::clone(config)) else { continue };
                        Box::new(rustls::StreamOwned::new(conn, stream))
                    }
                };
                let mut reader = BufReader::new(&mut stream);
                let Some(request) = read_request(&mut reader) else { continue };
                let reply = answer(&request);
                rec.lock().unwrap_or_else(|p| p.into_inner()).push(request);
                if reply.hang {
                    // Keep the connection open and silent; the client must give up.
                    std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_secs(60));
                        drop(stream);
                    });
                    continue;
                }
                let _ = write_reply(&mut stream, &reply);
            }
        });
        Self { addr, received }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.received.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

trait ReadWrite: Read + Write + Send {}
impl<T: Read + Write + Send> ReadWrite for T {}

pub fn fixture_tls(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls").join(name)
}

fn tls_config() -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(fixture_tls("server.pem"))
        .expect("server.pem")
        .collect::<Result<Vec<_>, _>>()
        .expect("certificates");
    let key = PrivateKeyDer::from_pem_file(fixture_tls("server.key")).expect("server.key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server certificate");
    Arc::new(config)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn write_reply(stream: &mut dyn Write, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (n, v) in &reply.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", reply.body.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(reply.body.as_bytes())?;
    stream.flush()
}

/// Reads one request: head, then a Content-Length body.
fn read_request(reader: &mut impl BufRead) -> Option<Recorded> {
    let (method, target, headers) = read_head(reader)?;
    let len: usize = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded { method, target, headers, body })
}

/// Method, target and headers (names in lower case).
type Head = (String, String, Vec<(String, String)>);

fn read_head(reader: &mut impl BufRead) -> Option<Head> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    Some((method, target, headers))
}

/// How the proxy treats a CONNECT.
#[derive(Debug, Clone, Copy)]
pub enum ProxyMode {
    /// Tunnel to the target (only 127.0.0.1 targets).
    Tunnel,
    /// Answer with this status and close.
    Refuse(u16),
}

/// A CONNECT proxy that records each request head (`CONNECT host:port`).
pub struct Proxy {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Recorded>>>,
}

impl Proxy {
    pub fn start(mode: ProxyMode) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut client) = stream else { continue };
                let Ok(read_half) = client.try_clone() else { continue };
                let mut reader = BufReader::new(read_half);
                let Some((method, target, headers)) = read_head(&mut reader) else { continue };
                rec.lock().unwrap_or_else(|p| p.into_inner()).push(Recorded {
                    method: method.clone(),
                    target: target.clone(),
                    headers,
                    body: Vec::new(),
                });
                match mode {
                    ProxyMode::Refuse(status) => {
                        let _ = write_reply(&mut client, &Reply::empty(status));
                    }
                    ProxyMode::Tunnel => {
                        let upstream = (method == "CONNECT" && target.starts_with("127.0.0.1:"))
                            .then(|| TcpStream::connect(&target).ok())
                            .flatten();
                        let Some(upstream) = upstream else {
                            let _ = write_reply(&mut client, &Reply::empty(502));
                            continue;
                        };
                        if client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").is_err() {
                            continue;
                        }
                        tunnel(reader, client, upstream);
                    }
                }
            }
        });
        Self { addr, received }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.received.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Copies bytes both ways until either side closes.
fn tunnel(mut from_client: BufReader<TcpStream>, mut client: TcpStream, upstream: TcpStream) {
    let (Ok(mut up_read), Ok(mut up_write)) = (upstream.try_clone(), upstream.try_clone()) else { return };
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_client, &mut up_write);
        let _ = up_write.shutdown(std::net::Shutdown::Write);
    });
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut client);
        let _ = client.shutdown(std::net::Shutdown::Write);
    });
}

/// Every file under `dir`, recursively, with its bytes.
pub fn all_files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                out.push((p, b));
            }
        }
    }
    out
}

impl Reply {
    /// Close the connection without answering (after the handler has acted: a write the
    /// client never hears about).
    pub fn dropped() -> Self {
        Self { status: 0, headers: Vec::new(), body: String::new(), hang: false }
    }

    /// Raw bytes (a downloaded file).
    pub fn bytes(status: u16, body: &[u8]) -> Self {
        Self { status, headers: Vec::new(), body: String::from_utf8_lossy(body).into_owned(), hang: false }
    }
}

/// What answers a request on a [`Server::with_handler`].
pub type Handler = dyn FnMut(&Recorded) -> Reply + Send;

impl Server {
    /// A server that answers each request with `handler` (one request at a time, as a database
    /// would apply them; connections are served concurrently), plain or TLS. For emulating a
    /// help desk's state.
    pub fn with_handler(handler: impl FnMut(&Recorded) -> Reply + Send + 'static, tls: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = Arc::clone(&received);
        let handler: Arc<Mutex<Handler>> = Arc::new(Mutex::new(handler));
        let tls = tls.then(tls_config);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (rec, handler, tls) = (Arc::clone(&rec), Arc::clone(&handler), tls.clone());
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    let mut stream: Box<dyn ReadWrite> = match &tls {
                        None => Box::new(stream),
                        Some(config) => {
                            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(config)) else { return };
                            Box::new(rustls::StreamOwned::new(conn, stream))
                        }
                    };
                    let mut reader = BufReader::new(&mut stream);
                    let Some(request) = read_request(&mut reader) else { return };
                    let reply = {
                        let mut h = handler.lock().unwrap_or_else(|p| p.into_inner());
                        rec.lock().unwrap_or_else(|p| p.into_inner()).push(request.clone());
                        h(&request)
                    };
                    if reply.status != 0 {
                        let _ = write_reply(&mut stream, &reply);
                    }
                });
            }
        });
        Self { addr, received }
    }

    /// The TLS server's URL (the certificate is for 127.0.0.1 and localhost).
    pub fn https_url(&self) -> String {
        format!("https://localhost:{}", self.addr.port())
    }

    /// Forgets what was received (a test with thousands of requests reads only counts).
    pub fn clear(&self) {
        self.received.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
