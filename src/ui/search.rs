//! `/` search: a fuzzy index (nucleo-matcher) over question prompts, step titles, outcome titles,
//! classes and author keywords (AADSTS codes, symptom text). Search never changes an answer: a
//! question found is asked as an aside, an outcome found is previewed (`ui/screen/aside.rs`,
//! `ui/screen/preview.rs`).

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::runbook::model::Node;
use crate::runbook::{NodeRef, RunbookSet};
use crate::text::sanitize_line;

/// What a search entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Question,
    Step,
    Outcome,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Question => "question",
            Kind::Step => "step",
            Kind::Outcome => "outcome",
        }
    }
}

/// Which text of an entry matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Class,
    Keyword,
    Fact,
}

/// One searchable node; all text already sanitized.
#[derive(Debug, Clone)]
pub struct Entry {
    pub node: NodeRef,
    pub kind: Kind,
    /// Prompt (question), title (step, outcome).
    pub title: String,
    /// Outcome class.
    pub class: Option<String>,
    pub fields: Vec<(Field, String)>,
}

/// A match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into `Index::entries`.
    pub entry: usize,
    pub score: u32,
    /// The field that matched best and its text, when it isn't the title.
    pub via: Option<(Field, String)>,
}

/// The AADSTS codes a text names (`AADSTS53003`, `aadsts 53003`).
fn codes_in(text: &str) -> Vec<String> {
    let upper = text.to_ascii_uppercase();
    let mut out = Vec::new();
    let mut rest = upper.as_str();
    while let Some(i) = rest.find("AADSTS") {
        rest = &rest[i + 6..];
        let digits: String = rest.trim_start_matches([' ', ':']).chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            out.push(digits);
        }
    }
    out
}

/// The search index over a runbook set.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub entries: Vec<Entry>,
}

/// Results shown at most.
pub const MAX_RESULTS: usize = 100;

impl Index {
    pub fn build(set: &RunbookSet) -> Self {
        let mut entries = Vec::new();
        let codes = crate::aadsts::table();
        for (r, node) in set.nodes() {
            let mut keywords: Vec<(Field, String)> =
                node.keywords().iter().map(|k| (Field::Keyword, sanitize_line(k))).collect();
            // A code a node names is also found by its official name and text (the AADSTS table).
            let meanings: Vec<String> = node
                .keywords()
                .iter()
                .flat_map(|k| codes_in(k))
                .filter_map(|c| codes.lookup(&c).map(|c| c.one_line()))
                .collect();
            for m in meanings {
                if !keywords.iter().any(|(_, k)| *k == m) {
                    keywords.push((Field::Keyword, m));
                }
            }
            let keywords = keywords.into_iter();
            let entry = match node {
                Node::Question(q) => {
                    let mut fields =
                        vec![(Field::Title, sanitize_line(&q.prompt)), (Field::Fact, sanitize_line(&q.fact))];
                    fields.extend(keywords);
                    Entry { node: r, kind: Kind::Question, title: sanitize_line(&q.prompt), class: None, fields }
                }
                Node::Step(s) => {
                    let mut fields = vec![(Field::Title, sanitize_line(&s.title))];
                    fields.extend(keywords);
                    Entry { node: r, kind: Kind::Step, title: sanitize_line(&s.title), class: None, fields }
                }
                Node::Outcome(o) => {
                    let mut fields =
                        vec![(Field::Title, sanitize_line(&o.title)), (Field::Class, sanitize_line(&o.class))];
                    fields.extend(keywords);
                    Entry {
                        node: r,
                        kind: Kind::Outcome,
                        title: sanitize_line(&o.title),
                        class: Some(sanitize_line(&o.class)),
                        fields,
                    }
                }
                Node::Route(_) => continue,
            };
            entries.push(entry);
        }
        Self { entries }
    }

    /// Best matches first. An empty query lists every entry in runbook order.
    pub fn query(&self, query: &str) -> Vec<Hit> {
        let query = query.trim();
        if query.is_empty() {
            return (0..self.entries.len().min(MAX_RESULTS)).map(|entry| Hit { entry, score: 0, via: None }).collect();
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        let mut hits: Vec<Hit> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let mut best: Option<(u32, &(Field, String))> = None;
            for f in &e.fields {
                let Some(score) = pattern.score(Utf32Str::new(&f.1, &mut buf), &mut matcher) else { continue };
                // Titles and classes win ties over keywords.
                let score = if f.0 == Field::Keyword || f.0 == Field::Fact { score } else { score + 1 };
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, f));
                }
            }
            if let Some((score, f)) = best {
                let via = (f.0 != Field::Title).then(|| f.clone());
                hits.push(Hit { entry: i, score, via });
            }
        }
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.entry.cmp(&b.entry)));
        hits.truncate(MAX_RESULTS);
        hits
    }
}

/// "question "…"" / "outcome "…"" for messages.
pub fn target_label(set: &RunbookSet, target: &NodeRef) -> String {
    match set.node(target) {
        Some(Node::Question(q)) => format!("the question \"{}\"", sanitize_line(&q.prompt)),
        Some(Node::Step(s)) => format!("the step \"{}\"", sanitize_line(&s.title)),
        Some(Node::Outcome(o)) => format!("the outcome \"{}\"", sanitize_line(&o.title)),
        _ => sanitize_line(&target.to_string()),
    }
}
