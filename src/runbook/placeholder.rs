//! The placeholder syntax of remediation steps and collect items: `{fact.key}` and the
//! `{matrix.*}` names, each with an optional fallback after `|`. Part of the runbook format, so
//! `lint` checks them here and the engine fills them in (`engine::outcome::fill`).

/// A placeholder found in a text: its name and its fallback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder<'a> {
    pub name: &'a str,
    pub fallback: Option<&'a str>,
}

/// Every placeholder in `text`, in order. Only `{name}` where name is dotted lowercase words counts,
/// so other braces (a Bluetooth service id such as `{0000FFFD-…}`) are left alone.
pub fn placeholders(text: &str) -> Vec<Placeholder<'_>> {
    spans(text).into_iter().map(|(_, _, p)| p).collect()
}

pub(crate) fn spans(text: &str) -> Vec<(usize, usize, Placeholder<'_>)> {
    braces(text).filter(|(_, _, p)| is_name(p.name)).collect()
}

/// Every `{…}` in `text`: where it opens, where it ends (past the `}`), and its name and fallback
/// as written (a name or not).
fn braces(text: &str) -> impl Iterator<Item = (usize, usize, Placeholder<'_>)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let open = text[from..].find('{').map(|i| i + from)?;
        let close = text[open..].find('}').map(|i| i + open)?;
        from = open + 1;
        let inner = &text[open + 1..close];
        let (name, fallback) = match inner.split_once('|') {
            Some((n, f)) => (n, Some(f)),
            None => (inner, None),
        };
        Some((open, close + 1, Placeholder { name, fallback }))
    })
}

fn is_name(name: &str) -> bool {
    let mut parts = name.split('.');
    let first_ok = parts.next().is_some_and(|p| p.starts_with(|c: char| c.is_ascii_lowercase()));
    first_ok
        && name.contains('.')
        && name
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))
}

/// Braces that look meant as a placeholder but aren't one (`{client.os }`, `{Phone.OS_version}`):
/// they would be shown as written. Each with the placeholder it was probably meant to be.
pub fn near_misses(text: &str) -> Vec<(&str, String)> {
    braces(text)
        .filter_map(|(open, end, p)| {
            let meant = p.name.trim().to_ascii_lowercase();
            (!is_name(p.name) && is_name(&meant)).then(|| {
                let fixed = match p.fallback {
                    Some(f) => format!("{{{meant}|{f}}}"),
                    None => format!("{{{meant}}}"),
                };
                (&text[open..end], fixed)
            })
        })
        .collect()
}

/// The matrix placeholders a text may use.
pub const MATRIX_PLACEHOLDERS: [&str; 5] =
    ["matrix.minimum", "matrix.have", "matrix.fact", "matrix.platform", "matrix.row"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_named_placeholders() {
        let t = "iOS {phone.os_version|your version} needs {matrix.minimum}; ServicesAllowedList = {0000FFFD-0000}.";
        let ps = placeholders(t);
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0], Placeholder { name: "phone.os_version", fallback: Some("your version") });
        assert_eq!(ps[1], Placeholder { name: "matrix.minimum", fallback: None });
        assert!(placeholders("{Upper.case} {nodot} {a..b} {}").is_empty());
    }

    #[test]
    fn near_misses_are_what_a_typo_makes_of_a_placeholder() {
        let t = "{client.os } {Phone.OS_version|your version} {phone.os_version} {0000FFFD-0000} {nodot}";
        let found: Vec<(&str, String)> = near_misses(t);
        assert_eq!(
            found,
            vec![
                ("{client.os }", "{client.os}".to_string()),
                ("{Phone.OS_version|your version}", "{phone.os_version|your version}".to_string()),
            ]
        );
    }
}
