//! The answers a question shows: its listed answers that fit the call's facts, narrowed to those
//! the typed text matches (and, for `error.message`, the documented messages it matches), best
//! first. What is drawn, what a digit picks and what Enter takes all come from here.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::engine::Walk;
use crate::messages::normalize;
use crate::runbook::RunbookSet;
use crate::runbook::model::Question;
use crate::vocab::FactType;

/// The fact whose typed values are matched against the message catalog.
const ERROR_MESSAGE: &str = "error.message";

/// A fuzzy score per typed character below which a match is too scattered to mean the answer
/// (a contiguous match scores 16 a character, each gap costs a few).
const MIN_SCORE_PER_CHAR: u32 = 12;

/// The score of a text the typed text is a part of, or names whole ([`Scorer::best`]).
const STRONG: u32 = 100_000;

/// One answer as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// What choosing it answers.
    pub value: String,
    pub label: String,
    /// Its index among the question's options; None for a catalog message.
    pub option: Option<usize>,
    /// A documented message from the catalog (contract §10), not a listed answer.
    pub catalog: bool,
    /// It matches the typed text (Enter takes the first such answer).
    pub matched: bool,
    /// The typed text is a part of it or names it whole (not only a scattered fuzzy match).
    pub strong: bool,
}

/// The answers shown at question `q` with `typed` on its line (empty: every answer that fits).
pub fn shown(set: &RunbookSet, walk: &Walk, q: &Question, typed: &str) -> Vec<Shown> {
    let lookup = walk.lookup();
    let listed = q
        .options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.when.as_ref().is_none_or(|w| crate::engine::condition::eval(w, &lookup, &set.matrix)));
    let typed = typed.trim();
    // One letter names too many answers to mean one: the list stays whole until a second.
    if q.entry.is_none() || typed.chars().count() < 2 {
        return listed
            .map(|(i, o)| Shown {
                value: o.value.clone(),
                label: o.label.clone(),
                option: Some(i),
                catalog: false,
                matched: false,
                strong: false,
            })
            .collect();
    }
    // Digits alone on a version line are a version, not a search ("1" is not "iOS 17 or later").
    let version = matches!(set.vocab.fact(&q.fact).map(|d| &d.ty), Some(FactType::Version));
    if version && !typed.chars().any(char::is_alphabetic) {
        return shown(set, walk, q, "");
    }
    let scorer = Scorer::new(typed);
    let mut scored: Vec<(u32, Shown)> = Vec::new();
    for (i, o) in listed {
        if let Some(score) = scorer.best(&[&o.label, &o.value]) {
            scored.push((
                score,
                Shown {
                    value: o.value.clone(),
                    label: o.label.clone(),
                    option: Some(i),
                    catalog: false,
                    matched: true,
                    strong: score >= STRONG,
                },
            ));
        }
    }
    if q.fact == ERROR_MESSAGE {
        for m in &set.messages.messages {
            if q.options.iter().any(|o| normalize(&o.value) == normalize(&m.text)) {
                continue;
            }
            let contained = set.messages.matches(typed).iter().any(|x| x.id == m.id);
            let score = scorer.best(&[&m.text, &m.shown_as]).or(contained.then_some(0));
            if let Some(score) = score {
                let unverified = if m.unverified { " (unverified)" } else { "" };
                let label = format!("{} · documented message{unverified}", m.shown_as);
                scored.push((
                    score,
                    Shown {
                        value: m.text.clone(),
                        label,
                        option: None,
                        catalog: true,
                        matched: true,
                        strong: score >= STRONG,
                    },
                ));
            }
        }
    }
    // Best first; ties keep the runbook's order.
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored.into_iter().map(|(_, s)| s).collect()
}

/// Scores texts against what was typed: a text inside the typed sentence or the typed words
/// inside a text (any case, without punctuation) beat a fuzzy match.
struct Scorer {
    typed: String,
    pattern: Pattern,
    min: u32,
}

impl Scorer {
    fn new(typed: &str) -> Self {
        let chars = typed.chars().filter(|c| !c.is_whitespace()).count();
        Self {
            typed: normalize(typed),
            pattern: Pattern::parse(typed, CaseMatching::Ignore, Normalization::Smart),
            min: MIN_SCORE_PER_CHAR.saturating_mul(u32::try_from(chars).unwrap_or(u32::MAX)),
        }
    }

    fn best(&self, texts: &[&str]) -> Option<u32> {
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        texts
            .iter()
            .filter_map(|t| {
                let norm = normalize(t);
                // A whole answer named in a sentence, or a part of it typed: the strongest.
                let part = self.typed.chars().count() >= 2 && norm.contains(&self.typed);
                let whole = norm.chars().count() >= 3 && format!(" {} ", self.typed).contains(&format!(" {norm} "));
                if !norm.is_empty() && (part || whole) {
                    return Some(STRONG + u32::try_from(self.typed.len().min(norm.len())).unwrap_or(0));
                }
                let score = self.pattern.score(Utf32Str::new(t, &mut buf), &mut matcher)?;
                (score >= self.min).then_some(score)
            })
            .max()
    }
}
