//! `--redact`: masks personal data in an export while keeping what tier 2 needs.
//!
//! - emails: `jdoe@contoso.com` → `[user]@contoso.com` (the domain is kept);
//! - the session's user (and any fact whose key names a user, e.g. `user.upn`), also in notes
//!   and answers, including the bare account name (`jdoe`) and `DOMAIN\jdoe` forms → `[user]`;
//! - IPv4 and IPv6 addresses → `[ip]`;
//! - device names: facts whose key names a device or host (`device.name`, `client.hostname`, …)
//!   and, in any text, Windows default names (`DESKTOP-1A2B3C4`, `LAPTOP-…`) and possessive names
//!   (`Jane's iPhone`) → `[device]`.
//!
//! Version facts (keys ending in `version`) and enumerated values are never touched; the ticket,
//! agent, runbook text, correlation ids and error codes are kept.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::session::Session;

pub const USER_MASK: &str = "[user]";
pub const IP_MASK: &str = "[ip]";
pub const DEVICE_MASK: &str = "[device]";

/// Words that, after `Name's`, make a device name.
const DEVICE_WORDS: &[&str] = &[
    "iphone", "ipad", "ipod", "macbook", "imac", "mac", "pixel", "galaxy", "surface", "thinkpad", "laptop", "phone",
    "pc", "computer", "tablet", "desktop", "android", "xps", "yubikey",
];

/// Windows default computer-name prefixes (`DESKTOP-1A2B3C4`).
const DEVICE_PREFIXES: &[&str] = &["desktop-", "laptop-", "pc-", "win-", "mac-"];

/// What kind of personal data a fact key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    User,
    Device,
    Version,
    Other,
}

/// Classifies a fact key for redaction.
pub fn fact_kind(key: &str) -> FactKind {
    let k = key.to_ascii_lowercase();
    let last = k.rsplit('.').next().unwrap_or(&k);
    if last.ends_with("version") {
        return FactKind::Version;
    }
    const USER: &[&str] =
        &["upn", "user", "username", "user_name", "email", "mail", "display_name", "displayname", "account"];
    const DEVICE: &[&str] = &[
        "name",
        "device",
        "device_name",
        "devicename",
        "hostname",
        "host",
        "host_name",
        "computer",
        "computer_name",
        "machine",
        "machine_name",
    ];
    if USER.contains(&last) || (k.starts_with("user.") && !last.ends_with("id")) {
        FactKind::User
    } else if DEVICE.contains(&last) {
        FactKind::Device
    } else {
        FactKind::Other
    }
}

/// Masks personal data for one session. Built from the session so names it knows (the user,
/// device facts) are masked wherever they appear.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Literal user strings (UPN, account name, display name), longest first.
    users: Vec<String>,
    /// Literal device names, longest first.
    devices: Vec<String>,
}

impl Redactor {
    pub fn for_session(s: &Session) -> Self {
        let mut r = Redactor::default();
        if let Some(u) = &s.user {
            r.add_user(u);
        }
        for (k, f) in &s.walk.facts {
            match fact_kind(k) {
                FactKind::User => r.add_user(&f.value),
                FactKind::Device => r.add_literal(&f.value, true),
                _ => {}
            }
        }
        // Accounts written in free text (`bob@…`, `CONTOSO\bob`) are masked wherever else
        // they appear on their own, too.
        let mut found = Vec::new();
        let texts = std::iter::once(s.notes.as_str()).chain(
            s.walk.facts.iter().filter(|(k, _)| fact_kind(k) != FactKind::Version).map(|(_, f)| f.value.as_str()),
        );
        for t in texts {
            mask_emails_into(t, &mut found);
            mask_domain_accounts_into(t, &mut found);
        }
        for a in found {
            r.add_literal(&a, false);
        }
        r.users.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        r.devices.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        r
    }

    fn add_user(&mut self, u: &str) {
        let u = u.trim();
        self.add_literal(u, false);
        // The account part of `jdoe@contoso.com` and `CONTOSO\jdoe`.
        if let Some((local, _)) = u.split_once('@') {
            self.add_literal(local, false);
        }
        if let Some((_, account)) = u.rsplit_once('\\') {
            self.add_literal(account, false);
        }
    }

    fn add_literal(&mut self, v: &str, device: bool) {
        let v = v.trim();
        // Too short or too common to mask as a word without mangling everything else.
        if v.chars().count() < 3 || v.eq_ignore_ascii_case(crate::vocab::UNKNOWN) {
            return;
        }
        let list = if device { &mut self.devices } else { &mut self.users };
        if !list.iter().any(|x| x.eq_ignore_ascii_case(v)) {
            list.push(v.to_string());
        }
    }

    /// Masks free text (notes, answers, text facts).
    pub fn text(&self, s: &str) -> String {
        let s = mask_emails(s);
        let s = mask_domain_accounts(&s);
        let s = mask_ipv6(&s);
        let s = mask_ipv4(&s);
        let s = mask_device_patterns(&s);
        let mut s = s;
        for u in &self.users {
            s = replace_word_ci(&s, u, USER_MASK);
        }
        for d in &self.devices {
            s = replace_word_ci(&s, d, DEVICE_MASK);
        }
        s
    }

    /// Masks the value of a fact, knowing its key.
    pub fn fact(&self, key: &str, value: &str) -> String {
        match fact_kind(key) {
            FactKind::Version => value.to_string(),
            FactKind::User => mask_whole_user(value),
            FactKind::Device if !value.eq_ignore_ascii_case(crate::vocab::UNKNOWN) => DEVICE_MASK.to_string(),
            _ => self.text(value),
        }
    }

    /// A copy of the session with personal data masked everywhere it can appear.
    pub fn session(&self, s: &Session) -> Session {
        let mut out = s.clone();
        out.redacted = true;
        out.user = s.user.as_deref().map(mask_whole_user);
        for (k, f) in out.walk.facts.iter_mut() {
            f.value = self.fact(k, &f.value);
        }
        for f in out.walk.step_results.values_mut() {
            f.value = self.text(&f.value);
        }
        for p in out.walk.path.iter_mut() {
            p.answer = match &p.fact {
                Some(k) => self.fact(k, &p.answer),
                None => self.text(&p.answer),
            };
        }
        for (k, v) in out.walk.previous_answers.iter_mut() {
            *v = self.fact(k, v);
        }
        for (k, f) in out.walk.previous_entries.iter_mut() {
            f.value = self.fact(k, &f.value);
        }
        out.notes = self.text(&s.notes);
        out
    }
}

/// Convenience: the redacted copy of a session.
pub fn redact_session(s: &Session) -> Session {
    Redactor::for_session(s).session(s)
}

/// A whole user value: `[user]@domain` for an email, `DOMAIN\[user]`, else `[user]`.
fn mask_whole_user(v: &str) -> String {
    let t = v.trim();
    if t.is_empty() || t.eq_ignore_ascii_case(crate::vocab::UNKNOWN) {
        return v.to_string();
    }
    if let Some((_, domain)) = t.rsplit_once('@')
        && !domain.is_empty()
    {
        return format!("{USER_MASK}@{}", mask_ipv4(&mask_ipv6(domain)));
    }
    if let Some((dom, _)) = t.split_once('\\')
        && !dom.is_empty()
        && dom.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return format!("{dom}\\{USER_MASK}");
    }
    USER_MASK.to_string()
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

fn is_domain_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-')
}

/// `local@domain.tld` → `[user]@domain.tld`.
pub fn mask_emails(s: &str) -> String {
    mask_emails_into(s, &mut Vec::new())
}

/// [`mask_emails`], collecting the local parts it masked.
fn mask_emails_into(s: &str, found: &mut Vec<String>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut start_of_pending = 0; // chars[start_of_pending..i] not yet copied
    while i < chars.len() {
        if chars[i] == '@' {
            let mut l = i;
            while l > start_of_pending && is_local_char(chars[l - 1]) {
                l -= 1;
            }
            let mut r = i + 1;
            while r < chars.len() && is_domain_char(chars[r]) {
                r += 1;
            }
            // Trailing dots/hyphens belong to the sentence, not the domain.
            while r > i + 1 && matches!(chars[r - 1], '.' | '-') {
                r -= 1;
            }
            let domain: String = chars[i + 1..r].iter().collect();
            let local_ok = l < i && chars[l..i].iter().any(|c| c.is_alphanumeric());
            if local_ok && domain.contains('.') && !domain.starts_with('.') {
                out.extend(&chars[start_of_pending..l]);
                found.push(chars[l..i].iter().collect());
                out.push_str(USER_MASK);
                out.push('@');
                out.push_str(&domain);
                i = r;
                start_of_pending = r;
                continue;
            }
        }
        i += 1;
    }
    out.extend(&chars[start_of_pending..]);
    out
}

/// `CONTOSO\jdoe` → `CONTOSO\[user]` (not paths: `a\b\c` is left alone).
pub fn mask_domain_accounts(s: &str) -> String {
    mask_domain_accounts_into(s, &mut Vec::new())
}

/// [`mask_domain_accounts`], collecting the account names it masked.
fn mask_domain_accounts_into(s: &str, found: &mut Vec<String>) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    // path_mark[i]: a `:\` or `\\` occurs on the line before position i.
    let mut path_mark = vec![false; chars.len() + 1];
    for i in 0..chars.len() {
        let mark = i > 0 && chars[i] == '\\' && matches!(chars[i - 1], ':' | '\\');
        path_mark[i + 1] = chars[i] != '\n' && (path_mark[i] || mark);
    }
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' {
            let mut l = i;
            while l > 0 && (chars[l - 1].is_ascii_alphanumeric() || chars[l - 1] == '-') {
                l -= 1;
            }
            let mut r = i + 1;
            while r < chars.len() && (chars[r].is_alphanumeric() || matches!(chars[r], '.' | '_' | '-')) {
                r += 1;
            }
            while r > i + 1 && chars[r - 1] == '.' {
                r -= 1;
            }
            let dom_len = i - l;
            let before_ok = l == 0 || !(chars[l - 1] == '\\' || chars[l - 1] == ':' || chars[l - 1] == '/');
            let after_ok = r >= chars.len() || chars[r] != '\\';
            // Part of a Windows path on this line (`C:\Program Files\X`, `\\server\share`)?
            let in_path = path_mark[l];
            if (2..=15).contains(&dom_len) && !in_path && r > i + 1 && before_ok && after_ok && l >= copied {
                out.extend(&chars[copied..=i]);
                found.push(chars[i + 1..r].iter().collect());
                out.push_str(USER_MASK);
                copied = r;
                i = r;
                continue;
            }
        }
        i += 1;
    }
    out.extend(&chars[copied..]);
    out
}

/// Dotted quads (each part 0–255) → `[ip]`.
pub fn mask_ipv4(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let boundary = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '.');
        if c.is_ascii_digit() && boundary {
            let mut r = i;
            while r < chars.len() && (chars[r].is_ascii_digit() || chars[r] == '.') {
                r += 1;
            }
            let mut end = r;
            while end > i && chars[end - 1] == '.' {
                end -= 1;
            }
            let run: String = chars[i..end].iter().collect();
            let after_ok = r >= chars.len() || !chars[r].is_alphanumeric() || end < r;
            if after_ok && run.split('.').count() == 4 && run.parse::<Ipv4Addr>().is_ok() {
                out.push_str(IP_MASK);
                i = end;
                continue;
            }
            out.extend(&chars[i..r]);
            i = r;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// IPv6 addresses (including `::1` and IPv4-mapped forms) → `[ip]`.
pub fn mask_ipv6(s: &str) -> String {
    if s.matches(':').count() < 2 {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let is_v6 = |c: char| c.is_ascii_hexdigit() || c == ':' || c == '.';
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == ':');
        if is_v6(chars[i]) && boundary {
            let mut r = i;
            while r < chars.len() && is_v6(chars[r]) {
                r += 1;
            }
            let mut end = r;
            while end > i && chars[end - 1] == '.' {
                end -= 1;
            }
            let run: String = chars[i..end].iter().collect();
            let after_ok = r >= chars.len() || !chars[r].is_alphanumeric() || end < r;
            if after_ok && run.matches(':').count() >= 2 && run.parse::<Ipv6Addr>().is_ok() {
                out.push_str(IP_MASK);
                i = end;
                continue;
            }
            out.extend(&chars[i..r]);
            i = r;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// `DESKTOP-1A2B3C4`, `LAPTOP-…` and `Jane's iPhone` → `[device]`.
pub fn mask_device_patterns(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let lower: Vec<char> = chars.iter().map(|c| c.to_ascii_lowercase()).collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let word_char = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    while i < chars.len() {
        let boundary = i == 0 || !word_char(chars[i - 1]);
        if boundary {
            // Windows default names: prefix then at least 4 letters/digits, with a digit.
            let mut hit = None;
            for p in DEVICE_PREFIXES {
                let pc: Vec<char> = p.chars().collect();
                if lower[i..].starts_with(&pc) {
                    let mut r = i + pc.len();
                    while r < chars.len() && chars[r].is_ascii_alphanumeric() {
                        r += 1;
                    }
                    let tail = &chars[i + pc.len()..r];
                    let end_ok = r >= chars.len() || !word_char(chars[r]);
                    if tail.len() >= 4 && tail.iter().any(|c| c.is_ascii_digit()) && end_ok {
                        hit = Some(r);
                        break;
                    }
                }
            }
            // `Name's Device` / `Name’s Device`.
            if hit.is_none() && chars[i].is_alphabetic() {
                let mut r = i;
                while r < chars.len() && chars[r].is_alphabetic() {
                    r += 1;
                }
                if r + 3 < chars.len()
                    && matches!(chars[r], '\'' | '\u{2019}')
                    && lower[r + 1] == 's'
                    && chars[r + 2] == ' '
                {
                    let w = r + 3;
                    let mut e = w;
                    while e < chars.len() && chars[e].is_alphanumeric() {
                        e += 1;
                    }
                    let word: String = lower[w..e].iter().collect();
                    if DEVICE_WORDS.iter().any(|d| word.starts_with(d)) {
                        hit = Some(e);
                    }
                }
            }
            if let Some(end) = hit {
                out.push_str(DEVICE_MASK);
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Replaces whole-word, case-insensitive occurrences of `needle`.
pub fn replace_word_ci(hay: &str, needle: &str, repl: &str) -> String {
    let h: Vec<char> = hay.chars().collect();
    let n: Vec<char> = needle.chars().collect();
    if n.is_empty() || n.len() > h.len() {
        return hay.to_string();
    }
    let eq = |a: char, b: char| a == b || a.to_lowercase().eq(b.to_lowercase());
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(hay.len());
    let mut i = 0;
    while i < h.len() {
        let fits = i + n.len() <= h.len()
            && (i == 0 || !word(h[i - 1]) || !word(n[0]))
            && (i + n.len() == h.len() || !word(h[i + n.len()]) || !word(n[n.len() - 1]))
            && h[i..i + n.len()].iter().zip(&n).all(|(a, b)| eq(*a, *b));
        if fits {
            out.push_str(repl);
            i += n.len();
        } else {
            out.push(h[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_keep_domain() {
        assert_eq!(mask_emails("mail jane.doe@contoso.com."), "mail [user]@contoso.com.");
        assert_eq!(mask_emails("a@b"), "a@b");
        assert_eq!(mask_emails("x @ y"), "x @ y");
    }

    #[test]
    fn ips() {
        assert_eq!(mask_ipv4("from 10.1.2.3, and 192.168.0.1."), "from [ip], and [ip].");
        assert_eq!(mask_ipv4("build 10.0.22631.4391"), "build 10.0.22631.4391");
        assert_eq!(mask_ipv4("v1.2.3.4.5"), "v1.2.3.4.5");
        assert_eq!(mask_ipv6("gw fe80::1 and 2001:db8::8a2e:370:7334 at 18:07:02"), "gw [ip] and [ip] at 18:07:02");
        assert_eq!(mask_ipv6("::ffff:10.0.0.1"), "[ip]");
    }

    #[test]
    fn devices_and_accounts() {
        assert_eq!(mask_device_patterns("on DESKTOP-7QK2M1P now"), "on [device] now");
        assert_eq!(mask_device_patterns("Jane's iPhone 15"), "[device] 15");
        assert_eq!(mask_device_patterns("the desktop-app"), "the desktop-app");
        assert_eq!(mask_domain_accounts("as CONTOSO\\jdoe today"), "as CONTOSO\\[user] today");
        assert_eq!(mask_domain_accounts("C:\\Program Files\\X"), "C:\\Program Files\\X");
        assert_eq!(replace_word_ci("JDoe called; jdoes", "jdoe", "[user]"), "[user] called; jdoes");
    }

    #[test]
    fn fact_kinds() {
        assert_eq!(fact_kind("user.upn"), FactKind::User);
        assert_eq!(fact_kind("device.name"), FactKind::Device);
        assert_eq!(fact_kind("client.os_version"), FactKind::Version);
        assert_eq!(fact_kind("device.passkey_offered"), FactKind::Other);
        assert_eq!(fact_kind("client.app"), FactKind::Other);
    }
}
