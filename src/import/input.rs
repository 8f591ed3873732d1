//! Opening what the agent names: a regular file or `-` (standard input), read through a cap so an
//! endless pipe can't run on forever. Export files are streamed, never held whole.

use std::io::{self, Read};
use std::path::Path;

/// Sign-in log files larger than this are refused: the admin center's download stops at 100,000
/// entries (about 300 MB of Graph JSON), so this leaves room without letting `-` run forever.
pub const MAX_SIGNIN_LOG_BYTES: u64 = 1024 * 1024 * 1024;

/// An opened input: its display name and a capped reader (the importer buffers it).
pub struct Input<'a> {
    /// `<stdin>` or the path as given (control characters neutralised).
    pub name: String,
    pub reader: Capped<Box<dyn Read + 'a>>,
}

/// Opens `spec` (a path, or `-` for `stdin`). Only regular files: a folder, a device such as
/// `/dev/zero` or a FIFO is refused before anything is read.
pub fn open<'a>(spec: &str, stdin: &'a mut dyn Read) -> Result<Input<'a>, String> {
    let name = if spec == "-" { "<stdin>".to_string() } else { crate::text::sanitize_line(spec) };
    let source: Box<dyn Read + 'a> = if spec == "-" {
        Box::new(stdin)
    } else {
        // Opened without blocking and checked after opening: a FIFO never hangs the import. The
        // size is capped while streaming (below), not up front.
        let file = crate::input::open_regular(Path::new(spec), u64::MAX).map_err(|e| e.to_string())?;
        Box::new(file)
    };
    Ok(Input { name, reader: Capped::new(source, MAX_SIGNIN_LOG_BYTES) })
}

/// A reader that fails once more than `limit` bytes have come through, instead of truncating
/// silently (a truncated export would parse as a shorter, wrong one, or as a syntax error at a
/// confusing place).
pub struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Capped<R> {
    pub fn new(inner: R, limit: u64) -> Self {
        Self { inner, left: limit }
    }
}

/// The message of the error [`Capped`] gives; the importer turns it into its own one-liner.
pub const TOO_LARGE: &str = "larger than the sign-in log limit";

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One byte more than the limit tells a file of exactly `limit` bytes from a bigger one.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(io::ErrorKind::InvalidData, TOO_LARGE)),
            };
        }
        let want = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `reader` without a leading byte-order mark, however its reads split it: a pipe may hand the
/// mark out a byte at a time, and half a mark left in front would make JSON look like CSV.
pub fn without_bom<R: Read>(mut reader: R) -> io::Result<io::Chain<io::Cursor<Vec<u8>>, R>> {
    let mut lead = [0u8; 3];
    let mut got = 0;
    while got < lead.len() {
        match reader.read(&mut lead[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let kept = if lead[..got] == *BOM { Vec::new() } else { lead[..got].to_vec() };
    Ok(io::Cursor::new(kept).chain(reader))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_an_error_not_a_truncation() {
        let mut exact = Capped::new(io::repeat(b'x').take(10), 10);
        let mut buf = Vec::new();
        assert_eq!(exact.read_to_end(&mut buf).ok(), Some(10));
        let mut over = Capped::new(io::repeat(b'x'), 10);
        let e = over.read_to_end(&mut Vec::new()).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some(TOO_LARGE));
    }

    #[test]
    fn only_regular_files() {
        let dir = std::env::temp_dir();
        let e = open(&dir.to_string_lossy(), &mut io::empty()).err().unwrap_or_default();
        assert!(e.ends_with("not a regular file"), "{e}");
        let e = open("/definitely/not/here.json", &mut io::empty()).err().unwrap_or_default();
        assert!(e.contains("cannot read"), "{e}");
    }
}
