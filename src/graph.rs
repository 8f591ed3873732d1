//! Decision-tree drawings for reviewers: Mermaid (renders in GitHub) and Graphviz dot.

use crate::runbook::model::Node;
use crate::runbook::{LoadedRunbook, NodeRef};

/// Escapes a label for Mermaid's quoted strings. `%` too: Mermaid reads `%%` as a comment even
/// inside quotes (the rest of the line is lost: a parse error) and `%%{init: …}%%` anywhere in
/// the text as a directive (a runbook title could restyle or re-theme the drawing).
fn mermaid_label(s: &str) -> String {
    crate::text::sanitize_line(s).replace('%', "#37;").replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}

fn dot_label(s: &str) -> String {
    crate::text::sanitize_line(s).replace('\\', "\\\\").replace('"', "\\\"")
}

/// Shortens long text for node boxes.
fn short(s: &str, n: usize) -> String {
    let s = crate::text::sanitize_line(s);
    if s.chars().count() <= n { s } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

fn node_text(n: &Node) -> String {
    match n {
        Node::Question(q) => format!("{}<br/>{}", short(&q.fact, 60), short(&q.prompt, 60)),
        Node::Step(s) => format!("step: {}", short(&s.title, 60)),
        Node::Route(r) => format!("route: {}", short(if r.title.is_empty() { &r.id } else { &r.title }, 60)),
        Node::Outcome(o) => format!("{}<br/>{}", short(&o.class, 60), short(&o.title, 60)),
    }
}

/// Mermaid id: letters, digits and `_` only.
fn mid(r: &NodeRef) -> String {
    r.to_string().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

pub fn mermaid(rb: &LoadedRunbook) -> String {
    let mut s = format!(
        "%% {} ({}), facts as of {}\nflowchart TD\n",
        mermaid_label(rb.id()),
        mermaid_label(&rb.runbook.title),
        mermaid_label(&rb.runbook.as_of)
    );
    let mut external = std::collections::BTreeSet::new();
    for n in &rb.runbook.nodes {
        let me = NodeRef::new(rb.id(), n.id());
        let label = mermaid_label(&node_text(n)).replace("#lt;br/#gt;", "<br/>");
        let shape = match n {
            Node::Question(_) => format!("[\"{label}\"]"),
            Node::Step(_) => format!("[/\"{label}\"/]"),
            Node::Route(_) => format!("{{\"{label}\"}}"),
            Node::Outcome(_) => format!("([\"{label}\"])"),
        };
        s.push_str(&format!("  {}{shape}\n", mid(&me)));
        for (label, next) in n.transitions() {
            let target = NodeRef::resolve(rb.id(), next);
            if target.runbook != rb.id() {
                external.insert(target.clone());
            }
            s.push_str(&format!("  {} -->|\"{}\"| {}\n", mid(&me), mermaid_label(&short(&label, 50)), mid(&target)));
        }
    }
    for t in external {
        s.push_str(&format!("  {}[[\"{}\"]]\n", mid(&t), mermaid_label(&t.to_string())));
    }
    s
}

pub fn dot(rb: &LoadedRunbook) -> String {
    let mut s = format!(
        "// {} ({}), facts as of {}\ndigraph \"{}\" {{\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n",
        dot_label(rb.id()),
        dot_label(&rb.runbook.title),
        dot_label(&rb.runbook.as_of),
        dot_label(rb.id())
    );
    let mut external = std::collections::BTreeSet::new();
    for n in &rb.runbook.nodes {
        let me = NodeRef::new(rb.id(), n.id());
        let shape = match n {
            Node::Question(_) => "box",
            Node::Step(_) => "parallelogram",
            Node::Route(_) => "diamond",
            Node::Outcome(_) => "doubleoctagon",
        };
        // One dot line per `<br/>` (escaped after splitting: sanitising would flatten newlines).
        let label = node_text(n).split("<br/>").map(dot_label).collect::<Vec<_>>().join("\\n");
        let me = dot_label(&me.to_string());
        s.push_str(&format!("  \"{me}\" [shape={shape}, label=\"{label}\"];\n"));
        for (label, next) in n.transitions() {
            let target = NodeRef::resolve(rb.id(), next);
            if target.runbook != rb.id() {
                external.insert(target.clone());
            }
            let (target, label) = (dot_label(&target.to_string()), dot_label(&short(&label, 50)));
            s.push_str(&format!("  \"{me}\" -> \"{target}\" [label=\"{label}\"];\n"));
        }
    }
    for t in external {
        s.push_str(&format!("  \"{}\" [shape=box, style=dashed];\n", dot_label(&t.to_string())));
    }
    s.push_str("}\n");
    s
}
