//! Reading anything that comes from outside: facts files, runbooks, config, sessions, packages,
//! sign-in logs. One rule for all of them: a regular file (or `-` for standard input) of at most
//! a given size, read without ever blocking on a FIFO or device, and, for JSON, no key twice in
//! one object (serde would silently keep one of them).
//!
//! Errors are one line that names the file: `{file}: {what}`, ready for stderr.

use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::text::sanitize_line;

/// The name shown for standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// Why an input could not be read.
#[derive(Debug)]
pub enum InputErrorKind {
    /// Nothing at that path (or a link to nothing).
    NotFound,
    /// Something that is not a regular file: `what` says which (a folder, a FIFO, a device...).
    NotRegular { what: &'static str },
    /// Larger than the limit for this kind of input.
    TooLarge { limit: u64 },
    /// Not UTF-8 text (from [`read_text`]).
    /// Where the first byte that isn't UTF-8 is (1-based line, column in characters).
    NotUtf8 { line: usize, column: usize },
    /// The operating system refused (permissions, I/O error).
    Io(std::io::Error),
}

/// An input that could not be read: the file (as shown to people) and why.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {kind}")]
pub struct InputError {
    /// The path as given, neutralised for display.
    pub file: String,
    pub kind: InputErrorKind,
}

impl InputError {
    pub fn is_not_found(&self) -> bool {
        matches!(self.kind, InputErrorKind::NotFound)
    }
}

impl fmt::Display for InputErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputErrorKind::NotFound => f.write_str("cannot read: no such file (or a link to nothing)"),
            InputErrorKind::NotRegular { what } => write!(f, "cannot read: {what}, not a regular file"),
            InputErrorKind::TooLarge { limit } => write!(f, "larger than {limit} bytes: refused unread"),
            InputErrorKind::NotUtf8 { line, column } => write!(f, "not UTF-8 text at line {line} column {column}"),
            InputErrorKind::Io(e) => write!(f, "cannot read: {}", sanitize_line(&e.to_string())),
        }
    }
}

/// Reads a whole regular file of at most `limit` bytes. FIFOs, sockets, devices (`/dev/zero`),
/// folders and broken links are refused at once: the file is opened without blocking and checked
/// after opening, so swapping the file for a FIFO between a check and the read cannot hang us.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let f = open_regular(path, limit)?;
    read_limited(f, limit).map_err(|kind| InputError { file: sanitize_line(&path.display().to_string()), kind })
}

/// Opens a regular file of at most `limit` bytes for reading (see [`read_input`]); for readers
/// that stream the file instead of reading it whole.
pub fn open_regular(path: &Path, limit: u64) -> Result<std::fs::File, InputError> {
    let file = sanitize_line(&path.display().to_string());
    let err = |kind| InputError { file: file.clone(), kind };
    // A folder can't be opened for reading on every platform; say what it is first.
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return Err(err(InputErrorKind::NotRegular { what: kind_of(&m) })),
        Ok(m) if m.len() > limit => return Err(err(InputErrorKind::TooLarge { limit })),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(err(InputErrorKind::NotFound)),
        Err(e) => return Err(err(InputErrorKind::Io(e))),
    }
    let f = open_nonblocking(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => err(InputErrorKind::NotFound),
        _ => err(InputErrorKind::Io(e)),
    })?;
    let meta = f.metadata().map_err(|e| err(InputErrorKind::Io(e)))?;
    if !meta.is_file() {
        return Err(err(InputErrorKind::NotRegular { what: kind_of(&meta) }));
    }
    Ok(f)
}

/// [`read_input`] for a command-line argument that may be `-` (standard input, also limited).
/// Returns the name to show in messages and the bytes.
pub fn read_input_spec(spec: &Path, stdin: &mut dyn Read, limit: u64) -> Result<(String, Vec<u8>), InputError> {
    if spec.as_os_str() == "-" {
        let bytes = read_limited(stdin, limit).map_err(|kind| InputError { file: STDIN_NAME.into(), kind })?;
        return Ok((STDIN_NAME.to_string(), bytes));
    }
    let bytes = read_input(spec, limit)?;
    Ok((sanitize_line(&spec.display().to_string()), bytes))
}

/// [`read_input`] as UTF-8 text (a leading byte-order mark is kept; parsers drop it).
pub fn read_text(path: &Path, limit: u64) -> Result<String, InputError> {
    let bytes = read_input(path, limit)?;
    utf8(bytes).map_err(|kind| InputError { file: sanitize_line(&path.display().to_string()), kind })
}

/// The bytes as UTF-8 text, or where the first byte that isn't is.
pub fn utf8(bytes: Vec<u8>) -> Result<String, InputErrorKind> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // The prefix is valid UTF-8 by definition; count lines and the characters since the last.
        let text = std::str::from_utf8(valid).unwrap_or_default();
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        InputErrorKind::NotUtf8 { line, column }
    })
}

fn read_limited(r: impl Read, limit: u64) -> Result<Vec<u8>, InputErrorKind> {
    let mut bytes = Vec::new();
    r.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(InputErrorKind::Io)?;
    if bytes.len() as u64 > limit {
        return Err(InputErrorKind::TooLarge { limit });
    }
    Ok(bytes)
}

fn kind_of(m: &std::fs::Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "not a file"
}

/// Opens for reading without blocking: opening a FIFO that has no writer would otherwise wait
/// forever. Regular files behave as usual.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

/// Windows has no FIFOs in the file system (named pipes live under `\\.\pipe\`, which the
/// metadata check above refuses).
#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// A key that occurs twice in one JSON object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("duplicate key `{key}` at line {line} column {column}")]
pub struct DuplicateKey {
    /// The key, neutralised for display.
    pub key: String,
    pub line: usize,
    pub column: usize,
}

/// Refuses JSON in which an object holds the same key twice (serde keeps one silently, so
/// `{"phase":"bogus","phase":"sign-in"}` would pass as `sign-in`). Text that is not valid JSON
/// passes: the real parser reports it with its own message.
pub fn check_unique_keys(json: &[u8]) -> Result<(), DuplicateKey> {
    // Every session `report` and `queue` read comes through here: the parse below (for the
    // place) runs only when a quick scan finds a key that may be there twice.
    if !may_repeat_a_key(json) {
        return Ok(());
    }
    let found = std::cell::RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(json);
    let result = Unique { found: &found }.deserialize(&mut de);
    match (result, found.into_inner()) {
        (Err(e), Some(key)) => Err(DuplicateKey { key: sanitize_line(&key), line: e.line(), column: e.column() }),
        _ => Ok(()),
    }
}

/// A quick scan of the text for an object that may hold a key twice: false only when no object
/// does (exact for valid JSON). A key written with escapes (`"a"` and `"\u0061"` are the same
/// key) and text that isn't JSON count as "may", for the parser to decide.
fn may_repeat_a_key(json: &[u8]) -> bool {
    /// Past this many keys an object's keys go in a set, so a huge object stays linear; below
    /// it (nearly every object) comparing in a list is cheaper than hashing.
    const FEW: usize = 64;
    enum Open<'a> {
        /// `first`: where its keys start in `keys`, unless they moved to `many`.
        Object {
            first: usize,
            key_next: bool,
            many: Option<std::collections::HashSet<&'a [u8]>>,
        },
        Array,
    }
    // The keys of every open object, innermost last: one buffer for the whole text.
    let mut keys: Vec<&[u8]> = Vec::new();
    let mut open: Vec<Open<'_>> = Vec::new();
    let mut i = 0;
    while let Some(n) = json.get(i..).and_then(find_structural) {
        i += n;
        match json.get(i).copied().unwrap_or_default() {
            b'"' => {
                let start = i + 1;
                let mut end = start;
                let mut escaped = false;
                loop {
                    let Some(n) = json.get(end..).and_then(find_quote_or_backslash) else { return true };
                    end += n;
                    if json.get(end) == Some(&b'"') {
                        break;
                    }
                    escaped = true;
                    end += 2;
                }
                if let Some(Open::Object { first, key_next, many }) = open.last_mut()
                    && *key_next
                {
                    let key = json.get(start..end).unwrap_or_default();
                    if escaped {
                        return true;
                    }
                    match many {
                        Some(set) => {
                            if !set.insert(key) {
                                return true;
                            }
                        }
                        None => {
                            if keys.get(*first..).unwrap_or_default().contains(&key) {
                                return true;
                            }
                            keys.push(key);
                            if keys.len() - *first > FEW {
                                *many = Some(keys.drain(*first..).collect());
                            }
                        }
                    }
                    *key_next = false;
                }
                i = end + 1;
                continue;
            }
            b'{' => open.push(Open::Object { first: keys.len(), key_next: true, many: None }),
            b'[' => open.push(Open::Array),
            b'}' | b']' => {
                if let Some(Open::Object { first, .. }) = open.pop() {
                    keys.truncate(first);
                }
            }
            b',' => {
                if let Some(Open::Object { key_next, .. }) = open.last_mut() {
                    *key_next = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// Where the first `"` or `\\` is (a string's end, or an escape in it).
fn find_quote_or_backslash(text: &[u8]) -> Option<usize> {
    first_match(
        text,
        |word| zero_bytes(word ^ repeat(b'"')) | zero_bytes(word ^ repeat(b'\\')),
        |c| c == b'"' || c == b'\\',
    )
}

/// Where the first byte that matters between strings is: `"`, `{`, `}`, `[`, `]` or `,`.
fn find_structural(text: &[u8]) -> Option<usize> {
    first_match(
        text,
        |word| {
            // `[` and `]` are `{` and `}` without bit 0x20, and no other byte is.
            let folded = word | repeat(0x20);
            zero_bytes(word ^ repeat(b'"'))
                | zero_bytes(word ^ repeat(b','))
                | zero_bytes(folded ^ repeat(b'{'))
                | zero_bytes(folded ^ repeat(b'}'))
        },
        |c| matches!(c, b'"' | b'{' | b'}' | b'[' | b']' | b','),
    )
}

/// The byte in each of a word's eight lanes.
const fn repeat(byte: u8) -> u64 {
    0x0101_0101_0101_0101 * byte as u64
}

/// A high bit in each zero byte of `v`; the lowest one marks the first zero byte exactly
/// (borrows only reach the bytes above it).
const fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(repeat(1)) & !v & repeat(0x80)
}

/// The first byte `matches` (tested eight bytes at a time with `in_word`, a high bit per
/// matching byte), the text read as a long JSON file is: a plain loop was most of the scan.
fn first_match(text: &[u8], in_word: impl Fn(u64) -> u64, matches: impl Fn(u8) -> bool) -> Option<usize> {
    let mut chunks = text.chunks_exact(8);
    let mut offset = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let found = in_word(u64::from_le_bytes(word));
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks.remainder().iter().position(|&c| matches(c)).map(|n| offset + n)
}

/// Walks any JSON value, failing at the first repeated key (recorded in `found`).
#[derive(Clone, Copy)]
struct Unique<'a> {
    found: &'a std::cell::RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Unique<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Unique<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                let message = format!("duplicate key `{key}`");
                *self.found.borrow_mut() = Some(key);
                return Err(de::Error::custom(message));
            }
            map.next_value_seed(self)?;
            seen.insert(key);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_found_at_any_depth() {
        assert!(check_unique_keys(br#"{"a":1,"b":{"c":[{"d":1}]}}"#).is_ok());
        let e = check_unique_keys(b"{\"facts\":{\"phase\":\"bogus\",\n\"phase\":\"sign-in\"}}").err();
        let e = e.map(|e| (e.key, e.line)).unwrap_or_default();
        assert_eq!(e, ("phase".to_string(), 2));
        assert!(check_unique_keys(br#"[{"x":1},{"x":1,"x":2}]"#).is_err());
        // Not JSON: left to the real parser.
        assert!(check_unique_keys(b"{nope").is_ok());
        // Escaped spellings of one key are one key.
        assert!(check_unique_keys(br#"{"id":1,"\u0069d":2}"#).is_err());
    }

    #[test]
    fn the_quick_scan_misses_no_repeated_key() {
        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let many_once = format!("{{{}}}", many.join(","));
        let many_twice = format!("{{{}, \"k31\": 0}}", many.join(","));
        for (json, repeats) in [
            (r#"{"a": "}{,\"a\"", "b": {"a": 1}, "c": ["a", "a"]}"#.to_string(), false),
            (r#"{"a": {"x": 1}, "b": [1, {"x": 2}], "c": "x"}"#.to_string(), false),
            (r#"{"a": "x\\", "b": 1, "a\\": 2}"#.to_string(), false),
            (r#"{"a": [{}], "b": 1, "a": 2}"#.to_string(), true),
            (r#"{"a": {"b": "c", "d": {"e": 1, "e": 2}}}"#.to_string(), true),
            (many_once, false),
            (many_twice, true),
        ] {
            assert_eq!(check_unique_keys(json.as_bytes()).is_err(), repeats, "{json}");
            assert!(!repeats || may_repeat_a_key(json.as_bytes()), "{json}");
        }
        assert!(!may_repeat_a_key(br#"{"a": 1, "b": [{"a": 1}, {"a": 2}]}"#));
    }

    #[test]
    fn limits_and_kinds() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { return };
        let f = dir.path().join("a.json");
        std::fs::write(&f, b"12345").ok();
        assert_eq!(read_input(&f, 5).ok(), Some(b"12345".to_vec()));
        assert!(matches!(read_input(&f, 4).map_err(|e| e.kind), Err(InputErrorKind::TooLarge { limit: 4 })));
        let e = read_input(dir.path(), 10).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.ends_with("cannot read: a folder, not a regular file"), "{e}");
        assert!(read_input(&dir.path().join("none"), 10).is_err_and(|e| e.is_not_found()));
        let mut endless = std::io::repeat(b'x');
        let e = read_input_spec(Path::new("-"), &mut endless, 100).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(e, "<stdin>: larger than 100 bytes: refused unread");
    }
}

#[cfg(all(test, unix))]
mod unix_tests {
    use super::*;

    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let fifo = dir.path().join("facts.json");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap_or_default();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_input(&fifo, 10).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.ends_with("a FIFO (named pipe), not a regular file"), "{e}");
        let e = read_input(Path::new("/dev/zero"), 10).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(e, "/dev/zero: cannot read: a device, not a regular file");
        let link = dir.path().join("broken");
        std::os::unix::fs::symlink(dir.path().join("gone"), &link).ok();
        assert!(read_input(&link, 10).is_err_and(|e| e.is_not_found()));
    }
}

/// Whether a CSV's first line ends in `\r\n` (Windows line ends, as the admin center writes):
/// for [`csv_line`].
pub fn crlf(first_line: &[u8]) -> bool {
    first_line.last() == Some(&b'\r')
}

/// The file's line of a CSV record. The csv crate counts a record after a `\r\n` end from the
/// line before (the `\n` is read with the next record), so with Windows line ends every record
/// after the header is one line further on than it says.
pub fn csv_line(p: &csv::Position, crlf: bool) -> u64 {
    if crlf && p.record() > 0 { p.line() + 1 } else { p.line() }
}
