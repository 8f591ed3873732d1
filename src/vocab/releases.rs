//! OS versions as callers read them (`assets/os-releases.json`): Windows release names
//! (`1809`, `22H2`) with their builds, macOS names with their versions, and the range of
//! versions each OS has had. Pure; the table is built into the binary.

use std::sync::OnceLock;

use serde::Deserialize;

use super::{FactError, Version};

pub static BUILTIN_RELEASES: &str = include_str!("../../assets/os-releases.json");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseSource {
    pub id: String,
    pub title: String,
    pub url: String,
}

/// A Windows feature update: `Windows 10 1903` is build `10.0.18362`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowsRelease {
    /// `10` or `11`.
    pub family: String,
    /// As `winver` shows it: `1809`, `22H2`.
    pub name: String,
    pub build: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MacosName {
    pub name: String,
    pub version: String,
    pub source: String,
}

/// The major versions an OS has had.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OsRange {
    pub os: String,
    pub first: String,
    pub last: String,
    pub example: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Releases {
    #[serde(rename = "schema")]
    _schema: u32,
    #[serde(default, rename = "about")]
    _about: Option<String>,
    pub sources: Vec<ReleaseSource>,
    pub windows: Vec<WindowsRelease>,
    pub macos: Vec<MacosName>,
    pub ranges: Vec<OsRange>,
}

/// How people write the OS's name before a version.
const OS_WORDS: &[&str] =
    &["windows", "win", "macos", "mac os x", "mac os", "osx", "os x", "mac", "ios", "ipados", "android", "chromeos"];

impl Releases {
    /// The built-in table, parsed once (empty if it couldn't be: the tests make sure it can).
    pub fn builtin() -> &'static Releases {
        static BUILTIN: OnceLock<Releases> = OnceLock::new();
        BUILTIN.get_or_init(|| serde_json::from_str(BUILTIN_RELEASES).unwrap_or_default())
    }

    /// `value` for OS-version fact `key` of an `os` (None: not known yet) as a dotted version.
    pub fn normalize(&self, key: &str, value: &str, os: Option<&str>) -> Result<String, FactError> {
        let (family, rest) = split_os_words(value);
        let rest = rest.trim();
        // A phone is never a PC or a Mac.
        let phone = key == "phone.os_version";
        if !phone
            && matches!(os, None | Some("windows"))
            && let Some(build) = self.windows_build(key, rest, family.as_deref())?
        {
            return Ok(build);
        }
        if !phone
            && matches!(os, None | Some("macos"))
            && let Some(v) = self.macos_version(rest)
        {
            return Ok(v);
        }
        // "build 17763" or a bare build number on Windows.
        let bare = rest.strip_prefix("build").map(str::trim).unwrap_or(rest);
        if os == Some("windows") && bare.len() == 5 && bare.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(format!("10.0.{bare}"));
        }
        let Some(v) = Version::parse(rest) else {
            return Err(FactError::BadVersion { key: key.to_string(), value: value.to_string() });
        };
        if let Some(os) = os
            && let Some(r) = self.ranges.iter().find(|r| r.os == os)
            && let (Some(first), Some(last)) = (Version::parse(&r.first), Version::parse(&r.last))
            && let Some(major) = v.0.first().copied()
            && (major < first.0[0] || major > last.0[0])
        {
            let os = os_name(os);
            return Err(FactError::OutOfRange {
                above: major > last.0[0],
                key: key.to_string(),
                value: rest.to_string(),
                why: format!(
                    "{os} {rest} doesn't exist: {os} versions run from {} to {}, e.g. {}",
                    r.first, r.last, r.example
                ),
            });
        }
        Ok(v.to_string())
    }

    /// The build for a Windows release name, if `name` is one; Err when two families share it
    /// and `family` doesn't say which.
    fn windows_build(&self, key: &str, name: &str, family: Option<&str>) -> Result<Option<String>, FactError> {
        let found: Vec<&WindowsRelease> = self
            .windows
            .iter()
            .filter(|r| r.name.eq_ignore_ascii_case(name) && family.is_none_or(|f| f == r.family))
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.build.clone())),
            many => Err(FactError::Ambiguous {
                key: key.to_string(),
                value: name.to_ascii_uppercase(),
                choices: many
                    .iter()
                    .map(|r| format!("Windows {} (build {})", r.family, build_number(&r.build)))
                    .collect::<Vec<_>>()
                    .join(" and "),
            }),
        }
    }

    /// `Sonoma` → `14`; `Sonoma 14.4` → `14.4` (the number is more precise).
    fn macos_version(&self, text: &str) -> Option<String> {
        let lower = text.to_ascii_lowercase();
        let m = self.macos.iter().find(|m| lower.starts_with(&m.name.to_ascii_lowercase()))?;
        let after = text[m.name.len()..].trim();
        match Version::parse(after) {
            Some(v) if v.0.first().map(u64::to_string).as_deref() == m.version.split('.').next() => Some(v.to_string()),
            _ if after.is_empty() => Some(m.version.clone()),
            _ => None,
        }
    }

    /// A version as a caller knows it: `Windows 10 1903 (build 18362)`, `macOS 14 Sonoma`,
    /// else the version itself.
    pub fn describe(&self, os: Option<&str>, version: &str) -> String {
        if matches!(os, None | Some("windows"))
            && let Some(r) = self.windows.iter().find(|r| r.build == version)
        {
            return format!("Windows {} {} (build {})", r.family, r.name, build_number(&r.build));
        }
        if matches!(os, None | Some("macos"))
            && let Some(m) = self.macos.iter().find(|m| m.version == version)
        {
            return format!("macOS {} {}", m.version, m.name);
        }
        version.to_string()
    }
}

impl Releases {
    /// A text with every Windows build that is a release (`10.0.18362`) quoted as callers read
    /// it: `Windows 10 1903 (build 18362)`. Other numbers are left alone.
    pub fn quote_builds(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 32);
        let mut rest = text;
        while let Some(i) = rest.find("10.0.") {
            let digits = rest[i + 5..].bytes().take_while(u8::is_ascii_digit).count();
            let end = i + 5 + digits;
            let before_ok = rest[..i].chars().next_back().is_none_or(|c| !c.is_ascii_digit() && c != '.');
            // Not part of a longer version: no digit, nor a dot and a digit, after it.
            let mut after = rest[end..].chars();
            let after_ok = match (after.next(), after.next()) {
                (Some(c), _) if c.is_ascii_digit() => false,
                (Some('.'), Some(d)) if d.is_ascii_digit() => false,
                _ => true,
            };
            let build = &rest[i..end];
            match self.windows.iter().find(|r| r.build == build) {
                Some(r) if before_ok && after_ok && digits > 0 => {
                    out.push_str(&rest[..i]);
                    out.push_str(&format!("Windows {} {} (build {})", r.family, r.name, build_number(&r.build)));
                }
                _ => out.push_str(&rest[..end.max(i + 5)]),
            }
            rest = &rest[end.max(i + 5)..];
        }
        out.push_str(rest);
        out
    }
}

/// `10.0.18362` → `18362`.
fn build_number(build: &str) -> &str {
    build.rsplit('.').next().unwrap_or(build)
}

fn os_name(os: &str) -> &str {
    match os {
        "windows" => "Windows",
        "macos" => "macOS",
        "ios" => "iOS",
        "android" => "Android",
        "chromeos" => "ChromeOS",
        "linux" => "Linux",
        other => other,
    }
}

/// Takes the OS's name off the front (`Windows 11 22H2`, `Win10 1809`, `iOS 17.5`, `macOS
/// Sonoma`): the Windows family when it says one, and the rest.
fn split_os_words(value: &str) -> (Option<String>, String) {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let Some(word) = OS_WORDS.iter().find(|w| lower.starts_with(**w)) else {
        return (None, v.to_string());
    };
    let mut rest = v[word.len()..].trim_start().to_string();
    let mut family = None;
    if word.starts_with("win") {
        for f in ["10", "11"] {
            if let Some(r) = rest.strip_prefix(f)
                && (r.is_empty() || r.starts_with([' ', ',', '/', '-']))
            {
                family = Some(f.to_string());
                rest = r.trim_start_matches([' ', ',', '/', '-']).to_string();
            }
        }
    }
    let rest = rest.trim().trim_start_matches("version").trim();
    // "Windows 11" alone is the family, not a version.
    (family, rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(key: &str, v: &str, os: Option<&str>) -> Result<String, FactError> {
        Releases::builtin().normalize(key, v, os)
    }

    #[test]
    fn the_table_parses_and_every_entry_cites_a_source() {
        let r: Releases = serde_json::from_str(BUILTIN_RELEASES).expect("assets/os-releases.json parses");
        assert_eq!(&r, Releases::builtin());
        for w in &r.windows {
            assert!(r.sources.iter().any(|s| s.id == w.source), "{w:?}");
            assert!(Version::parse(&w.build).is_some(), "{w:?}");
        }
        for m in &r.macos {
            assert!(r.sources.iter().any(|s| s.id == m.source), "{m:?}");
        }
        assert!(r.sources.iter().all(|s| s.url.starts_with("https://")));
    }

    #[test]
    fn windows_release_names_are_builds() {
        let k = "client.os_version";
        assert_eq!(n(k, "1809", Some("windows")).as_deref(), Ok("10.0.17763"));
        assert_eq!(n(k, "1809", None).as_deref(), Ok("10.0.17763"));
        assert_eq!(n(k, "23h2", Some("windows")).as_deref(), Ok("10.0.22631"));
        assert_eq!(n(k, "Windows 11 22H2", Some("windows")).as_deref(), Ok("10.0.22621"));
        assert_eq!(n(k, "win10 22H2", Some("windows")).as_deref(), Ok("10.0.19045"));
        assert_eq!(n(k, "build 17763", Some("windows")).as_deref(), Ok("10.0.17763"));
        assert_eq!(n(k, "10.0.22631", Some("windows")).as_deref(), Ok("10.0.22631"));
        let e = n(k, "21H2", Some("windows")).expect_err("two families");
        assert!(matches!(e, FactError::Ambiguous { .. }), "{e}");
        assert!(e.to_string().contains("Windows 10 (build 19044) and Windows 11 (build 22000)"), "{e}");
        assert_eq!(Releases::builtin().describe(Some("windows"), "10.0.18362"), "Windows 10 1903 (build 18362)");
    }

    #[test]
    fn builds_in_a_text_are_quoted_as_releases() {
        let r = Releases::builtin();
        assert_eq!(
            r.quote_builds("The Windows version in use is 10.0.17763; this passkey needs 10.0.18362 or later."),
            "The Windows version in use is Windows 10 1809 (build 17763); this passkey needs Windows 10 1903 (build 18362) or later."
        );
        assert_eq!(
            r.quote_builds("Edge 124.0.2478.80, build 10.0.99999, 110.0.18362.5"),
            "Edge 124.0.2478.80, build 10.0.99999, 110.0.18362.5"
        );
    }

    #[test]
    fn macos_names_are_versions() {
        let k = "client.os_version";
        assert_eq!(n(k, "Sonoma", Some("macos")).as_deref(), Ok("14"));
        assert_eq!(n(k, "macOS Sequoia", None).as_deref(), Ok("15"));
        assert_eq!(n(k, "sonoma 14.4", Some("macos")).as_deref(), Ok("14.4"));
        assert_eq!(Releases::builtin().describe(Some("macos"), "14"), "macOS 14 Sonoma");
    }

    #[test]
    fn versions_no_release_has_are_refused_with_the_range() {
        let e = n("phone.os_version", "1", Some("ios")).expect_err("iOS 1");
        assert!(e.to_string().contains("iOS versions run from 9 to"), "{e}");
        let e = n("phone.os_version", "90", Some("android")).expect_err("Android 90");
        assert!(matches!(e, FactError::OutOfRange { .. }), "{e}");
        assert_eq!(n("phone.os_version", "iOS 17.5", Some("ios")).as_deref(), Ok("17.5"));
        assert_eq!(n("phone.os_version", "14", Some("android")).as_deref(), Ok("14"));
        assert!(matches!(n("phone.os_version", "seventeen", None), Err(FactError::BadVersion { .. })));
    }
}
