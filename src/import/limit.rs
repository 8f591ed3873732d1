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

    fn refuse(&self, message: String) -> io::Error {
        *self.meter.refused.borrow_mut() = Some((format!(":{}:{}", self.line, self.col.max(1)), message));
        io::Error::new(io::ErrorKind::InvalidData, REFUSED)
    }

    fn scan(&mut self, bytes: &[u8]) -> io::Result<()> {
        let max = match self.syntax {
            Syntax::Json => MAX_FIELD_BYTES,
            Syntax::Csv => MAX_ROW_BYTES,
        };
        for &b in bytes {
            if b == b'\n' {
                self.line += 1;
                self.col = 0;
            } else {
                self.col += 1;
            }
            match self.syntax {
                Syntax::Json => {
                    if self.quoted {
                        if self.escaped {
                            self.escaped = false;
                        } else if b == b'\\' {
                            self.escaped = true;
                        } else if b == b'"' {
                            self.quoted = false;
                            self.run = 0;
                            continue;
                        }
                        self.run += 1;
                    } else {
                        match b {
                            b'"' => {
                                self.quoted = true;
                                self.run = 0;
                            }
                            b'{' | b'}' | b'[' | b']' | b',' | b':' | b' ' | b'\t' | b'\r' | b'\n' => self.run = 0,
                            _ => self.run += 1,
                        }
                    }
                    if self.run > max {
                        let what = if self.quoted { "a string" } else { "a value" };
                        return Err(self.refuse(format!("{what} longer than {max} bytes (the limit for one field)")));
                    }
                }
                Syntax::Csv => {
                    if b == b'"' {
                        self.quoted = !self.quoted;
                    }
                    if b == b'\n' && !self.quoted {
                        self.run = 0;
                    } else {
                        self.run += 1;
                        if self.run > max {
                            return Err(self.refuse(format!("a row longer than {max} bytes (the limit for one row)")));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Scanner<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.meter.refused.borrow().is_some() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, REFUSED));
        }
        let fence = self.meter.fence.get();
        let consumed = self.meter.consumed.get();
        if consumed >= fence {
            return Err(
                self.refuse(format!("one entry spans more than {MAX_ENTRY_BYTES} bytes (the limit for one entry)"))
            );
        }
        let room = usize::try_from(fence - consumed).unwrap_or(usize::MAX);
        let want = buf.len().min(room);
        let n = self.inner.read(&mut buf[..want])?;
        self.scan(&buf[..n])?;
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
