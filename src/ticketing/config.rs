//! The `[ticketing]` section of config.toml and the settings a post runs with.
//!
//! ```toml
//! [ticketing]
//! system = "servicenow"                       # servicenow | jira | zendesk
//! url = "https://contoso.service-now.com"     # PASSKEY_TRIAGE_TICKETING_URL overrides it
//! user = "svc-passkey-triage"                 # PASSKEY_TRIAGE_TICKETING_USER overrides it
//! credential_command = ["secret-tool", "lookup", "service", "servicenow"]
//! credential_kind = "token"                   # token | bearer | apikey | password
//! ca_file = "/etc/ssl/proxy-ca.pem"           # adds to the built-in and the system's roots
//! # Jira only: jira_deployment = "cloud" | "datacenter"; jira_internal = "role:NAME" | ...
//! ```
//!
//! No secret is ever read from this file: only from the environment or the credential command.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use super::credentials::{self, CredentialError};
use super::http::{BaseUrl, UrlError};
use super::{NoteFormat, System};
use crate::text::sanitize_line;

/// Overrides `url`.
pub const ENV_URL: &str = "PASSKEY_TRIAGE_TICKETING_URL";

/// The `[ticketing]` section as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketingConfig {
    /// The help desk (the `--system` flag overrides it).
    #[serde(default)]
    pub system: Option<System>,
    /// Base URL, e.g. `https://contoso.service-now.com`, `https://contoso.atlassian.net`,
    /// `https://contoso.zendesk.com`.
    #[serde(default)]
    pub url: Option<String>,
    /// User name or email for basic authentication.
    #[serde(default)]
    pub user: Option<String>,
    /// A program whose standard output is the secret (run without a shell).
    #[serde(default)]
    pub credential_command: Option<CommandLine>,
    /// What the secret is: a `token` (default; each system's usual shape), `bearer` (an OAuth
    /// 2.0 access token), `apikey` (ServiceNow's `x-sn-apikey`), or `password` (what the
    /// credential command prints).
    #[serde(default)]
    pub credential_kind: Option<credentials::Kind>,
    /// Note format (default: markdown for Jira comments, which become rich text; text otherwise).
    #[serde(default)]
    pub format: Option<NoteFormat>,
    /// Whole-request timeout in seconds (default 30; connecting gets at most 10 of them).
    #[serde(default)]
    pub timeout_seconds: Option<u64>,
    /// A PEM file of root certificates to trust besides the built-in ones and the system's (a
    /// proxy that inspects TLS signs with its own).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// ServiceNow table the tickets are in (default `incident`).
    #[serde(default)]
    pub servicenow_table: Option<String>,
    /// How a Jira note is kept internal: `servicedesk` (a Jira Service Management internal
    /// comment), `role:NAME` or `group:NAME` (a comment only that role or group sees).
    #[serde(default)]
    pub jira_internal: Option<JiraInternal>,
    /// `cloud` (default: REST v3, rich-text comments) or `datacenter` (Jira Data Center or
    /// Server: REST v2, a token is a personal access token sent as a bearer token).
    #[serde(default)]
    pub jira_deployment: Option<JiraDeployment>,
}

/// Which Jira the URL points at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JiraDeployment {
    #[default]
    Cloud,
    #[serde(alias = "server")]
    Datacenter,
}

/// A command line: an array of arguments, or one string split as a POSIX shell would (without
/// running one).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum CommandLine {
    Args(Vec<String>),
    Line(String),
}

impl CommandLine {
    /// The program and its arguments.
    pub fn argv(&self) -> Result<Vec<String>, String> {
        let argv = match self {
            CommandLine::Args(a) => a.clone(),
            CommandLine::Line(l) => {
                // Shell-style splitting eats backslashes, which would mangle Windows paths.
                if l.contains('\\') {
                    return Err("credential_command: write it as an array of strings when it holds a backslash".into());
                }
                shlex::split(l).ok_or("credential_command: unbalanced quotes")?
            }
        };
        match argv.first() {
            Some(p) if !p.trim().is_empty() => Ok(argv),
            _ => Err("credential_command: no program given".into()),
        }
    }
}

/// How a Jira comment is kept internal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum JiraInternal {
    /// Asks Service Management first: a customer request gets a Service Management internal
    /// comment; any other issue a platform comment carrying the `sd.public.comment` internal
    /// property, reported as internal only when the answer says it is not public.
    #[default]
    Platform,
    /// `POST /rest/servicedeskapi/request/{key}/comment` with `public: false`.
    ServiceDesk,
    /// A platform comment visible to one project role.
    Role(String),
    /// A platform comment visible to one group.
    Group(String),
}

impl TryFrom<String> for JiraInternal {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let t = s.trim();
        let named = |rest: &str, f: fn(String) -> JiraInternal| {
            let name = rest.trim();
            if name.is_empty() {
                Err(format!("`{}` needs a name after the colon", sanitize_line(t)))
            } else {
                Ok(f(name.to_string()))
            }
        };
        if t.eq_ignore_ascii_case("servicedesk") {
            Ok(JiraInternal::ServiceDesk)
        } else if t.eq_ignore_ascii_case("platform") {
            Ok(JiraInternal::Platform)
        } else if let Some(rest) = t.strip_prefix("role:") {
            named(rest, JiraInternal::Role)
        } else if let Some(rest) = t.strip_prefix("group:") {
            named(rest, JiraInternal::Group)
        } else {
            Err(format!(
                "`{}` is not a jira_internal value (servicedesk, platform, role:NAME or group:NAME)",
                sanitize_line(t)
            ))
        }
    }
}

/// Default whole-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Connecting (DNS, TCP, proxy, TLS) never gets more than this.
pub const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything a post needs, resolved from flags, config and environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub system: System,
    pub url: BaseUrl,
    pub auth: credentials::Auth,
    pub format: NoteFormat,
    pub timeout: Duration,
    pub ca_file: Option<PathBuf>,
    pub servicenow_table: String,
    pub jira_internal: JiraInternal,
    pub jira_deployment: JiraDeployment,
}

/// Why the settings are not usable. One line, naming what to set.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("no ticketing system: give --system or set `system` in [ticketing] of {0}")]
    NoSystem(String),
    #[error("no URL for {system}: set `url` in [ticketing] of {config} or {ENV_URL}")]
    NoUrl { system: System, config: String },
    #[error("{source_name}: {error}")]
    Url { source_name: String, error: UrlError },
    #[error("[ticketing] in {config}: {message}")]
    Invalid { config: String, message: String },
    #[error(transparent)]
    Credentials(#[from] CredentialError),
}

impl Settings {
    /// Resolves the settings. `env` reads an environment variable (injected for tests);
    /// `config_file` names the config file in messages.
    pub fn resolve(
        cfg: &TicketingConfig,
        system_flag: Option<System>,
        format_flag: Option<NoteFormat>,
        config_file: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, SettingsError> {
        Self::resolve_cancellable(cfg, system_flag, format_flag, config_file, env, None)
    }

    /// [`Settings::resolve`], with a credential command stopped when `cancel` is set.
    pub fn resolve_cancellable(
        cfg: &TicketingConfig,
        system_flag: Option<System>,
        format_flag: Option<NoteFormat>,
        config_file: &str,
        env: &dyn Fn(&str) -> Option<String>,
        cancel: Option<&super::Cancel>,
    ) -> Result<Self, SettingsError> {
        let config = config_file.to_string();
        let system = system_flag.or(cfg.system).ok_or_else(|| SettingsError::NoSystem(config.clone()))?;
        let (raw_url, source_name) = match env(ENV_URL).filter(|u| !u.trim().is_empty()) {
            Some(u) => (u, ENV_URL.to_string()),
            None => match cfg.url.as_ref().filter(|u| !u.trim().is_empty()) {
                Some(u) => (u.clone(), format!("{config}: [ticketing] url")),
                None => return Err(SettingsError::NoUrl { system, config }),
            },
        };
        let url = BaseUrl::parse(&raw_url).map_err(|error| SettingsError::Url { source_name, error })?;
        let invalid = |message: String| SettingsError::Invalid { config: config.clone(), message };
        let timeout = match cfg.timeout_seconds {
            None => DEFAULT_TIMEOUT,
            Some(s) if (1..=600).contains(&s) => Duration::from_secs(s),
            Some(s) => return Err(invalid(format!("timeout_seconds = {s}: give 1 to 600"))),
        };
        let servicenow_table = cfg.servicenow_table.clone().unwrap_or_else(|| "incident".into());
        if servicenow_table.is_empty()
            || servicenow_table.len() > 80
            || !servicenow_table.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(invalid(format!(
                "servicenow_table `{}`: a table name is letters, digits and `_`",
                sanitize_line(&servicenow_table)
            )));
        }
        let jira_internal = cfg.jira_internal.clone().unwrap_or_default();
        let jira_deployment = cfg.jira_deployment.unwrap_or_default();
        let format = format_flag.or(cfg.format).unwrap_or(match (system, &jira_internal, jira_deployment) {
            // A Cloud platform comment becomes rich text (ADF) from the Markdown; Data Center's
            // v2 API takes wiki markup, which shows Markdown as typed.
            (
                System::Jira,
                JiraInternal::Platform | JiraInternal::Role(_) | JiraInternal::Group(_),
                JiraDeployment::Cloud,
            ) => NoteFormat::Markdown,
            _ => NoteFormat::Text,
        });
        let user = env(credentials::ENV_USER)
            .filter(|u| !u.trim().is_empty())
            .or_else(|| cfg.user.clone().filter(|u| !u.trim().is_empty()));
        let command = cfg.credential_command.as_ref().map(CommandLine::argv).transpose().map_err(invalid)?;
        let wanted = credentials::Wanted {
            system,
            jira_data_center: jira_deployment == JiraDeployment::Datacenter,
            user: user.as_deref(),
            command: command.as_deref(),
            kind: cfg.credential_kind.unwrap_or_default(),
            cancel,
        };
        let auth = credentials::resolve(wanted, env)?;
        Ok(Self {
            system,
            url,
            auth,
            format,
            timeout,
            ca_file: cfg.ca_file.clone(),
            servicenow_table,
            jira_internal,
            jira_deployment,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_text: &str) -> Result<TicketingConfig, String> {
        #[derive(Deserialize)]
        struct Wrap {
            ticketing: TicketingConfig,
        }
        toml::from_str::<Wrap>(toml_text).map(|w| w.ticketing).map_err(|e| e.to_string())
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn a_full_section_parses() {
        let c = parse(
            "[ticketing]\nsystem = \"jira\"\nurl = \"https://x.atlassian.net\"\nuser = \"a@b.c\"\n\
             credential_command = \"pass show 'jira token'\"\njira_internal = \"role:Service Desk Team\"\n",
        )
        .unwrap_or_default();
        assert_eq!(c.system, Some(System::Jira));
        assert_eq!(c.jira_internal, Some(JiraInternal::Role("Service Desk Team".into())));
        let argv = c.credential_command.as_ref().map(CommandLine::argv);
        assert_eq!(argv, Some(Ok(vec!["pass".into(), "show".into(), "jira token".into()])));
    }

    #[test]
    fn deployments_and_credential_kinds_parse() {
        let c =
            parse("[ticketing]\njira_deployment = \"datacenter\"\ncredential_kind = \"bearer\"\n").unwrap_or_default();
        assert_eq!(c.jira_deployment, Some(JiraDeployment::Datacenter));
        assert_eq!(c.credential_kind, Some(credentials::Kind::Bearer));
        let c = parse("[ticketing]\njira_deployment = \"server\"\ncredential_kind = \"apikey\"\n").unwrap_or_default();
        assert_eq!(c.jira_deployment, Some(JiraDeployment::Datacenter));
        assert_eq!(c.credential_kind, Some(credentials::Kind::Apikey));
        assert!(parse("[ticketing]\njira_deployment = \"onprem\"\n").is_err());
        // Data Center's v2 API takes text: no rich-text default.
        let cfg = TicketingConfig {
            system: Some(System::Jira),
            url: Some("https://jira.contoso.com".into()),
            jira_deployment: Some(JiraDeployment::Datacenter),
            ..Default::default()
        };
        let env = env_of(&[(credentials::ENV_TOKEN, "pat")]);
        let s = Settings::resolve(&cfg, None, None, "c.toml", &env);
        assert_eq!(s.as_ref().map(|s| s.format).ok(), Some(NoteFormat::Text));
        assert_eq!(s.map(|s| s.auth.header().expose().to_string()).ok(), Some("Bearer pat".to_string()));
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(parse("[ticketing]\nsystem = \"freshservice\"\n").is_err());
        assert!(parse("[ticketing]\npassword = \"x\"\n").is_err(), "no secrets in the file");
        assert!(parse("[ticketing]\njira_internal = \"public\"\n").is_err());
        assert!(parse("[ticketing]\njira_internal = \"role:\"\n").is_err());
        let c = CommandLine::Line("C:\\tools\\cred.exe get".into());
        assert!(c.argv().is_err());
        assert!(CommandLine::Args(vec![]).argv().is_err());
        assert!(CommandLine::Line("a 'b".into()).argv().is_err());
    }

    #[test]
    fn env_url_overrides_and_defaults_follow_the_system() {
        let cfg = TicketingConfig {
            system: Some(System::Jira),
            url: Some("https://a.atlassian.net".into()),
            ..Default::default()
        };
        let env = env_of(&[
            (ENV_URL, "https://b.atlassian.net/"),
            (credentials::ENV_USER, "me@x.com"),
            (credentials::ENV_TOKEN, "t"),
        ]);
        let s = Settings::resolve(&cfg, None, None, "c.toml", &env);
        let s = s.as_ref().map(|s| (s.url.as_str().to_string(), s.format));
        assert_eq!(s.ok(), Some(("https://b.atlassian.net".to_string(), NoteFormat::Markdown)));
        let s = Settings::resolve(&cfg, Some(System::Zendesk), None, "c.toml", &env);
        assert_eq!(s.ok().map(|s| s.format), Some(NoteFormat::Text));
    }

    #[test]
    fn missing_pieces_say_what_to_set() {
        let env = env_of(&[]);
        let e = Settings::resolve(&TicketingConfig::default(), None, None, "c.toml", &env).err();
        assert!(e.map(|e| e.to_string()).unwrap_or_default().contains("--system"));
        let e = Settings::resolve(&TicketingConfig::default(), Some(System::Zendesk), None, "c.toml", &env).err();
        assert!(e.map(|e| e.to_string()).unwrap_or_default().contains(ENV_URL));
        let cfg = TicketingConfig { url: Some("http://example.com".into()), ..Default::default() };
        let e = Settings::resolve(&cfg, Some(System::Zendesk), None, "c.toml", &env).err();
        assert!(e.map(|e| e.to_string()).unwrap_or_default().contains("loopback"));
    }
}
