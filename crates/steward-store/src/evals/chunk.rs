//! The encoding of one chunk of evaluation rows: `eval_row_chunks.data`, format 2 (format 1
//! is still read).
//!
//! A chunk holds 1 to [`CHUNK_ROWS`] rows of one run, in file order. It is columnar: a string
//! table first (every metric, slice, timestamp and variant text the chunk uses, once, in
//! first-use order), then one column per field. Integers are unsigned LEB128 varints unless
//! said otherwise.
//!
//! ```text
//! u8        format, 2
//! varint    R, the number of rows (1..=4096)
//! varint    S, the number of strings
//! S ×       varint byte length, then that many bytes of UTF-8
//! R ×       varint  metric: index into the strings
//! numbers   value (R of them)
//! R ×       varint  slice: index into the strings (canonical `k=v,…` text, "" for everyone)
//! presence          bit 0 ci_low, 1 ci_high, 2 n, 3 at, 4 variant; other bits 0: a byte 1
//!                   then one presence byte every row has, or a byte 0 then R of them
//! then one column per optional field, holding only the rows whose bit is set, in row order:
//!           numbers ci_low                          (bit 0)
//!           numbers ci_high                         (bit 1)
//!           varint  n, zigzag-encoded               (bit 2)
//!           varint  at: index into the strings      (bit 3)
//!           varint  variant: index into the strings (bit 4)
//! ```
//!
//! A `numbers` column starts with a scale byte. 0 to 15: each number is a zigzag varint `m`
//! and reads as the binary64 quotient `m / 10^scale` — the encoder picks the scale and checks
//! that every quotient gives back the very bits it was given (the sign of a zero included),
//! so evaluation values written with a few decimals take 2–4 bytes instead of 8. 255: each
//! number is an IEEE 754 binary64, little-endian (any column that no scale reads back exactly,
//! or that would not be smaller). Format 1 has no scale byte (every number is binary64), and
//! its presence column is R bytes with nothing before them.
//!
//! Nothing follows the last column. Every value and bound is finite: the encoder refuses NaN
//! and infinities before writing anything, and the decoder refuses them too (a chunk is never
//! trusted further than its checks). An empty string is a string like any other, so `Some("")`
//! and `None` stay apart.

use std::collections::HashMap;
use std::hash::Hasher;

use rustc_hash::{FxBuildHasher, FxHasher};

use super::EvalRowRef;

/// The digest of a run's chunks, in order: sha256 over a format tag, then for each chunk its
/// row count and byte length (u64, little-endian) and its bytes. Recorded with the run and in
/// its audit entry at import, recomputed on every read and by the deep verify, so a chunk
/// edited in the file (whose bytes still decode) is found.
#[derive(Clone)]
pub(crate) struct ChunkDigest(sha2::Sha256);

impl Default for ChunkDigest {
    fn default() -> Self {
        use sha2::Digest;
        ChunkDigest(sha2::Sha256::new_with_prefix(b"steward.eval-chunks/v1\n"))
    }
}

impl ChunkDigest {
    pub(crate) fn add(&mut self, rows: u64, data: &[u8]) {
        use sha2::Digest;
        self.0.update(rows.to_le_bytes());
        self.0.update((data.len() as u64).to_le_bytes());
        self.0.update(data);
    }

    pub(crate) fn finish(self) -> steward_domain::Sha256Digest {
        use sha2::Digest;
        steward_domain::Sha256Digest::from_bytes(self.0.finalize().into())
    }
}

/// How many of a chunk's first strings [`ChunkEncoder::string`] compares before it hashes.
const SCAN: usize = 8;

/// Rows per chunk (the last chunk of a run holds the rest).
pub(crate) const CHUNK_ROWS: usize = 4096;
const FORMAT: u8 = 2;
/// Format 1: numbers as binary64 only, no scale byte.
const FORMAT_BINARY: u8 = 1;
/// The largest decimal scale a numbers column uses.
const MAX_SCALE: u8 = 15;
/// The presence column's first byte: one presence byte for every row, or one per row.
const PRESENCE_SAME: u8 = 1;
const PRESENCE_EACH: u8 = 0;
/// The scale byte of a numbers column held as binary64.
const BINARY: u8 = 0xFF;
const POW10: [f64; MAX_SCALE as usize + 1] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];
const CI_LOW: u8 = 1;
const CI_HIGH: u8 = 2;
const N: u8 = 4;
const AT: u8 = 8;
const VARIANT: u8 = 16;

/// The hash of a text for the string table (which then re-mixes it with the same hasher): the
/// table only ever sees a chunk's own strings, so a fast non-keyed hash is enough.
fn hash_text(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.write_usize(bytes.len());
    h.finish()
}

/// Byte equality without a call into libc's memcmp: the texts compared here are short
/// (metric names, slices, timestamps), and the call costs more than the comparison.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    for (p, q) in (&mut x).zip(&mut y) {
        let word = |c: &[u8]| {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            u64::from_ne_bytes(w)
        };
        if word(p) != word(q) {
            return false;
        }
    }
    x.remainder().iter().zip(y.remainder()).all(|(p, q)| p == q)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// `v` as the integer `m` of `m / 10^scale`, when the decoder's quotient gives back `v`'s
/// exact bits.
fn decimal_at(v: f64, scale: u8) -> Option<i64> {
    let p = POW10[usize::from(scale)];
    let m = (v * p).round();
    // Below 2^53 the integer is exact as a binary64, so the quotient is one rounding (`v` is
    // finite, so `m` is a number, at worst an infinity).
    if m.abs() >= 9_007_199_254_740_992.0 {
        return None;
    }
    let m = m as i64;
    ((m as f64 / p).to_bits() == v.to_bits()).then_some(m)
}

/// A numbers column as it fills: the values, and the smallest scale that has read back every
/// one so far (checked again, for all of them, when the column is written).
#[derive(Default)]
struct Numbers {
    values: Vec<f64>,
    scale: u8,
    binary: bool,
}

impl Numbers {
    fn push(&mut self, v: f64) {
        self.values.push(v);
        while !self.binary && decimal_at(v, self.scale).is_none() {
            if self.scale == MAX_SCALE {
                self.binary = true;
            } else {
                self.scale += 1;
            }
        }
    }

    /// Writes the column (scale byte, then the numbers) and empties it. `scratch` holds the
    /// decimal form while it is checked.
    fn write_into(&mut self, out: &mut Vec<u8>, scratch: &mut Vec<u8>) {
        scratch.clear();
        let decimal = !self.binary
            && self.values.iter().all(|&v| {
                decimal_at(v, self.scale)
                    .map(|m| put_varint(scratch, zigzag(m)))
                    .is_some()
            })
            && scratch.len() < 8 * self.values.len();
        if decimal {
            out.push(self.scale);
            out.extend_from_slice(scratch);
        } else {
            out.push(BINARY);
            for v in &self.values {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        self.values.clear();
        self.scale = 0;
        self.binary = false;
    }
}

fn finite(what: &str, v: f64) -> Result<(), String> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(format!(
            "{what} {v} is not a finite number; evaluation evidence holds only finite values"
        ))
    }
}

/// Builds one chunk row by row; reused from chunk to chunk (buffers keep their capacity).
#[derive(Default)]
pub(crate) struct ChunkEncoder {
    rows: usize,
    /// Hash of a text → its index in the string table (verified against `spans` on lookup).
    index: HashMap<u64, u32, FxBuildHasher>,
    /// Each column's (metric, slice, at, variant) previous string index.
    last: [Option<u32>; 4],
    /// Where each string's bytes sit in `strings`.
    spans: Vec<(usize, usize)>,
    /// The string table as encoded: length, bytes; length, bytes; …
    strings: Vec<u8>,
    metric: Vec<u8>,
    value: Numbers,
    slice: Vec<u8>,
    flags: Vec<u8>,
    ci_low: Numbers,
    ci_high: Numbers,
    n: Vec<u8>,
    at: Vec<u8>,
    variant: Vec<u8>,
    /// A numbers column's decimal form while it is checked.
    scratch: Vec<u8>,
}

impl ChunkEncoder {
    /// Rows held so far.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// The index of `s` in the string table, adding it if new. `last` is the column's previous
    /// index: rows of one slice or metric often come together, and a comparison is cheaper
    /// than a hash. Then the first [`SCAN`] strings of the table, by length first: files cycle
    /// through a few metric names row by row.
    fn string(&mut self, s: &str, last: &mut Option<u32>) -> u64 {
        let text = |&(start, len): &(usize, usize)| &self.strings[start..start + len];
        if let Some(i) = *last {
            if same(text(&self.spans[i as usize]), s.as_bytes()) {
                return u64::from(i);
            }
        }
        let i = match self.spans[..self.spans.len().min(SCAN)]
            .iter()
            .position(|span| span.1 == s.len() && same(text(span), s.as_bytes()))
        {
            Some(i) => i as u64,
            None => self.lookup(s),
        };
        *last = u32::try_from(i).ok();
        i
    }

    fn lookup(&mut self, s: &str) -> u64 {
        let hash = hash_text(s.as_bytes());
        if let Some(&i) = self.index.get(&hash) {
            let (start, len) = self.spans[i as usize];
            if same(&self.strings[start..start + len], s.as_bytes()) {
                return u64::from(i);
            }
            // Two texts with one 64-bit hash: find it the slow way (or add it unindexed).
            if let Some(i) = self
                .spans
                .iter()
                .position(|&(start, len)| same(&self.strings[start..start + len], s.as_bytes()))
            {
                return i as u64;
            }
        }
        let i = u32::try_from(self.spans.len()).unwrap_or(u32::MAX);
        put_varint(&mut self.strings, s.len() as u64);
        self.spans.push((self.strings.len(), s.len()));
        self.strings.extend_from_slice(s.as_bytes());
        self.index.entry(hash).or_insert(i);
        u64::from(i)
    }

    /// Adds a row. A non-finite value or bound is refused and leaves the chunk unchanged.
    pub(crate) fn push(&mut self, r: &EvalRowRef<'_>) -> Result<(), String> {
        finite("value", r.value)?;
        if let Some(v) = r.ci_low {
            finite("ci_low", v)?;
        }
        if let Some(v) = r.ci_high {
            finite("ci_high", v)?;
        }
        let mut last = self.last;
        let m = self.string(r.metric, &mut last[0]);
        put_varint(&mut self.metric, m);
        self.value.push(r.value);
        let s = self.string(r.slice, &mut last[1]);
        put_varint(&mut self.slice, s);
        let mut flags = 0u8;
        if let Some(v) = r.ci_low {
            flags |= CI_LOW;
            self.ci_low.push(v);
        }
        if let Some(v) = r.ci_high {
            flags |= CI_HIGH;
            self.ci_high.push(v);
        }
        if let Some(n) = r.n {
            flags |= N;
            put_varint(&mut self.n, zigzag(n));
        }
        if let Some(at) = r.at {
            flags |= AT;
            let i = self.string(at, &mut last[2]);
            put_varint(&mut self.at, i);
        }
        if let Some(variant) = r.variant {
            flags |= VARIANT;
            let i = self.string(variant, &mut last[3]);
            put_varint(&mut self.variant, i);
        }
        self.flags.push(flags);
        self.last = last;
        self.rows += 1;
        Ok(())
    }

    /// Writes the chunk into `out` (cleared first) and empties the encoder for the next one.
    pub(crate) fn finish_into(&mut self, out: &mut Vec<u8>) {
        out.clear();
        out.push(FORMAT);
        put_varint(out, self.rows as u64);
        put_varint(out, self.spans.len() as u64);
        out.append(&mut self.strings);
        out.append(&mut self.metric);
        self.value.write_into(out, &mut self.scratch);
        out.append(&mut self.slice);
        match self.flags.split_first() {
            Some((&first, rest)) if rest.iter().all(|f| *f == first) => {
                out.extend_from_slice(&[PRESENCE_SAME, first]);
                self.flags.clear();
            }
            _ => {
                out.push(PRESENCE_EACH);
                out.append(&mut self.flags);
            }
        }
        self.ci_low.write_into(out, &mut self.scratch);
        self.ci_high.write_into(out, &mut self.scratch);
        out.append(&mut self.n);
        out.append(&mut self.at);
        out.append(&mut self.variant);
        self.index.clear();
        self.spans.clear();
        self.last = [None; 4];
        self.rows = 0;
    }
}

/// A row read back, with the index of its slice text in the chunk's string table (so a reader
/// can parse each distinct slice once per chunk).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecodedRow<'a> {
    pub(crate) row: EvalRowRef<'a>,
    pub(crate) slice_id: usize,
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|e| *e <= self.data.len())
            .ok_or_else(|| format!("the chunk ends inside its {what}"))?;
        let bytes = &self.data[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn varint(&mut self, what: &str) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self
                .data
                .get(self.pos)
                .ok_or_else(|| format!("the chunk ends inside its {what}"))?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(format!("an overlong number in the {what}"))
    }

    fn index(&mut self, what: &str, strings: usize) -> Result<usize, String> {
        let i = self.varint(what)?;
        usize::try_from(i)
            .ok()
            .filter(|i| *i < strings)
            .ok_or_else(|| format!("{what} names string {i} of {strings}"))
    }

    fn indexes(&mut self, what: &str, count: usize, strings: usize) -> Result<Vec<usize>, String> {
        (0..count).map(|_| self.index(what, strings)).collect()
    }

    /// A numbers column of `count` (see the module documentation); format 1 has no scale.
    fn numbers(&mut self, what: &str, count: usize, format: u8) -> Result<Vec<f64>, String> {
        let scale = if format == FORMAT_BINARY {
            BINARY
        } else {
            self.take(1, what)?[0]
        };
        match scale {
            BINARY => self.floats(what, count),
            s if s <= MAX_SCALE => {
                let p = POW10[usize::from(s)];
                (0..count)
                    .map(|_| self.varint(what).map(|m| unzigzag(m) as f64 / p))
                    .collect()
            }
            s => Err(format!(
                "the {what} column has scale {s}, which no format uses"
            )),
        }
    }

    fn floats(&mut self, what: &str, count: usize) -> Result<Vec<f64>, String> {
        let bytes = self.take(count.checked_mul(8).ok_or("too many rows")?, what)?;
        bytes
            .chunks_exact(8)
            .map(|c| {
                let mut w = [0u8; 8];
                w.copy_from_slice(c);
                let v = f64::from_le_bytes(w);
                finite(what, v).map(|()| v)
            })
            .collect()
    }
}

/// Decodes a chunk, handing each row to `each` in order; returns the number of rows. Any
/// damage (wrong format, truncation, an index out of range, text that is not UTF-8, a
/// non-finite number, bytes left over) is an error naming what is wrong.
pub(crate) fn decode<'a>(
    data: &'a [u8],
    mut each: impl FnMut(DecodedRow<'a>) -> Result<(), String>,
) -> Result<usize, String> {
    let mut c = Cursor { data, pos: 0 };
    let format = c.take(1, "header")?[0];
    if format != FORMAT && format != FORMAT_BINARY {
        return Err(format!(
            "chunk format {format} is unknown (this build reads {FORMAT_BINARY} and {FORMAT})"
        ));
    }
    let rows = usize::try_from(c.varint("header")?)
        .ok()
        .filter(|r| (1..=CHUNK_ROWS).contains(r))
        .ok_or_else(|| format!("a chunk holds 1 to {CHUNK_ROWS} rows"))?;
    let count = usize::try_from(c.varint("string table")?)
        .ok()
        .filter(|s| *s <= rows * 4)
        .ok_or("the string table is longer than the rows could use")?;
    let mut strings = Vec::with_capacity(count);
    for _ in 0..count {
        let len = usize::try_from(c.varint("string table")?).map_err(|e| e.to_string())?;
        let bytes = c.take(len, "string table")?;
        strings
            .push(std::str::from_utf8(bytes).map_err(|e| format!("a string is not UTF-8: {e}"))?);
    }
    let metric = c.indexes("metric column", rows, count)?;
    let value = c.numbers("value", rows, format)?;
    let slice = c.indexes("slice column", rows, count)?;
    let flags: std::borrow::Cow<'a, [u8]> = if format == FORMAT_BINARY {
        c.take(rows, "presence column")?.into()
    } else {
        match c.take(1, "presence column")?[0] {
            PRESENCE_EACH => c.take(rows, "presence column")?.into(),
            PRESENCE_SAME => vec![c.take(1, "presence column")?[0]; rows].into(),
            k => {
                return Err(format!(
                    "the presence column starts with {k}, which no format uses"
                ))
            }
        }
    };
    if let Some(f) = flags
        .iter()
        .find(|f| **f & !(CI_LOW | CI_HIGH | N | AT | VARIANT) != 0)
    {
        return Err(format!("presence flags {f:#04x} hold unknown bits"));
    }
    let with = |bit: u8| flags.iter().filter(|f| **f & bit != 0).count();
    let ci_low = c.numbers("ci_low", with(CI_LOW), format)?;
    let ci_high = c.numbers("ci_high", with(CI_HIGH), format)?;
    let n = (0..with(N))
        .map(|_| c.varint("n column").map(unzigzag))
        .collect::<Result<Vec<_>, _>>()?;
    let at = c.indexes("at column", with(AT), count)?;
    let variant = c.indexes("variant column", with(VARIANT), count)?;
    if c.pos != data.len() {
        return Err(format!(
            "{} bytes follow the last column",
            data.len() - c.pos
        ));
    }
    let (mut il, mut ih, mut inn, mut ia, mut iv) = (0, 0, 0, 0, 0);
    // The position in an optional column of the row's entry, when its bit is set.
    fn next(bit: u8, flags: u8, i: &mut usize) -> Option<usize> {
        (flags & bit != 0).then(|| {
            *i += 1;
            *i - 1
        })
    }
    for r in 0..rows {
        let f = flags[r];
        let row = EvalRowRef {
            metric: strings[metric[r]],
            value: value[r],
            slice: strings[slice[r]],
            ci_low: next(CI_LOW, f, &mut il).map(|i| ci_low[i]),
            ci_high: next(CI_HIGH, f, &mut ih).map(|i| ci_high[i]),
            n: next(N, f, &mut inn).map(|i| n[i]),
            at: next(AT, f, &mut ia).map(|i| strings[at[i]]),
            variant: next(VARIANT, f, &mut iv).map(|i| strings[variant[i]]),
        };
        each(DecodedRow {
            row,
            slice_id: slice[r],
        })?;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Owned {
        metric: String,
        value: f64,
        slice: String,
        ci_low: Option<f64>,
        ci_high: Option<f64>,
        n: Option<i64>,
        at: Option<String>,
        variant: Option<String>,
    }

    impl Owned {
        fn as_ref(&self) -> EvalRowRef<'_> {
            EvalRowRef {
                metric: &self.metric,
                value: self.value,
                slice: &self.slice,
                ci_low: self.ci_low,
                ci_high: self.ci_high,
                n: self.n,
                at: self.at.as_deref(),
                variant: self.variant.as_deref(),
            }
        }

        fn of(r: &EvalRowRef<'_>) -> Owned {
            Owned {
                metric: r.metric.into(),
                value: r.value,
                slice: r.slice.into(),
                ci_low: r.ci_low,
                ci_high: r.ci_high,
                n: r.n,
                at: r.at.map(Into::into),
                variant: r.variant.map(Into::into),
            }
        }
    }

    fn round_trip(rows: &[Owned]) -> Vec<Owned> {
        let mut enc = ChunkEncoder::default();
        for r in rows {
            enc.push(&r.as_ref()).expect("finite");
        }
        assert_eq!(enc.rows(), rows.len());
        let mut blob = Vec::new();
        enc.finish_into(&mut blob);
        assert_eq!(enc.rows(), 0);
        let mut out = Vec::new();
        let n = decode(&blob, |d| {
            out.push(Owned::of(&d.row));
            Ok(())
        })
        .expect("decodes");
        assert_eq!(n, rows.len());
        out
    }

    fn plain(metric: &str, value: f64) -> Owned {
        Owned {
            metric: metric.into(),
            value,
            slice: String::new(),
            ci_low: None,
            ci_high: None,
            n: None,
            at: None,
            variant: None,
        }
    }

    #[test]
    fn every_field_round_trips() {
        let full = Owned {
            metric: "latency_ms".into(),
            value: -0.0,
            slice: "age=18-25,gender=female".into(),
            ci_low: Some(-1e300),
            ci_high: Some(f64::MAX),
            n: Some(i64::MAX),
            at: Some("2026-11-01T12:00:00Z".into()),
            variant: Some("canary".into()),
        };
        let cases: Vec<(&str, Owned)> = vec![
            ("plain", plain("accuracy", 0.9)),
            ("everything", full.clone()),
            (
                "empty strings are not absent",
                Owned {
                    metric: String::new(),
                    at: Some(String::new()),
                    variant: Some(String::new()),
                    ..plain("", 1.0)
                },
            ),
            (
                "negative n",
                Owned {
                    n: Some(-7),
                    ..plain("x", 0.0)
                },
            ),
            (
                "smallest n",
                Owned {
                    n: Some(i64::MIN),
                    ..plain("x", 0.0)
                },
            ),
            (
                "zero n",
                Owned {
                    n: Some(0),
                    ..plain("x", 0.0)
                },
            ),
            (
                "only ci_low",
                Owned {
                    ci_low: Some(0.1),
                    ..plain("x", 0.2)
                },
            ),
            (
                "only ci_high",
                Owned {
                    ci_high: Some(0.3),
                    ..plain("x", 0.2)
                },
            ),
            (
                "only at",
                Owned {
                    at: Some("t".into()),
                    ..plain("x", 0.2)
                },
            ),
            (
                "only variant",
                Owned {
                    variant: Some("v".into()),
                    ..plain("x", 0.2)
                },
            ),
            ("tiny", plain("x", f64::MIN_POSITIVE)),
            (
                "unicode",
                Owned {
                    slice: "pays=côte-d'ivoire".into(),
                    ..plain("ünï", 3.5)
                },
            ),
            (
                "the same text as metric, slice, at and variant",
                Owned {
                    slice: "same".into(),
                    at: Some("same".into()),
                    variant: Some("same".into()),
                    ..plain("same", 1.0)
                },
            ),
        ];
        for (name, row) in &cases {
            assert_eq!(
                round_trip(std::slice::from_ref(row)),
                vec![row.clone()],
                "{name}"
            );
        }
        let all: Vec<Owned> = cases.into_iter().map(|(_, r)| r).collect();
        assert_eq!(round_trip(&all), all);
        // A full chunk.
        let many: Vec<Owned> = (0..CHUNK_ROWS)
            .map(|i| Owned {
                n: (i % 3 == 0).then_some(i as i64),
                ..plain(&format!("m{}", i % 7), i as f64)
            })
            .collect();
        assert_eq!(round_trip(&many), many);
    }

    #[test]
    fn non_finite_numbers_are_refused_before_encoding() {
        for (name, row) in [
            ("NaN value", plain("x", f64::NAN)),
            ("infinite value", plain("x", f64::INFINITY)),
            (
                "NaN ci_low",
                Owned {
                    ci_low: Some(f64::NAN),
                    ..plain("x", 1.0)
                },
            ),
            (
                "infinite ci_high",
                Owned {
                    ci_high: Some(f64::NEG_INFINITY),
                    ..plain("x", 1.0)
                },
            ),
        ] {
            let mut enc = ChunkEncoder::default();
            enc.push(&plain("ok", 1.0).as_ref()).expect("finite");
            let err = enc.push(&row.as_ref()).expect_err(name);
            assert!(err.contains("not a finite number"), "{name}: {err}");
            // Nothing of the refused row was written.
            let mut blob = Vec::new();
            enc.finish_into(&mut blob);
            let mut back = Vec::new();
            decode(&blob, |d| {
                back.push(Owned::of(&d.row));
                Ok(())
            })
            .expect("decodes");
            assert_eq!(back, vec![plain("ok", 1.0)], "{name}");
        }
    }

    #[test]
    fn damage_is_reported_not_trusted() {
        let mut enc = ChunkEncoder::default();
        for i in 0..10 {
            let row = Owned {
                n: Some(i),
                at: Some(format!("t{i}")),
                ..plain("m", 0.5)
            };
            enc.push(&row.as_ref()).expect("finite");
        }
        let mut blob = Vec::new();
        enc.finish_into(&mut blob);
        let ok = |b: &[u8]| decode(b, |_| Ok(()));
        assert_eq!(ok(&blob), Ok(10));
        // Every truncation fails, and so does a trailing byte.
        for len in 0..blob.len() {
            assert!(ok(&blob[..len]).is_err(), "truncated to {len}");
        }
        let mut longer = blob.clone();
        longer.push(0);
        assert!(ok(&longer)
            .expect_err("trailing byte")
            .contains("follow the last column"));
        let mut format = blob.clone();
        format[0] = 3;
        assert!(ok(&format).expect_err("format").contains("format 3"));
        // One row, strings "m" and "": the value column sits after format, R, S, [1 'm'], [0]
        // and the metric index. 0.5 is one decimal: scale 1, then zigzag(5).
        let single = |value: f64| {
            let mut one = ChunkEncoder::default();
            one.push(&plain("m", value).as_ref()).expect("finite");
            let mut single = Vec::new();
            one.finish_into(&mut single);
            single
        };
        let half = single(0.5);
        assert_eq!(&half[7..9], &[1, 10]);
        let mut scale = half.clone();
        scale[7] = 16;
        assert!(ok(&scale)
            .expect_err("scale")
            .contains("value column has scale 16"));
        // 0.1 + 0.2 has no decimal form within 15 places: binary64 (scale byte 255). A NaN
        // written over it is refused.
        let mut binary = single(0.1 + 0.2);
        assert_eq!(binary[7], BINARY);
        assert_eq!(&binary[8..16], &(0.1f64 + 0.2).to_le_bytes());
        binary[8..16].copy_from_slice(&f64::NAN.to_le_bytes());
        assert!(ok(&binary)
            .expect_err("NaN")
            .contains("not a finite number"));
        // Format 1, as chunks written before format 2: no scale byte, binary64 numbers.
        let mut old = vec![FORMAT_BINARY, 1, 2, 1, b'm', 0, 0];
        old.extend_from_slice(&0.25f64.to_le_bytes());
        old.extend_from_slice(&[1, 0]);
        let mut read = Vec::new();
        decode(&old, |r| {
            read.push((r.row.metric, r.row.value, r.row.slice));
            Ok(())
        })
        .expect("format 1 decodes");
        assert_eq!(read, vec![("m", 0.25, "")]);
        // Flipping any single byte never panics.
        for i in 0..blob.len() {
            let mut b = blob.clone();
            b[i] ^= 0xff;
            let _ = ok(&b);
        }
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![Just(String::new()), "[a-z_=,.0-9]{1,12}", "\\PC{0,6}"]
    }

    fn finite_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>().prop_filter("finite", |v| v.is_finite()),
            Just(0.0),
            Just(-0.0),
            -1.0..1.0f64,
            // Values as files write them: a few decimals (stored as decimals), near the
            // scales' edges, and large.
            (any::<i32>(), 0u32..8).prop_map(|(m, k)| f64::from(m) / 10f64.powi(k as i32)),
            (-9_007_199_254_740_993i64..9_007_199_254_740_993, 0u32..18)
                .prop_map(|(m, k)| m as f64 / 10f64.powi(k as i32)),
            (0u32..17).prop_map(|k| 1.0 / 10f64.powi(k as i32)),
        ]
    }

    fn row() -> impl Strategy<Value = Owned> {
        (
            text(),
            finite_f64(),
            text(),
            proptest::option::of(finite_f64()),
            proptest::option::of(finite_f64()),
            proptest::option::of(any::<i64>()),
            proptest::option::of(text()),
            proptest::option::of(text()),
        )
            .prop_map(
                |(metric, value, slice, ci_low, ci_high, n, at, variant)| Owned {
                    metric,
                    value,
                    slice,
                    ci_low,
                    ci_high,
                    n,
                    at,
                    variant,
                },
            )
    }

    #[test]
    fn values_with_few_decimals_are_stored_as_decimals() {
        // (values, bytes per value the value column may take at most, scale byte)
        let cases: Vec<(&str, Vec<f64>, usize, u8)> = vec![
            (
                "six decimals",
                (0..4096)
                    .map(|i| f64::from(i * 37 % 1_000_000) / 1e6)
                    .collect(),
                3,
                6,
            ),
            (
                "whole numbers",
                (0..4096).map(|i| f64::from(i % 100)).collect(),
                2,
                0,
            ),
            (
                "one odd value makes the column binary",
                (0..4096)
                    .map(|i| if i == 4000 { 0.1 + 0.2 } else { 0.5 })
                    .collect(),
                8,
                BINARY,
            ),
            ("too large for decimals", vec![1e300; 10], 8, BINARY),
        ];
        for (what, values, per_value, scale) in cases {
            let mut enc = ChunkEncoder::default();
            for v in &values {
                enc.push(&plain("m", *v).as_ref()).expect("finite");
            }
            let mut blob = Vec::new();
            enc.finish_into(&mut blob);
            let mut back = Vec::new();
            decode(&blob, |r| {
                back.push(r.row.value.to_bits());
                Ok(())
            })
            .expect("decodes");
            assert_eq!(
                back,
                values.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                "{what}"
            );
            // Format, R, S, strings "m" and "", one metric index per row: then the value column.
            let r_len = if values.len() < 128 { 1 } else { 2 };
            let at = 1 + r_len + 1 + 3 + values.len();
            assert_eq!(blob[at], scale, "{what}: scale byte");
            // After it: the slice column, the presence column (every row alike: two bytes),
            // and ci_low's and ci_high's scale bytes.
            let rest = blob.len() - at - 1 - values.len() - 2 - 2;
            assert!(
                rest <= per_value * values.len(),
                "{what}: {rest} bytes for {} values",
                values.len()
            );
        }
    }

    proptest! {
        #[test]
        fn any_rows_round_trip(rows in proptest::collection::vec(row(), 1..200)) {
            let back = round_trip(&rows);
            // Compare bit patterns so -0.0 and 0.0 stay apart.
            let bits = |r: &Owned| (r.value.to_bits(), r.ci_low.map(f64::to_bits), r.ci_high.map(f64::to_bits));
            prop_assert_eq!(back.iter().map(bits).collect::<Vec<_>>(), rows.iter().map(bits).collect::<Vec<_>>());
            prop_assert_eq!(back, rows);
        }
    }
}
