//! Text the agent reads aloud is for the caller: remarks about the sources ("commissioning
//! article (unverified)", "S5 says 5 minutes, while S13 says 10; the sources disagree") are
//! taken out of it and shown with the sources instead.

/// Words that make a parenthesis or a sentence a remark about the sources, not advice.
const SOURCE_REMARKS: &[&str] = &[
    "unverified",
    "commissioning article",
    "disagree",
    "not microsoft documentation",
    "not in microsoft",
    "community list",
];

/// `text` split into what is read aloud and the source remarks taken out of it, line by line
/// (a text without remarks comes back as it was).
pub fn split(text: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let lower = line.to_lowercase();
            if !SOURCE_REMARKS.iter().any(|w| lower.contains(w)) && !lower.contains(" says") {
                return line.to_string();
            }
            let (aloud, mut n) = split_line(line);
            notes.append(&mut n);
            aloud
        })
        .collect();
    (lines.join("\n"), notes)
}

fn split_line(text: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let without_parens = take_parentheses(text, &mut notes);
    let mut kept: Vec<String> = Vec::new();
    for sentence in sentences(&without_parens) {
        if is_remark(&sentence) || says(&sentence) {
            // "Registering needs a fresh sign-in: S5 says …" keeps what it says before the colon.
            // Not after a bare label ("Root cause: …"): what the label names is the advice.
            if let Some((before, after)) = sentence.split_once(": ")
                && !is_remark(before)
                && !says(before)
                && before.split_whitespace().count() > LABEL_WORDS
            {
                kept.push(format!("{}. ", before.trim_end()));
                notes.push(after.trim().trim_end_matches('.').to_string());
                continue;
            }
            notes.push(sentence.trim().trim_end_matches('.').to_string());
        } else {
            kept.push(sentence);
        }
    }
    let aloud = kept.concat().split_whitespace().collect::<Vec<_>>().join(" ");
    let aloud = aloud.replace(" .", ".").replace(" ,", ",").replace(" ;", ";").replace(" :", ":");
    (aloud, notes)
}

/// A text before a colon this short is a label ("Root cause", "Why"), not a statement.
const LABEL_WORDS: usize = 3;

fn is_remark(s: &str) -> bool {
    let lower = s.to_lowercase();
    SOURCE_REMARKS.iter().any(|w| lower.contains(w))
}

/// "S5 says …", "the Temporary Access Pass page (S13) says …": a source quoted against another.
fn says(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    words.windows(2).any(|w| {
        let id = w[0].trim_matches(|c: char| !c.is_alphanumeric());
        w[1].starts_with("says") && id.len() >= 2 && id.starts_with('S') && id[1..].bytes().all(|b| b.is_ascii_digit())
    })
}

/// Removes top-level parentheses that are source remarks (with a ": …" that explains them, up
/// to the end of the sentence), pushing their text to `notes`.
fn take_parentheses(text: &str, notes: &mut Vec<String>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '(' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let Some(end) = closing(&chars, i) else {
            out.extend(&chars[i..]);
            break;
        };
        let inner: String = chars[i + 1..end].iter().collect();
        if !is_remark(&inner) && !says(&inner) {
            out.extend(&chars[i..=end]);
            i = end + 1;
            continue;
        }
        let mut note = inner.trim().to_string();
        i = end + 1;
        // "(unverified): S9 gives only the code's name." explains the remark: it goes too.
        if chars.get(i) == Some(&':') {
            let rest: String = chars[i + 1..].iter().collect();
            let stop = sentence_end(&rest);
            note = format!("{note}: {}", rest[..stop].trim().trim_end_matches('.'));
            i += 1 + rest[..stop].chars().count();
            while out.ends_with(' ') {
                out.pop();
            }
            // The sentence still ends.
            if rest[..stop].ends_with('.') {
                out.push('.');
            }
        }
        while out.ends_with(' ') {
            out.pop();
        }
        notes.push(note);
    }
    out
}

fn closing(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, c) in chars.iter().enumerate().skip(open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// Byte index just past the sentence's full stop (or the end).
fn sentence_end(s: &str) -> usize {
    let bytes = s.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'.' && bytes.get(i + 1).is_none_or(|n| *n == b' ') {
            return i + 1;
        }
    }
    s.len()
}

/// Sentences with their trailing space, so joining them gives the text back.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = sentence_end(rest);
        let (s, r) = rest.split_at(end);
        let spaces = r.len() - r.trim_start().len();
        out.push(format!("{s}{}", &r[..spaces]));
        rest = &r[spaces..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A usability run, 6 December 2026: the signed-out outcome read aloud "Root cause.
    /// Microsoft doesn't document …": its cause sentence also held the source remark, so all of
    /// it went to the notes. Every built-in outcome keeps a statement of what is wrong.
    #[test]
    fn every_built_in_summary_keeps_a_statement_read_aloud() {
        let Ok(set) = crate::runbook::RunbookSet::builtin() else { panic!("built-in runbooks load") };
        for rb in &set.runbooks {
            for node in &rb.runbook.nodes {
                let crate::runbook::model::Node::Outcome(o) = node else { continue };
                let (aloud, _) = split(&o.summary);
                let words = aloud.split_whitespace().count();
                assert!(words >= 6 && !aloud.contains("Root cause."), "{}#{}: {aloud:?}", rb.runbook.id, o.id);
                if o.summary.starts_with("Root cause:") {
                    assert!(aloud.starts_with("Root cause:"), "{}#{}: {aloud:?}", rb.runbook.id, o.id);
                }
            }
        }
    }

    #[test]
    fn source_remarks_leave_the_text_read_aloud() {
        let (aloud, notes) = split(
            "Pick the Microsoft Authenticator (work) entry in the platform's passkey-provider dialog next time (commissioning article's advice (unverified)).",
        );
        assert_eq!(
            aloud,
            "Pick the Microsoft Authenticator (work) entry in the platform's passkey-provider dialog next time."
        );
        assert_eq!(notes, ["commissioning article's advice (unverified)"]);

        let (aloud, notes) = split(
            "Registering needs a fresh multifactor sign-in: S5 says within 5 minutes, while the Temporary Access Pass page (S13) says 10; the sources disagree. Ask when they last approved.",
        );
        assert_eq!(aloud, "Registering needs a fresh multifactor sign-in. Ask when they last approved.");
        assert_eq!(notes.len(), 1, "{notes:?}");

        let (aloud, notes) =
            split("Sign in from a managed, compliant device (unverified): S9 gives only the code's name. Then retry.");
        assert_eq!(aloud, "Sign in from a managed, compliant device. Then retry.");
        assert_eq!(notes, ["unverified: S9 gives only the code's name"]);

        let (aloud, notes) = split("Turn Bluetooth on (Settings > Bluetooth), then retry.");
        assert_eq!(aloud, "Turn Bluetooth on (Settings > Bluetooth), then retry.");
        assert!(notes.is_empty());

        // A label keeps nothing on its own: the sentence goes whole to the notes, not "Root cause.".
        let (aloud, notes) = split("Root cause: the app is too old, which the commissioning article says. Update it.");
        assert_eq!(aloud, "Update it.");
        assert_eq!(notes, ["Root cause: the app is too old, which the commissioning article says"]);

        let (aloud, notes) = split("Delete it, then register again. The commissioning article gives the same advice.");
        assert_eq!(aloud, "Delete it, then register again.");
        assert_eq!(notes, ["The commissioning article gives the same advice"]);
    }
}
