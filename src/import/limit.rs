//! Bounds that keep an import's memory small whatever the input (README, "Performance"): a
//! [`Scanner`] under the parsers refuses a JSON string or number longer than
//! [`MAX_FIELD_BYTES`] and a CSV row longer than [`MAX_ROW_BYTES`] as the bytes arrive, before
//! any parser buffers them; a [`Meter`] lets the JSON walk refuse one entry (or a table's rows
//! held before its columns) spanning more than [`MAX_ENTRY_BYTES`]. Each refusal names its place.
//!
//! The scan is a byte loop over each buffer the reader fills, so it costs little next to the
//! parse.

use std::cell::{Cell, RefCell};
use std::io::{self, Read};
use std::rc::Rc;

/// The longest JSON string or number (a user agent is ~500 bytes; a Log Analytics column holding
/// a tenant's Conditional Access policies as JSON text, a few hundred KB).
pub const MAX_FIELD_BYTES: u64 = 1024 * 1024;
/// The longest CSV row, quoted line breaks included (the admin center's rows are ~1 KB).
pub const MAX_ROW_BYTES: u64 = 1024 * 1024;
/// The most bytes one JSON entry may span (a Graph entry is ~2 KB; 200 applied Conditional
/// Access policies, ~400 KB).
pub const MAX_ENTRY_BYTES: u64 = 2 * 1024 * 1024;

/// What the scanner reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Csv,
}

/// Shared between the scanner (which counts) and the JSON walk (which sets fences).
#[derive(Debug)]
pub struct Meter {
    /// Bytes handed to the parser's buffer so far.
    consumed: Cell<u64>,
    /// Reading past this many bytes is refused (`u64::MAX`: no fence).
    fence: Cell<u64>,
    /// Why the input was refused, with its place (`line:col`), once it was.
    refused: RefCell<Option<(String, String)>>,
}

impl Default for Meter {
    fn default() -> Self {
        Self { consumed: Cell::new(0), fence: Cell::new(u64::MAX), refused: RefCell::new(None) }
    }
}

impl Meter {
    pub fn new() -> Rc<Self> {
        Rc::new(Self::default())
    }

    /// Runs `f` (reading one entry) refusing to read more than `max` bytes further; fences nest.
    /// The scanner reads ahead of the parser by at most its reader's buffer, so the fence may
    /// fall that much early.
    pub fn within<T>(&self, max: u64, f: impl FnOnce() -> T) -> T {
        let outer = self.fence.get();
        self.fence.set(outer.min(self.consumed.get().saturating_add(max)));
        let out = f();
        self.fence.set(outer);
        out
    }

    /// Bytes read so far (for a budget spread over several values).
    pub fn consumed(&self) -> u64 {
        self.consumed.get()
    }

    /// The refusal (place, message), if the scanner refused the input.
    pub fn refusal(&self) -> Option<(String, String)> {
        self.refused.borrow().clone()
    }
}

/// The message of the I/O error a refusal gives the parser; the importer reports the
/// [`Meter::refusal`] instead.
pub const REFUSED: &str = "refused by the import's limits";

/// A reader that checks every byte against the bounds as it passes.
pub struct Scanner<R> {
    inner: R,
    syntax: Syntax,
    meter: Rc<Meter>,
    line: u64,
    col: u64,
    /// JSON: inside a string; CSV: inside quotes.
    quoted: bool,
    escaped: bool,
    /// The current JSON token's or CSV row's length.
    run: u64,
}

impl<R: Read> Scanner<R> {
    pub fn new(inner: R, syntax: Syntax, meter: Rc<Meter>) -> Self {
        Self { inner, syntax, meter, line: 1, col: 0, quoted: false, escaped: false, run: 0 }
    }

    /// Refuses the input at `bytes[at]` (the chunk being scanned), naming its line and column.
    fn refuse_at(&mut self, bytes: &[u8], at: usize, message: String) -> io::Error {
        let before = &bytes[..at.min(bytes.len())];
        let (line, col) = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => (self.line + newlines(before), (at - nl) as u64),
            None => (self.line, self.col + at as u64 + 1),
        };
        *self.meter.refused.borrow_mut() = Some((format!(":{line}:{col}"), message));
        io::Error::new(io::ErrorKind::InvalidData, REFUSED)
    }

    /// The line and column after the chunk (kept per chunk, not per byte: counting lines is a
    /// vectorised loop).
    fn advance(&mut self, bytes: &[u8]) {
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(nl) => {
                self.line += newlines(bytes);
                self.col = (bytes.len() - nl - 1) as u64;
            }
            None => self.col += bytes.len() as u64,
        }
    }

    /// JSON: the length of each string and of each bare value (number, literal).
    fn scan_json(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut i = 0;
        while i < bytes.len() {
            if self.quoted {
                if self.escaped {
                    self.escaped = false;
                    self.run += 1;
                    i += 1;
                } else {
                    // Most bytes are inside strings: jump to the next quote or backslash.
                    let k = find_either(&bytes[i..], b'"', b'\\');
                    if self.run + k as u64 > MAX_FIELD_BYTES {
                        let at = i + (MAX_FIELD_BYTES.saturating_sub(self.run) as usize).min(k);
                        let m = format!("a string longer than {MAX_FIELD_BYTES} bytes (the limit for one field)");
                        return Err(self.refuse_at(bytes, at, m));
                    }
                    self.run += k as u64;
                    i += k;
                    match bytes.get(i) {
                        Some(b'"') => {
                            self.quoted = false;
                            self.run = 0;
                        }
                        Some(_) => {
                            self.escaped = true;
                            self.run += 1;
                        }
                        None => {}
                    }
                    i += 1;
                }
                continue;
            }
            match bytes[i] {
                b'"' => {
                    self.quoted = true;
                    self.run = 0;
                }
                b'{' | b'}' | b'[' | b']' | b',' | b':' | b' ' | b'\t' | b'\r' | b'\n' => self.run = 0,
                _ => {
                    self.run += 1;
                    if self.run > MAX_FIELD_BYTES {
                        let m = format!("a value longer than {MAX_FIELD_BYTES} bytes (the limit for one field)");
                        return Err(self.refuse_at(bytes, i, m));
                    }
                }
            }
            i += 1;
        }
        Ok(())
    }

    /// CSV: the length of each row, line breaks inside quotes included.
    fn scan_csv(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut i = 0;
        while i < bytes.len() {
            let k = find_either(&bytes[i..], b'"', b'\n');
            // The byte after the run (a quote, a line break) counts too, when it stays in the row.
            if self.run + k as u64 > MAX_ROW_BYTES {
                let at = i + (MAX_ROW_BYTES.saturating_sub(self.run) as usize).min(k);
                let m = format!("a row longer than {MAX_ROW_BYTES} bytes (the limit for one row)");
                return Err(self.refuse_at(bytes, at, m));
            }
            self.run += k as u64;
            i += k;
            match bytes.get(i) {
                Some(b'"') => {
                    self.quoted = !self.quoted;
                    self.run += 1;
                }
                Some(_) if self.quoted => self.run += 1,
                Some(_) => self.run = 0,
                None => {}
            }
            i += 1;
        }
        Ok(())
    }
}

/// Where the first `a` or `b` is in `bytes` (its length when neither is): eight bytes at a time
/// (the classic "has a zero byte" word test), then byte by byte in the word that has one.
fn find_either(bytes: &[u8], a: u8, b: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS != 0;
    let (wa, wb) = (ONES * u64::from(a), ONES * u64::from(b));
    let mut i = 0;
    while let Some(word) = bytes.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let v = u64::from_le_bytes(w);
        if has_zero(v ^ wa) || has_zero(v ^ wb) {
            break;
        }
        i += 8;
    }
    bytes[i..].iter().position(|&x| x == a || x == b).map_or(bytes.len(), |k| i + k)
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl<R: Read> Read for Scanner<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.meter.refused.borrow().is_some() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, REFUSED));
        }
        let fence = self.meter.fence.get();
        let consumed = self.meter.consumed.get();
        if consumed >= fence {
            let m = format!("one entry spans more than {MAX_ENTRY_BYTES} bytes (the limit for one entry)");
            return Err(self.refuse_at(&[], 0, m));
        }
        let room = usize::try_from(fence - consumed).unwrap_or(usize::MAX);
        let want = buf.len().min(room);
        let n = self.inner.read(&mut buf[..want])?;
        let chunk = &buf[..n];
        match self.syntax {
            Syntax::Json => self.scan_json(chunk)?,
            Syntax::Csv => self.scan_csv(chunk)?,
        }
        self.advance(chunk);
        self.meter.consumed.set(consumed + n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(syntax: Syntax, input: &[u8]) -> Result<usize, Option<(String, String)>> {
        let meter = Meter::new();
        let mut s = Scanner::new(input, syntax, Rc::clone(&meter));
        let mut out = Vec::new();
        s.read_to_end(&mut out).map_err(|_| meter.refusal())
    }

    #[test]
    fn long_strings_numbers_and_rows_are_refused_at_their_place() {
        let big = "x".repeat(MAX_FIELD_BYTES as usize + 1);
        let json = format!("{{\n \"a\": \"{big}\"}}");
        let (place, message) = scan_all(Syntax::Json, json.as_bytes()).err().flatten().unwrap_or_default();
        assert_eq!(place, format!(":2:{}", 8 + MAX_FIELD_BYTES));
        assert!(message.starts_with("a string longer than 1048576 bytes"), "{message}");
        let digits = format!("[{}]", "1".repeat(MAX_FIELD_BYTES as usize + 1));
        assert!(scan_all(Syntax::Json, digits.as_bytes()).is_err());
        // Escaped quotes stay inside the string; a string at the limit is fine.
        let ok = format!("[\"\\\"{}\"]", "y".repeat(MAX_FIELD_BYTES as usize - 2));
        assert!(scan_all(Syntax::Json, ok.as_bytes()).is_ok());
        // A CSV row (quoted line breaks belong to it) and NUL bytes with no line break at all.
        let row = format!("a,b\n\"{}\n{}\"\n", "z".repeat(10), "z".repeat(MAX_ROW_BYTES as usize));
        let (place, message) = scan_all(Syntax::Csv, row.as_bytes()).err().flatten().unwrap_or_default();
        assert!(place.starts_with(":3:"), "{place}");
        assert!(message.starts_with("a row longer than"), "{message}");
        let zeros = vec![0u8; MAX_ROW_BYTES as usize + 10];
        assert!(scan_all(Syntax::Csv, &zeros).is_err());
    }

    #[test]
    fn find_either_finds_the_first_of_two_bytes() {
        for text in
            ["", "a", "abcdefgh", "abcdefghij\"", "ab\\cdefghij\"", "0123456789abcdef\"x", "é\"", "\u{ff}\u{fe}\""]
        {
            let b = text.as_bytes();
            let want = b.iter().position(|&x| x == b'"' || x == b'\\').unwrap_or(b.len());
            assert_eq!(find_either(b, b'"', b'\\'), want, "{text:?}");
        }
    }

    #[test]
    fn a_fence_bounds_one_entry() {
        let meter = Meter::new();
        let input = vec![b' '; 100];
        let mut s = Scanner::new(input.as_slice(), Syntax::Json, Rc::clone(&meter));
        let mut buf = [0u8; 30];
        let r = meter.within(50, || {
            let mut total = 0;
            loop {
                match s.read(&mut buf) {
                    Ok(0) => return Ok(total),
                    Ok(n) => total += n,
                    Err(e) => return Err(e),
                }
            }
        });
        assert!(r.is_err());
        assert!(meter.refusal().is_some_and(|(_, m)| m.starts_with("one entry spans more than")));
    }
}
