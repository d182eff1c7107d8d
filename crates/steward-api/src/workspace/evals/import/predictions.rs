//! Raw-prediction CSV: `y_true,y_pred,<group columns…>`, counted into fairness rates.

use super::*;

pub(super) fn predictions<R: Read>(
    rdr: &mut CsvRecords<R>,
    names: &[String],
    header_line: u64,
    file: &str,
    out: &mut dyn RowOut,
    cancel: &Cancel,
) -> Result<u64> {
    let find = |n: &str| names.iter().position(|h| h == n);
    let (Some(t), Some(p)) = (find("y_true"), find("y_pred")) else {
        let missing = if find("y_true").is_none() {
            "y_true"
        } else {
            "y_pred"
        };
        return Err(bad(file, &format!("line {header_line}"), format!("missing column {missing:?}; a predictions CSV has y_true,y_pred and one column per group key")));
    };
    let groups: Vec<(usize, &str)> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != t && *i != p)
        .map(|(i, n)| (i, n.as_str()))
        .collect();
    if groups.is_empty() {
        return Err(bad(
            file,
            &format!("line {header_line}"),
            "no group columns; add one column per group key (e.g. gender,age_band)",
        ));
    }
    if groups.len() > MAX_GROUP_KEYS {
        return Err(bad(
            file,
            &format!("line {header_line}"),
            format!(
                "{} group columns; a predictions file may have at most {MAX_GROUP_KEYS} (fairness and its chart are computed for every key); split the file by key",
                groups.len()
            ),
        ));
    }
    for (i, g) in &groups {
        if check_metric_name(g).is_err() || g.contains('=') {
            return Err(bad(
                file,
                &format!("line {header_line}, column {}", i + 1),
                format!("{g:?} is not a usable group key"),
            ));
        }
    }
    let mut counter = RateCounter::default();
    let mut seen = 0u64;
    let mut distinct: HashMap<&str, std::collections::HashSet<String>> = HashMap::new();
    while next_record(rdr, &mut seen, file, cancel)? {
        let record = &*rdr;
        let line = record.line();
        let label = |i: usize, name: &str| {
            let v = record.get(i).unwrap_or("").trim();
            cell::label(v).map_err(|reason| {
                bad(
                    file,
                    &format!("line {line}, column {} ({name})", i + 1),
                    reason,
                )
            })
        };
        let (yt, yp) = (label(t, "y_true")?, label(p, "y_pred")?);
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(groups.len());
        for (i, g) in &groups {
            let v = record.get(*i).unwrap_or("").trim();
            if v.is_empty() || v.contains([',', '=']) {
                return Err(bad(
                    file,
                    &format!("line {line}, column {} ({g})", i + 1),
                    format!("{v:?} is not a group value (empty, or holds ',' or '=')"),
                ));
            }
            let set = distinct.entry(g).or_default();
            if !set.contains(v) {
                if set.len() >= MAX_GROUPS {
                    return Err(bad(
                        file,
                        &format!("line {line}, column {} ({g})", i + 1),
                        format!(
                            "more than {MAX_GROUPS} distinct groups; is {g} really a group key?"
                        ),
                    ));
                }
                set.insert(v.to_string());
            }
            pairs.push((g, v));
        }
        counter.add(&pairs, yt, yp);
    }
    if seen == 0 {
        return Err(no_rows(file, header_line));
    }
    let mut rows = 0u64;
    let mut emit = |slice: &str, r: &steward_domain::eval::fairness::GroupRates| -> Result<()> {
        let n = i64::try_from(r.confusion.n()).unwrap_or(i64::MAX);
        for (metric, value) in [
            ("selection_rate", r.selection_rate),
            ("true_positive_rate", r.tpr),
            ("false_positive_rate", r.fpr),
        ] {
            out.push(&EvalRowRef {
                metric,
                value,
                slice,
                n: Some(n),
                ..EvalRowRef::default()
            })?;
            rows += 1;
        }
        Ok(())
    };
    emit("", &counter.overall())?;
    for (key, groups) in counter.by_key() {
        for g in groups {
            emit(&Slice::single(&key, &g.group).to_string(), &g)?;
        }
    }
    Ok(rows)
}

// ---- JSON ---------------------------------------------------------------------------------
