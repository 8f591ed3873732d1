//! Credentials for the help desk, from the environment or a credential command; never from a
//! file, never written anywhere.
//!
//! - `PASSKEY_TRIAGE_TICKETING_USER` + `PASSKEY_TRIAGE_TICKETING_PASSWORD`: basic authentication.
//! - `PASSKEY_TRIAGE_TICKETING_TOKEN`: a token, sent as `credential_kind` says: `token` (the
//!   default) in each system's usual shape (a bearer token for ServiceNow OAuth and Jira Data
//!   Center personal access tokens, basic `user:token` for Jira Cloud, `user/token:token` for
//!   Zendesk); `bearer` as `Authorization: Bearer` (OAuth 2.0 access tokens for Jira Cloud and
//!   Zendesk); `apikey` as ServiceNow's `x-sn-apikey` header.
//! - `credential_command` in `[ticketing]`: a program (run without a shell, in its own process
//!   group, standard input closed, its error output discarded) whose standard output is the
//!   secret: a token as above, or a password with `credential_kind = "password"`.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde::Deserialize;

use super::{Secret, System};
use crate::text::sanitize_line;

pub const ENV_USER: &str = "PASSKEY_TRIAGE_TICKETING_USER";
pub const ENV_PASSWORD: &str = "PASSKEY_TRIAGE_TICKETING_PASSWORD";
pub const ENV_TOKEN: &str = "PASSKEY_TRIAGE_TICKETING_TOKEN";

/// How long a credential command may take.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);
/// More output than this is not a secret.
const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// What the secret is (config `credential_kind`): how a token is sent, or that the credential
/// command prints a password.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A token in the system's usual shape.
    #[default]
    Token,
    /// The credential command prints a password (basic authentication with the user).
    Password,
    /// An OAuth 2.0 access token (or a personal access token), `Authorization: Bearer`.
    Bearer,
    /// A ServiceNow API key, sent as `x-sn-apikey`.
    Apikey,
}

/// How requests authenticate.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    Basic {
        user: String,
        password: Secret,
    },
    Bearer(Secret),
    /// ServiceNow's API key header.
    ServiceNowApiKey(Secret),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Basic { user, .. } => write!(f, "Basic({user}, ***)"),
            Auth::Bearer(_) => f.write_str("Bearer(***)"),
            Auth::ServiceNowApiKey(_) => f.write_str("ApiKey(***)"),
        }
    }
}

impl Auth {
    /// The header that carries the credentials: its name and value. Every request to the help
    /// desk (notes, and anything else the tool sends there) authenticates with this.
    pub fn header_pair(&self) -> (&'static str, Secret) {
        match self {
            Auth::ServiceNowApiKey(key) => ("x-sn-apikey", key.clone()),
            other => ("Authorization", other.header()),
        }
    }

    /// The value of the header [`Auth::header_pair`] names.
    pub fn header(&self) -> Secret {
        match self {
            Auth::Basic { user, password } => {
                let pair = format!("{user}:{}", password.expose());
                Secret::new(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)))
            }
            Auth::Bearer(token) => Secret::new(format!("Bearer {}", token.expose())),
            Auth::ServiceNowApiKey(key) => key.clone(),
        }
    }

    /// Every form in which the secret could show up in text: itself, URL-encoded (a server
    /// echoing a query or a form), in base64 and hex, and the header value.
    pub fn secret_forms(&self) -> Vec<String> {
        use base64::Engine as _;
        let secret = match self {
            Auth::Basic { password, .. } => password.expose(),
            Auth::Bearer(t) | Auth::ServiceNowApiKey(t) => t.expose(),
        };
        let header = self.header();
        let encoded = header.expose().split_once(' ').map(|(_, v)| v.to_string()).unwrap_or_default();
        let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
        let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
        let mut forms: Vec<String> =
            [secret.to_string(), super::encode_component(secret), b64.trim_end_matches('=').to_string(), hex, encoded]
                .into_iter()
                .filter(|s| s.len() >= 4)
                .collect();
        // The longest first: a form inside another is masked with it.
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        forms
    }

    /// `text` with every form of the secret replaced by `***`, in any letter case (for messages
    /// from outside).
    pub fn scrub(&self, text: &str) -> String {
        self.secret_forms().iter().fold(text.to_string(), |t, s| replace_ignoring_case(&t, s, "***"))
    }

    /// A server's message for the agent: the secret masked, then cut to one short line. In that
    /// order: a secret cut in two would no longer be recognised.
    pub fn scrub_message(&self, text: &str) -> String {
        crate::text::clip_line(&self.scrub(text), SHOWN_MESSAGE_CHARS)
    }
}

/// How much of a help desk's message the agent sees.
const SHOWN_MESSAGE_CHARS: usize = 300;

/// `hay` with every occurrence of `needle` replaced, ASCII letters compared in any case.
fn replace_ignoring_case(hay: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() {
        return hay.to_string();
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let mut out = String::with_capacity(hay.len());
    let (mut i, mut copied) = (0, 0);
    while i + n.len() <= h.len() {
        if h[i..i + n.len()].eq_ignore_ascii_case(n) && hay.is_char_boundary(i) && hay.is_char_boundary(i + n.len()) {
            out.push_str(&hay[copied..i]);
            out.push_str(with);
            i += n.len();
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&hay[copied..]);
    out
}

/// Why no credentials could be had. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error(
        "no credentials for {0}: set {ENV_TOKEN} (or {ENV_USER} and {ENV_PASSWORD}), or credential_command in [ticketing]"
    )]
    Missing(System),
    #[error("set either {ENV_PASSWORD} or {ENV_TOKEN}, not both")]
    Both,
    #[error("{0} needs a user: set {ENV_USER} or `user` in [ticketing]")]
    NoUser(System),
    #[error("credential command `{program}`: {reason}")]
    Command { program: String, reason: String },
    #[error("credential_kind = \"apikey\" is ServiceNow's (x-sn-apikey); {0} takes token, bearer or password")]
    ApiKeyNotServiceNow(System),
}

/// What [`resolve`] needs besides the environment.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    pub system: System,
    /// Jira Data Center (or Server): a token is a personal access token, sent as a bearer token.
    pub jira_data_center: bool,
    pub user: Option<&'a str>,
    /// The credential command's argv, if configured.
    pub command: Option<&'a [String]>,
    /// `credential_kind`.
    pub kind: Kind,
    /// Set to stop a credential command still running (a signal came).
    pub cancel: Option<&'a super::Cancel>,
}

/// Works out the credentials.
pub fn resolve(wanted: Wanted<'_>, env: &dyn Fn(&str) -> Option<String>) -> Result<Auth, CredentialError> {
    let system = wanted.system;
    if wanted.kind == Kind::Apikey && system != System::ServiceNow {
        return Err(CredentialError::ApiKeyNotServiceNow(system));
    }
    let present = |k: &str| env(k).filter(|v| !v.is_empty());
    // `password` says what the credential command prints; a token from the environment is
    // always a token.
    let token_kind = if wanted.kind == Kind::Password { Kind::Token } else { wanted.kind };
    let (secret, kind) = match (present(ENV_PASSWORD), present(ENV_TOKEN)) {
        (Some(_), Some(_)) => return Err(CredentialError::Both),
        (Some(p), None) => (Secret::new(p), Kind::Password),
        (None, Some(t)) => (Secret::new(t), token_kind),
        (None, None) => match wanted.command {
            Some(argv) => (run_command_cancellable(argv, COMMAND_TIMEOUT, wanted.cancel)?, wanted.kind),
            None => return Err(CredentialError::Missing(system)),
        },
    };
    let user = wanted.user.map(str::trim).filter(|u| !u.is_empty());
    let need_user = || user.map(str::to_string).ok_or(CredentialError::NoUser(system));
    Ok(match (kind, system) {
        (Kind::Password, _) => Auth::Basic { user: need_user()?, password: secret },
        (Kind::Apikey, _) => Auth::ServiceNowApiKey(secret),
        (Kind::Bearer, _) => Auth::Bearer(secret),
        (Kind::Token, System::ServiceNow) => Auth::Bearer(secret),
        (Kind::Token, System::Jira) if wanted.jira_data_center => Auth::Bearer(secret),
        (Kind::Token, System::Jira) => Auth::Basic { user: need_user()?, password: secret },
        (Kind::Token, System::Zendesk) => Auth::Basic { user: format!("{}/token", need_user()?), password: secret },
    })
}

/// Runs a credential command: no shell, its own process group, standard input closed, error
/// output discarded (it could echo the secret), at most `timeout`. Its output, trimmed, is the
/// secret.
pub fn run_command(argv: &[String], timeout: Duration) -> Result<Secret, CredentialError> {
    run_command_cancellable(argv, timeout, None)
}

/// [`run_command`], stopped at once when `cancel` is set. A command that runs too long or is
/// cancelled is killed with everything it started (its process group).
pub fn run_command_cancellable(
    argv: &[String],
    timeout: Duration,
    cancel: Option<&super::Cancel>,
) -> Result<Secret, CredentialError> {
    let program = argv.first().map(|p| sanitize_line(p)).unwrap_or_default();
    let fail = |reason: String| CredentialError::Command { program: program.clone(), reason };
    let Some((first, rest)) = argv.split_first() else {
        return Err(fail("no program given".into()));
    };
    // Counted from before the spawn until it is reaped, so that a cancel can wait for the kill.
    let _running = cancel.map(super::Cancel::command_running);
    let mut command = Command::new(first);
    command.args(rest).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
    own_process_group(&mut command);
    let mut child = command.spawn().map_err(|e| fail(format!("cannot run it: {e}")))?;
    let Some(stdout) = child.stdout.take() else {
        kill_group(&mut child);
        return Err(fail("no output pipe".into()));
    };
    // Read on a thread so that a command that never closes its output cannot hang us.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let result = stdout.take(MAX_SECRET_BYTES + 1).read_to_end(&mut buf).map(|_| buf);
        let _ = tx.send(result);
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if cancel.is_some_and(super::Cancel::is_cancelled) {
            kill_group(&mut child);
            return Err(fail("stopped: the post was abandoned".into()));
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                kill_group(&mut child);
                return Err(fail(format!("did not finish within {} s", timeout.as_secs())));
            }
            Err(e) => {
                kill_group(&mut child);
                return Err(fail(format!("cannot wait for it: {e}")));
            }
        }
    };
    if !status.success() {
        let code = status.code().map(|c| format!("exit status {c}")).unwrap_or_else(|| "killed by a signal".into());
        return Err(fail(format!("failed ({code})")));
    }
    let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(100));
    let bytes = match rx.recv_timeout(left) {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => return Err(fail(format!("cannot read its output: {e}"))),
        Err(_) => return Err(fail("its output did not end".into())),
    };
    if bytes.len() as u64 > MAX_SECRET_BYTES {
        return Err(fail(format!("printed more than {MAX_SECRET_BYTES} bytes")));
    }
    let text = String::from_utf8(bytes).map_err(|_| fail("printed something that is not UTF-8 text".into()))?;
    let secret = text.trim();
    if secret.is_empty() {
        return Err(fail("printed nothing".into()));
    }
    if secret.contains(['\n', '\r']) || secret.chars().any(char::is_control) {
        return Err(fail("printed more than one line (print only the secret)".into()));
    }
    Ok(Secret::new(secret))
}

/// The command and everything it starts share a process group of their own, so that all of it
/// can be stopped together (and a terminal's signals reach only us, who then stop it).
#[cfg(unix)]
fn own_process_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(not(unix))]
fn own_process_group(_command: &mut Command) {}

/// Kills the command's process group (on other systems, the command itself) and reaps it.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    signal_group(child);
    let _ = child.kill();
    let _ = child.wait();
}

/// SIGKILL to the process group the child leads (its id is the group's).
#[cfg(unix)]
fn signal_group(child: &std::process::Child) {
    let Ok(pgid) = libc::pid_t::try_from(child.id()) else { return };
    if pgid > 1 {
        // SAFETY: kill(2) takes plain integers; a negative pid names the process group, which
        // only the command and what it started belong to.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    fn header(a: &Result<Auth, CredentialError>) -> String {
        a.as_ref().map(|a| a.header().expose().to_string()).unwrap_or_else(|e| e.to_string())
    }

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    fn wanted(system: System, user: Option<&str>, kind: Kind) -> Wanted<'_> {
        Wanted { system, jira_data_center: false, user, command: None, kind, cancel: None }
    }

    #[test]
    fn tokens_take_each_systems_shape() {
        let env = env_of(&[(ENV_TOKEN, "tok")]);
        let r = |s| resolve(wanted(s, Some("ana@contoso.com"), Kind::Token), &env);
        assert_eq!(header(&r(System::ServiceNow)), "Bearer tok");
        assert_eq!(header(&r(System::Jira)), format!("Basic {}", b64("ana@contoso.com:tok")));
        assert_eq!(header(&r(System::Zendesk)), format!("Basic {}", b64("ana@contoso.com/token:tok")));
        // Jira Data Center: a personal access token, as a bearer token.
        let dc = Wanted { jira_data_center: true, ..wanted(System::Jira, None, Kind::Token) };
        assert_eq!(header(&resolve(dc, &env)), "Bearer tok");
    }

    #[test]
    fn bearer_and_api_keys_as_configured() {
        let env = env_of(&[(ENV_TOKEN, "tok")]);
        for system in [System::Jira, System::Zendesk] {
            let a = resolve(wanted(system, None, Kind::Bearer), &env);
            assert_eq!(a.as_ref().map(|a| a.header_pair().0), Ok("Authorization"));
            assert_eq!(header(&a), "Bearer tok", "{system}: OAuth needs no user");
        }
        let a = resolve(wanted(System::ServiceNow, None, Kind::Apikey), &env);
        let pair = a.as_ref().map(|a| (a.header_pair().0, a.header_pair().1.expose().to_string()));
        assert_eq!(pair, Ok(("x-sn-apikey", "tok".to_string())));
        let e = resolve(wanted(System::Zendesk, Some("u"), Kind::Apikey), &env);
        assert_eq!(e, Err(CredentialError::ApiKeyNotServiceNow(System::Zendesk)));
    }

    #[test]
    fn passwords_are_basic_and_need_a_user() {
        let env = env_of(&[(ENV_PASSWORD, "pw")]);
        let a = resolve(wanted(System::ServiceNow, Some("svc"), Kind::Token), &env);
        assert_eq!(header(&a), format!("Basic {}", b64("svc:pw")));
        let e = resolve(wanted(System::ServiceNow, None, Kind::Token), &env);
        assert_eq!(e, Err(CredentialError::NoUser(System::ServiceNow)));
        let both = env_of(&[(ENV_PASSWORD, "pw"), (ENV_TOKEN, "t")]);
        assert_eq!(resolve(wanted(System::Jira, Some("u"), Kind::Token), &both), Err(CredentialError::Both));
        let none = env_of(&[]);
        assert_eq!(
            resolve(wanted(System::Jira, Some("u"), Kind::Token), &none),
            Err(CredentialError::Missing(System::Jira))
        );
    }

    #[test]
    fn scrub_hides_every_form() {
        let a = Auth::Basic { user: "u".into(), password: Secret::new("s3cret-value") };
        let enc = b64("u:s3cret-value");
        let text = format!("echo s3cret-value and {enc}");
        let clean = a.scrub(&text);
        assert!(!clean.contains("s3cret-value") && !clean.contains(&enc), "{clean}");
        assert!(!format!("{a:?}").contains("s3cret"));
    }

    /// Red team, 6 December 2026: a long server message was cut to 200 characters before the
    /// token was masked, and the cut token passed. Masked first, then cut; and in the forms a
    /// server may echo it.
    #[test]
    fn a_server_message_is_masked_before_it_is_cut() {
        let token = "SECRETtokenVALUE0123456789abcdefSECRETtokenVALUE0123456789";
        let a = Auth::Bearer(Secret::new(token));
        let message = crate::ticketing::short_message(&format!("{} token={token}", "A".repeat(160))).unwrap();
        let shown = a.scrub_message(&message);
        assert!(!shown.contains("SECRETtokenVALUE"), "{shown}");
        let p = Auth::Basic { user: "u".into(), password: Secret::new("p@ss w/rd+1") };
        let hex: String = "p@ss w/rd+1".bytes().map(|b| format!("{b:02x}")).collect();
        for echoed in ["p%40ss%20w%2Frd%2B1", "P@SS W/RD+1", hex.as_str(), "cEBzcyB3L3JkKzE"] {
            let shown = p.scrub_message(&format!("bad credentials: {echoed}."));
            assert_eq!(shown, "bad credentials: ***.", "{echoed}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn commands_run_without_a_shell_and_are_bounded() {
        let argv = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let t = Duration::from_secs(5);
        let ok = run_command(&argv(&["printf", "%s\\n", "tok en"]), t);
        assert_eq!(ok.map(|s| s.expose().to_string()), Ok("tok en".into()));
        // `$HOME` is not expanded: no shell.
        let lit = run_command(&argv(&["printf", "%s", "$HOME"]), t);
        assert_eq!(lit.map(|s| s.expose().to_string()), Ok("$HOME".into()));
        let e = run_command(&argv(&["sh", "-c", "echo hunter2 >&2; exit 3"]), t).err().map(|e| e.to_string());
        let e = e.unwrap_or_default();
        assert!(e.contains("exit status 3") && !e.contains("hunter2"), "{e}");
        let e = run_command(&argv(&["sleep", "5"]), Duration::from_millis(200)).err().map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("did not finish"));
        let e = run_command(&argv(&["printf", "a\\nb\\n"]), t).err().map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("more than one line"));
        let e = run_command(&argv(&["true"]), t).err().map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("printed nothing"));
        let e = run_command(&argv(&["/nonexistent/cred"]), t).err().map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("cannot run it"));
    }

    /// Whether a process is gone (a zombie nobody reaped counts as gone).
    #[cfg(target_os = "linux")]
    fn gone(pid: &str) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            Ok(stat) => stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_command_that_times_out_leaves_no_children() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let pidfile = dir.path().join("child.pid");
        // The command starts a child of its own, then waits for it.
        let script = format!("sleep 60 & echo $! > '{}'; wait", pidfile.display());
        let argv = vec!["sh".to_string(), "-c".to_string(), script];
        let e = run_command(&argv, Duration::from_secs(2)).err().map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("did not finish"));
        let pid = std::fs::read_to_string(&pidfile).unwrap_or_default().trim().to_string();
        assert!(!pid.is_empty(), "the child started");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !gone(&pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(gone(&pid), "the command's child {pid} still runs");
    }

    #[cfg(unix)]
    #[test]
    fn a_cancelled_command_stops_at_once() {
        let cancel = crate::ticketing::Cancel::new();
        cancel.cancel();
        let argv = vec!["sleep".to_string(), "30".to_string()];
        let e = run_command_cancellable(&argv, Duration::from_secs(30), Some(&cancel)).err().map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("abandoned"));
    }
}
