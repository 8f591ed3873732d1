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
pub const TOKEN_MASK: &str = "[token]";
pub const PHONE_MASK: &str = "[phone]";
pub const MAC_MASK: &str = "[mac]";
pub const HOST_MASK: &str = "[host]";
pub const SECRET_MASK: &str = "[secret]";

/// Device brands that, as one part of a hyphenated name (`MacBook-Pro-de-Jane`,
/// `Janes-iPhone`), make it a device name.
const DEVICE_BRANDS: &[&str] = &["macbook", "iphone", "ipad", "imac", "galaxy", "pixel", "surface", "thinkpad", "mac"];

/// Top-level labels used only inside organisations: `srv01.contoso.local` is a host name.
const INTERNAL_TLDS: &[&str] = &["local", "lan", "corp", "internal", "intranet", "home", "localdomain", "ad", "priv"];

/// Words after which a password, PIN or Temporary Access Pass is typed.
const SECRET_WORDS: &[&str] =
    &["password", "passwd", "pwd", "passcode", "tap", "temporary access pass", "pin", "otp", "secret", "pass"];

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
    /// Text that stays as it is wherever it appears (the ticket and session ids).
    keep: Vec<String>,
}

impl Redactor {
    pub fn for_session(s: &Session) -> Self {
        let mut r = Redactor::default();
        r.keep.push(s.id.clone());
        r.keep.extend(s.ticket.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()));
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
        // The person's name as their UPN or display name spells it: `jane.doe@…` and
        // `Jane Doe` give `jane` and `doe`, masked wherever they stand as words.
        let name = u.split('@').next().unwrap_or(u);
        let name = name.rsplit('\\').next().unwrap_or(name);
        let parts: Vec<&str> = name
            .split(['.', '_', '-', ' '])
            .filter(|p| p.chars().count() >= 2 && p.chars().all(char::is_alphabetic))
            .collect();
        for part in &parts {
            self.add_literal(part, false);
        }
        // Aliases companies build from the name: jdoe, janed, janedoe, doej, doejane.
        if let [first, .., last] = parts.as_slice() {
            let initial = |w: &str| w.chars().next().map(String::from).unwrap_or_default();
            for alias in [
                format!("{}{last}", initial(first)),
                format!("{first}{}", initial(last)),
                format!("{first}{last}"),
                format!("{last}{}", initial(first)),
                format!("{last}{first}"),
            ] {
                self.add_literal(&alias, false);
            }
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
        // Tokens first: a JWT or a Bearer token holds dots and digits the others would cut up.
        let s = mask_tokens(s);
        let s = mask_secrets(&s, &self.keep);
        let s = mask_emails(&s);
        let s = mask_domain_accounts(&s);
        let s = mask_macs(&s);
        let s = mask_ipv6(&s);
        let s = mask_ipv4(&s);
        let s = mask_hosts(&s);
        let s = mask_phones(&s, &self.keep);
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
    if !s.contains('@') {
        return s.to_string();
    }
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
    if !s.contains('.') {
        return s.to_string();
    }
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
    // Every pattern below has a hyphen or an apostrophe.
    if !s.contains(['-', '\'', '\u{2019}']) {
        return s.to_string();
    }
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
            // Hyphenated names with a device brand: `MacBook-Pro-de-Jane`, `Janes-iPhone`.
            if hit.is_none() && chars[i].is_alphanumeric() {
                let mut r = i;
                while r < chars.len() && (chars[r].is_alphanumeric() || chars[r] == '-') {
                    r += 1;
                }
                while r > i && chars[r - 1] == '-' {
                    r -= 1;
                }
                let word: String = lower[i..r].iter().collect();
                let end_ok = r >= chars.len() || !word_char(chars[r]);
                if end_ok && word.contains('-') && word.split('-').any(|p| DEVICE_BRANDS.contains(&p)) {
                    hit = Some(r);
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

/// Splits text into runs of "token" characters (per `is_tok`) and the rest, and replaces each
/// run that `mask` returns Some for. Linear in the text.
fn mask_runs(
    s: &str,
    is_tok: impl Fn(char) -> bool,
    mut mask: impl FnMut(&str, &str, &str) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = None;
    let flush = |out: &mut String, from: usize, to: usize, mask: &mut dyn FnMut(&str, &str, &str) -> Option<String>| {
        let run = &s[from..to];
        match mask(&s[..from], run, &s[to..]) {
            Some(m) => out.push_str(&m),
            None => out.push_str(run),
        }
    };
    for (i, c) in s.char_indices() {
        match (is_tok(c), start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                flush(&mut out, st, i, &mut mask);
                start = None;
                out.push(c);
            }
            (false, None) => out.push(c),
            (true, Some(_)) => {}
        }
    }
    if let Some(st) = start {
        flush(&mut out, st, s.len(), &mut mask);
    }
    out
}

fn is_b64url(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// JWTs (`eyJ….….…`) and `Bearer …` tokens → `[token]`.
pub fn mask_tokens(s: &str) -> String {
    let jwt = |run: &str| {
        let parts: Vec<&str> = run.split('.').collect();
        parts.len() >= 3 && parts[0].starts_with("eyJ") && parts[0].len() >= 10 && parts[1].len() >= 10
            || run.starts_with("eyJ") && run.len() >= 40
    };
    let mut after_bearer = false;
    mask_runs(
        s,
        |c| is_b64url(c) || matches!(c, '.' | '~' | '+' | '/' | '='),
        |before, run, _| {
            let t = run.trim_end_matches('.');
            let bearer = after_bearer && before.ends_with(' ') && t.len() >= 8;
            after_bearer = t.eq_ignore_ascii_case("bearer");
            (bearer || jwt(t)).then(|| format!("{TOKEN_MASK}{}", &run[t.len()..]))
        },
    )
}

/// `password: Summer2024!`, `TAP is k2W$4pQz`, `PIN 482913` → the value becomes `[secret]`.
/// Only a value with a digit or a symbol counts, so `reset the PIN yesterday` stays.
pub fn mask_secrets(s: &str, keep: &[String]) -> String {
    let lower = s.to_lowercase();
    if lower.len() != s.len() || !SECRET_WORDS.iter().any(|w| lower.contains(w)) {
        // (Lowercasing changed byte offsets: fall back to ASCII-only matching below.)
        if !SECRET_WORDS.iter().any(|w| s.to_ascii_lowercase().contains(w)) {
            return s.to_string();
        }
    }
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let word = SECRET_WORDS.iter().find(|w| {
            lower[i..].starts_with(**w)
                && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                && !bytes.get(i + w.len()).is_some_and(u8::is_ascii_alphanumeric)
        });
        let Some(w) = word else {
            i += s[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        // Separators, an optional `is`/`was`, then the value.
        let mut v = i + w.len();
        let skip_sep = |v: &mut usize| {
            while *v < s.len() && matches!(bytes[*v], b' ' | b':' | b'=' | b'-' | b'"' | b'\'') {
                *v += 1;
            }
        };
        skip_sep(&mut v);
        for filler in ["is ", "was ", "= "] {
            if lower[v..].starts_with(filler) {
                v += filler.len();
                skip_sep(&mut v);
            }
        }
        let end = s[v..].find(|c: char| c.is_whitespace() || c == '"' || c == '\'').map_or(s.len(), |e| v + e);
        let value = s[v..end].trim_end_matches(['.', ',', ';', ')']);
        let end = v + value.len();
        let secret_like = value.chars().count() >= 4
            && value.chars().any(|c| c.is_ascii_digit() || (!c.is_alphanumeric()))
            && !keep.iter().any(|k| k == value);
        if secret_like {
            out.push_str(&s[copied..v]);
            out.push_str(SECRET_MASK);
            copied = end;
            i = end;
        } else {
            i += w.len();
        }
    }
    out.push_str(&s[copied..]);
    out
}

/// MAC addresses (`00:1A:2B:3C:4D:5E`, `00-1a-2b-3c-4d-5e`) → `[mac]`.
pub fn mask_macs(s: &str) -> String {
    mask_runs(
        s,
        |c| c.is_ascii_hexdigit() || c == ':' || c == '-',
        |_, run, _| {
            let groups: Vec<&str> = run.split([':', '-']).collect();
            let sep_ok = run.contains(':') != run.contains('-');
            (sep_ok && groups.len() == 6 && groups.iter().all(|g| g.len() == 2)).then(|| MAC_MASK.to_string())
        },
    )
}

/// Host names: `srv01.contoso.local` (an internal top-level label, or a first label with a
/// digit in a name of three labels or more) → `[host]`. Public names such as
/// `login.microsoftonline.com` stay: they say which service, not whose machine.
pub fn mask_hosts(s: &str) -> String {
    mask_runs(
        s,
        |c| c.is_ascii_alphanumeric() || c == '.' || c == '-',
        |before, run, _| {
            if before.ends_with('@') || before.ends_with("//") {
                return None;
            }
            let run_t = run.trim_end_matches('.');
            let labels: Vec<&str> = run_t.split('.').collect();
            let well_formed =
                labels.len() >= 2 && labels.iter().all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
            let tld = labels.last().map(|t| t.to_ascii_lowercase()).unwrap_or_default();
            let tld_alpha = tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic());
            let internal = INTERNAL_TLDS.contains(&tld.as_str());
            let machine = labels.len() >= 3
                && labels[0].chars().any(|c| c.is_ascii_digit())
                && labels[0].chars().any(|c| c.is_ascii_alphabetic());
            (well_formed && tld_alpha && (internal || machine)).then(|| format!("{HOST_MASK}{}", &run[run_t.len()..]))
        },
    )
}

/// The longest run of digits and separators (`+44 (0) 20 7946 0958 …`) read as one phone number.
const MAX_PHONE_RUN: usize = 40;

/// Phone numbers: `+33 6 12 34 56 78`, `(425) 555-0100`, `425-555-0100`, `0612345678` →
/// `[phone]`. 8 to 15 digits grouped by spaces, `-`, `(`, `)`; dates (`2026-01-20`), versions
/// and the ticket and session ids are left alone.
pub fn mask_phones(s: &str, keep: &[String]) -> String {
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let phone_char = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+');
    while i < chars.len() {
        let c = chars[i];
        let prev = if i == 0 { ' ' } else { chars[i - 1] };
        let starts = (c.is_ascii_digit() || c == '+' || c == '(')
            && !(prev.is_alphanumeric() || matches!(prev, '-' | '_' | '.' | '/' | ':' | '+'));
        if starts {
            // A phone number has at most 15 digits in a few dozen characters: a longer run is
            // not one, and stopping there keeps this linear (a run of "1 1 1 …" would otherwise
            // be scanned again from each of its digits).
            let (mut r, mut digits_seen, mut too_long) = (i, 0usize, false);
            while r < chars.len() && phone_char(chars[r]) {
                digits_seen += usize::from(chars[r].is_ascii_digit());
                r += 1;
                if digits_seen > 15 || r - i > MAX_PHONE_RUN {
                    too_long = true;
                    break;
                }
            }
            // Trailing separators belong to the sentence.
            while r > i && !chars[r - 1].is_ascii_digit() && chars[r - 1] != ')' {
                r -= 1;
            }
            let run: String = chars[i..r].iter().collect();
            let digits = run.chars().filter(char::is_ascii_digit).count();
            let next = chars.get(r).copied().unwrap_or(' ');
            let after_dot = chars.get(r + 1).is_some_and(char::is_ascii_alphanumeric);
            let end_ok = !(next.is_alphanumeric() || matches!(next, '_' | '/' | ':') || (next == '.' && after_dot));
            let plus_ok = !run.get(1..).unwrap_or_default().contains('+');
            let date = {
                let g: Vec<&str> = run.split('-').collect();
                g.len() == 3 && g[0].len() == 4 && g[1].len() == 2 && g[2].len() == 2
            };
            let kept = keep.iter().any(|k| k.contains(run.trim()));
            if !too_long && r > i && (8..=15).contains(&digits) && end_ok && plus_ok && !date && !kept {
                out.push_str(PHONE_MASK);
                i = r;
                continue;
            }
            // Not a phone number: copy the digits (not the separators, which may start one).
            let mut e = i + 1;
            while e < chars.len() && (chars[e].is_ascii_alphanumeric()) {
                e += 1;
            }
            out.extend(&chars[i..e]);
            i = e;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Replaces whole-word, case-insensitive occurrences of `needle`.
pub fn replace_word_ci(hay: &str, needle: &str, repl: &str) -> String {
    // Most texts don't hold the name at all: say so without building character arrays.
    if needle.is_ascii() && hay.is_ascii() && !hay.to_ascii_lowercase().contains(&needle.to_ascii_lowercase()) {
        return hay.to_string();
    }
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
    fn tokens_secrets_phones_macs_hosts() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZw";
        assert_eq!(mask_tokens(&format!("token {jwt}.")), "token [token].");
        assert_eq!(mask_tokens("Authorization: Bearer abc123def456ghi"), "Authorization: Bearer [token]");
        assert_eq!(
            mask_secrets("her TAP is k2W$4pQz, password: Summer2024!", &[]),
            "her TAP is [secret], password: [secret]"
        );
        assert_eq!(mask_secrets("reset the PIN yesterday", &[]), "reset the PIN yesterday");
        assert_eq!(mask_phones("call +33 6 12 34 56 78 or (425) 555-0100.", &[]), "call [phone] or [phone].");
        assert_eq!(
            mask_phones("on 2026-01-20 build 10.0.22631.4391 at 13:58", &[]),
            "on 2026-01-20 build 10.0.22631.4391 at 13:58"
        );
        assert_eq!(mask_phones("ticket 12345678", &["12345678".into()]), "ticket 12345678");
        assert_eq!(mask_macs("mac 00:1A:2B:3C:4D:5E and 00-1a-2b-3c-4d-5e"), "mac [mac] and [mac]");
        assert_eq!(
            mask_hosts("on srv01.contoso.local and dc.corp, not login.microsoftonline.com."),
            "on [host] and [host], not login.microsoftonline.com."
        );
        assert_eq!(mask_device_patterns("from MacBook-Pro-de-Jane today"), "from [device] today");
        assert_eq!(mask_device_patterns("the desktop-app"), "the desktop-app");
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
