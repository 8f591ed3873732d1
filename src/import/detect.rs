//! Which format an input is in, found from its content (never flagged), and streaming its
//! entries one at a time to a sink.
//!
//! The first character after a byte-order mark and white space decides between JSON (`{`, `[`)
//! and the admin center's CSV. JSON is read in one pass: a top-level object is looked at key by
//! key (`value` is a Graph list, `tables` the Log Analytics query API, `records` diagnostic
//! settings; any other keys make one entry), a top-level array element by element, and several
//! top-level values one after another are JSON Lines (diagnostic settings in storage). Each entry
//! object is then recognised by its field names, as Graph, `az monitor` or diagnostic settings.

use std::fmt;
use std::io::{BufReader, Cursor, Read};
use std::rc::Rc;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::limit::{MAX_ENTRY_BYTES, Meter, Scanner, Syntax};
use super::record::{Entry, RawEntry};
use super::{Format, ImportError, diagnostic, graph, input, log_analytics, portal_csv};

/// Reads every entry of the input and hands each to `sink`. Errors: input problems, JSON syntax
/// (with line and column), CSV headers not recognised, or nothing that looks like a sign-in log.
/// An input with a list but no entries is not an error here (the selector says "empty").
pub fn read_entries(name: &str, reader: impl Read, sink: &mut dyn FnMut(Entry)) -> Result<(), ImportError> {
    let io_err = |e: std::io::Error| {
        if e.to_string() == input::TOO_LARGE {
            ImportError::Input(format!(
                "{name}: larger than {} bytes: refused (filter the export to the user or the day)",
                input::MAX_SIGNIN_LOG_BYTES
            ))
        } else {
            ImportError::Input(format!("{name}: cannot read: {e}"))
        }
    };
    // The first non-blank bytes, BOM dropped (however the reads split it); white space before
    // them is dropped as it comes, so an endless blank input costs no memory.
    let mut reader = input::without_bom(reader).map_err(io_err)?;
    let mut head: Vec<u8> = Vec::with_capacity(512);
    let mut chunk = [0u8; 512];
    loop {
        let n = reader.read(&mut chunk).map_err(io_err)?;
        if n == 0 {
            break;
        }
        let mut bytes = &chunk[..n];
        if head.is_empty() {
            let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
            bytes = &bytes[start..];
        }
        head.extend_from_slice(bytes);
        if !head.is_empty() {
            break;
        }
    }
    let Some(&first) = head.first() else {
        return Err(ImportError::NotSignInLog { name: name.to_string(), detail: "it is empty".into() });
    };
    // The scanner sits under the buffer, so an overlong field is refused before a parser holds it.
    let meter = Meter::new();
    let syntax = if matches!(first, b'{' | b'[') { Syntax::Json } else { Syntax::Csv };
    let scanned = Scanner::new(Cursor::new(head).chain(reader), syntax, Rc::clone(&meter));
    let joined = BufReader::with_capacity(256 * 1024, scanned);
    let read = match syntax {
        Syntax::Json => read_json(name, joined, sink, &meter),
        Syntax::Csv => portal_csv::read(name, joined, sink),
    };
    read.map_err(|e| match meter.refusal() {
        Some((place, message)) => ImportError::Syntax { name: name.to_string(), place, message },
        None => e,
    })
}

/// What the JSON walk saw, besides the entries it passed on.
#[derive(Default)]
struct Seen {
    /// Objects recognised as sign-in entries.
    entries: usize,
    /// Array elements or objects that were not.
    other: usize,
    /// Graph version from `@odata.context`, when it came first.
    graph_version: Option<Format>,
    /// An error response (`{"error": {...}}`) instead of data.
    error_response: Option<String>,
    /// A list was found (`value`, `tables`, `records` or a top-level array), even an empty one.
    list: bool,
}

struct Walker<'s> {
    sink: &'s mut dyn FnMut(Entry),
    seen: Seen,
    meter: Rc<Meter>,
}

impl Walker<'_> {
    /// Recognises one entry object by its fields and passes it on.
    fn entry(&mut self, raw: RawEntry) {
        match classify(raw, self.seen.graph_version) {
            Some(e) => self.pass(e),
            None => self.seen.other += 1,
        }
    }

    fn pass(&mut self, e: Entry) {
        self.seen.entries += 1;
        (self.sink)(e);
    }
}

/// Graph, `az monitor` or diagnostic settings, from which fields an object has.
fn classify(raw: RawEntry, graph_version: Option<Format>) -> Option<Entry> {
    if raw.properties.is_some() && (raw.operation_name.is_some() || raw.category.is_some() || raw.time.is_some()) {
        return diagnostic::entry(raw);
    }
    let la = raw.la_correlation_id.is_some()
        || raw.la_created.is_some()
        || raw.la_result_type.is_some()
        || raw.la_upn.is_some()
        || raw.la_table_name.is_some();
    if la {
        return Some(log_analytics::entry(raw, Format::AzMonitor));
    }
    let graph = raw.correlation_id.is_some() || raw.created.is_some() || raw.upn.is_some() || raw.status.is_some();
    graph.then(|| graph::entry(raw, graph_version))
}

fn read_json(name: &str, reader: impl Read, sink: &mut dyn FnMut(Entry), meter: &Rc<Meter>) -> Result<(), ImportError> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut walker = Walker { sink, seen: Seen::default(), meter: Rc::clone(meter) };
    loop {
        Top(&mut walker).deserialize(&mut de).map_err(|e| syntax(name, &e))?;
        // More top-level values after the first: JSON Lines. Trailing garbage fails in the next
        // round with its line and column.
        if de.end().is_ok() {
            break;
        }
    }
    let seen = walker.seen;
    if let Some(message) = seen.error_response {
        return Err(ImportError::NotSignInLog {
            name: name.to_string(),
            detail: format!("it is an error response ({})", crate::text::sanitize_line(&message)),
        });
    }
    if seen.entries == 0 && (seen.other > 0 || !seen.list) {
        let detail = if seen.other > 0 {
            format!("none of its {} objects has sign-in fields (correlationId, createdDateTime, status…)", seen.other)
        } else {
            "no sign-in fields (correlationId, createdDateTime, status…)".to_string()
        };
        return Err(ImportError::NotSignInLog { name: name.to_string(), detail });
    }
    Ok(())
}

/// A JSON error as `name:line:col: message`.
fn syntax(name: &str, e: &serde_json::Error) -> ImportError {
    if e.is_io() {
        let text = e.to_string();
        if text.contains(input::TOO_LARGE) {
            return ImportError::Input(format!(
                "{name}: larger than {} bytes: refused (filter the export to the user or the day)",
                input::MAX_SIGNIN_LOG_BYTES
            ));
        }
        return ImportError::Input(format!("{name}: cannot read: {text}"));
    }
    let m = e.to_string();
    let m = m.rfind(" at line ").map(|i| m[..i].to_string()).unwrap_or(m);
    let prefix = if e.is_syntax() || e.is_eof() { "invalid JSON: " } else { "" };
    ImportError::Syntax {
        name: name.to_string(),
        place: format!(":{}:{}", e.line(), e.column().max(1)),
        message: crate::text::sanitize_line(&format!("{prefix}{m}")),
    }
}

/// The top-level value.
struct Top<'w, 's>(&'w mut Walker<'s>);

impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object or array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.seen.list = true;
        while seq.next_element_seed(Element(&mut *self.0))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Everything but the lists is held (it may be one entry on its own): together it may
        // span at most one entry's bytes.
        let meter = Rc::clone(&self.0.meter);
        let start = meter.consumed();
        let mut in_lists = 0u64;
        let left = |in_lists: u64| MAX_ENTRY_BYTES.saturating_sub(meter.consumed() - start - in_lists);
        let mut rest: Vec<(String, Value)> = Vec::new();
        let mut keys = std::collections::HashSet::new();
        while let Some(key) = meter.within(left(in_lists), || map.next_key::<String>())? {
            if !keys.insert(key.clone()) {
                return Err(de::Error::custom(format!("duplicate key `{}`", crate::text::sanitize_line(&key))));
            }
            match key.as_str() {
                "value" | "records" => {
                    self.0.seen.list = true;
                    let before = meter.consumed();
                    map.next_value_seed(List(&mut *self.0))?;
                    in_lists += meter.consumed() - before;
                }
                "tables" => {
                    self.0.seen.list = true;
                    let walker = &mut *self.0;
                    let before = meter.consumed();
                    map.next_value_seed(log_analytics::Tables(
                        &mut |raw| walker.pass(log_analytics::entry(raw, Format::LogAnalytics)),
                        &meter,
                    ))?;
                    in_lists += meter.consumed() - before;
                }
                "@odata.context" => {
                    let v: Value = meter.within(left(in_lists), || map.next_value())?;
                    self.0.seen.graph_version = v.as_str().and_then(graph::version_from_context);
                    rest.push((key, v));
                }
                "error" => {
                    let v: Value = meter.within(left(in_lists), || map.next_value())?;
                    let message = v
                        .get("message")
                        .and_then(Value::as_str)
                        .or_else(|| v.get("code").and_then(Value::as_str))
                        .unwrap_or("no message")
                        .to_string();
                    self.0.seen.error_response = Some(message);
                    rest.push((key, v));
                }
                _ => {
                    let v: Value = meter.within(left(in_lists), || map.next_value())?;
                    rest.push((key, v));
                }
            }
        }
        if !self.0.seen.list && self.0.seen.error_response.is_none() {
            // One entry on its own (a single Graph signIn, one diagnostic record, one JSON line).
            let raw = RawEntry::from_value(Value::Object(rest.into_iter().collect())).map_err(de::Error::custom)?;
            self.0.entry(raw);
        }
        Ok(())
    }
}

/// A list of entries (`value`, `records`).
struct List<'w, 's>(&'w mut Walker<'s>);

impl<'de> DeserializeSeed<'de> for List<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for List<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of sign-in entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Element(&mut *self.0))?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// One element of a list: an entry object, or something else (counted, skipped).
struct Element<'w, 's>(&'w mut Walker<'s>);

impl<'de> DeserializeSeed<'de> for Element<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Element<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sign-in entry")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let meter = Rc::clone(&self.0.meter);
        let raw =
            meter.within(MAX_ENTRY_BYTES, || RawEntry::deserialize(de::value::MapAccessDeserializer::new(map)))?;
        self.0.entry(raw);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.0.seen.other += 1;
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.other()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.other()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.other()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.other()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.other()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.other()
    }
}

impl Element<'_, '_> {
    fn other<E>(self) -> Result<(), E> {
        self.0.seen.other += 1;
        Ok(())
    }
}
