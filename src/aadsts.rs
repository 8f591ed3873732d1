//! AADSTS error codes as data (`assets/aadsts.json`, from the reference's §2 table): each code's
//! official name and text, where it is documented, and what it points to in our classes. Built
//! into the binary; a file named `aadsts.json` in the config runbooks folder or a `--runbooks`
//! folder replaces entries with the same code and adds new ones (later folders win, like
//! runbooks). Codes hint: they decide a class only with another fact.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::runbook::load::parse_json;
use crate::runbook::{Origin, SourceFile};
use crate::vocab::normalize_error_code;

/// The built-in table.
pub static BUILTIN_AADSTS: &str = include_str!("../assets/aadsts.json");

/// The file name that overrides entries from a runbook folder.
pub const FILE_NAME: &str = crate::runbook::load::DATA_FILES[0];

/// One code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// Digits only, e.g. `53003`.
    pub code: String,
    /// The reference's name, e.g. `BlockedByConditionalAccess` (none for a few).
    pub name: Option<String>,
    /// The official text, as quoted (none when the reference gives only the name).
    pub text: Option<String>,
    /// Where it is documented.
    pub doc_url: String,
    /// The source id in `sources` (E5: the AADSTS reference).
    #[serde(default)]
    pub source: Option<String>,
    /// What it points to, in our terms.
    pub points_to: String,
    /// Classes it may point to (with another fact).
    #[serde(default)]
    pub classes: Vec<String>,
    /// No Microsoft source confirms the text or the link.
    #[serde(default)]
    pub unverified: bool,
    #[serde(default)]
    pub note: Option<String>,
}

impl Code {
    /// `AADSTS53003 BlockedByConditionalAccess: Access has been blocked …` on one line.
    pub fn one_line(&self) -> String {
        let mut s = format!("AADSTS{}", self.code);
        if let Some(n) = &self.name {
            s.push(' ');
            s.push_str(n);
        }
        if let Some(t) = &self.text {
            s.push_str(": ");
            s.push_str(t);
        }
        if self.unverified {
            s.push_str(" (unverified)");
        }
        crate::text::sanitize_line(&s)
    }
}

/// A source of the table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub url: String,
}

/// The file's shape; an override may give `codes` only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    #[serde(default, rename = "schema")]
    _schema: Option<u32>,
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default, rename = "about")]
    _about: Option<String>,
    #[serde(default)]
    sources: Vec<Source>,
    codes: Vec<Code>,
}

/// The codes in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub codes: Vec<Code>,
    pub sources: Vec<Source>,
    pub as_of: String,
}

/// An override file that can't be used, as one line naming it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TableError(pub String);

impl Table {
    /// The built-in table.
    pub fn builtin() -> Result<Self, TableError> {
        let file = SourceFile::new(Origin::Builtin("assets/aadsts.json".to_string()), BUILTIN_AADSTS);
        let mut t = Table::default();
        t.merge(&file)?;
        Ok(t)
    }

    /// The built-ins, then `aadsts.json` from each folder in order (later wins).
    pub fn load(dirs: &[PathBuf]) -> Result<Self, TableError> {
        let mut t = Self::builtin()?;
        for dir in dirs {
            let path = dir.join(FILE_NAME);
            if path.is_file() {
                let file = read(&path)?;
                t.merge(&file)?;
            }
        }
        Ok(t)
    }

    fn merge(&mut self, file: &SourceFile) -> Result<(), TableError> {
        let parsed: TableFile = parse_json(file).map_err(|f| TableError(f.to_string()))?;
        let name = file.origin.to_string();
        for (i, c) in parsed.codes.iter().enumerate() {
            if c.code.is_empty() || !c.code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(TableError(crate::text::sanitize_line(&format!(
                    "{name}: codes[{i}]: `{}` is not a code (digits only, without AADSTS)",
                    c.code
                ))));
            }
            if parsed.codes[..i].iter().any(|d| d.code == c.code) {
                return Err(TableError(format!("{name}: codes[{i}]: code {} is listed twice", c.code)));
            }
        }
        for c in parsed.codes {
            match self.codes.iter_mut().find(|d| d.code == c.code) {
                Some(d) => *d = c,
                None => self.codes.push(c),
            }
        }
        for s in parsed.sources {
            match self.sources.iter_mut().find(|d| d.id == s.id) {
                Some(d) => *d = s,
                None => self.sources.push(s),
            }
        }
        if let Some(a) = parsed.as_of {
            self.as_of = a;
        }
        Ok(())
    }

    /// The entry for a code as seen (`AADSTS53003`, `53003`, `aadsts 53003`).
    pub fn lookup(&self, code: &str) -> Option<&Code> {
        let digits = normalize_error_code(code);
        self.codes.iter().find(|c| c.code == digits)
    }

    /// Codes whose number, name or text contains `query` (any case), in table order.
    pub fn find(&self, query: &str) -> Vec<&Code> {
        let q = query.trim().to_lowercase();
        let digits = normalize_error_code(&q);
        self.codes
            .iter()
            .filter(|c| {
                (!digits.is_empty() && c.code.contains(&digits))
                    || c.name.as_deref().is_some_and(|n| n.to_lowercase().contains(&q))
                    || c.text.as_deref().is_some_and(|t| t.to_lowercase().contains(&q))
            })
            .collect()
    }
}

/// Files larger than this are refused unread (the built-in table is about 10 KB).
const MAX_TABLE_BYTES: u64 = 4 * 1024 * 1024;

fn read(path: &Path) -> Result<SourceFile, TableError> {
    use std::io::Read;
    let name = crate::text::sanitize_line(&path.display().to_string());
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_TABLE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| TableError(format!("{name}: cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_TABLE_BYTES {
        return Err(TableError(format!("{name}: larger than {MAX_TABLE_BYTES} bytes: not an AADSTS table")));
    }
    let text = crate::input::utf8(bytes).map_err(|kind| TableError(format!("{name}: {kind}")))?;
    Ok(SourceFile::new(Origin::File(path.to_path_buf()), text))
}

static INSTALLED: OnceLock<Arc<Table>> = OnceLock::new();

/// Makes `table` the one [`lookup`] uses for the rest of the process (first call wins): commands
/// install the table with the overrides of their runbook folders.
pub fn install(table: Table) {
    let _ = INSTALLED.set(Arc::new(table));
}

/// The table in force: the installed one, else the built-ins.
pub fn table() -> Arc<Table> {
    if let Some(t) = INSTALLED.get() {
        return t.clone();
    }
    static BUILTIN: OnceLock<Arc<Table>> = OnceLock::new();
    // The built-in table is checked by tests; an unreadable one would mean no meanings, not a panic.
    BUILTIN.get_or_init(|| Arc::new(Table::builtin().unwrap_or_default())).clone()
}

/// The entry for a code as seen, from the table in force.
pub fn lookup(code: &str) -> Option<Code> {
    table().lookup(code).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_reads_and_looks_up_any_spelling() {
        let t = Table::builtin().unwrap_or_default();
        assert!(t.codes.len() >= 25);
        for spelling in ["AADSTS53003", "53003", " aadsts 53003 "] {
            assert_eq!(t.lookup(spelling).and_then(|c| c.name.as_deref()), Some("BlockedByConditionalAccess"));
        }
        assert!(t.lookup("AADSTS1").is_none());
        assert!(t.lookup("135010").is_some_and(|c| c.unverified));
        assert_eq!(t.find("broker").first().map(|c| c.code.as_str()), Some("50127"));
        assert_eq!(t.find("AADSTS5312").len(), 0);
        assert!(t.find("5300").iter().any(|c| c.code == "53003"));
        // Every source id a code cites is listed.
        for c in &t.codes {
            let s = c.source.as_deref().unwrap_or_default();
            assert!(t.sources.iter().any(|x| x.id == s), "{}: source {s}", c.code);
        }
    }

    #[test]
    fn an_override_replaces_and_adds_codes() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { return };
        let o = r#"{"codes": [
            {"code": "53003", "name": "Renamed", "text": null, "doc_url": "https://example.test", "points_to": "x"},
            {"code": "99999", "name": "Local", "text": "Ours.", "doc_url": "https://example.test", "points_to": "y"}]}"#;
        assert!(std::fs::write(dir.path().join(FILE_NAME), o).is_ok());
        let t = Table::load(&[dir.path().to_path_buf()]).unwrap_or_default();
        assert_eq!(t.lookup("53003").and_then(|c| c.name.as_deref()), Some("Renamed"));
        assert_eq!(t.lookup("AADSTS99999").map(|c| c.one_line()), Some("AADSTS99999 Local: Ours.".to_string()));
        assert!(t.lookup("50127").is_some());

        let bad = r#"{"codes": [{"code": "AADSTS1", "doc_url": "u", "points_to": "p"}]}"#;
        assert!(std::fs::write(dir.path().join(FILE_NAME), bad).is_ok());
        let e = Table::load(&[dir.path().to_path_buf()]).err().map(|e| e.0).unwrap_or_default();
        assert!(e.contains("`AADSTS1` is not a code"), "{e}");
        let typo = r#"{"codes": [{"code": "1", "doc_url": "u", "points_to": "p", "pointsto": "p"}]}"#;
        assert!(std::fs::write(dir.path().join(FILE_NAME), typo).is_ok());
        let e = Table::load(&[dir.path().to_path_buf()]).err().map(|e| e.0).unwrap_or_default();
        assert!(e.contains("aadsts.json:1:") && e.contains("unknown field"), "{e}");
    }
}
