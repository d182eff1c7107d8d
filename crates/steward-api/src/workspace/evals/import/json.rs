//! JSON `steward.eval/v1`, each element of `rows` handed on as it is parsed.

use super::*;

#[derive(Default)]
pub(super) struct FileHead {
    pub(super) kind: Option<EvalKind>,
    pub(super) suite: Option<DatasetRef>,
    pub(super) run_at: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRow {
    metric: String,
    value: f64,
    #[serde(default)]
    slice: Option<serde_json::Value>,
    #[serde(default, alias = "group")]
    group_: Option<serde_json::Value>,
    #[serde(default)]
    ci_low: Option<f64>,
    #[serde(default)]
    ci_high: Option<f64>,
    #[serde(default)]
    n: Option<u64>,
    #[serde(default, alias = "at")]
    timestamp: Option<String>,
    #[serde(default)]
    variant: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonMetric {
    name: String,
    #[serde(default)]
    unit: Option<String>,
    direction: String,
}

struct JsonCtx<'a, 'c> {
    file: &'a str,
    given: &'a Given,
    metrics: Metrics<'c>,
    out: &'a mut dyn RowOut,
    cancel: &'a Cancel,
    head: &'a mut FileHead,
    rows: u64,
    format_seen: bool,
    /// The real error behind a serde custom error (its code and text), completed with the
    /// line and column serde_json knows.
    failure: Option<ApiError>,
    slice_buf: String,
}

impl JsonCtx<'_, '_> {
    fn fail<E: de::Error>(&mut self, err: ApiError) -> E {
        let msg = err.message.clone();
        self.failure = Some(err);
        E::custom(msg)
    }

    fn row(&mut self, r: JsonRow) -> std::result::Result<(), (String, String)> {
        let i = self.rows;
        let at = |f: &str| format!("rows[{i}].{f}");
        check_value(r.value).map_err(|e| (at("value"), e))?;
        self.metrics
            .see(&r.metric, || format!("rows[{i}].metric"))
            .map_err(|e| (at("metric"), e))?;
        check_interval(r.value, r.ci_low, r.ci_high).map_err(|e| (at("ci_low"), e))?;
        for v in [r.ci_low, r.ci_high].into_iter().flatten() {
            check_value(v).map_err(|e| (at("ci_low"), e))?;
        }
        let slice_value = match (r.slice, r.group_) {
            (Some(_), Some(_)) => {
                return Err((at("slice"), "give slice or group, not both".into()))
            }
            (s, g) => s.or(g),
        };
        let slice = match slice_value {
            None | Some(serde_json::Value::Null) => Slice::default(),
            Some(serde_json::Value::String(s)) => Slice::parse(&s).map_err(|e| (at("slice"), e))?,
            Some(serde_json::Value::Object(m)) => {
                let text = m
                    .iter()
                    .map(|(k, v)| match v {
                        serde_json::Value::String(s) => Ok(format!("{k}={s}")),
                        other => Ok(format!("{k}={other}")),
                    })
                    .collect::<std::result::Result<Vec<_>, String>>()
                    .map_err(|e| (at("slice"), e))?
                    .join(",");
                Slice::parse(&text).map_err(|e| (at("slice"), e))?
            }
            Some(other) => {
                return Err((
                    at("slice"),
                    format!("{other} is not \"key=value,…\" or an object"),
                ))
            }
        };
        self.slice_buf.clear();
        {
            use std::fmt::Write;
            let _ = write!(self.slice_buf, "{slice}");
        }
        if let Some(t) = &r.timestamp {
            cell::timestamp(t).map_err(|e| (at("timestamp"), e))?;
        }
        if let Some(v) = &r.variant {
            cell::variant(v).map_err(|e| (at("variant"), e))?;
        }
        let n = r.n.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        let row = EvalRowRef {
            metric: &r.metric,
            value: r.value,
            slice: &self.slice_buf,
            ci_low: r.ci_low,
            ci_high: r.ci_high,
            n,
            at: r.timestamp.as_deref(),
            variant: r.variant.as_deref(),
        };
        self.out
            .push(&row)
            .map_err(|e| (String::new(), e.message))?;
        self.rows += 1;
        Ok(())
    }
}

struct Doc<'x, 'a, 'c>(&'x mut JsonCtx<'a, 'c>);
struct Rows<'x, 'a, 'c>(&'x mut JsonCtx<'a, 'c>);

impl<'de> DeserializeSeed<'de> for Doc<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Doc<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {FORMAT} object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let ctx = self.0;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let f: String = map.next_value()?;
                    if f != FORMAT {
                        let e = bad(ctx.file, "format", format!("{f:?} is not {FORMAT:?}"));
                        return Err(ctx.fail(e));
                    }
                    ctx.format_seen = true;
                }
                "kind" => {
                    let k: String = map.next_value()?;
                    match k.parse::<EvalKind>() {
                        Ok(k) => ctx.head.kind = Some(k),
                        Err(e) => {
                            let e = bad(ctx.file, "kind", e);
                            return Err(ctx.fail(e));
                        }
                    }
                }
                "suite" | "dataset" => {
                    let s: String = map.next_value()?;
                    match s.parse::<DatasetRef>() {
                        Ok(s) => ctx.head.suite = Some(s),
                        Err(e) => {
                            let e = bad(ctx.file, "suite", e);
                            return Err(ctx.fail(e));
                        }
                    }
                }
                "run_at" => {
                    let t: String = map.next_value()?;
                    if let Err(r) = cell::timestamp(&t) {
                        let e = bad(ctx.file, "run_at", r);
                        return Err(ctx.fail(e));
                    }
                    ctx.head.run_at = Some(t);
                }
                "model" => {
                    let m: String = map.next_value()?;
                    if !ctx.given.target.is_empty() && m != ctx.given.target {
                        let e = bad(
                            ctx.file,
                            "model",
                            format!(
                                "the file is for {m}, not {}; import it into {m} or fix the file",
                                ctx.given.target
                            ),
                        );
                        return Err(ctx.fail(e));
                    }
                }
                "metrics" => {
                    let defs: Vec<JsonMetric> = map.next_value()?;
                    for (i, d) in defs.iter().enumerate() {
                        if let Err(r) = check_metric_name(&d.name).and_then(|()| {
                            ctx.metrics
                                .declare(&d.name, d.unit.as_deref(), Some(&d.direction))
                        }) {
                            let e = bad(ctx.file, &format!("metrics[{i}]"), r);
                            return Err(ctx.fail(e));
                        }
                    }
                }
                "notes" | "description" | "source" | "tool" => {
                    map.next_value::<de::IgnoredAny>()?;
                }
                "rows" => map.next_value_seed(Rows(&mut *ctx))?,
                other => {
                    let e = bad(
                        ctx.file,
                        other,
                        format!("unknown field {other:?}; {FORMAT} has format, model, kind, suite, run_at, metrics, rows, notes"),
                    );
                    return Err(ctx.fail(e));
                }
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Rows<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of metric rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let ctx = self.0;
        loop {
            if ctx.rows.is_multiple_of(CANCEL_EVERY) && ctx.cancel.is_cancelled() {
                return Err(ctx.fail(cancelled()));
            }
            let i = ctx.rows;
            let row: JsonRow = match seq.next_element() {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(e) => {
                    let text = e.to_string();
                    let reason = text.split(" at line ").next().unwrap_or(&text);
                    let e = ApiError::invalid(format!(
                        "malformed JSON or metric row at rows[{i}]: {reason}"
                    ));
                    return Err(ctx.fail(e));
                }
            };
            if let Err((field, reason)) = ctx.row(row) {
                let e = if field.is_empty() {
                    ApiError::new(ErrorCode::Internal, reason)
                } else {
                    ApiError::invalid(format!("{field}: {reason}"))
                };
                return Err(ctx.fail(e));
            }
        }
        Ok(())
    }
}

pub(super) fn json<R: Read>(
    reader: R,
    file: &str,
    given: &Given,
    catalogue: &Catalogue,
    out: &mut dyn RowOut,
    cancel: &Cancel,
    head: &mut FileHead,
) -> Result<(u64, Vec<MetricDef>)> {
    let mut ctx = JsonCtx {
        file,
        given,
        metrics: Metrics::new(catalogue),
        out,
        cancel,
        head,
        rows: 0,
        format_seen: false,
        failure: None,
        slice_buf: String::new(),
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let parsed = Doc(&mut ctx).deserialize(&mut de).and_then(|()| de.end());
    if let Err(e) = parsed {
        let place = format!("line {}, column {}", e.line(), e.column());
        return Err(match ctx.failure.take() {
            Some(f) if f.code == ErrorCode::InvalidInput => {
                let reason = f
                    .message
                    .trim_end_matches("; nothing was imported")
                    .to_string();
                let reason = reason
                    .strip_prefix(&format!("{file}: "))
                    .unwrap_or(&reason)
                    .to_string();
                bad(file, &place, reason)
            }
            Some(f) => f,
            None if e.is_io() => ApiError::new(
                ErrorCode::Io,
                format!("cannot read {file}: {e}; nothing was imported"),
            ),
            None => {
                let text = e.to_string();
                let reason = text.split(" at line ").next().unwrap_or(&text).to_string();
                bad(file, &place, format!("malformed JSON: {reason}"))
            }
        });
    }
    if !ctx.format_seen {
        return Err(bad(
            file,
            "format",
            format!("missing \"format\": {FORMAT:?}; is this a Steward evaluation file?"),
        ));
    }
    if ctx.rows == 0 {
        return Err(bad(
            file,
            "rows",
            "no rows; an evaluation file holds at least one metric value",
        ));
    }
    let rows = ctx.rows;
    let declared = ctx.metrics.finish(file)?;
    Ok((rows, declared))
}
