//! The HTTP transport: ureq over rustls (no OpenSSL), proxies from `HTTPS_PROXY`/`ALL_PROXY`/
//! `HTTP_PROXY` with `NO_PROXY` honoured, connect and whole-request timeouts, redirects not
//! followed (they would carry the credentials elsewhere), answers bounded. Plain `http://` is
//! allowed only to a loopback address. Trusted roots: the built-in Mozilla roots, the operating
//! system's store, and `ca_file` (each adds; none replaces). A 429 is retried as the server asks,
//! within bounds ([`send_retrying`]).

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use ureq::tls::{PemItem, RootCerts, TlsConfig};

use super::config::{MAX_CONNECT_TIMEOUT, Settings};
use super::{Cancel, Failure, Request, Response, Secret, Transport, TransportError};
use crate::text::sanitize_line;

/// Answers larger than this are not read (a note's answer is a few KiB).
const MAX_ANSWER_BYTES: u64 = 1024 * 1024;
/// CA files larger than this are refused.
const MAX_CA_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A checked base URL: `https://host[:port][/path]` (or `http://` to loopback), no user, query or
/// fragment, no trailing `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    url: String,
    host: String,
}

/// Why a URL is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("`{0}` is not an http(s) URL")]
    NotHttp(String),
    #[error("`{0}` is not a valid URL")]
    Malformed(String),
    #[error("the URL must not hold a user name or password (use the environment: see the README)")]
    UserInfo,
    #[error("`{0}`: give the base URL only, without `?` or `#`")]
    QueryOrFragment(String),
    #[error("plain http:// is allowed only to a loopback address, not `{0}`; use https://")]
    PlainHttp(String),
}

impl BaseUrl {
    pub fn parse(raw: &str) -> Result<Self, UrlError> {
        let raw = raw.trim();
        let shown = || sanitize_line(raw);
        let lower = raw.to_ascii_lowercase();
        let https = if lower.starts_with("https://") {
            true
        } else if lower.starts_with("http://") {
            false
        } else {
            return Err(UrlError::NotHttp(shown()));
        };
        if raw.contains(['?', '#']) {
            return Err(UrlError::QueryOrFragment(shown()));
        }
        let uri: ureq::http::Uri = raw.parse().map_err(|_| UrlError::Malformed(shown()))?;
        let authority = uri.authority().ok_or_else(|| UrlError::Malformed(shown()))?;
        if authority.as_str().contains('@') {
            return Err(UrlError::UserInfo);
        }
        let host = authority.host().to_string();
        if host.is_empty() {
            return Err(UrlError::Malformed(shown()));
        }
        if !https && !is_loopback(&host) {
            return Err(UrlError::PlainHttp(sanitize_line(&host)));
        }
        let scheme = if https { "https" } else { "http" };
        let path = uri.path().trim_end_matches('/');
        Ok(Self { url: format!("{scheme}://{}{path}", authority.as_str()), host })
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    pub fn host(&self) -> &str {
        &self.host
    }
}

/// `localhost`, 127.0.0.0/8 or ::1.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Sends requests to the help desk.
pub struct HttpTransport {
    agent: ureq::Agent,
    base: BaseUrl,
    /// The credentials' header name and value ([`super::credentials::Auth::header_pair`]).
    credentials: (&'static str, Secret),
    timeout: Duration,
    cancel: Option<Cancel>,
}

impl HttpTransport {
    /// A transport for these settings (reads `ca_file` if set, the system's trust store, and the
    /// proxy environment).
    pub fn new(settings: &Settings) -> Result<Self, TransportError> {
        let roots = trusted_roots(settings.ca_file.as_deref())?;
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(settings.timeout))
            .timeout_connect(Some(settings.timeout.min(MAX_CONNECT_TIMEOUT)))
            .proxy(ureq::Proxy::try_from_env())
            .user_agent(concat!("passkey-triage/", env!("CARGO_PKG_VERSION")))
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .build();
        Ok(Self {
            agent: config.into(),
            base: settings.url.clone(),
            credentials: settings.auth.header_pair(),
            timeout: settings.timeout,
            cancel: None,
        })
    }

    /// The same, stopped by `cancel` (waits before a retry end when it is set).
    pub fn with_cancel(mut self, cancel: Option<Cancel>) -> Self {
        self.cancel = cancel;
        self
    }

    fn map_error(&self, e: ureq::Error) -> TransportError {
        let host = sanitize_line(self.base.host());
        match e {
            ureq::Error::Timeout(_) => TransportError::Timeout(self.timeout.as_secs()),
            ureq::Error::HostNotFound => TransportError::HostNotFound(host),
            ureq::Error::ConnectionFailed => TransportError::ConnectFailed(host),
            ureq::Error::ConnectProxyFailed(reason) => TransportError::Proxy(proxy_reason(&reason)),
            ureq::Error::InvalidProxyUrl => TransportError::Proxy("the proxy setting is not a valid URL".into()),
            ureq::Error::Tls(m) => TransportError::Tls(m.to_string()),
            ureq::Error::Rustls(e) => TransportError::Tls(sanitize_line(&e.to_string())),
            ureq::Error::Pem(e) => TransportError::Tls(sanitize_line(&e.to_string())),
            ureq::Error::BodyExceedsLimit(_) => {
                TransportError::Other(format!("the answer is larger than {MAX_ANSWER_BYTES} bytes"))
            }
            ureq::Error::Io(io) => match io.kind() {
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                    TransportError::Timeout(self.timeout.as_secs())
                }
                std::io::ErrorKind::ConnectionRefused => TransportError::ConnectFailed(host),
                // rustls reports a failed handshake as invalid data.
                std::io::ErrorKind::InvalidData => {
                    TransportError::Tls(format!("with {host}: {}", sanitize_line(&io.to_string())))
                }
                _ => TransportError::Other(format!("connection to {host} failed: {}", sanitize_line(&io.to_string()))),
            },
            other => TransportError::Other(sanitize_line(&other.to_string())),
        }
    }
}

impl Transport for HttpTransport {
    fn send(&self, request: &Request) -> Result<Response, TransportError> {
        match &request.body {
            Some(json) => {
                let bytes = serde_json::to_vec(json).map_err(|e| TransportError::Other(e.to_string()))?;
                self.exchange(request, Some(("application/json; charset=utf-8", bytes)))
            }
            None => self.exchange(request, None),
        }
    }

    fn cancel(&self) -> Option<&Cancel> {
        self.cancel.as_ref()
    }

    fn send_bytes(&self, request: &Request, content_type: &str, body: &[u8]) -> Result<Response, TransportError> {
        self.exchange(request, Some((content_type, body.to_vec())))
    }
}

/// The longest `Retry-After` waited out; a longer one is reported instead.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);
/// How many times a refused request is sent again.
pub const MAX_RETRIES: u32 = 2;
/// The wait before a retry when a 429 names none.
const DEFAULT_RETRY_WAIT: Duration = Duration::from_secs(2);

/// Sends `request`. A 429 is a refusal (nothing was applied), so the same request goes again
/// after the `Retry-After` the server asked for, when that is at most [`MAX_RETRY_WAIT`], up to
/// [`MAX_RETRIES`] times. Nothing else is sent again: after a timeout, a lost connection or a
/// 5xx, the request may have been applied. The wait ends early when the transport is cancelled.
pub fn send_retrying(http: &dyn Transport, request: &Request) -> Result<Response, Failure> {
    let mut tries = 0;
    loop {
        let response = http.send(request).map_err(|e| match http.cancel() {
            Some(c) if c.is_cancelled() => Failure::Abandoned,
            _ => Failure::Transport(e),
        })?;
        if response.status != 429 || tries >= MAX_RETRIES {
            return Ok(response);
        }
        let wait = match response.retry_after.as_deref() {
            None => DEFAULT_RETRY_WAIT,
            Some(value) => match retry_after(value, chrono::Utc::now()) {
                Some(wait) if wait <= MAX_RETRY_WAIT => wait,
                _ => return Ok(response),
            },
        };
        let slept = match http.cancel() {
            Some(cancel) => cancel.sleep(wait),
            None => {
                std::thread::sleep(wait);
                true
            }
        };
        if !slept {
            return Err(Failure::Abandoned);
        }
        tries += 1;
    }
}

/// A `Retry-After` value as a wait from `now`: delay-seconds or an HTTP date (RFC 9110).
pub fn retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.with_timezone(&chrono::Utc) - now).to_std().unwrap_or(Duration::ZERO))
}

impl HttpTransport {
    /// Sends `request` with `body` (its `Content-Type` and bytes; `request.body` is not read),
    /// with the credentials header as configured (Bearer, Basic or the ServiceNow API key), and
    /// reads the answer within its bound.
    fn exchange(&self, request: &Request, body: Option<(&str, Vec<u8>)>) -> Result<Response, TransportError> {
        if self.cancel.as_ref().is_some_and(Cancel::is_cancelled) {
            return Err(TransportError::Other("abandoned".into()));
        }
        let url = format!("{}{}", self.base.as_str(), request.path);
        let (name, value) = &self.credentials;
        let mut credentials = ureq::http::HeaderValue::from_str(value.expose())
            .map_err(|_| TransportError::Other("the credentials hold characters a header cannot carry".into()))?;
        credentials.set_sensitive(true);
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(&url)
            .header(*name, credentials)
            .header("Accept", "application/json");
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let built = |e: ureq::http::Error| TransportError::Other(sanitize_line(&e.to_string()));
        let sent = match body {
            Some((content_type, bytes)) => {
                self.agent.run(builder.header("Content-Type", content_type).body(bytes).map_err(built)?)
            }
            None => self.agent.run(builder.body(()).map_err(built)?),
        };
        let mut response = sent.map_err(|e| self.map_error(e))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| sanitize_line(v).chars().take(300).collect())
        };
        let location = header("location");
        let retry_after = header("retry-after");
        let status = response.status().as_u16();
        let body =
            response.body_mut().with_config().limit(MAX_ANSWER_BYTES).read_to_vec().map_err(|e| self.map_error(e))?;
        Ok(Response { status, body, location, retry_after })
    }
}

/// ureq says `proxy server responded 403/403`; we say `HTTP 403 to CONNECT host:port`.
fn proxy_reason(reason: &str) -> String {
    match reason.strip_prefix("proxy server responded ").and_then(|r| r.split('/').next()) {
        Some(status) if status.bytes().all(|b| b.is_ascii_digit()) => format!("HTTP {status}"),
        _ => sanitize_line(reason),
    }
}

/// The roots a help desk's certificate is checked against: the built-in Mozilla roots, the
/// operating system's store (where a TLS-inspecting proxy's CA usually is; on Linux also
/// `SSL_CERT_FILE` / `SSL_CERT_DIR`), and the certificates in `ca_file`. Each adds to the others.
pub fn trusted_roots(ca_file: Option<&Path>) -> Result<RootCerts, TransportError> {
    let mut certs: Vec<ureq::tls::Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|c| ureq::tls::Certificate::from_der(c).to_owned())
        .collect();
    // A store that can't be read (or holds a bad entry) leaves the others: the error would not
    // help the agent, and a missing root shows as a TLS failure naming the host.
    let system = rustls_native_certs::load_native_certs();
    certs.extend(system.certs.iter().map(|c| ureq::tls::Certificate::from_der(c).to_owned()));
    if let Some(path) = ca_file {
        certs.extend(read_ca_file(path)?);
    }
    Ok(RootCerts::new_with_certs(&certs))
}

/// Root certificates from a PEM file (a regular file of at most 4 MiB).
fn read_ca_file(path: &Path) -> Result<Vec<ureq::tls::Certificate<'static>>, TransportError> {
    let name = sanitize_line(&path.display().to_string());
    let fail = |why: String| TransportError::Tls(format!("ca_file {name}: {why}"));
    // Opened without blocking and checked after opening, as every input is.
    let pem = crate::input::read_input(path, MAX_CA_FILE_BYTES).map_err(|e| fail(e.kind.to_string()))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => return Err(fail(format!("not PEM: {}", sanitize_line(&e.to_string())))),
        }
    }
    if certs.is_empty() {
        return Err(fail("holds no certificate".into()));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:27:50Z").map(|t| t.with_timezone(&chrono::Utc));
        let now = now.unwrap_or_default();
        assert_eq!(retry_after("30", now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_secs(10)));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO), "a date passed");
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
    }

    #[test]
    fn ca_file_adds_to_the_built_in_roots() {
        let count = |roots: &RootCerts| match roots {
            RootCerts::Specific(certs) => certs.len(),
            _ => 0,
        };
        let without = trusted_roots(None).map(|r| count(&r)).unwrap_or(0);
        assert!(without >= webpki_root_certs::TLS_SERVER_ROOT_CERTS.len(), "the built-in roots are there");
        let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls/ca.pem");
        let with = trusted_roots(Some(&ca)).map(|r| count(&r)).unwrap_or(0);
        assert_eq!(with, without + 1, "ca_file adds its certificate and keeps the rest");
    }

    #[test]
    fn proxy_refusals_read_well() {
        assert_eq!(proxy_reason("proxy server responded 403/403"), "HTTP 403");
        assert_eq!(proxy_reason("proxy server did not respond"), "proxy server did not respond");
    }

    #[test]
    fn base_urls_are_checked() {
        let ok = |s: &str| BaseUrl::parse(s).map(|u| u.as_str().to_string());
        assert_eq!(ok("https://contoso.service-now.com/"), Ok("https://contoso.service-now.com".into()));
        assert_eq!(
            ok("https://api.atlassian.com/ex/jira/abc-123"),
            Ok("https://api.atlassian.com/ex/jira/abc-123".into())
        );
        assert_eq!(ok("http://127.0.0.1:8080"), Ok("http://127.0.0.1:8080".into()));
        assert_eq!(ok("http://[::1]:8080/x/"), Ok("http://[::1]:8080/x".into()));
        assert_eq!(ok("http://localhost:1"), Ok("http://localhost:1".into()));
        assert!(matches!(BaseUrl::parse("http://contoso.zendesk.com"), Err(UrlError::PlainHttp(_))));
        assert!(matches!(BaseUrl::parse("http://127.0.0.1.evil.com"), Err(UrlError::PlainHttp(_))));
        assert_eq!(BaseUrl::parse("https://u:p@x.com"), Err(UrlError::UserInfo));
        assert!(matches!(BaseUrl::parse("https://x.com/?a=b"), Err(UrlError::QueryOrFragment(_))));
        assert!(matches!(BaseUrl::parse("ftp://x.com"), Err(UrlError::NotHttp(_))));
        assert!(matches!(BaseUrl::parse("https://"), Err(UrlError::Malformed(_))));
    }
}
