//! `matrix`: what the compatibility matrix says about a client combination.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::json;

use super::{CliError, Context};
use crate::cli::{MatrixArgs, TextOrJson};
use crate::matrix::{Area, Matrix};
use crate::text::sanitize_line;
use crate::vocab::Vocabulary;

/// The facts the flags describe.
pub fn facts_from_args(args: &MatrixArgs) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            f.insert(k.to_string(), v.trim().to_string());
        }
    };
    put("client.os", &args.os);
    put("client.os_version", &args.os_version);
    put("client.browser", &args.browser);
    put("client.app", &args.app);
    put("client.broker", &args.broker);
    put("credential.type", &args.credential);
    put("credential.transport", &args.transport);
    put("credential.provider", &args.provider);
    put("flow", &args.flow);
    put("phase", &args.phase);
    put("phone.os", &args.phone_os);
    put("phone.os_version", &args.phone_os_version);
    if args.app.is_some() {
        f.insert("client.kind".into(), "native-app".into());
    } else if args.browser.is_some() {
        f.insert("client.kind".into(), "browser".into());
    }
    f
}

pub fn run(ctx: &Context, args: &MatrixArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let set = ctx.load_set()?;
    let facts = normalize_facts(&set.vocab, facts_from_args(args))?;
    let body = render(&set.matrix, &facts, args.format);
    out.write_all(body.as_bytes()).map_err(|e| CliError::bad_input(format!("cannot write output: {e}")))?;
    Ok(crate::exit::OK)
}

/// The values as people (and a remediation step's filled-in command) spell them: `Android`,
/// `Sonoma`, `Windows 11 23H2`, read as a facts file reads them.
fn normalize_facts(vocab: &Vocabulary, facts: BTreeMap<String, String>) -> Result<BTreeMap<String, String>, CliError> {
    let given = facts.clone();
    let os_of = |k: &str| given.get(k).and_then(|v| vocab.normalize(k, v, &|_| None).ok());
    facts
        .into_iter()
        .map(|(k, v)| {
            let v = vocab.normalize_given(&k, &v, &os_of).map_err(|e| CliError::bad_input(e.to_string()))?;
            Ok((k, v))
        })
        .collect()
}

/// Renders the verdict per area, with the deciding rows' minimums, notes and sources.
pub fn render(m: &Matrix, facts: &BTreeMap<String, String>, format: TextOrJson) -> String {
    let lookup = |k: &str| facts.get(k).cloned();
    let evals: Vec<_> = Area::ALL.iter().map(|a| m.evaluate(*a, &lookup)).collect();
    let source = |id: &str| m.sources.iter().find(|s| s.id == id);
    match format {
        TextOrJson::Json => {
            let areas: Vec<_> = evals
                .iter()
                .map(|e| {
                    json!({
                        "area": e.area.as_str(),
                        "verdict": e.verdict.as_str(),
                        "rows": e.rows.iter().map(|r| json!({
                            "id": r.id, "support": r.support.as_str(), "when": r.when,
                            "min_versions": r.min_versions, "notes": r.notes, "unverified": r.unverified,
                            "sources": r.sources.iter().map(|s| source(s).map_or_else(
                                || json!({"id": s}),
                                |src| json!({"id": src.id, "title": src.title, "url": src.url}))).collect::<Vec<_>>(),
                            "history": r.history.iter().map(|h| json!({"as_of": h.as_of, "support": h.support.as_str(), "notes": h.notes, "source": h.source})).collect::<Vec<_>>(),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let mut s = crate::export::json::escape_unsafe(
                &json!({ "as_of": m.as_of, "facts": facts, "areas": areas }).to_string(),
            );
            s.push('\n');
            s
        }
        TextOrJson::Text => {
            let mut s = String::new();
            let given: Vec<String> = facts.iter().map(|(k, v)| format!("{k}={}", sanitize_line(v))).collect();
            s.push_str(&format!(
                "Compatibility matrix as of {} for: {}\n",
                m.as_of,
                if given.is_empty() { "(no facts given)".to_string() } else { given.join(" ") }
            ));
            for e in &evals {
                s.push_str(&format!("\n[{}] {}\n", e.area.as_str(), e.verdict.as_str().to_uppercase()));
                if e.rows.is_empty() {
                    s.push_str("  no documented row matches\n");
                }
                for r in &e.rows {
                    let mark = if r.unverified { " (unverified)" } else { "" };
                    s.push_str(&format!("  {} {}{mark}\n", r.support.as_str(), r.id));
                    for (k, v) in &r.min_versions {
                        s.push_str(&format!("    minimum {k} {v}\n"));
                    }
                    if !r.notes.is_empty() {
                        s.push_str(&format!("    {}\n", sanitize_line(&r.notes)));
                    }
                    for h in &r.history {
                        s.push_str(&format!(
                            "    as of {}: {} {} [{}]\n",
                            h.as_of,
                            h.support.as_str(),
                            sanitize_line(&h.notes),
                            h.source
                        ));
                    }
                    for id in &r.sources {
                        match source(id) {
                            Some(src) => s.push_str(&format!(
                                "    source {}: {} <{}>\n",
                                src.id,
                                sanitize_line(&src.title),
                                sanitize_line(&src.url)
                            )),
                            None => s.push_str(&format!("    source {id}\n")),
                        }
                    }
                }
            }
            s
        }
    }
}
