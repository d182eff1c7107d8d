//! A reader that refuses overlong records before any parser buffers them.
//!
//! The CSV and JSON parsers grow a buffer for whatever record or value they are reading, so a
//! 1 GB file with no newline (or one 1 GB string) would take gigabytes of memory before any
//! check saw it. This reader watches the bytes as they pass: in CSV, the bytes since the last
//! newline outside quotes (one record); in JSON, the bytes of the current string or bare token
//! (one value). Past [`MAX_RECORD_BYTES`] it fails with [`TooLong`], naming the line, so memory
//! stays bounded by the limit whatever the file holds.

use std::fmt;
use std::io::Read;

use crate::input::MAX_RECORD_BYTES;

/// The refusal: where the record or value began to be too long.
#[derive(Debug)]
pub struct TooLong {
    /// The 1-based line where the record or value starts.
    pub line: u64,
    /// What was too long.
    pub what: &'static str,
}

impl fmt::Display for TooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {} is longer than {} MiB, the limit for one record or value",
            self.line,
            self.what,
            MAX_RECORD_BYTES >> 20
        )
    }
}

impl std::error::Error for TooLong {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Csv,
    Json,
}

/// Wraps the parser's reader; see the module documentation.
pub struct Bounded<R> {
    inner: R,
    mode: Option<Mode>,
    line: u64,
    start_line: u64,
    run: usize,
    in_string: bool,
    escaped: bool,
}

impl<R: Read> Bounded<R> {
    /// Watches `inner`; the format is told by its first byte that is not whitespace or a BOM.
    pub fn new(inner: R) -> Self {
        Bounded {
            inner,
            mode: None,
            line: 1,
            start_line: 1,
            run: 0,
            in_string: false,
            escaped: false,
        }
    }

    fn scan(&mut self, bytes: &[u8]) -> Result<(), TooLong> {
        // CSV outside quotes with no quote in sight (nearly every chunk of a plain CSV): the
        // record lengths follow from where the newlines are, found by fast slice searches
        // instead of a branch per byte.
        if self.mode == Some(Mode::Csv)
            && !self.in_string
            && bytes.len() <= MAX_RECORD_BYTES
            && !bytes.contains(&b'"')
        {
            return self.scan_plain_csv(bytes);
        }
        self.scan_bytes(bytes)
    }

    fn scan_plain_csv(&mut self, bytes: &[u8]) -> Result<(), TooLong> {
        let too_long = |line| TooLong {
            line,
            what: "the record",
        };
        let Some(first) = bytes.iter().position(|&b| b == b'\n') else {
            if !bytes.is_empty() && self.run == 0 {
                self.start_line = self.line;
            }
            self.run += bytes.len();
            return if self.run > MAX_RECORD_BYTES {
                Err(too_long(self.start_line))
            } else {
                Ok(())
            };
        };
        if first > 0 && self.run == 0 {
            self.start_line = self.line;
        }
        if self.run + first > MAX_RECORD_BYTES {
            return Err(too_long(self.start_line));
        }
        let last = bytes.iter().rposition(|&b| b == b'\n').unwrap_or(first);
        self.line += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        // Records between the first and last newline are shorter than the chunk, which is no
        // longer than the limit.
        self.run = bytes.len() - last - 1;
        if self.run > 0 {
            self.start_line = self.line;
        }
        Ok(())
    }

    fn scan_bytes(&mut self, bytes: &[u8]) -> Result<(), TooLong> {
        for &b in bytes {
            if b == b'\n' {
                self.line += 1;
            }
            let mode = match self.mode {
                Some(m) => m,
                None if b.is_ascii_whitespace() || matches!(b, 0xEF | 0xBB | 0xBF) => continue,
                None => {
                    let m = if b == b'{' { Mode::Json } else { Mode::Csv };
                    self.mode = Some(m);
                    m
                }
            };
            let counts = match mode {
                Mode::Csv => {
                    if b == b'"' {
                        self.in_string = !self.in_string;
                    }
                    b != b'\n' || self.in_string
                }
                Mode::Json => {
                    if self.in_string {
                        if self.escaped {
                            self.escaped = false;
                        } else if b == b'\\' {
                            self.escaped = true;
                        } else if b == b'"' {
                            self.in_string = false;
                        }
                        true
                    } else if b == b'"' {
                        self.in_string = true;
                        self.run = 0;
                        true
                    } else {
                        !(b.is_ascii_whitespace()
                            || matches!(b, b'{' | b'}' | b'[' | b']' | b',' | b':'))
                    }
                }
            };
            if counts {
                if self.run == 0 {
                    self.start_line = self.line;
                }
                self.run += 1;
                if self.run > MAX_RECORD_BYTES {
                    return Err(TooLong {
                        line: self.start_line,
                        what: match (mode, self.in_string) {
                            (Mode::Csv, _) => "the record",
                            (Mode::Json, true) => "a string",
                            (Mode::Json, false) => "a value",
                        },
                    });
                }
            } else {
                self.run = 0;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.scan(&buf[..n])
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Result<usize, String> {
        let mut out = Vec::new();
        Bounded::new(bytes)
            .read_to_end(&mut out)
            .map_err(|e| e.to_string())
    }

    /// The same through 8 KiB reads, as the CSV parser makes them (quote-free CSV chunks take
    /// the fast path).
    fn read_in_chunks(bytes: &[u8]) -> Result<u64, String> {
        std::io::copy(&mut Bounded::new(bytes), &mut std::io::sink()).map_err(|e| e.to_string())
    }

    #[test]
    fn records_and_values_up_to_the_limit_pass_and_longer_ones_are_refused() {
        let long = "x".repeat(MAX_RECORD_BYTES + 1);
        let just = "x".repeat(MAX_RECORD_BYTES - 10);
        let cases: Vec<(&str, String, Option<&str>)> = vec![
            ("csv rows", format!("metric,value\n{just},1\nm,2\n"), None),
            (
                "csv one long line",
                format!("metric,value\n{long}"),
                Some("line 2: the record"),
            ),
            (
                "csv quoted newlines stay one record",
                format!(
                    "metric,value\n\"{}\n{}\",1\n",
                    &just[..just.len() / 2],
                    &long[..long.len() / 2 + 20]
                ),
                Some("line 2: the record"),
            ),
            (
                "json minified on one line",
                format!(
                    "{{\"rows\":[{}]}}",
                    vec!["{\"metric\":\"m\",\"value\":1}"; 100_000].join(",")
                ),
                None,
            ),
            (
                "json long string",
                format!("{{\"format\":\n\"{long}\"}}"),
                Some("line 2: a string"),
            ),
            (
                "json long number",
                format!(
                    "{{\"rows\":[{{\"value\":{}}}]}}",
                    "9".repeat(MAX_RECORD_BYTES + 1)
                ),
                Some("line 1: a value"),
            ),
            (
                "json escaped quotes stay in the string",
                format!("{{\"a\":\"\\\"{long}\"}}"),
                Some("a string"),
            ),
        ];
        let lines = format!("metric,value\n{}m,2\n{long}", "m,1\n".repeat(300_000));
        let cases = cases.into_iter().chain([
            (
                "csv a long record after many short ones",
                lines,
                Some("line 300003: the record"),
            ),
            (
                "csv just under the limit across chunks",
                format!("a,b\n{just}\n{just}\n"),
                None,
            ),
        ]);
        for (name, text, refused) in cases {
            let whole = read_all(text.as_bytes()).map(|_| ());
            let chunked = read_in_chunks(text.as_bytes()).map(|_| ());
            for got in [whole, chunked] {
                match refused {
                    None => assert!(got.is_ok(), "{name}: {got:?}"),
                    Some(needle) => {
                        let err = got.expect_err(name);
                        assert!(err.contains(needle), "{name}: {err}");
                    }
                }
            }
        }
    }
}
