//! Maps JSON pointers (`/nodes/3/options/0/next`) to line:column in the source text, so findings
//! about valid JSON can still name the exact place. Built lazily: only files with findings pay.

use std::collections::HashMap;

/// 1-based line and column (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// Positions of every value in a JSON document, keyed by JSON pointer.
#[derive(Debug, Default)]
pub struct PositionIndex {
    map: HashMap<String, Pos>,
}

impl PositionIndex {
    /// Indexes `text`. Invalid JSON yields a partial index, never a panic.
    pub fn build(text: &str) -> Self {
        let mut s = Scanner { chars: text.char_indices().peekable(), line: 1, col: 1, map: HashMap::new() };
        s.value(Some(String::new()), 0);
        PositionIndex { map: s.map }
    }

    /// The position of the value at `pointer`, or of its nearest indexed ancestor.
    pub fn find(&self, pointer: &str) -> Option<Pos> {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.map.get(p) {
                return Some(*pos);
            }
            let cut = p.rfind('/')?;
            p = &p[..cut];
        }
    }
}

/// Escapes one pointer segment (RFC 6901).
pub fn escape_segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

struct Scanner<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    line: usize,
    col: usize,
    map: HashMap<String, Pos>,
}

const MAX_DEPTH: usize = 256;

/// Pointers longer than this are not indexed (nor anything below them): every indexed value
/// stores its whole pointer, so long keys with many children would otherwise cost
/// key length x children bytes (a 200 KB file could take a gigabyte). Lookups of such
/// pointers fall back to the nearest indexed ancestor.
const MAX_POINTER_BYTES: usize = 512;

/// The pointer of a child, or None when it is too long to index.
fn child(pointer: &Option<String>, segment: &str) -> Option<String> {
    let p = pointer.as_deref()?;
    (p.len() + 1 + segment.len() <= MAX_POINTER_BYTES).then(|| format!("{p}/{segment}"))
}

impl Scanner<'_> {
    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|(_, c)| *c)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    fn value(&mut self, pointer: Option<String>, depth: usize) {
        self.ws();
        if let Some(p) = &pointer {
            self.map.insert(p.clone(), Pos { line: self.line, col: self.col });
        }
        if depth > MAX_DEPTH {
            return;
        }
        match self.peek() {
            Some('{') => {
                self.bump();
                loop {
                    self.ws();
                    match self.peek() {
                        Some('}') => {
                            self.bump();
                            return;
                        }
                        Some('"') => {
                            let key = self.string();
                            self.ws();
                            if self.peek() == Some(':') {
                                self.bump();
                            }
                            self.value(child(&pointer, &escape_segment(&key)), depth + 1);
                            self.ws();
                            if self.peek() == Some(',') {
                                self.bump();
                            }
                        }
                        _ => return,
                    }
                }
            }
            Some('[') => {
                self.bump();
                let mut i = 0usize;
                loop {
                    self.ws();
                    match self.peek() {
                        Some(']') => {
                            self.bump();
                            return;
                        }
                        None => return,
                        _ => {
                            self.value(child(&pointer, &i.to_string()), depth + 1);
                            i += 1;
                            self.ws();
                            match self.peek() {
                                Some(',') => {
                                    self.bump();
                                }
                                Some(']') => {}
                                _ => return,
                            }
                        }
                    }
                }
            }
            Some('"') => {
                self.string();
            }
            Some(_) => {
                while matches!(self.peek(), Some(c) if !matches!(c, ',' | '}' | ']' | ' ' | '\t' | '\n' | '\r')) {
                    self.bump();
                }
            }
            None => {}
        }
    }

    fn string(&mut self) -> String {
        let mut out = String::new();
        self.bump(); // opening quote
        while let Some(c) = self.bump() {
            match c {
                '"' => break,
                '\\' => {
                    if let Some(e) = self.bump() {
                        match e {
                            'n' => out.push('\n'),
                            't' => out.push('\t'),
                            'u' => {
                                let mut hex = String::new();
                                for _ in 0..4 {
                                    if let Some(h) = self.bump() {
                                        hex.push(h);
                                    }
                                }
                                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                                    out.push(ch);
                                }
                            }
                            other => out.push(other),
                        }
                    }
                }
                c => out.push(c),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values() {
        let text = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c/d\": true\n}";
        let idx = PositionIndex::build(text);
        assert_eq!(idx.find("/a"), Some(Pos { line: 2, col: 8 }));
        assert_eq!(idx.find("/a/1/b"), Some(Pos { line: 2, col: 18 }));
        assert_eq!(idx.find("/c~1d"), Some(Pos { line: 3, col: 10 }));
        assert_eq!(idx.find("/a/1/zzz"), Some(Pos { line: 2, col: 12 }));
    }

    #[test]
    fn long_keys_do_not_multiply_memory() {
        // One long key over many children: indexing every child's full pointer would store
        // key length x children bytes.
        let key = "k".repeat(100_000);
        let items = vec!["0"; 10_000].join(",");
        let text = format!("{{\"a\": 1, \"{key}\": [{items}], \"b\": 2}}");
        let idx = PositionIndex::build(&text);
        let stored: usize = idx.map.keys().map(String::len).sum();
        assert!(stored < 100_000, "index stores {stored} bytes of pointers");
        assert_eq!(idx.find("/a"), Some(Pos { line: 1, col: 7 }));
        assert!(idx.find("/b").is_some_and(|p| p.col > 100_000));
        assert_eq!(idx.find(&format!("/{key}/5")), Some(Pos { line: 1, col: 1 }));
    }

    #[test]
    fn garbage_never_panics() {
        for t in ["", "{", "[", "{\"a", "[1,", "\"\\u12", "{\"a\":}", "]]]"] {
            let _ = PositionIndex::build(t);
        }
    }
}
