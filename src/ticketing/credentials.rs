//! Credentials for the help desk, from the environment or a credential command; never from a
//! file, never written anywhere.
//!
//! - `PASSKEY_TRIAGE_TICKETING_USER` + `PASSKEY_TRIAGE_TICKETING_PASSWORD`: basic authentication.
//! - `PASSKEY_TRIAGE_TICKETING_TOKEN`: an API token, sent as each system expects it: a bearer
//!   token (ServiceNow OAuth), `user:token` (Jira Cloud) or `user/token:token` (Zendesk), all
//!   basic except ServiceNow's.
//! - `credential_command` in `[ticketing]`: a program (run without a shell, standard input
//!   closed, its error output discarded) whose standard output is the secret: a token unless
//!   `credential_kind = "password"`.

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

/// What a credential command prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Token,
    Password,
}

/// How requests authenticate.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    Basic { user: String, password: Secret },
    Bearer(Secret),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Basic { user, .. } => write!(f, "Basic({user}, ***)"),
            Auth::Bearer(_) => f.write_str("Bearer(***)"),
        }
    }
}

impl Auth {
    /// The `Authorization` header value.
    pub fn header(&self) -> Secret {
        match self {
            Auth::Basic { user, password } => {
                let pair = format!("{user}:{}", password.expose());
                Secret::new(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)))
            }
            Auth::Bearer(token) => Secret::new(format!("Bearer {}", token.expose())),
        }
    }

    /// Every form in which the secret could show up in text: itself and the header value.
    pub fn secret_forms(&self) -> Vec<String> {
        let secret = match self {
            Auth::Basic { password, .. } => password.expose(),
            Auth::Bearer(t) => t.expose(),
        };
        let header = self.header();
        let encoded = header.expose().split_once(' ').map(|(_, v)| v.to_string()).unwrap_or_default();
        [secret.to_string(), encoded].into_iter().filter(|s| s.len() >= 4).collect()
    }

    /// `text` with every form of the secret replaced by `***` (for messages from outside).
    pub fn scrub(&self, text: &str) -> String {
        self.secret_forms().iter().fold(text.to_string(), |t, s| t.replace(s.as_str(), "***"))
    }
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
}

/// Works out the credentials. `command` is the credential command's argv, if configured.
pub fn resolve(
    system: System,
    user: Option<&str>,
    command: Option<&[String]>,
    command_kind: Kind,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Auth, CredentialError> {
    let present = |k: &str| env(k).filter(|v| !v.is_empty());
    let (secret, kind) = match (present(ENV_PASSWORD), present(ENV_TOKEN)) {
        (Some(_), Some(_)) => return Err(CredentialError::Both),
        (Some(p), None) => (Secret::new(p), Kind::Password),
        (None, Some(t)) => (Secret::new(t), Kind::Token),
        (None, None) => match command {
            Some(argv) => (run_command(argv, COMMAND_TIMEOUT)?, command_kind),
            None => return Err(CredentialError::Missing(system)),
        },
    };
    let user = user.map(str::trim).filter(|u| !u.is_empty());
    let need_user = || user.map(str::to_string).ok_or(CredentialError::NoUser(system));
    Ok(match (kind, system) {
        (Kind::Password, _) => Auth::Basic { user: need_user()?, password: secret },
        (Kind::Token, System::ServiceNow) => Auth::Bearer(secret),
        (Kind::Token, System::Jira) => Auth::Basic { user: need_user()?, password: secret },
        (Kind::Token, System::Zendesk) => Auth::Basic { user: format!("{}/token", need_user()?), password: secret },
    })
}

/// Runs a credential command: no shell, standard input closed, error output discarded (it
/// could echo the secret), at most `timeout`. Its output, trimmed, is the secret.
pub fn run_command(argv: &[String], timeout: Duration) -> Result<Secret, CredentialError> {
    let program = argv.first().map(|p| sanitize_line(p)).unwrap_or_default();
    let fail = |reason: String| CredentialError::Command { program: program.clone(), reason };
    let Some((first, rest)) = argv.split_first() else {
        return Err(fail("no program given".into()));
    };
    let mut child = Command::new(first)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| fail(format!("cannot run it: {e}")))?;
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        let _ = child.wait();
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
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!("did not finish within {} s", timeout.as_secs())));
            }
            Err(e) => return Err(fail(format!("cannot wait for it: {e}"))),
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

    #[test]
    fn tokens_take_each_systems_shape() {
        let env = env_of(&[(ENV_TOKEN, "tok")]);
        let r = |s| resolve(s, Some("ana@contoso.com"), None, Kind::Token, &env);
        assert_eq!(header(&r(System::ServiceNow)), "Bearer tok");
        assert_eq!(header(&r(System::Jira)), format!("Basic {}", b64("ana@contoso.com:tok")));
        assert_eq!(header(&r(System::Zendesk)), format!("Basic {}", b64("ana@contoso.com/token:tok")));
    }

    #[test]
    fn passwords_are_basic_and_need_a_user() {
        let env = env_of(&[(ENV_PASSWORD, "pw")]);
        let a = resolve(System::ServiceNow, Some("svc"), None, Kind::Token, &env);
        assert_eq!(header(&a), format!("Basic {}", b64("svc:pw")));
        let e = resolve(System::ServiceNow, None, None, Kind::Token, &env);
        assert_eq!(e, Err(CredentialError::NoUser(System::ServiceNow)));
        let both = env_of(&[(ENV_PASSWORD, "pw"), (ENV_TOKEN, "t")]);
        assert_eq!(resolve(System::Jira, Some("u"), None, Kind::Token, &both), Err(CredentialError::Both));
        let none = env_of(&[]);
        assert_eq!(
            resolve(System::Jira, Some("u"), None, Kind::Token, &none),
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
}
