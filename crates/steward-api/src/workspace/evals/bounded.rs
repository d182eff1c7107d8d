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
        // Once the file is known to be CSV, records are measured between quotes and newlines
        // found by SIMD searches instead of a branch per byte (a quoted slice on every eighth
        // row put every chunk of the import benchmark on the byte-by-byte path).
        if self.mode == Some(Mode::Csv) {
            return self.scan_csv(bytes);
        }
        self.scan_bytes(bytes)
    }

    /// `n` more bytes of the current CSV record, which starts on the current line if none came
    /// before.
    fn grow(&mut self, n: usize) -> Result<(), TooLong> {
        if n == 0 {
            return Ok(());
        }
        if self.run == 0 {
            self.start_line = self.line;
        }
        self.run += n;
        if self.run > MAX_RECORD_BYTES {
            return Err(TooLong {
                line: self.start_line,
                what: "the record",
            });
        }
        Ok(())
    }

    /// CSV: a newline outside quotes ends a record; everything else, quoted newlines and the
    /// quotes themselves included, counts towards it, as in [`Self::scan_bytes`].
    fn scan_csv(&mut self, mut bytes: &[u8]) -> Result<(), TooLong> {
        while !bytes.is_empty() {
            if self.in_string {
                // Up to and including the closing quote (a doubled quote closes and reopens).
                let close = memchr::memchr(b'"', bytes);
                let (part, rest) = bytes.split_at(close.map_or(bytes.len(), |i| i + 1));
                self.grow(part.len())?;
                self.line += memchr::memchr_iter(b'\n', part).count() as u64;
                self.in_string = close.is_none();
                bytes = rest;
            } else {
                match memchr::memchr2(b'"', b'\n', bytes) {
                    None => {
                        self.grow(bytes.len())?;
                        bytes = &[];
                    }
                    Some(i) if bytes[i] == b'\n' => {
                        self.grow(i)?;
                        self.line += 1;
                        self.run = 0;
                        bytes = &bytes[i + 1..];
                    }
                    Some(i) => {
                        self.grow(i + 1)?;
                        self.in_string = true;
                        bytes = &bytes[i + 1..];
                    }
                }
            }
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

    /// The CSV scan against the byte-by-byte one it replaced, on generated files with quoted
    /// fields, doubled quotes, quoted newlines and records near the limit, fed in uneven pieces:
    /// after every piece both agree on the line, the record's length and where it started, and
    /// both refuse the same record.
    #[test]
    fn the_csv_scan_measures_records_as_the_byte_by_byte_scan_does() {
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for case in 0..60 {
            let mut text = b"metric,value,slice\n".to_vec();
            while text.len() < 3 * MAX_RECORD_BYTES {
                match next(9) {
                    0 => text.extend_from_slice(b"\"gender=female,age=18-25\""),
                    1 => text.extend_from_slice(b"\"a \"\"quoted\"\" word\""),
                    2 => text.extend_from_slice(b"\"two\nlines\""),
                    3 => text.push(b'\n'),
                    4 if case % 3 == 0 => {
                        let n = usize::try_from(next(MAX_RECORD_BYTES as u64 / 2)).unwrap_or(0);
                        text.resize(text.len() + n, b'x');
                    }
                    5 if case % 7 == 0 => text.push(b'"'),
                    _ => text.extend_from_slice(b"rouge_l,0.5,"),
                }
            }
            let (mut fast, mut slow) = (Bounded::new(&b""[..]), Bounded::new(&b""[..]));
            fast.mode = Some(Mode::Csv);
            slow.mode = Some(Mode::Csv);
            let mut at = 0;
            while at < text.len() {
                let piece = usize::try_from(1 + next(70_000)).unwrap_or(1);
                let end = (at + piece).min(text.len());
                let got = fast.scan_csv(&text[at..end]).map_err(|e| e.to_string());
                let want = slow.scan_bytes(&text[at..end]).map_err(|e| e.to_string());
                assert_eq!(got, want, "case {case}, bytes {at}..{end}");
                if want.is_err() {
                    break;
                }
                let state = |b: &Bounded<&[u8]>| (b.line, b.run, b.start_line, b.in_string);
                assert_eq!(state(&fast), state(&slow), "case {case}, bytes {at}..{end}");
                at = end;
            }
        }
    }
}
