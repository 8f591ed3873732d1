//! Loading runbooks and the matrix: built-ins embedded at compile time, then the config folder's
//! `runbooks/`, then each `--runbooks DIR`; a later runbook with the same `id` replaces an earlier.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::model::{Node, Runbook};
use super::position::escape_segment;
use super::{ENTRY_RUNBOOK, Finding, NodeRef, Origin, SourceFile};
use crate::matrix::Matrix;
use crate::vocab::{FactDef, FactType, Vocabulary};

include!(concat!(env!("OUT_DIR"), "/builtin_runbooks.rs"));

/// The built-in compatibility matrix.
pub static BUILTIN_MATRIX: &str = include_str!("../../assets/compat-matrix.json");

/// A parsed runbook, with its source for error places and an id index.
#[derive(Debug, Clone)]
pub struct LoadedRunbook {
    pub runbook: Runbook,
    pub file: Arc<SourceFile>,
    node_index: HashMap<String, usize, foldhash::fast::FixedState>,
}

impl LoadedRunbook {
    pub fn new(runbook: Runbook, file: Arc<SourceFile>) -> Self {
        let mut node_index = HashMap::with_capacity_and_hasher(runbook.nodes.len(), Default::default());
        for (i, n) in runbook.nodes.iter().enumerate() {
            node_index.entry(n.id().to_string()).or_insert(i);
        }
        Self { runbook, file, node_index }
    }

    pub fn id(&self) -> &str {
        &self.runbook.id
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.node_index.get(id).map(|i| &self.runbook.nodes[*i])
    }

    pub fn node_position(&self, id: &str) -> Option<usize> {
        self.node_index.get(id).copied()
    }
}

/// Everything a walk needs: runbooks by id, the matrix, and the vocabulary they define.
#[derive(Debug, Clone)]
pub struct RunbookSet {
    pub runbooks: Vec<LoadedRunbook>,
    by_id: HashMap<String, usize, foldhash::fast::FixedState>,
    pub matrix: Matrix,
    pub matrix_file: Arc<SourceFile>,
    pub vocab: Vocabulary,
    /// Documented on-screen messages (contract §10): what a typed `error.message` names.
    pub messages: Arc<crate::messages::Catalog>,
    /// [`RunbookSet::builtin_entry`]: enough for the wizard's first frame, replaced by the whole
    /// set before anything is saved.
    provisional: bool,
    /// A desk's own priors (config `priors = FILE`), over the outcome nodes' `prior`; read
    /// through [`RunbookSet::prior`].
    pub(super) priors: HashMap<NodeRef, f64>,
    /// The first question node asking each fact, in runbook order (by position): every answer
    /// looks it up, so it is worked out once, when the set is built.
    question_index: HashMap<String, (usize, usize), foldhash::fast::FixedState>,
    /// The facts some route rule `set`s, each once.
    settable: Vec<String>,
    /// Per runbook, node and route rule: whether the rule holding means a rule of the route it
    /// leads to holds. The look-ahead works it out on first use and reads it at every question.
    route_rule_implications: std::sync::OnceLock<RuleImplications>,
}

/// Per runbook, per node, per route rule: a flag (see [`RunbookSet::route_rule_implications`]).
pub type RuleImplications = Vec<Vec<Vec<bool>>>;

/// A parse failure: one finding that names the file and place.
pub type ParseResult<T> = Result<T, Box<Finding>>;

/// Parses JSON text into `T`, turning any failure into a finding with line:column.
pub fn parse_json<T: DeserializeOwned>(file: &SourceFile) -> ParseResult<T> {
    // Fast path: one pass straight into the types. Only a file that fails it pays for the
    // second pass through a `Value`, which finds the exact place and node for the message.
    if let Ok(parsed) = serde_json::from_str::<T>(&file.text) {
        return Ok(parsed);
    }
    let value: serde_json::Value = serde_json::from_str(&file.text).map_err(|e| {
        Box::new(Finding {
            severity: super::Severity::Error,
            code: "json-syntax",
            file: file.origin.to_string(),
            line: Some(e.line()),
            column: Some(e.column().max(1)),
            node: None,
            message: format!("invalid JSON: {}", strip_serde_position(&e.to_string())),
        })
    })?;
    serde_path_to_error::deserialize::<_, T>(&value).map_err(|e| {
        let mut pointer = String::new();
        let mut node_index = None;
        for (depth, seg) in e.path().iter().enumerate() {
            match seg {
                serde_path_to_error::Segment::Seq { index } => {
                    if depth == 1 && pointer == "/nodes" {
                        node_index = Some(*index);
                    }
                    pointer.push_str(&format!("/{index}"));
                }
                serde_path_to_error::Segment::Map { key } => pointer.push_str(&format!("/{}", escape_segment(key))),
                _ => {}
            }
        }
        let inner = e.inner().to_string();
        let code = if inner.contains("unknown field") {
            "unknown-field"
        } else if inner.contains("unknown variant") {
            "unknown-variant"
        } else if inner.contains("missing field") {
            "missing-field"
        } else {
            "schema"
        };
        // Point at the offending key itself when serde names it.
        if let Some(field) = inner.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
            let candidate = format!("{pointer}/{}", escape_segment(field));
            if file.pos(&candidate).is_some_and(|p| Some(p) != file.pos(&pointer)) {
                pointer = candidate;
            }
        }
        let mut finding = Finding::error(code, file, &pointer, String::new());
        let where_ = match node_index.and_then(|i| value.pointer(&format!("/nodes/{i}/id"))).and_then(|v| v.as_str()) {
            Some(node_id) => {
                let rb = value.get("id").and_then(|v| v.as_str()).unwrap_or("?");
                finding.node = Some(NodeRef::new(rb, node_id).to_string());
                format!(" in node `{rb}#{node_id}`")
            }
            None if pointer.is_empty() => String::new(),
            None => format!(" at `{}`", e.path()),
        };
        finding.message = crate::text::sanitize_line(&format!("{}{where_}", strip_serde_position(&inner)));
        Box::new(finding)
    })
}

fn strip_serde_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Runbook files larger than this are refused unread (the whole library is about 200 KB).
pub const MAX_RUNBOOK_BYTES: u64 = 16 * 1024 * 1024;

/// Reads and parses one runbook file: a regular file (never blocking on a FIFO or device) of at
/// most [`MAX_RUNBOOK_BYTES`], with no key twice in one object.
pub fn read_runbook_file(path: &Path) -> Result<LoadedRunbook, Box<Finding>> {
    let text = crate::input::read_text(path, MAX_RUNBOOK_BYTES)
        .map_err(|e| Box::new(Finding::io(&path.display().to_string(), e.kind.to_string())))?;
    let file = Arc::new(SourceFile::new(Origin::File(path.to_path_buf()), text));
    if let Err(d) = crate::input::check_unique_keys(file.text.as_bytes()) {
        return Err(Box::new(Finding {
            severity: super::Severity::Error,
            code: "duplicate-key",
            file: file.origin.to_string(),
            line: Some(d.line),
            column: Some(d.column.max(1)),
            node: None,
            message: format!("`{}` is given twice in one object", d.key),
        }));
    }
    let rb: Runbook = parse_json(&file)?;
    Ok(LoadedRunbook::new(rb, file))
}

/// Data files that live in runbook folders but are not runbooks: the AADSTS table's override
/// (`crate::aadsts`) and a desk's on-screen messages (`crate::messages`, docs/messages.md).
pub const DATA_FILES: [&str; 2] = ["aadsts.json", MESSAGES_FILE];

/// A desk's message catalog in a runbook folder: its entries add to the built-in ones (same id
/// replaces).
pub const MESSAGES_FILE: &str = "messages.json";

/// The largest message catalog file read.
const MAX_MESSAGES_BYTES: u64 = 1024 * 1024;

/// The `*.json` entries of a folder but [`DATA_FILES`], sorted; a file path is returned as is.
/// Entries that are not regular files (FIFOs, folders, broken links) are listed too, so that
/// reading them fails with their name instead of their being skipped in silence.
pub fn runbook_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| !p.file_name().is_some_and(|n| n.as_encoded_bytes().starts_with(b".")))
        .filter(|p| p.file_name().is_none_or(|n| !DATA_FILES.iter().any(|d| n == *d)))
        .collect();
    files.sort();
    Ok(files)
}

/// The built-in runbooks, parsed from the embedded text (no file system).
pub fn builtin_runbooks() -> Vec<Result<LoadedRunbook, Box<Finding>>> {
    BUILTIN_RUNBOOKS
        .iter()
        .map(|(name, text)| {
            let file = Arc::new(SourceFile::new(Origin::Builtin(format!("runbooks/{name}")), *text));
            parse_json::<Runbook>(&file).map(|rb| LoadedRunbook::new(rb, file))
        })
        .collect()
}

/// Parses the built-in matrix.
pub fn builtin_matrix() -> ParseResult<(Matrix, Arc<SourceFile>)> {
    let file = Arc::new(SourceFile::new(Origin::Builtin("assets/compat-matrix.json".to_string()), BUILTIN_MATRIX));
    let m: Matrix = parse_json(&file)?;
    Ok((m, file))
}

/// What loading produced: the set, plus findings for files that could not be parsed.
pub struct Loaded {
    pub set: RunbookSet,
    /// Parse errors; any of them makes the set unusable for a diagnosis.
    pub errors: Vec<Finding>,
    /// Files loaded from disk (for `lint PATH` reporting).
    pub overrides: Vec<String>,
}

impl RunbookSet {
    /// Builds a set; later runbooks replace earlier ones with the same id.
    pub fn new(runbooks: Vec<LoadedRunbook>, matrix: Matrix, matrix_file: Arc<SourceFile>) -> Self {
        let mut ordered: Vec<LoadedRunbook> = Vec::with_capacity(runbooks.len());
        let mut by_id: HashMap<String, usize, foldhash::fast::FixedState> = HashMap::default();
        for rb in runbooks {
            match by_id.get(rb.id()) {
                Some(&i) => ordered[i] = rb,
                None => {
                    by_id.insert(rb.id().to_string(), ordered.len());
                    ordered.push(rb);
                }
            }
        }
        let vocab = build_vocabulary(&ordered);
        let mut question_index: HashMap<String, (usize, usize), foldhash::fast::FixedState> = HashMap::default();
        let mut settable: Vec<String> = Vec::new();
        for (r, rb) in ordered.iter().enumerate() {
            for (n, node) in rb.runbook.nodes.iter().enumerate() {
                match node {
                    Node::Question(q) => {
                        question_index.entry(q.fact.clone()).or_insert((r, n));
                    }
                    Node::Route(route) => {
                        for key in route.rules.iter().flat_map(|rule| rule.set.keys()) {
                            if !settable.contains(key) {
                                settable.push(key.clone());
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Self {
            question_index,
            settable,
            route_rule_implications: std::sync::OnceLock::new(),
            runbooks: ordered,
            by_id,
            matrix,
            matrix_file,
            vocab,
            messages: Arc::new(crate::messages::Catalog::builtin().clone()),
            provisional: false,
            priors: HashMap::new(),
        }
    }

    /// The built-in set only; needs no file system.
    pub fn builtin() -> Result<Self, Box<Finding>> {
        let (matrix, mfile) = builtin_matrix()?;
        let mut rbs = Vec::new();
        for r in builtin_runbooks() {
            rbs.push(r?);
        }
        Ok(Self::new(rbs, matrix, mfile))
    }

    /// Only the built-in entry runbook, with an empty matrix: enough to draw the first
    /// question before the whole set is parsed (see `commands::wizard`). Walks must not go
    /// beyond the entry's first question on this set, and its content hash is empty.
    pub fn builtin_entry() -> Result<Self, Box<Finding>> {
        let (name, text) = BUILTIN_RUNBOOKS
            .iter()
            .find(|(name, _)| name.strip_suffix(".json") == Some(ENTRY_RUNBOOK))
            .ok_or_else(|| Box::new(Finding::io("runbooks/", format!("no built-in `{ENTRY_RUNBOOK}` runbook"))))?;
        let file = Arc::new(SourceFile::new(Origin::Builtin(format!("runbooks/{name}")), *text));
        let rb = LoadedRunbook::new(parse_json::<Runbook>(&file)?, file);
        let matrix =
            Matrix { json_schema: None, schema: 1, as_of: String::new(), sources: Vec::new(), rows: Vec::new() };
        let mfile = Arc::new(SourceFile::new(Origin::Builtin("assets/compat-matrix.json".to_string()), ""));
        Ok(Self { provisional: true, ..Self::new(vec![rb], matrix, mfile) })
    }

    /// Built-ins, then every runbook in `dirs` in order (config folder first, then `--runbooks`).
    pub fn load(dirs: &[PathBuf]) -> Result<Loaded, Box<Finding>> {
        let (matrix, mfile) = builtin_matrix()?;
        let mut rbs = Vec::new();
        let mut errors = Vec::new();
        for r in builtin_runbooks() {
            match r {
                Ok(rb) => rbs.push(rb),
                Err(f) => errors.push(*f),
            }
        }
        let mut overrides = Vec::new();
        for dir in dirs {
            let files = runbook_files(dir).map_err(|e| {
                Box::new(Finding::io(&dir.display().to_string(), format!("cannot read runbook folder: {e}")))
            })?;
            for f in files {
                overrides.push(f.display().to_string());
                match read_runbook_file(&f) {
                    Ok(rb) => rbs.push(rb),
                    Err(e) => errors.push(*e),
                }
            }
        }
        let mut set = Self::new(rbs, matrix, mfile);
        errors.extend(set.undeclared_classes());
        let mut catalog = (*set.messages).clone();
        let mut desk_catalog = false;
        for dir in dirs.iter().filter(|d| d.is_dir()) {
            let path = dir.join(MESSAGES_FILE);
            if std::fs::symlink_metadata(&path).is_err() {
                continue;
            }
            let name = path.display().to_string();
            overrides.push(name.clone());
            let text = match crate::input::read_text(&path, MAX_MESSAGES_BYTES) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(Finding::io(&name, e.kind.to_string()));
                    continue;
                }
            };
            let parsed = match crate::messages::Catalog::parse(&text) {
                Ok(c) => c,
                Err(e) => {
                    errors.push(Finding { code: "message-catalog", ..Finding::io(&name, e) });
                    continue;
                }
            };
            let problems = parsed.problems(&set.vocab);
            if problems.is_empty() {
                catalog.merge(parsed);
                desk_catalog = true;
            }
            errors.extend(problems.into_iter().map(|p| Finding { code: "message-catalog", ..Finding::io(&name, p) }));
        }
        if desk_catalog {
            set.messages = Arc::new(catalog);
        }
        Ok(Loaded { set, errors, overrides })
    }

    /// Outcomes whose class is neither the contract's nor declared by a runbook (contract §2: an
    /// outcome carries one class of the taxonomy). Checked on every load, not only by `lint`: a
    /// walk must never end in a class no reader knows.
    pub fn undeclared_classes(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for rb in &self.runbooks {
            for (i, node) in rb.runbook.nodes.iter().enumerate() {
                if let Node::Outcome(o) = node
                    && !self.vocab.has_class(&o.class)
                {
                    let me = NodeRef::new(rb.id(), &o.id);
                    out.push(
                        Finding::error(
                            "unknown-class",
                            &rb.file,
                            &format!("/nodes/{i}/class"),
                            format!(
                                "{me}: class `{}` is not in the taxonomy (the contract's, or a runbook's `classes`)",
                                o.class
                            ),
                        )
                        .with_node(&me),
                    );
                }
            }
        }
        out
    }

    pub fn get(&self, id: &str) -> Option<&LoadedRunbook> {
        self.by_id.get(id).map(|i| &self.runbooks[*i])
    }

    pub fn node(&self, r: &NodeRef) -> Option<&Node> {
        self.get(&r.runbook)?.node(&r.node)
    }

    /// Where `r` is: (runbook, node) positions, for look-aheads that visit nodes by the thousand
    /// and shouldn't allocate a name at each.
    pub fn locate(&self, r: &NodeRef) -> Option<(usize, usize)> {
        let rb = *self.by_id.get(&r.runbook)?;
        Some((rb, self.runbooks[rb].node_position(&r.node)?))
    }

    /// Where a `next` written in runbook `from` (a position) leads.
    pub fn locate_next(&self, from: usize, next: &str) -> Option<(usize, usize)> {
        let rb = match super::model::split_target(next) {
            (Some(id), _) => *self.by_id.get(id)?,
            (None, _) => from,
        };
        let node = super::model::split_target(next).1;
        Some((rb, self.runbooks.get(rb)?.node_position(node)?))
    }

    /// The node at a position from [`RunbookSet::locate`].
    pub fn node_at(&self, (rb, node): (usize, usize)) -> Option<&Node> {
        self.runbooks.get(rb)?.runbook.nodes.get(node)
    }

    /// The name of the node at a position.
    pub fn node_ref_at(&self, (rb, node): (usize, usize)) -> Option<NodeRef> {
        let loaded = self.runbooks.get(rb)?;
        Some(NodeRef::new(&loaded.runbook.id, loaded.runbook.nodes.get(node)?.id()))
    }

    /// A typed free-text value the runbooks don't know, shown as "not recognised": a question
    /// for the fact lists answers, none of them is this value, and (for `error.message`) no
    /// documented message names it. Versions, codes and names that no list offers never are.
    pub fn unrecognised(&self, key: &str, value: &str) -> bool {
        if value == crate::vocab::UNKNOWN
            || key == "error.code"
            || !matches!(self.vocab.fact(key).map(|d| &d.ty), Some(crate::vocab::FactType::Text))
        {
            return false;
        }
        let mut listed = false;
        for rb in &self.runbooks {
            for node in &rb.runbook.nodes {
                if let Node::Question(q) = node
                    && q.fact == key
                {
                    for o in q.options.iter().filter(|o| o.value != crate::vocab::UNKNOWN) {
                        listed = true;
                        if crate::vocab::same_value(key, value, &o.value) {
                            return false;
                        }
                    }
                }
            }
        }
        listed && (key != "error.message" || self.messages.matches(value).is_empty())
    }

    /// Where walks begin: the entry runbook's start node.
    pub fn entry(&self) -> Option<NodeRef> {
        self.get(ENTRY_RUNBOOK).map(|rb| NodeRef::new(ENTRY_RUNBOOK, rb.runbook.start.clone()))
    }

    /// Every node in the set with its address.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeRef, &Node)> {
        self.runbooks.iter().flat_map(|rb| rb.runbook.nodes.iter().map(move |n| (NodeRef::new(rb.id(), n.id()), n)))
    }

    /// The first question node asking `fact` (runbook order), by position.
    /// Where the look-ahead keeps which route rules make a rule of the next route hold
    /// (`engine::questioning` fills it once per set: it depends only on the runbooks).
    pub fn route_rule_implications(&self) -> &std::sync::OnceLock<RuleImplications> {
        &self.route_rule_implications
    }

    pub fn question_at(&self, fact: &str) -> Option<(usize, usize)> {
        self.question_index.get(fact).copied()
    }

    /// The first question asking `fact` (runbook order), with its name.
    pub fn question_for(&self, fact: &str) -> Option<(NodeRef, &super::model::Question)> {
        let at = self.question_at(fact)?;
        match self.node_at(at)? {
            Node::Question(q) => Some((self.node_ref_at(at)?, q)),
            _ => None,
        }
    }

    /// Every fact some question asks (no order).
    pub fn asked_facts(&self) -> impl Iterator<Item = &str> {
        self.question_index.keys().map(String::as_str)
    }

    /// Every fact some route rule `set`s, in runbook order.
    pub fn settable_facts(&self) -> &[String] {
        &self.settable
    }

    /// Is this [`RunbookSet::builtin_entry`], still to be replaced by the whole set?
    pub fn is_provisional(&self) -> bool {
        self.provisional
    }

    pub fn node_count(&self) -> usize {
        self.runbooks.iter().map(|r| r.runbook.nodes.len()).sum()
    }

    /// A stable fingerprint of the set's content (ids, text), for sessions and reproducibility;
    /// empty for [`RunbookSet::builtin_entry`].
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        // Not worth hashing (the first use of SHA-256 probes the CPU, slow in a VM): the
        // provisional set is never what a session records.
        if self.provisional {
            return String::new();
        }
        let mut h = Sha256::new();
        let mut ids: Vec<&LoadedRunbook> = self.runbooks.iter().collect();
        ids.sort_by(|a, b| a.id().cmp(b.id()));
        for rb in ids {
            h.update(rb.id().as_bytes());
            h.update([0]);
            h.update(rb.file.text.as_bytes());
            h.update([0]);
        }
        h.update(self.matrix_file.text.as_bytes());
        let digest = h.finalize();
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

fn build_vocabulary(runbooks: &[LoadedRunbook]) -> Vocabulary {
    let mut v = Vocabulary::contract();
    for rb in runbooks {
        for f in &rb.runbook.facts {
            let ty = match f.r#type {
                Some(super::model::DeclaredFactType::Version) => FactType::Version,
                Some(super::model::DeclaredFactType::Text) => FactType::Text,
                _ => FactType::Enum(f.values.clone()),
            };
            let asked_of = f.asked_of.unwrap_or(crate::vocab::Audience::Caller);
            v.declare_fact(FactDef { key: f.key.clone(), ty, meaning: f.meaning.clone(), asked_of });
        }
        for c in &rb.runbook.classes {
            v.declare_class(&c.class, &c.meaning);
        }
    }
    v
}
