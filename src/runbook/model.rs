//! Runbook format v1: the serde types are the format (and generate `assets/runbook.schema.json`).
//! Documented for authors in `docs/runbook-format.md`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One runbook file: a decision tree over contract facts.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Runbook {
    /// Optional pointer to the JSON schema, for editors.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<String>,
    /// Format version; must be 1.
    #[schemars(extend("const" = 1))]
    pub schema: u32,
    /// Unique runbook id (lowercase, digits, `-`), used in `runbook#node` references.
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Date (YYYY-MM-DD) on which the runbook's facts were last checked against its sources.
    pub as_of: String,
    /// Documents the runbook cites; remediation steps refer to them by `id`.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Facts beyond the contract that this runbook asks for. Their questions must offer `unknown`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<FactDecl>,
    /// Failure classes beyond the contract that this runbook's outcomes may carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ClassDecl>,
    /// Id of the node the runbook starts at.
    pub start: String,
    /// The nodes, each with a unique `id` and a `kind`.
    pub nodes: Vec<Node>,
    /// Facts that follow from other facts, whenever those are known, wherever the walk stands
    /// (e.g. a security-key transport means the passkey is a security key). A derivation only
    /// fills a fact nobody gave, so the outcome never depends on the order facts arrive in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derive: Vec<Derivation>,
}

/// One derivation: when the condition holds on the known facts, the facts in `set` follow.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Derivation {
    pub when: Condition,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, String>,
    /// Facts that take another fact's value (`{"phone.os_version": "client.os_version"}`: signing
    /// in on the phone itself, the phone's version is the device's).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub copy: BTreeMap<String, String>,
    /// Why it follows, shown to the agent.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// A definition the walk applies before it would ask the fact it sets: it also replaces a
    /// given value that contradicts it, so that a world stating both reaches the same outcome
    /// given up front as asked (contract §9.1). Leave it off where the fact it sets is asked
    /// first (then the given value stands, as the live walk would hear it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replaces: bool,
}

pub use crate::vocab::{Audience, Source};

/// A fact a runbook adds to the vocabulary.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactDecl {
    /// Dotted key, e.g. `native.works_in_browser`. Contract keys can't be redeclared.
    pub key: String,
    /// What the fact means.
    pub meaning: String,
    /// Allowed values (besides `unknown`). Leave empty for `type` version or text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// `enum` (default when `values` is given), `version` or `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<DeclaredFactType>,
    /// Who can answer it: `caller`, `agent` or `admin` (contract §1.7). Required: lint reports a
    /// declared fact without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked_of: Option<Audience>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum DeclaredFactType {
    Enum,
    Version,
    Text,
}

/// A failure class a runbook adds to the taxonomy.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassDecl {
    pub class: String,
    pub meaning: String,
}

// `Deserialize` is written out below, for speed.
/// A node of the decision tree.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Node {
    Question(Question),
    Step(Step),
    Route(Route),
    Outcome(Outcome),
}

/// Only a string names a kind (as the schema says), not serde's `{"variant": …}` form.
#[derive(Deserialize)]
#[serde(variant_identifier, rename_all = "kebab-case")]
enum NodeKind {
    Question,
    Step,
    Route,
    Outcome,
}

impl NodeKind {
    /// The node of this kind that `fields` (the object without `kind`) describes.
    fn read<'de, D: serde::Deserializer<'de>>(self, fields: D) -> Result<Node, D::Error> {
        Ok(match self {
            NodeKind::Question => Node::Question(Question::deserialize(fields)?),
            NodeKind::Step => Node::Step(Step::deserialize(fields)?),
            NodeKind::Route => Node::Route(Route::deserialize(fields)?),
            NodeKind::Outcome => Node::Outcome(Outcome::deserialize(fields)?),
        })
    }
}

/// A node whose first key is `kind` (as in every built-in runbook) is read in one pass, straight
/// into its type. Serde's derived reading of a tagged enum copies each node into a buffer first,
/// so that it can find `kind` anywhere; that made loading a runbook, which the wizard's first
/// frame waits for, about 1.5× slower. Other key orders still work, through a buffer.
impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> serde::de::Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a node object with a `kind`")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        use serde::de::Error;
        use serde::de::value::MapAccessDeserializer;
        let mut key = map.next_key::<String>()?;
        if key.as_deref() == Some("kind") {
            let kind: NodeKind = map.next_value()?;
            return kind.read(MapAccessDeserializer::new(map));
        }
        let mut kind = None;
        let mut fields = serde_json::Map::new();
        while let Some(k) = key {
            if k == "kind" {
                if kind.is_some() {
                    return Err(A::Error::duplicate_field("kind"));
                }
                kind = Some(map.next_value::<NodeKind>()?);
            } else {
                if fields.contains_key(&k) {
                    return Err(A::Error::custom(format_args!("duplicate field `{k}`")));
                }
                let value = map.next_value()?;
                fields.insert(k, value);
            }
            key = map.next_key()?;
        }
        let kind = kind.ok_or_else(|| A::Error::missing_field("kind"))?;
        kind.read(serde_json::Value::Object(fields)).map_err(A::Error::custom)
    }
}

impl Node {
    pub fn id(&self) -> &str {
        match self {
            Node::Question(q) => &q.id,
            Node::Step(s) => &s.id,
            Node::Route(r) => &r.id,
            Node::Outcome(o) => &o.id,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Node::Question(_) => "question",
            Node::Step(_) => "step",
            Node::Route(_) => "route",
            Node::Outcome(_) => "outcome",
        }
    }

    /// Every transition out of this node, with a label for graphs and lint messages.
    pub fn transitions(&self) -> Vec<(String, &str)> {
        match self {
            Node::Question(q) => {
                let mut t: Vec<(String, &str)> = q.options.iter().map(|o| (o.value.clone(), o.next.as_str())).collect();
                if let Some(e) = &q.entry {
                    t.push(("(entered)".to_string(), e.next.as_str()));
                }
                t
            }
            Node::Step(s) => s.options.iter().map(|o| (o.value.clone(), o.next.as_str())).collect(),
            Node::Route(r) => {
                let mut t: Vec<(String, &str)> =
                    r.rules.iter().map(|rule| (rule.when.describe(), rule.next.as_str())).collect();
                t.push(("otherwise".to_string(), r.otherwise.as_str()));
                t
            }
            Node::Outcome(_) => Vec::new(),
        }
    }

    /// Search words the author attached (symptom text, AADSTS codes).
    pub fn keywords(&self) -> &[String] {
        match self {
            Node::Question(q) => &q.keywords,
            Node::Step(s) => &s.keywords,
            Node::Route(_) => &[],
            Node::Outcome(o) => &o.keywords,
        }
    }
}

/// Asks the user for one fact.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    /// The fact this question sets (contract key or one the runbook declares).
    pub fact: String,
    /// What the agent asks, in words they can read aloud.
    pub prompt: String,
    /// How the user finds the answer: which screen, what it says. A text, or a list of texts and
    /// `{"text", "when"}` items, each shown only where its `when` holds (one per platform).
    pub help: Help,
    /// Who answers this question, when not the fact's default (contract §1.7): `caller`,
    /// `agent` or `admin`. As tier 1, an `admin` question whose fact is unknown is deferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked_of: Option<Audience>,
    /// One option per value; an `unknown` option is mandatory.
    pub options: Vec<Choice>,
    /// For version and text facts: where a typed answer goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<TextEntry>,
    /// Extra words for search (symptoms, error text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

impl Question {
    /// Who answers it: the question's own `asked_of`, else its fact's.
    pub fn audience(&self, vocab: &crate::vocab::Vocabulary) -> Audience {
        self.asked_of.unwrap_or_else(|| vocab.audience(&self.fact))
    }
}

/// One answer to a question or one result of a step.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// `node-id` in the same runbook, or `runbook-id#node-id`.
    pub next: String,
    /// Show the answer only where this holds: an answer the known facts rule out (a Windows
    /// Hello passkey on an iPhone) is not offered. The wizard filters; the walk still accepts
    /// the value (a facts file may give it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// A step's result only: what is true once the user has done the step and got this result
    /// ("Still fails with Bluetooth on": `{"phone.bluetooth": "on"}`). The walk keeps the facts
    /// as found (they decided the path); the session and every export say what changed on the
    /// call, so tier 2 isn't told Bluetooth is off.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub now: BTreeMap<String, String>,
}

/// A typed answer (versions, error codes, free text).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextEntry {
    /// What to type, e.g. "Type the iOS version (Settings → General → About)".
    pub label: String,
    pub next: String,
}

/// Something the agent has the user do on the call, with its result.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    /// What the user does, read aloud by the agent.
    pub instruction: String,
    /// Id of the declared source that documents this step.
    pub source: String,
    /// Results; an `unknown` option ("couldn't try it") is mandatory.
    pub options: Vec<Choice>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

/// Ordered rules over facts; the first that matches wins.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub id: String,
    /// What this route decides, shown in "why am I asked this?".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    pub rules: Vec<Rule>,
    pub otherwise: String,
}

/// One rule of a route.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub when: Condition,
    pub next: String,
    /// Facts this rule derives (never overrides a fact already known).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, String>,
    /// Why the rule exists, shown to the agent.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A condition over facts. Use exactly one form:
/// `{fact, equals}`, `{fact, one_of}`, `{fact, known}`, `{fact, version_below}`,
/// `{fact, version_at_least}`, `{all}`, `{any}`, `{not}`, `{matrix}`.
/// A fact that is not set counts as `unknown`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<String>>,
    /// true: the fact is set and not `unknown`; false: the opposite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known: Option<bool>,
    /// The fact is a version known to be below this one (vague versions never match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_below: Option<String>,
    /// The fact is a version known to be at least this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_at_least: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<Condition>>,
    /// What the compatibility matrix says about the current client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix: Option<MatrixCheck>,
}

/// `{"matrix": {"area": "browser", "verdict": ["unsupported"]}}`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MatrixCheck {
    pub area: crate::matrix::Area,
    /// Matches when the matrix verdict for the area is one of these.
    pub verdict: Vec<crate::matrix::Verdict>,
    /// Only these version facts' minimums count here (default: every minimum the rows name).
    /// A route asks what it reads, so a check that names its versions asks only those.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

/// A version fact no runbook has: counting only it counts no minimum at all.
static NO_VERSION: String = String::new();

impl MatrixCheck {
    /// The version facts whose minimums count for this check (empty: all). None count when a
    /// minimum can't change whether the check matches: a minimum only moves a verdict between
    /// `supported` and `below-minimum`, so a check that takes both or neither doesn't read versions
    /// (and the walk doesn't ask them for it).
    pub fn versions_counted(&self) -> &[String] {
        use crate::matrix::Verdict;
        if self.verdict.contains(&Verdict::BelowMinimum) == self.verdict.contains(&Verdict::Supported) {
            return std::slice::from_ref(&NO_VERSION);
        }
        &self.versions
    }
}

impl Condition {
    /// The facts this condition reads (the matrix's for a matrix check), each once, in order.
    pub fn facts_read<'a>(&'a self, matrix: &'a crate::matrix::Matrix, out: &mut Vec<&'a str>) {
        fn push<'a>(out: &mut Vec<&'a str>, f: &'a str) {
            if !out.contains(&f) {
                out.push(f);
            }
        }
        if let Some(f) = self.fact.as_deref() {
            push(out, f);
        }
        if let Some(m) = &self.matrix {
            for f in matrix.facts_read(m.area, m.versions_counted()) {
                push(out, f);
            }
        }
        for c in self.all.iter().flatten().chain(self.any.iter().flatten()).chain(self.not.as_deref()) {
            c.facts_read(matrix, out);
        }
    }

    /// Which forms this condition uses (exactly one is valid).
    pub fn forms(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        if self.equals.is_some() {
            f.push("equals");
        }
        if self.one_of.is_some() {
            f.push("one_of");
        }
        if self.known.is_some() {
            f.push("known");
        }
        if self.version_below.is_some() {
            f.push("version_below");
        }
        if self.version_at_least.is_some() {
            f.push("version_at_least");
        }
        if self.all.is_some() {
            f.push("all");
        }
        if self.any.is_some() {
            f.push("any");
        }
        if self.not.is_some() {
            f.push("not");
        }
        if self.matrix.is_some() {
            f.push("matrix");
        }
        f
    }

    /// Human-readable form, for graphs and "why am I asked this?".
    pub fn describe(&self) -> String {
        let fact = self.fact.as_deref().unwrap_or("?");
        if let Some(v) = &self.equals {
            return format!("{fact} = {v}");
        }
        if let Some(vs) = &self.one_of {
            return format!("{fact} in {{{}}}", vs.join(", "));
        }
        if let Some(k) = self.known {
            return if k { format!("{fact} known") } else { format!("{fact} unknown") };
        }
        if let Some(v) = &self.version_below {
            return format!("{fact} < {v}");
        }
        if let Some(v) = &self.version_at_least {
            return format!("{fact} >= {v}");
        }
        if let Some(cs) = &self.all {
            let parts: Vec<String> = cs.iter().map(|c| c.describe_nested()).collect();
            return parts.join(" and ");
        }
        if let Some(cs) = &self.any {
            let parts: Vec<String> = cs.iter().map(|c| c.describe_nested()).collect();
            return parts.join(" or ");
        }
        if let Some(c) = &self.not {
            return format!("not {}", c.describe_nested());
        }
        if let Some(m) = &self.matrix {
            let vs: Vec<&str> = m.verdict.iter().map(|v| v.as_str()).collect();
            return format!("matrix[{}] is {}", m.area.as_str(), vs.join("|"));
        }
        "(empty condition)".to_string()
    }

    fn describe_nested(&self) -> String {
        if self.all.is_some() || self.any.is_some() { format!("({})", self.describe()) } else { self.describe() }
    }
}

/// Ends a walk: a classified failure and what to do about it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub id: String,
    /// Failure class from the contract taxonomy (or one the runbook declares).
    pub class: String,
    /// One line the agent reads first.
    pub title: String,
    /// The root cause in two or three sentences.
    pub summary: String,
    /// Must this go to tier 2 / the identity team?
    pub escalate: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation_reason: Option<String>,
    /// Fixed while the user is on the call.
    #[serde(default)]
    pub resolved_on_call: bool,
    /// Ordered remediation steps, each citing a declared source.
    pub remediation: Vec<Remedy>,
    /// What tier 2 needs if this escalates: a text, or `{"text", "when"}` to list it only where
    /// it applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<GatedTextForm>")]
    pub collect: Vec<GatedText>,
    /// The compatibility-matrix area this outcome reports: its deciding row is named with the
    /// outcome (and `m` opens on it), and `{matrix.*}` placeholders quote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix: Option<crate::matrix::Area>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// How common this outcome is relative to others (contract §9.3; default 1): the next
    /// question is the one expected to narrow the likely outcomes most, and the differential
    /// lists the likely ones first. A desk's priors file (config `priors`) overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub prior: Option<f64>,
}

/// How a text with an optional condition is written (for the schema): a text, or a text with a
/// condition.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, clippy::large_enum_variant)]
enum GatedTextForm {
    Text(String),
    WithCondition {
        text: String,
        /// Show the item only where this holds.
        #[serde(default)]
        when: Option<Condition>,
    },
}

/// A text shown only where its `when` holds: a collect item, or one item of a question's help.
#[derive(Debug, Clone, Serialize)]
pub struct GatedText {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
}

/// A gated text is a plain string, or an object with `text` and `when`. Read by hand, not as an
/// untagged enum, so that a mistake inside an item (`"whne"`, a bad condition) is named rather
/// than "data did not match any variant".
impl<'de> Deserialize<'de> for GatedText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            text: String,
            #[serde(default)]
            when: Option<Condition>,
        }
        struct ItemVisitor;
        impl<'de> serde::de::Visitor<'de> for ItemVisitor {
            type Value = GatedText;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text, or an item {\"text\": ..., \"when\": ...}")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<GatedText, E> {
                Ok(GatedText { text: v.to_string(), when: None })
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<GatedText, E> {
                Ok(GatedText { text: v, when: None })
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<GatedText, A::Error> {
                let Full { text, when } = Full::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(GatedText { text, when })
            }
        }
        deserializer.deserialize_any(ItemVisitor)
    }
}

/// A question's help: one text, or items that each show only where their `when` holds.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Help {
    Text(String),
    Items(#[schemars(with = "Vec<GatedTextForm>")] Vec<GatedText>),
}

impl Help {
    /// Every item, a plain text being one item without a condition.
    pub fn items(&self) -> Vec<(&str, Option<&Condition>)> {
        match self {
            Help::Text(t) => vec![(t.as_str(), None)],
            Help::Items(items) => items.iter().map(|i| (i.text.as_str(), i.when.as_ref())).collect(),
        }
    }
}

impl From<&str> for Help {
    fn from(text: &str) -> Self {
        Help::Text(text.to_string())
    }
}

/// Help is read by hand, not as an untagged enum, so that an error inside an item says what is
/// wrong there rather than "matched no variant".
impl<'de> Deserialize<'de> for Help {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HelpVisitor;
        impl<'de> serde::de::Visitor<'de> for HelpVisitor {
            type Value = Help;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text, or a list of texts and {\"text\", \"when\"} items")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Help, E> {
                Ok(Help::Text(v.to_string()))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Help, E> {
                Ok(Help::Text(v))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Help, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<GatedText>()? {
                    items.push(item);
                }
                Ok(Help::Items(items))
            }
        }
        deserializer.deserialize_any(HelpVisitor)
    }
}

/// One remediation step. The text may quote facts and the deciding matrix row with placeholders
/// (`{phone.os_version}`, `{matrix.minimum}`, with a fallback after `|`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Remedy {
    pub text: String,
    /// Show the step only where this holds (e.g. only for an iPhone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// Id of a source declared in the runbook's `sources`.
    pub source: String,
    /// Who does it: `user`, `agent` or `admin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Actor>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Actor {
    User,
    Agent,
    Admin,
}

/// Splits a `next` target into (runbook id or None for "this runbook", node id).
pub fn split_target(next: &str) -> (Option<&str>, &str) {
    match next.split_once('#') {
        Some((rb, node)) => (Some(rb), node),
        None => (None, next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::RunbookSet;

    /// Every built-in node reads the same whether `kind` comes first (one pass) or last
    /// (buffered).
    #[test]
    fn a_node_reads_the_same_whatever_the_key_order() {
        let set = RunbookSet::builtin().expect("built-in runbooks");
        let mut n = 0;
        for rb in &set.runbooks {
            for node in &rb.runbook.nodes {
                let serde_json::Value::Object(fields) = serde_json::to_value(node).expect("serialize") else {
                    panic!("a node serializes to an object");
                };
                let mut rest = fields.clone();
                let kind = rest.remove("kind").expect("kind");
                let rest = serde_json::to_string(&rest).expect("json");
                let inner = rest.trim_start_matches('{').trim_end_matches('}');
                let first = format!("{{\"kind\": {kind}, {inner}}}");
                let last = format!("{{{inner}, \"kind\": {kind}}}");
                let a: Node = serde_json::from_str(&first).expect("kind first");
                let b: Node = serde_json::from_str(&last).expect("kind last");
                assert_eq!(serde_json::to_value(&a).ok(), serde_json::to_value(node).ok());
                assert_eq!(serde_json::to_value(&b).ok(), serde_json::to_value(node).ok());
                n += 1;
            }
        }
        assert!(n > 100, "{n} nodes");
    }

    #[test]
    fn a_node_without_a_kind_or_with_two_is_an_error() {
        let missing = serde_json::from_str::<Node>(r#"{"id": "o", "class": "x"}"#).expect_err("no kind");
        assert!(missing.to_string().contains("missing field `kind`"), "{missing}");
        let twice = serde_json::from_str::<Node>(r#"{"id": "o", "kind": "outcome", "kind": "step"}"#).expect_err("two");
        assert!(twice.to_string().contains("duplicate field `kind`"), "{twice}");
        let unknown =
            serde_json::from_str::<Node>(r#"{"kind": "outcome", "id": "o", "colour": 1}"#).expect_err("field");
        assert!(unknown.to_string().contains("unknown field `colour`"), "{unknown}");
        let not_a_map = serde_json::from_str::<Node>("[1]").expect_err("array");
        assert!(not_a_map.to_string().contains("a node object"), "{not_a_map}");
    }
}
