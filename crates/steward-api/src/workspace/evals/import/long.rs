//! CSV in long format: one metric value per row.

use super::*;

pub(super) const CSV_COLUMNS: [&str; 10] = [
    "metric",
    "value",
    "slice",
    "ci_low",
    "ci_high",
    "n",
    "timestamp",
    "variant",
    "unit",
    "direction",
];

pub(super) fn record_error(file: &str, e: RecordError) -> ApiError {
    match e {
        RecordError::Io(e) => io(file, &e),
        RecordError::Length {
            line,
            expected,
            len,
        } => bad(
            file,
            &format!("line {line}"),
            format!("{len} fields where the header has {expected}"),
        ),
        RecordError::Utf8 { line, field } => bad(
            file,
            &format!("line {line}"),
            format!("field {} is not UTF-8 text", field + 1),
        ),
    }
}

/// A CSV whose header (on `header_line`) is followed by no record.
pub(super) fn no_rows(file: &str, header_line: u64) -> ApiError {
    bad(
        file,
        &format!("line {}", header_line + 1),
        format!("the file has a header (line {header_line}) but no rows"),
    )
}

/// Reads the next record and counts it in `read`, checking every [`CANCEL_EVERY`] records
/// whether the import was cancelled; `false` at the end of the file.
pub(super) fn next_record<R: Read>(
    rdr: &mut CsvRecords<R>,
    read: &mut u64,
    file: &str,
    cancel: &Cancel,
) -> Result<bool> {
    if !rdr.next().map_err(|e| record_error(file, e))? {
        return Ok(false);
    }
    *read += 1;
    if (*read).is_multiple_of(CANCEL_EVERY) && cancel.is_cancelled() {
        return Err(cancelled());
    }
    Ok(true)
}

pub(super) fn csv_any<R: Read>(
    reader: R,
    file: &str,
    catalogue: &Catalogue,
    out: &mut dyn RowOut,
    cancel: &Cancel,
) -> Result<(Format, u64, Vec<MetricDef>)> {
    let mut rdr = CsvRecords::new(reader);
    let headers: Vec<String> = if rdr.next().map_err(|e| record_error(file, e))? {
        rdr.iter().map(str::to_string).collect()
    } else {
        Vec::new()
    };
    // The header's own line: comment and blank lines may come before it.
    let header_line = if headers.is_empty() { 1 } else { rdr.line() };
    let names: Vec<String> = headers
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if names.iter().any(|n| n == "y_true") || names.iter().any(|n| n == "y_pred") {
        let rows = predictions(&mut rdr, &names, header_line, file, out, cancel)?;
        return Ok((Format::Predictions, rows, Vec::new()));
    }
    let mut col: [Option<usize>; 10] = [None; 10];
    for (i, name) in names.iter().enumerate() {
        let canonical = match name.as_str() {
            "group" => "slice",
            "at" | "time" => "timestamp",
            other => other,
        };
        let Some(k) = CSV_COLUMNS.iter().position(|c| *c == canonical) else {
            return Err(bad(
                file,
                &format!("line {header_line}, column {}", i + 1),
                format!(
                    "unknown column {}; a long-format CSV has metric,value and optionally {}",
                    quote(name),
                    CSV_COLUMNS[2..].join(",")
                ),
            ));
        };
        if col[k].is_some() {
            return Err(bad(
                file,
                &format!("line {header_line}, column {}", i + 1),
                format!("column {name:?} appears twice"),
            ));
        }
        col[k] = Some(i);
    }
    for (k, required) in [(0, "metric"), (1, "value")] {
        if col[k].is_none() {
            return Err(bad(
                file,
                &format!("line {header_line}"),
                format!(
                    "missing column {required:?}; the header has {:?} but a long-format CSV needs metric,value (see docs/eval-format.md)",
                    headers.join(",")
                ),
            ));
        }
    }
    let mut metrics = Metrics::new(catalogue);
    // The canonical text of the last multi-pair slice, and the text it came from: files often
    // list a slice's metrics together, so it is parsed once per run of rows, not per row.
    let mut slice_buf = String::new();
    let mut slice_raw = String::new();
    let mut rows = 0u64;
    fn field_of<'r, R: Read>(
        col: &[Option<usize>; 10],
        r: &'r CsvRecords<R>,
        k: usize,
    ) -> Option<&'r str> {
        // Cells are trimmed here (slicing, no copy) rather than by the reader, which would
        // rebuild every record.
        col[k]
            .and_then(|i| r.get(i))
            .map(trim)
            .filter(|s| !s.is_empty())
    }
    while next_record(&mut rdr, &mut rows, file, cancel)? {
        let record = &rdr;
        let line = record.line();
        let fail = |k: usize, reason: String| {
            let value = field_of(&col, record, k).unwrap_or("");
            bad(
                file,
                &format!(
                    "line {line}, column {} ({})",
                    col[k].map_or(0, |i| i + 1),
                    CSV_COLUMNS[k]
                ),
                format!("{reason} (value {})", quote(value)),
            )
        };
        let metric =
            field_of(&col, record, 0).ok_or_else(|| fail(0, "the metric is empty".into()))?;
        metrics
            .see(metric, || {
                format!(
                    "line {line}, column {} (metric)",
                    col[0].map_or(0, |i| i + 1)
                )
            })
            .map_err(|r| fail(0, r))?;
        let number = |k: usize| -> Result<Option<f64>> {
            field_of(&col, record, k)
                .map(|t| {
                    t.parse::<f64>()
                        .map_err(|_| fail(k, "not a number".into()))
                        .and_then(|v| check_value(v).map_err(|r| fail(k, r)))
                })
                .transpose()
        };
        let value = number(1)?.ok_or_else(|| fail(1, "the value is empty".into()))?;
        let (ci_low, ci_high) = (number(3)?, number(4)?);
        check_interval(value, ci_low, ci_high).map_err(|r| fail(3, r))?;
        let n = field_of(&col, record, 5)
            .map(|t| {
                t.parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| fail(5, "n must be a whole number ≥ 0".into()))
            })
            .transpose()?;
        let slice: &str = match field_of(&col, record, 2) {
            None => "",
            // One `key=value` pair is already canonical: no parse, no copy.
            Some(text) if is_single_pair(text) => text,
            Some(text) if text == slice_raw => &slice_buf,
            Some(text) => {
                let s = Slice::parse(text).map_err(|r| fail(2, r))?;
                slice_buf.clear();
                use std::fmt::Write;
                let _ = write!(slice_buf, "{s}");
                slice_raw.clear();
                slice_raw.push_str(text);
                &slice_buf
            }
        };
        let at = field_of(&col, record, 6);
        if let Some(t) = at {
            cell::timestamp(t).map_err(|r| fail(6, r))?;
        }
        let variant = field_of(&col, record, 7);
        if let Some(v) = variant {
            cell::variant(v).map_err(|r| fail(7, r))?;
        }
        if col[9].is_some() {
            metrics
                .declare(metric, field_of(&col, record, 8), field_of(&col, record, 9))
                .map_err(|r| fail(9, r))?;
        }
        out.push(&EvalRowRef {
            metric,
            value,
            slice,
            ci_low,
            ci_high,
            n,
            at,
            variant,
        })?;
    }
    if rows == 0 {
        return Err(no_rows(file, header_line));
    }
    let declared = metrics.finish(file)?;
    Ok((Format::Csv, rows, declared))
}

/// `str::trim`, without walking the text as chars when it starts and ends with an ASCII byte
/// that is not whitespace (nearly every cell).
pub(super) fn trim(text: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii() && !(*b as char).is_whitespace());
    let bytes = text.as_bytes();
    if plain(bytes.first()) && plain(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// Whether `text` is exactly one `key=value` with nothing to trim or reorder.
pub(super) fn is_single_pair(text: &str) -> bool {
    match text.split_once('=') {
        Some((k, v)) => {
            !k.is_empty()
                && !v.is_empty()
                && !text.contains(',')
                && !v.contains('=')
                && k.trim() == k
                && v.trim() == v
        }
        None => false,
    }
}
