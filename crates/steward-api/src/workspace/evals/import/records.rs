//! CSV records, read as the `csv` crate reads them, with the line each record starts on.
//!
//! The dialect is the one the import has always accepted: `,` between fields, a field that
//! starts with `"` is quoted (`""` inside is one quote, and anything after the closing quote
//! up to the next `,` is kept), records end at `\r`, `\n` or `\r\n`, blank lines and lines
//! starting with `#` between records are skipped, a UTF-8 byte order mark at the start of the
//! file is dropped, and every record has as many fields as the first (the header).
//!
//! Most records of an evaluation file are plain: every quoted field closed just before its
//! `,` or the record's end, with no newline inside. Those are split here in one pass over
//! their bytes (records are short: a search call per field cost more than it saved) and
//! checked as UTF-8 once. Every other record (a doubled quote, a newline inside quotes, text
//! after a closing quote, a line longer than [`GATHER`]) is handed to `csv_core`, the `csv`
//! crate's own parser, from its first byte, and property tests hold the two to the `csv` crate
//! on generated files. One difference is deliberate: a last line that is a comment without a
//! line end gives `csv` a phantom record of one empty field; here it is a comment.
//!
//! Line numbers are where a record's first byte is, counting `\n`: the `csv` crate reports the
//! line where it started reading, which is the line before for a record after a comment, a
//! blank line or a `\r\n` line end (every error in a Windows file named the previous line).

use std::io::Read;

use memchr::memchr;

/// Bytes asked of the reader at a time.
const READ: usize = 128 << 10;
/// A line still without its end after this many bytes is parsed by `csv_core` as it streams,
/// rather than gathered whole first.
const GATHER: usize = 1 << 20;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why a record could not be read.
#[derive(Debug)]
pub(super) enum RecordError {
    /// The reader failed.
    Io(std::io::Error),
    /// The record has `len` fields where the first record has `expected`.
    Length {
        line: u64,
        expected: usize,
        len: usize,
    },
    /// Field `field` (0-based) is not UTF-8.
    Utf8 { line: u64, field: usize },
}

/// Reads CSV records one at a time; see the module documentation.
pub(super) struct CsvRecords<R> {
    inner: R,
    /// Bytes read and not yet consumed are `buf[pos..end]`.
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
    /// The line of `buf[pos]`.
    at_line: u64,
    started: bool,
    core: csv_core::Reader,
    /// `csv_core`'s output for the records it parses.
    out: Vec<u8>,
    ends: Vec<usize>,
    /// The current record's text, and each field's byte range in it.
    text: String,
    fields: Vec<(usize, usize)>,
    record_line: u64,
    expected: Option<usize>,
}

impl<R: Read> CsvRecords<R> {
    pub(super) fn new(inner: R) -> Self {
        let mut core = csv_core::ReaderBuilder::new().comment(Some(b'#')).build();
        // `csv_core` drops a byte order mark at the start of what it is first given; here the
        // file's own is dropped before any record, and a record `csv_core` parses later must
        // keep its bytes as they are. A newline at the start of a record is skipped.
        let _ = core.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        CsvRecords {
            inner,
            buf: Vec::new(),
            pos: 0,
            end: 0,
            eof: false,
            at_line: 1,
            started: false,
            core,
            out: vec![0; 1024],
            ends: vec![0; 64],
            text: String::new(),
            fields: Vec::new(),
            record_line: 0,
            expected: None,
        }
    }

    /// The line the current record starts on.
    pub(super) fn line(&self) -> u64 {
        self.record_line
    }

    /// Field `i` of the current record.
    pub(super) fn get(&self, i: usize) -> Option<&str> {
        self.fields.get(i).map(|&(a, b)| &self.text[a..b])
    }

    /// The fields of the current record.
    pub(super) fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.fields.iter().map(|&(a, b)| &self.text[a..b])
    }

    /// Reads more of the file after `buf[pos..end]` (which moves to the front); `false` at its
    /// end.
    fn more(&mut self) -> Result<bool, RecordError> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
        // The buffer only grows (zeroed once), for a line longer than it.
        if self.buf.len() - self.end < READ {
            self.buf.resize(self.end + READ, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    self.end += n;
                    self.eof = n == 0;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(RecordError::Io(e)),
            }
        }
    }

    /// Skips what lies between records (line ends, comment lines, the byte order mark);
    /// `false` when the file ends first.
    fn skip_between(&mut self) -> Result<bool, RecordError> {
        loop {
            if self.pos == self.end && !self.more()? {
                return Ok(false);
            }
            if !self.started {
                while self.end - self.pos < BOM.len() && self.more()? {}
                if self.buf[self.pos..self.end].starts_with(BOM) {
                    self.pos += BOM.len();
                }
                self.started = true;
                continue;
            }
            match self.buf[self.pos] {
                b'\n' => {
                    self.at_line += 1;
                    self.pos += 1;
                }
                b'\r' => self.pos += 1,
                b'#' => loop {
                    if let Some(i) = memchr(b'\n', &self.buf[self.pos..self.end]) {
                        self.pos += i + 1;
                        self.at_line += 1;
                        break;
                    }
                    self.pos = self.end;
                    if !self.more()? {
                        return Ok(false);
                    }
                },
                _ => return Ok(true),
            }
        }
    }

    /// Reads the next record; `false` at the end of the file.
    pub(super) fn next(&mut self) -> Result<bool, RecordError> {
        if !self.skip_between()? {
            return Ok(false);
        }
        self.record_line = self.at_line;
        let not_utf8 = loop {
            let bytes = &self.buf[self.pos..self.end];
            match scan_plain(bytes, self.eof, &mut self.fields) {
                Scan::Plain { end, next, newline } => match std::str::from_utf8(&bytes[..end]) {
                    Ok(text) => {
                        self.text.clear();
                        self.text.push_str(text);
                        self.pos += next;
                        self.at_line += u64::from(newline);
                        break None;
                    }
                    Err(_) => break self.parse_with_core()?,
                },
                Scan::More if bytes.len() <= GATHER => {
                    self.more()?;
                }
                Scan::More | Scan::Other => break self.parse_with_core()?,
            }
        };
        let len = self.fields.len();
        match self.expected {
            None => self.expected = Some(len),
            Some(expected) if expected != len => {
                return Err(RecordError::Length {
                    line: self.record_line,
                    expected,
                    len,
                })
            }
            Some(_) => {}
        }
        match not_utf8 {
            Some(field) => Err(RecordError::Utf8 {
                line: self.record_line,
                field,
            }),
            None => Ok(true),
        }
    }

    /// Parses the record at `buf[pos]` with `csv_core`, reading on as it asks; its fields go
    /// to `text` when they are UTF-8; otherwise the first field that is not.
    fn parse_with_core(&mut self) -> Result<Option<usize>, RecordError> {
        use csv_core::ReadRecordResult as R;
        let (mut nout, mut nend) = (0, 0);
        loop {
            let input = &self.buf[self.pos..self.end];
            let (res, nin, o, e) =
                self.core
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            self.at_line += memchr::memchr_iter(b'\n', &input[..nin]).count() as u64;
            self.pos += nin;
            nout += o;
            nend += e;
            match res {
                R::InputEmpty => {
                    // At the end of the file `csv_core` is called once more with nothing, and
                    // ends the record.
                    self.more()?;
                }
                R::OutputFull => {
                    let grown = self.out.len() * 2;
                    self.out.resize(grown, 0);
                }
                R::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                R::Record | R::End => break,
            }
        }
        self.fields.clear();
        let mut start = 0;
        for &end in &self.ends[..nend] {
            self.fields.push((start, end));
            start = end;
        }
        let bytes = &self.out[..nout];
        // The fields lie end to end in `out`, so text that is UTF-8 as a whole can still cut a
        // character between two fields: every boundary must be one too.
        match std::str::from_utf8(bytes) {
            Ok(text) if self.fields.iter().all(|&(_, b)| text.is_char_boundary(b)) => {
                self.text.clear();
                self.text.push_str(text);
                Ok(None)
            }
            _ => Ok(Some(
                self.fields
                    .iter()
                    .position(|&(a, b)| std::str::from_utf8(&bytes[a..b]).is_err())
                    .unwrap_or(0),
            )),
        }
    }
}

/// What [`scan_plain`] found at the start of a record.
enum Scan {
    /// A plain record: its text is `..end`, the next record starts at `next`, and `newline`
    /// says whether it ended with `\n` (a `\n` after a `\r` is skipped as a blank line).
    Plain {
        end: usize,
        next: usize,
        newline: bool,
    },
    /// Its end is not in the bytes yet.
    More,
    /// A record for `csv_core`.
    Other,
}

/// Splits the record at the start of `bytes` into `fields` (byte ranges, quotes excluded) if
/// it is plain: every field that starts with a quote ends at the next quote, just before a
/// `,` or the record's end, with no `\n` inside. A quote inside an unquoted field is a byte
/// like any other, as in `csv_core`; `\r`, `\n` and `\r\n` end a record. One pass, a byte at a
/// time: records are short, and a search call per field costs more than it saves.
fn scan_plain(bytes: &[u8], eof: bool, fields: &mut Vec<(usize, usize)>) -> Scan {
    fields.clear();
    let n = bytes.len();
    let at_end = |end: usize| {
        if eof {
            Scan::Plain {
                end,
                next: end,
                newline: false,
            }
        } else {
            Scan::More
        }
    };
    let ended = |i: usize| Scan::Plain {
        end: i,
        next: i + 1,
        newline: bytes[i] == b'\n',
    };
    let mut i = 0;
    loop {
        if bytes.get(i) == Some(&b'"') {
            let open = i + 1;
            let mut j = open;
            while j < n && bytes[j] != b'"' {
                if bytes[j] == b'\n' {
                    return Scan::Other;
                }
                j += 1;
            }
            if j == n {
                return if eof { Scan::Other } else { Scan::More };
            }
            fields.push((open, j));
            i = j + 1;
            match bytes.get(i) {
                Some(b',') => i += 1,
                Some(b'\n' | b'\r') => return ended(i),
                Some(_) => return Scan::Other,
                None => return at_end(i),
            }
        } else {
            let start = i;
            while i < n && !matches!(bytes[i], b',' | b'\n' | b'\r') {
                i += 1;
            }
            fields.push((start, i));
            match bytes.get(i) {
                Some(b',') => i += 1,
                Some(_) => return ended(i),
                None => return at_end(i),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the `csv` crate reads, as the records, then the error if one stopped it, with the
    /// line where each record's first byte is (found from the byte offset `csv` reports).
    /// One difference is deliberate: a file whose last line is a comment with no line end
    /// gives `csv` one more record, a single empty field, made of no bytes at all (a two-column
    /// file failed with "1 fields where the header has 2"); that record is not read here.
    fn by_csv(input: &[u8]) -> (Vec<(u64, Vec<String>)>, Option<String>) {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .comment(Some(b'#'))
            .from_reader(input);
        let mut out = Vec::new();
        let mut record = csv::StringRecord::new();
        let start = |byte: usize| {
            // Past what csv_core skips before a record: line ends, comment lines, the BOM.
            let mut i = byte;
            if i == 0 && input.starts_with(BOM) {
                i = 3;
            }
            loop {
                match input.get(i) {
                    Some(b'\n' | b'\r') => i += 1,
                    Some(b'#') => match memchr(b'\n', &input[i..]) {
                        Some(n) => i += n + 1,
                        None => i = input.len(),
                    },
                    _ => break,
                }
            }
            (
                i,
                1 + memchr::memchr_iter(b'\n', &input[..i]).count() as u64,
            )
        };
        loop {
            let (at, line) = start(rdr.position().byte() as usize);
            let result = rdr.read_record(&mut record);
            if at == input.len() {
                // Nothing but skipped bytes before the end: the phantom record, or none.
                return (out, None);
            }
            match result {
                Ok(true) => out.push((line, record.iter().map(str::to_string).collect())),
                Ok(false) => return (out, None),
                Err(e) => {
                    let what = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!("line {line}: {len} fields, expected {expected_len}"),
                        csv::ErrorKind::Utf8 { err, .. } => {
                            format!("line {line}: field {} not UTF-8", err.field())
                        }
                        other => format!("{other:?}"),
                    };
                    return (out, Some(what));
                }
            }
        }
    }

    /// A reader that hands out at most `step` bytes at a time, so records cross reads.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(self.1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn by_us(input: &[u8], step: usize) -> (Vec<(u64, Vec<String>)>, Option<String>) {
        let mut rdr = CsvRecords::new(Trickle(input, step));
        let mut out = Vec::new();
        loop {
            match rdr.next() {
                Ok(true) => out.push((rdr.line(), rdr.iter().map(str::to_string).collect())),
                Ok(false) => return (out, None),
                Err(RecordError::Length {
                    line,
                    expected,
                    len,
                }) => {
                    return (
                        out,
                        Some(format!("line {line}: {len} fields, expected {expected}")),
                    )
                }
                Err(RecordError::Utf8 { line, field }) => {
                    return (out, Some(format!("line {line}: field {field} not UTF-8")))
                }
                Err(RecordError::Io(e)) => return (out, Some(e.to_string())),
            }
        }
    }

    #[test]
    fn records_and_lines_as_written() {
        type Case<'a> = (&'a [u8], &'a [(u64, &'a [&'a str])], Option<&'a str>);
        let cases: &[Case] = &[
            (b"a,b\n1,2\n", &[(1, &["a", "b"]), (2, &["1", "2"])], None),
            // Windows line ends: the second record is on line 2, the third on line 3.
            (
                b"a,b\r\n1,2\r\n3,4\r\n",
                &[(1, &["a", "b"]), (2, &["1", "2"]), (3, &["3", "4"])],
                None,
            ),
            // Comments and blank lines are skipped, and the record after them is on its line.
            (
                b"a,b\n# note\n\n1,2",
                &[(1, &["a", "b"]), (4, &["1", "2"])],
                None,
            ),
            (
                b"\xEF\xBB\xBFa,\"b,c\"\n\"x\"\"y\",\"2\nz\"\nq,r",
                &[(1, &["a", "b,c"]), (2, &["x\"y", "2\nz"]), (4, &["q", "r"])],
                None,
            ),
            (b"a\"b,\"c\"d\n", &[(1, &["a\"b", "cd"])], None),
            (
                b"a,b\n1\n",
                &[(1, &["a", "b"])],
                Some("line 2: 1 fields, expected 2"),
            ),
            (
                b"a,b\r\n1,\xFF\r\n",
                &[(1, &["a", "b"])],
                Some("line 2: field 1 not UTF-8"),
            ),
        ];
        for (input, records, error) in cases {
            let want: Vec<(u64, Vec<String>)> = records
                .iter()
                .map(|(l, f)| (*l, f.iter().map(|s| s.to_string()).collect()))
                .collect();
            for step in [1, 3, 1 << 20] {
                let got = by_us(input, step);
                assert_eq!(
                    got.0,
                    want,
                    "{:?} read {step} at a time",
                    String::from_utf8_lossy(input)
                );
                assert_eq!(
                    got.1.as_deref(),
                    *error,
                    "{:?}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    #[test]
    fn a_long_line_streams_through_csv_core() {
        let mut input = b"a,b\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', GATHER + READ + 10));
        input.extend(b",\"q\"\"\"\n1,2\n");
        let (records, error) = by_us(&input, READ);
        assert_eq!(error, None);
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].0, 2);
        assert_eq!(records[1].1[0].len(), GATHER + READ + 10);
        assert_eq!(records[1].1[1], "q\"");
        assert_eq!(records[2], (3, vec!["1".to_string(), "2".to_string()]));
    }

    fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            4 => Just(b'a'),
            2 => Just(b'1'),
            4 => Just(b','),
            3 => Just(b'"'),
            3 => Just(b'\n'),
            2 => Just(b'\r'),
            1 => Just(b'#'),
            1 => Just(b' '),
            1 => Just(0xC3u8),
            1 => Just(0xA9u8),
            1 => Just(0xFFu8),
        ];
        (any::<bool>(), proptest::collection::vec(byte, 0..80)).prop_map(|(bom, mut v)| {
            if bom {
                v.splice(0..0, BOM.iter().copied());
            }
            v
        })
    }

    /// Files shaped like real ones: fields, quoted fields, line ends of both kinds, comments,
    /// and now and then something odd.
    fn csv_tokens() -> impl Strategy<Value = Vec<u8>> {
        let token = prop_oneof![
            6 => Just(&b"acc"[..]),
            6 => Just(&b"0.5"[..]),
            8 => Just(&b","[..]),
            3 => Just(&b"\"k=v,j=w\""[..]),
            1 => Just(&b"\"\""[..]),
            1 => Just(&b"\"a\"\"b\""[..]),
            1 => Just(&b"\"x\"y"[..]),
            1 => Just(&b"\"two\nlines\""[..]),
            4 => Just(&b"\n"[..]),
            2 => Just(&b"\r\n"[..]),
            1 => Just(&b"\r"[..]),
            1 => Just(&b"# note\n"[..]),
            1 => Just(&b" "[..]),
            1 => Just("é".as_bytes()),
            1 => Just(&b"\xFF"[..]),
        ];
        proptest::collection::vec(token, 0..40).prop_map(|t| t.concat())
    }

    /// Records, fields, errors and lines (where each record's first byte is) agree with the
    /// `csv` crate, read `step` bytes at a time and whole.
    fn agrees(input: &[u8], step: usize) -> Result<(), TestCaseError> {
        let want = by_csv(input);
        prop_assert_eq!(by_us(input, step), want.clone());
        prop_assert_eq!(by_us(input, 1 << 20), want);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]

        #[test]
        fn reads_what_the_csv_crate_reads(input in csv_bytes(), step in 1usize..9) {
            agrees(&input, step)?;
        }

        #[test]
        fn reads_files_as_the_csv_crate_does(input in csv_tokens(), step in 1usize..9) {
            agrees(&input, step)?;
        }
    }
}
