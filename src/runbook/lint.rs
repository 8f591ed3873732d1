//! The runbook linter: everything that would make a walk dead-end, loop, cite nothing, or speak
//! outside the contract's vocabulary. One finding per problem, with file:line:col.

mod order;

use std::collections::{BTreeSet, HashMap, HashSet};

use super::model::{Condition, Help, Node};
use super::{ENTRY_RUNBOOK, Finding, LoadedRunbook, NodeRef, RunbookSet, SourceFile};
use crate::matrix::Matrix;
use crate::vocab::{CONTRACT_CLASSES, FactType, UNKNOWN, Version, Vocabulary, compares_normalised};

/// What to check.
#[derive(Debug, Clone, Copy)]
pub struct LintScope {
    /// The whole effective set: also require every contract class to be reachable.
    pub full_set: bool,
}

/// Lints the runbooks of `set` (only those whose file is in `only`, if given) and the matrix.
pub fn lint(set: &RunbookSet, only: Option<&HashSet<String>>, scope: LintScope) -> Vec<Finding> {
    let mut out = Vec::new();
    let selected = |rb: &LoadedRunbook| only.is_none_or(|o| o.contains(&rb.file.origin.to_string()));
    for rb in set.runbooks.iter().filter(|rb| selected(rb)) {
        lint_runbook(set, rb, &mut out);
    }
    if only.is_none() {
        lint_matrix(&set.matrix, &set.matrix_file, &set.vocab, &mut out);
    }
    let graph = Graph::new(set);
    lint_graph(set, &graph, &selected, scope, &mut out);
    lint_placeholders(set, &selected, &mut out);
    order::sets_never_override(set, &graph, &selected, &mut out);
    order::routes_read_values(set, &selected, &mut out);
    out.sort_by(|a, b| (a.severity, &a.file, a.line, a.column).cmp(&(b.severity, &b.file, b.line, b.column)));
    out.dedup();
    out
}

/// How old (days) a runbook's or the matrix's `as_of` may be before `lint` warns.
pub const MAX_AGE_DAYS: u32 = 180;

/// Content that keeps up (issue 19): a runbook or the matrix whose facts were last checked
/// (`as_of`) more than `max_age_days` before `today` is a warning naming its sources, so a desk
/// knows which Microsoft pages to re-check. `max_age_days` 0 turns the check off.
pub fn stale_content(
    set: &RunbookSet,
    only: Option<&HashSet<String>>,
    today: chrono::NaiveDate,
    max_age_days: u32,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if max_age_days == 0 {
        return out;
    }
    let mut check = |what: &str, as_of: &str, sources: &[crate::vocab::Source], file: &SourceFile| {
        let Ok(date) = chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d") else { return };
        let age = (today - date).num_days();
        if age <= i64::from(max_age_days) {
            return;
        }
        let named: Vec<String> = sources.iter().map(|s| format!("{} {}", s.id, s.url)).collect();
        out.push(Finding::warning(
            "stale-content",
            file,
            "/as_of",
            format!(
                "{what} was last checked against its sources on {as_of}, {age} days ago (more than {max_age_days}): re-check {} and update as_of",
                if named.is_empty() { "its facts".to_string() } else { named.join(", ") }
            ),
        ));
    };
    for rb in set.runbooks.iter().filter(|rb| only.is_none_or(|o| o.contains(&rb.file.origin.to_string()))) {
        check(&format!("runbook `{}`", rb.runbook.id), &rb.runbook.as_of, &rb.runbook.sources, &rb.file);
    }
    if only.is_none() {
        check("the compatibility matrix", &set.matrix.as_of, &set.matrix.sources, &set.matrix_file);
    }
    out
}

/// Every placeholder an outcome's steps and collect items use must name a fact or the matrix
/// row, and must have something to quote wherever the outcome can be reached: a fact known on
/// every path there (or required by the item's own `when`), or a fallback after `|`.
fn lint_placeholders(set: &RunbookSet, selected: &dyn Fn(&LoadedRunbook) -> bool, out: &mut Vec<Finding>) {
    use super::placeholder::{MATRIX_PLACEHOLDERS, near_misses, placeholders};
    let known = super::known::known_at(set);
    for rb in set.runbooks.iter().filter(|rb| selected(rb)) {
        let f = &*rb.file;
        for (i, node) in rb.runbook.nodes.iter().enumerate() {
            let Node::Outcome(o) = node else { continue };
            let me = NodeRef::new(rb.id(), &o.id);
            let here = known.as_ref().and_then(|k| k.get(&me));
            let texts = o
                .remediation
                .iter()
                .enumerate()
                .map(|(j, r)| (format!("/nodes/{i}/remediation/{j}/text"), r.text.as_str(), r.when.as_ref()))
                .chain(
                    o.collect
                        .iter()
                        .enumerate()
                        .map(|(j, c)| (format!("/nodes/{i}/collect/{j}"), c.text.as_str(), c.when.as_ref())),
                );
            for (p, text, when) in texts {
                for (written, meant) in near_misses(text) {
                    let msg = format!(
                        "{me}: `{written}` is not a placeholder and is shown as written: did you mean `{meant}`?"
                    );
                    out.push(Finding::warning("placeholder", f, &p, msg).with_node(&me));
                }
                for ph in placeholders(text) {
                    let problem = if let Some(m) = ph.name.strip_prefix("matrix.") {
                        if !MATRIX_PLACEHOLDERS.contains(&ph.name) {
                            Some(format!(
                                "`{{{}}}` is not a matrix placeholder ({})",
                                ph.name,
                                MATRIX_PLACEHOLDERS.join(", ")
                            ))
                        } else if o.matrix.is_none() {
                            Some(format!("`{{matrix.{m}}}` needs the outcome's `matrix` area"))
                        } else if ph.fallback.is_none() {
                            Some(format!(
                                "`{{matrix.{m}}}` needs a fallback (`{{matrix.{m}|…}}`): the row may not say it"
                            ))
                        } else {
                            None
                        }
                    } else if set.vocab.fact(ph.name).is_none() {
                        Some(format!("`{{{}}}` names no fact", ph.name))
                    } else if ph.fallback.is_none()
                        && !here.is_some_and(|k| k.contains(ph.name))
                        && !when.is_some_and(|w| super::known::required_known(w).iter().any(|k| k == ph.name))
                    {
                        Some(format!(
                            "`{{{}}}` may be unknown on a path to {me}: give a fallback (`{{{}|…}}`) or a `when` that needs it known",
                            ph.name, ph.name
                        ))
                    } else {
                        None
                    };
                    if let Some(msg) = problem {
                        out.push(Finding::error("placeholder", f, &p, format!("{me}: {msg}")).with_node(&me));
                    }
                }
            }
            for (j, r) in o.remediation.iter().enumerate() {
                if let Some(w) = &r.when {
                    lint_condition(f, &set.vocab, &me, w, &format!("/nodes/{i}/remediation/{j}/when"), out);
                }
            }
            for (j, c) in o.collect.iter().enumerate() {
                if let Some(w) = &c.when {
                    lint_condition(f, &set.vocab, &me, w, &format!("/nodes/{i}/collect/{j}/when"), out);
                }
            }
        }
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn lint_runbook(set: &RunbookSet, rb: &LoadedRunbook, out: &mut Vec<Finding>) {
    let f = &*rb.file;
    let r = &rb.runbook;
    if r.schema != 1 {
        out.push(Finding::error(
            "schema-version",
            f,
            "/schema",
            format!("unsupported schema {}: this tool reads schema 1", r.schema),
        ));
    }
    if !is_id(&r.id) {
        out.push(Finding::error(
            "bad-id",
            f,
            "/id",
            format!("runbook id `{}` must be lowercase letters, digits, `-`", r.id),
        ));
    }
    if chrono::NaiveDate::parse_from_str(&r.as_of, "%Y-%m-%d").is_err() {
        out.push(Finding::error("bad-date", f, "/as_of", format!("as_of `{}` is not a date (YYYY-MM-DD)", r.as_of)));
    }
    let mut source_ids = HashSet::new();
    for (i, s) in r.sources.iter().enumerate() {
        if !source_ids.insert(s.id.as_str()) {
            out.push(Finding::error(
                "duplicate-id",
                f,
                &format!("/sources/{i}/id"),
                format!("source id `{}` is declared twice", s.id),
            ));
        }
    }
    for (i, d) in r.facts.iter().enumerate() {
        if Vocabulary::is_contract_fact(&d.key) {
            out.push(Finding::error(
                "redeclared-fact",
                f,
                &format!("/facts/{i}/key"),
                format!("`{}` is a contract fact and can't be redeclared", d.key),
            ));
        }
        let is_enum = matches!(d.r#type, None | Some(super::model::DeclaredFactType::Enum));
        if is_enum && d.values.is_empty() {
            out.push(Finding::error(
                "bad-fact",
                f,
                &format!("/facts/{i}"),
                format!("fact `{}` needs `values` (or type version/text)", d.key),
            ));
        }
        if d.asked_of.is_none() && !Vocabulary::is_contract_fact(&d.key) {
            out.push(Finding::error(
                "missing-asked-of",
                f,
                &format!("/facts/{i}"),
                format!(
                    "fact `{}` must say who can answer it: \"asked_of\": \"caller\", \"agent\" or \"admin\"",
                    d.key
                ),
            ));
        }
        if d.values.iter().any(|v| v == UNKNOWN) {
            out.push(Finding::error(
                "bad-fact",
                f,
                &format!("/facts/{i}/values"),
                format!("fact `{}`: `unknown` is implied; don't list it", d.key),
            ));
        }
    }
    lint_derivations(set, rb, out);
    hidden_characters(rb, out);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, node) in r.nodes.iter().enumerate() {
        let p = format!("/nodes/{i}");
        let me = NodeRef::new(&r.id, node.id());
        if let Some(first) = seen.insert(node.id(), i) {
            out.push(
                Finding::error(
                    "duplicate-id",
                    f,
                    &format!("{p}/id"),
                    format!("node id `{}` is used twice (first at node {})", node.id(), first + 1),
                )
                .with_node(&me),
            );
        }
        if !is_id(node.id()) {
            out.push(
                Finding::error(
                    "bad-id",
                    f,
                    &format!("{p}/id"),
                    format!("node id `{}` must be lowercase letters, digits, `-`", node.id()),
                )
                .with_node(&me),
            );
        }
        lint_node(set, rb, node, &p, &me, &source_ids, out);
    }
    if rb.node(&r.start).is_none() {
        out.push(Finding::error(
            "missing-start",
            f,
            "/start",
            format!("start node `{}` does not exist in runbook `{}`", r.start, r.id),
        ));
    }
}

/// The top-level `derive` rules speak the vocabulary too: a condition on a fact nobody declared,
/// a `set` of a value outside the fact's values or a `copy` between facts that don't exist (or
/// hold different kinds of value) would otherwise be ignored by the walk without a word.
fn lint_derivations(set: &RunbookSet, rb: &LoadedRunbook, out: &mut Vec<Finding>) {
    let f = &*rb.file;
    let vocab = &set.vocab;
    for (i, d) in rb.runbook.derive.iter().enumerate() {
        let p = format!("/derive/{i}");
        // Not a node: the findings carry no `node`, and their text names the rule.
        let me = NodeRef::new(rb.id(), format!("derive/{i}"));
        let mut found = Vec::new();
        lint_condition(f, vocab, &me, &d.when, &format!("{p}/when"), &mut found);
        for (k, v) in &d.set {
            if vocab.fact(k).is_none() {
                found.push(Finding::error(
                    "unknown-fact",
                    f,
                    &format!("{p}/set"),
                    format!("{me}: sets unknown fact `{k}`"),
                ));
            } else if let Err(e) = vocab.check(k, v) {
                found.push(Finding::error("bad-value", f, &format!("{p}/set"), format!("{me}: {e}")));
            }
        }
        for (target, source) in &d.copy {
            let (t, s) = (vocab.fact(target), vocab.fact(source));
            for (key, def) in [(target, t), (source, s)] {
                if def.is_none() {
                    found.push(Finding::error(
                        "unknown-fact",
                        f,
                        &format!("{p}/copy"),
                        format!("{me}: copies unknown fact `{key}`"),
                    ));
                }
            }
            if let (Some(t), Some(s)) = (t, s)
                && std::mem::discriminant(&t.ty) != std::mem::discriminant(&s.ty)
            {
                found.push(Finding::error(
                    "bad-value",
                    f,
                    &format!("{p}/copy"),
                    format!("{me}: copies `{source}` into `{target}`, which holds another kind of value"),
                ));
            }
        }
        out.extend(found.into_iter().map(|mut x| {
            x.node = None;
            x
        }));
    }
}

/// Text a runbook shows (prompts, titles, labels, help, remediation, notes, ids) must not hold
/// terminal controls, escape sequences, bidi overrides or invisible characters: every output
/// shows them as `�`, so the author learns here, at their place, rather than from the agent's
/// screen. A newline is allowed (help and summaries may be laid out in lines).
fn hidden_characters(rb: &LoadedRunbook, out: &mut Vec<Finding>) {
    let text = &rb.file.text;
    // Nothing to find: no such character written as is, and no escape that could spell one.
    if crate::text::is_clean(text)
        && !text.contains("\\u")
        && !text.contains("\\t")
        && !text.contains("\\r")
        && !text.contains("\\b")
        && !text.contains("\\f")
    {
        return;
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else { return };
    let mut found: Vec<(String, String)> = Vec::new();
    hidden_in(&value, &mut String::new(), &mut found);
    for (pointer, shown) in found {
        let node = pointer
            .strip_prefix("/nodes/")
            .and_then(|rest| rest.split('/').next())
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| rb.runbook.nodes.get(i))
            .map(|n| NodeRef::new(rb.id(), n.id()));
        let place = node
            .as_ref()
            .map_or_else(|| format!("runbook `{}`", crate::text::sanitize_line(rb.id())), ToString::to_string);
        // A warning: every output neutralises such text anyway, so a desk's runbook still runs.
        let finding = Finding::warning(
            "hidden-char",
            &rb.file,
            &pointer,
            format!(
                "{place}: `{pointer}` holds {shown}: a control character, escape sequence, bidi override or invisible character, shown as `�` on every screen and export; remove it"
            ),
        );
        out.push(match &node {
            Some(n) => finding.with_node(n),
            None => finding,
        });
    }
}

/// Every string (member names too) of `v` that isn't clean: its JSON pointer and the characters.
fn hidden_in(v: &serde_json::Value, pointer: &mut String, found: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::String(s) => hidden_in_str(s, pointer, found),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                hidden_in(item, pointer, found);
                pointer.truncate(len);
            }
        }
        serde_json::Value::Object(members) => {
            for (k, item) in members {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                hidden_in_str(k, pointer, found);
                hidden_in(item, pointer, found);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

fn hidden_in_str(s: &str, pointer: &str, found: &mut Vec<(String, String)>) {
    if crate::text::is_clean(s) {
        return;
    }
    let mut chars: Vec<String> = s
        .chars()
        .filter(|&c| c != '\n' && crate::text::is_hostile(c))
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    let mut seen = HashSet::new();
    chars.retain(|c| seen.insert(c.clone()));
    chars.truncate(5);
    found.push((pointer.to_string(), chars.join(" ")));
}

fn check_next(
    set: &RunbookSet,
    rb: &LoadedRunbook,
    me: &NodeRef,
    next: &str,
    pointer: &str,
    label: &str,
    out: &mut Vec<Finding>,
) {
    let target = NodeRef::resolve(rb.id(), next);
    let exists = set.get(&target.runbook).is_some_and(|t| t.node(&target.node).is_some());
    if !exists {
        let why = if set.get(&target.runbook).is_none() {
            format!("runbook `{}` does not exist", target.runbook)
        } else {
            format!("no node `{}` in runbook `{}`", target.node, target.runbook)
        };
        out.push(
            Finding::error("dangling-next", &rb.file, pointer, format!("{me} ({label}) leads to `{target}`: {why}"))
                .with_node(me),
        );
    }
}

fn text_required(f: &SourceFile, me: &NodeRef, pointer: &str, field: &str, value: &str, out: &mut Vec<Finding>) {
    if value.trim().is_empty() {
        out.push(Finding::error("empty-text", f, pointer, format!("{me}: `{field}` is empty")).with_node(me));
    }
}

fn lint_node(
    set: &RunbookSet,
    rb: &LoadedRunbook,
    node: &Node,
    p: &str,
    me: &NodeRef,
    sources: &HashSet<&str>,
    out: &mut Vec<Finding>,
) {
    let f = &*rb.file;
    let vocab = &set.vocab;
    match node {
        Node::Question(q) => {
            text_required(f, me, &format!("{p}/prompt"), "prompt", &q.prompt, out);
            match &q.help {
                Help::Text(text) => text_required(f, me, &format!("{p}/help"), "help", text, out),
                Help::Items(items) if items.is_empty() => text_required(f, me, &format!("{p}/help"), "help", "", out),
                Help::Items(items) => {
                    for (j, item) in items.iter().enumerate() {
                        text_required(f, me, &format!("{p}/help/{j}"), "help", &item.text, out);
                        if let Some(w) = &item.when {
                            lint_condition(f, vocab, me, w, &format!("{p}/help/{j}/when"), out);
                        }
                    }
                }
            }
            let def = vocab.fact(&q.fact);
            if def.is_none() {
                out.push(
                    Finding::error(
                        "unknown-fact",
                        f,
                        &format!("{p}/fact"),
                        format!("{me} asks for unknown fact `{}`", q.fact),
                    )
                    .with_node(me),
                );
            }
            let mut values = HashSet::new();
            for (j, o) in q.options.iter().enumerate() {
                let op = format!("{p}/options/{j}");
                if !values.insert(o.value.as_str()) {
                    out.push(
                        Finding::error(
                            "duplicate-option",
                            f,
                            &format!("{op}/value"),
                            format!("{me} offers `{}` twice", o.value),
                        )
                        .with_node(me),
                    );
                }
                if !o.now.is_empty() {
                    out.push(
                        Finding::error(
                            "bad-now",
                            f,
                            &format!("{op}/now"),
                            format!(
                                "{me}: `now` is for a step's results (what the step changed), not a question's answers"
                            ),
                        )
                        .with_node(me),
                    );
                }
                if def.is_some()
                    && let Err(e) = vocab.check(&q.fact, &o.value)
                {
                    out.push(
                        Finding::error("bad-value", f, &format!("{op}/value"), format!("{me}: {e}")).with_node(me),
                    );
                }
                text_required(f, me, &format!("{op}/label"), "label", &o.label, out);
                check_next(set, rb, me, &o.next, &format!("{op}/next"), &format!("option `{}`", o.value), out);
                if let Some(w) = &o.when {
                    lint_condition(f, vocab, me, w, &format!("{op}/when"), out);
                    // "Can't tell" is every question's way out: never hidden.
                    if o.value == UNKNOWN {
                        out.push(
                            Finding::error(
                                "gated-unknown",
                                f,
                                &format!("{op}/when"),
                                format!("{me}: the `unknown` option must always be offered (no `when`)"),
                            )
                            .with_node(me),
                        );
                    }
                }
            }
            if !values.contains(UNKNOWN) {
                out.push(
                    Finding::error(
                        "missing-unknown",
                        f,
                        &format!("{p}/options"),
                        format!("{me} has no `unknown` option (the user can't tell)"),
                    )
                    .with_node(me),
                );
            }
            match def.map(|d| &d.ty) {
                Some(FactType::Enum(all)) => {
                    let missing: Vec<&str> = all.iter().map(String::as_str).filter(|v| !values.contains(v)).collect();
                    if !missing.is_empty() {
                        out.push(
                            Finding::error(
                                "uncovered-value",
                                f,
                                &format!("{p}/options"),
                                format!("{me} has no option for {}", missing.join(", ")),
                            )
                            .with_node(me),
                        );
                    }
                    if q.entry.is_some() {
                        out.push(
                            Finding::error(
                                "bad-entry",
                                f,
                                &format!("{p}/entry"),
                                format!("{me}: `entry` is only for version and text facts"),
                            )
                            .with_node(me),
                        );
                    }
                }
                Some(FactType::Version | FactType::Text) => match &q.entry {
                    Some(e) => check_next(set, rb, me, &e.next, &format!("{p}/entry/next"), "typed answer", out),
                    None => out.push(
                        Finding::error(
                            "missing-entry",
                            f,
                            p,
                            format!("{me} asks for `{}`, which is typed: add `entry`", q.fact),
                        )
                        .with_node(me),
                    ),
                },
                None => {}
            }
        }
        Node::Step(s) => {
            text_required(f, me, &format!("{p}/title"), "title", &s.title, out);
            text_required(f, me, &format!("{p}/instruction"), "instruction", &s.instruction, out);
            if !sources.contains(s.source.as_str()) {
                out.push(
                    Finding::error(
                        "undeclared-source",
                        f,
                        &format!("{p}/source"),
                        format!("{me} cites `{}`, which `sources` doesn't declare", s.source),
                    )
                    .with_node(me),
                );
            }
            let mut values = HashSet::new();
            for (j, o) in s.options.iter().enumerate() {
                if !values.insert(o.value.as_str()) {
                    out.push(
                        Finding::error(
                            "duplicate-option",
                            f,
                            &format!("{p}/options/{j}/value"),
                            format!("{me} offers `{}` twice", o.value),
                        )
                        .with_node(me),
                    );
                }
                text_required(f, me, &format!("{p}/options/{j}/label"), "label", &o.label, out);
                check_next(
                    set,
                    rb,
                    me,
                    &o.next,
                    &format!("{p}/options/{j}/next"),
                    &format!("result `{}`", o.value),
                    out,
                );
                for (k, v) in &o.now {
                    if let Err(e) = vocab.check(k, v) {
                        out.push(
                            Finding::error("bad-value", f, &format!("{p}/options/{j}/now"), format!("{me}: {e}"))
                                .with_node(me),
                        );
                    }
                }
            }
            if !values.contains(UNKNOWN) {
                out.push(
                    Finding::error(
                        "missing-unknown",
                        f,
                        &format!("{p}/options"),
                        format!("{me} has no `unknown` result (couldn't try it)"),
                    )
                    .with_node(me),
                );
            }
        }
        Node::Route(r) => {
            for (j, rule) in r.rules.iter().enumerate() {
                let rp = format!("{p}/rules/{j}");
                lint_condition(f, vocab, me, &rule.when, &format!("{rp}/when"), out);
                for (k, v) in &rule.set {
                    if let Err(e) = vocab.check(k, v) {
                        out.push(
                            Finding::error("bad-value", f, &format!("{rp}/set"), format!("{me}: {e}")).with_node(me),
                        );
                    }
                }
                check_next(set, rb, me, &rule.next, &format!("{rp}/next"), &format!("rule {}", j + 1), out);
            }
            check_next(set, rb, me, &r.otherwise, &format!("{p}/otherwise"), "otherwise", out);
        }
        Node::Outcome(o) => {
            text_required(f, me, &format!("{p}/title"), "title", &o.title, out);
            text_required(f, me, &format!("{p}/summary"), "summary", &o.summary, out);
            // The walk would quietly weigh such an outcome as 1 (`RunbookSet::prior`).
            if let Some(prior) = o.prior
                && !(prior.is_finite() && prior > 0.0)
            {
                out.push(
                    Finding::error(
                        "bad-prior",
                        f,
                        &format!("{p}/prior"),
                        format!("{me}: prior {prior} is not a number above 0 (1 is a typical outcome; 0.2 a rare one)"),
                    )
                    .with_node(me),
                );
            }
            // An undeclared class is refused on load (`RunbookSet::undeclared_classes`).
            if o.remediation.is_empty() {
                out.push(
                    Finding::error(
                        "no-remediation",
                        f,
                        &format!("{p}/remediation"),
                        format!("{me} has no remediation steps"),
                    )
                    .with_node(me),
                );
            }
            for (j, step) in o.remediation.iter().enumerate() {
                text_required(f, me, &format!("{p}/remediation/{j}/text"), "text", &step.text, out);
                if !sources.contains(step.source.as_str()) {
                    out.push(
                        Finding::error(
                            "undeclared-source",
                            f,
                            &format!("{p}/remediation/{j}/source"),
                            format!("{me} cites `{}`, which `sources` doesn't declare", step.source),
                        )
                        .with_node(me),
                    );
                }
            }
            if o.escalate && o.escalation_reason.as_deref().is_none_or(|s| s.trim().is_empty()) {
                out.push(
                    Finding::error(
                        "missing-escalation-reason",
                        f,
                        p,
                        format!("{me} escalates without `escalation_reason`"),
                    )
                    .with_node(me),
                );
            }
        }
    }
}

fn lint_condition(f: &SourceFile, vocab: &Vocabulary, me: &NodeRef, c: &Condition, p: &str, out: &mut Vec<Finding>) {
    let forms = c.forms();
    if forms.len() != 1 {
        let msg = if forms.is_empty() {
            "condition has no test (use equals, one_of, known, version_below, version_at_least, all, any, not or matrix)".to_string()
        } else {
            format!("condition mixes {}; use exactly one", forms.join(" and "))
        };
        out.push(Finding::error("bad-condition", f, p, format!("{me}: {msg}")).with_node(me));
        return;
    }
    let needs_fact = matches!(forms[0], "equals" | "one_of" | "known" | "version_below" | "version_at_least");
    match (&c.fact, needs_fact) {
        (None, true) => {
            out.push(Finding::error("bad-condition", f, p, format!("{me}: `{}` needs `fact`", forms[0])).with_node(me))
        }
        (Some(_), false) => out.push(
            Finding::error("bad-condition", f, &format!("{p}/fact"), format!("{me}: `{}` takes no `fact`", forms[0]))
                .with_node(me),
        ),
        (Some(k), true) => {
            let Some(def) = vocab.fact(k) else {
                out.push(
                    Finding::error(
                        "unknown-fact",
                        f,
                        &format!("{p}/fact"),
                        format!("{me}: condition on unknown fact `{k}`"),
                    )
                    .with_node(me),
                );
                return;
            };
            let values: Vec<&String> = c.equals.iter().chain(c.one_of.iter().flatten()).collect();
            for v in values {
                if let Err(e) = vocab.check(k, v) {
                    out.push(Finding::error("bad-value", f, p, format!("{me}: {e}")).with_node(me));
                }
            }
            let compared = c.equals.iter().chain(c.one_of.iter().flatten()).any(|v| v != UNKNOWN);
            if def.ty == FactType::Text && compared && !compares_normalised(k) {
                let msg = if k == "error.message" {
                    format!(
                        "{me}: `error.message` is what the caller read, never compared exactly (contract §10): add the message to assets/messages.json, which maps what the caller reads to the facts it implies, and test those facts"
                    )
                } else {
                    format!(
                        "{me}: `{k}` is free text, never compared exactly (contract §10): the same text typed another way would not match; test a fact derived from it"
                    )
                };
                out.push(Finding::error("free-text-equality", f, p, msg).with_node(me));
            }
            for v in c.version_below.iter().chain(c.version_at_least.iter()) {
                if def.ty != FactType::Version {
                    out.push(
                        Finding::error("bad-condition", f, p, format!("{me}: `{k}` is not a version fact"))
                            .with_node(me),
                    );
                }
                if Version::parse(v).is_none() {
                    out.push(Finding::error("bad-value", f, p, format!("{me}: `{v}` is not a version")).with_node(me));
                }
            }
        }
        (None, false) => {}
    }
    for (name, list) in [("all", &c.all), ("any", &c.any)] {
        if let Some(list) = list {
            if list.is_empty() {
                out.push(Finding::error("bad-condition", f, p, format!("{me}: `{name}` is empty")).with_node(me));
            }
            for (i, sub) in list.iter().enumerate() {
                lint_condition(f, vocab, me, sub, &format!("{p}/{name}/{i}"), out);
            }
        }
    }
    if let Some(sub) = &c.not {
        lint_condition(f, vocab, me, sub, &format!("{p}/not"), out);
    }
    if let Some(m) = &c.matrix
        && m.verdict.is_empty()
    {
        out.push(
            Finding::error("bad-condition", f, p, format!("{me}: matrix condition lists no verdict")).with_node(me),
        );
    }
}

/// Lints the compatibility matrix file.
pub fn lint_matrix(m: &Matrix, f: &SourceFile, vocab: &Vocabulary, out: &mut Vec<Finding>) {
    if m.schema != 1 {
        out.push(Finding::error("schema-version", f, "/schema", format!("unsupported matrix schema {}", m.schema)));
    }
    if chrono::NaiveDate::parse_from_str(&m.as_of, "%Y-%m-%d").is_err() {
        out.push(Finding::error("bad-date", f, "/as_of", format!("as_of `{}` is not a date (YYYY-MM-DD)", m.as_of)));
    }
    let sources: HashSet<&str> = m.sources.iter().map(|s| s.id.as_str()).collect();
    let mut ids = HashSet::new();
    for (i, row) in m.rows.iter().enumerate() {
        let p = format!("/rows/{i}");
        if !ids.insert(row.id.as_str()) {
            out.push(Finding::error(
                "duplicate-id",
                f,
                &format!("{p}/id"),
                format!("matrix row `{}` appears twice", row.id),
            ));
        }
        if row.when.is_empty() {
            out.push(Finding::error(
                "bad-row",
                f,
                &format!("{p}/when"),
                format!("row `{}` has an empty `when`", row.id),
            ));
        }
        for (k, vs) in &row.when {
            for v in vs.values() {
                if let Err(e) = vocab.check(k, v) {
                    out.push(Finding::error("bad-value", f, &format!("{p}/when"), format!("row `{}`: {e}", row.id)));
                }
            }
        }
        for (k, v) in &row.min_versions {
            match vocab.fact(k) {
                Some(d) if d.ty == FactType::Version => {}
                _ => out.push(Finding::error(
                    "bad-row",
                    f,
                    &format!("{p}/min_versions"),
                    format!("row `{}`: `{k}` is not a version fact", row.id),
                )),
            }
            if Version::parse(v).is_none() {
                out.push(Finding::error(
                    "bad-value",
                    f,
                    &format!("{p}/min_versions"),
                    format!("row `{}`: `{v}` is not a version", row.id),
                ));
            }
        }
        for s in &row.sources {
            if !sources.contains(s.as_str()) {
                out.push(Finding::error(
                    "undeclared-source",
                    f,
                    &format!("{p}/sources"),
                    format!("row `{}` cites `{s}`, which `sources` doesn't declare", row.id),
                ));
            }
        }
        for (j, h) in row.history.iter().enumerate() {
            if !sources.contains(h.source.as_str()) {
                out.push(Finding::error(
                    "undeclared-source",
                    f,
                    &format!("{p}/history/{j}/source"),
                    format!("row `{}` history cites undeclared `{}`", row.id, h.source),
                ));
            }
        }
    }
}

/// The set's nodes (the first of a duplicated id) and their transitions to existing nodes.
pub(super) struct Graph<'a> {
    pub ids: HashMap<NodeRef, usize>,
    /// Each node's address, runbook and index there.
    pub refs: Vec<(NodeRef, &'a LoadedRunbook, usize)>,
    /// Where each node's transitions lead, sorted, once each.
    pub adj: Vec<Vec<usize>>,
}

impl<'a> Graph<'a> {
    fn new(set: &'a RunbookSet) -> Self {
        let mut ids: HashMap<NodeRef, usize> = HashMap::new();
        let mut refs: Vec<(NodeRef, &LoadedRunbook, usize)> = Vec::new();
        for rb in &set.runbooks {
            for (i, n) in rb.runbook.nodes.iter().enumerate() {
                let r = NodeRef::new(rb.id(), n.id());
                if !ids.contains_key(&r) {
                    ids.insert(r.clone(), refs.len());
                    refs.push((r, rb, i));
                }
            }
        }
        let adj: Vec<Vec<usize>> = refs
            .iter()
            .map(|(r, rb, i)| {
                let mut v: Vec<usize> = targets(&rb.runbook.nodes[*i])
                    .filter_map(|next| ids.get(&NodeRef::resolve(&r.runbook, next)).copied())
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        Graph { ids, refs, adj }
    }

    pub fn node(&self, n: usize) -> &'a Node {
        let (_, rb, i) = &self.refs[n];
        &rb.runbook.nodes[*i]
    }
}

/// Where a node's transitions lead (`Node::transitions` without describing each).
fn targets(node: &Node) -> Box<dyn Iterator<Item = &str> + '_> {
    match node {
        Node::Question(q) => {
            Box::new(q.options.iter().map(|o| o.next.as_str()).chain(q.entry.iter().map(|e| e.next.as_str())))
        }
        Node::Step(s) => Box::new(s.options.iter().map(|o| o.next.as_str())),
        Node::Route(r) => {
            Box::new(r.rules.iter().map(|rule| rule.next.as_str()).chain(std::iter::once(r.otherwise.as_str())))
        }
        Node::Outcome(_) => Box::new(std::iter::empty()),
    }
}

/// Graph-wide checks over the whole set: cycles, reachability, class coverage.
fn lint_graph(
    set: &RunbookSet,
    graph: &Graph,
    selected: &dyn Fn(&LoadedRunbook) -> bool,
    scope: LintScope,
    out: &mut Vec<Finding>,
) {
    let Graph { ids, refs, adj } = graph;
    for comp in strongly_connected(adj) {
        let is_cycle = comp.len() > 1 || adj[comp[0]].contains(&comp[0]);
        if !is_cycle {
            continue;
        }
        let (first, rb, i) = &refs[comp[0]];
        if !selected(rb) {
            continue;
        }
        let mut names: Vec<String> = comp.iter().map(|&n| refs[n].0.to_string()).collect();
        names.sort();
        out.push(
            Finding::error("cycle", &rb.file, &format!("/nodes/{i}/id"), format!("cycle through {}", names.join(", ")))
                .with_node(first),
        );
    }

    // Reachability from the entry.
    let Some(entry) = set.entry() else {
        if scope.full_set {
            out.push(Finding::error(
                "missing-entry",
                &set.matrix_file,
                "",
                format!("no runbook with id `{ENTRY_RUNBOOK}`: walks have nowhere to start"),
            ));
        }
        return;
    };
    let mut reached = vec![false; refs.len()];
    if let Some(&s) = ids.get(&entry) {
        let mut stack = vec![s];
        while let Some(n) = stack.pop() {
            if reached[n] {
                continue;
            }
            reached[n] = true;
            stack.extend(adj[n].iter().copied().filter(|m| !reached[*m]));
        }
    }
    // A route resolves an open fact it reads by the first question asking it (contract §9.1),
    // wherever that question stands: it is reached, though the walk goes on from the route.
    let mut first_asker: HashMap<&str, usize> = HashMap::new();
    for (n, _) in refs.iter().enumerate() {
        if let Node::Question(q) = graph.node(n) {
            first_asker.entry(q.fact.as_str()).or_insert(n);
        }
    }
    for n in 0..refs.len() {
        if let (true, Node::Route(r)) = (reached[n], graph.node(n)) {
            let mut read = Vec::new();
            for rule in &r.rules {
                rule.when.facts_read(&set.matrix, &mut read);
            }
            for f in read {
                if let Some(&q) = first_asker.get(f) {
                    reached[q] = true;
                }
            }
        }
    }
    let mut unreached_runbooks = BTreeSet::new();
    for rb in set.runbooks.iter().filter(|rb| selected(rb)) {
        let start = NodeRef::new(rb.id(), rb.runbook.start.clone());
        if ids.get(&start).is_some_and(|&s| !reached[s]) {
            unreached_runbooks.insert(rb.id().to_string());
            out.push(Finding::warning(
                "unreachable",
                &rb.file,
                "/start",
                format!("runbook `{}` is not reachable from {entry}", rb.id()),
            ));
        }
    }
    for (n, (r, rb, i)) in refs.iter().enumerate() {
        if !reached[n] && selected(rb) && !unreached_runbooks.contains(&r.runbook) {
            out.push(
                Finding::warning(
                    "unreachable",
                    &rb.file,
                    &format!("/nodes/{i}/id"),
                    format!("{r} is never reached from {entry}"),
                )
                .with_node(r),
            );
        }
    }
    if scope.full_set {
        let mut reached_classes = HashSet::new();
        for (n, (_, rb, i)) in refs.iter().enumerate() {
            if let (true, Node::Outcome(o)) = (reached[n], &rb.runbook.nodes[*i]) {
                reached_classes.insert(o.class.as_str());
            }
        }
        let file = set.get(ENTRY_RUNBOOK).map(|rb| rb.file.clone());
        for (class, _) in CONTRACT_CLASSES {
            if !reached_classes.contains(class)
                && let Some(f) = &file
            {
                out.push(Finding::error(
                    "class-unreached",
                    f,
                    "",
                    format!("no reachable outcome has contract class `{class}`"),
                ));
            }
        }
    }
}

/// Tarjan's algorithm, iterative (deep runbooks must not overflow the stack).
fn strongly_connected(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = adj.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 && index[v] == usize::MAX {
                index[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if *child < adj[v].len() {
                let w = adj[v][*child];
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(comp);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn finds_cycles() {
        let adj = vec![vec![1], vec![2], vec![0], vec![3], vec![]];
        let comps = strongly_connected(&adj);
        assert!(comps.iter().any(|c| c.len() == 3));
        assert!(comps.iter().any(|c| c == &vec![3]));
    }
}
