//! What the recorders of the flows' fakes share: the key a call is recorded under, the
//! placeholders that hide what changes from run to run, and the staleness check.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// JSON with object keys sorted: the key a call is recorded under.
pub fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let sorted: BTreeMap<&String, String> =
                m.iter().map(|(k, v)| (k, canonical(v))).collect();
            let inner: Vec<String> = sorted
                .iter()
                .map(|(k, v)| format!("{}:{v}", Value::String((*k).clone())))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// `text` with RFC 3339 times as `<time>`. Digests stay: every text recorded here is fixed, so
/// its sha256 is too.
pub fn placeholders(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let digits =
        |at: usize, n: usize| b.len() >= at + n && b[at..at + n].iter().all(u8::is_ascii_digit);
    while i < b.len() {
        if digits(i, 4)
            && b.get(i + 4) == Some(&b'-')
            && digits(i + 5, 2)
            && b.get(i + 7) == Some(&b'-')
            && digits(i + 8, 2)
            && b.get(i + 10) == Some(&b'T')
            && digits(i + 11, 2)
            && b.get(i + 13) == Some(&b':')
            && digits(i + 14, 2)
            && b.get(i + 16) == Some(&b':')
            && digits(i + 17, 2)
        {
            let mut j = i + 19;
            if b.get(j) == Some(&b'.') {
                j += 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
            }
            if matches!(b.get(j), Some(b'Z')) {
                out.push_str("<time>");
                i = j + 1;
                continue;
            }
            if matches!(b.get(j), Some(b'+' | b'-'))
                && digits(j + 1, 2)
                && b.get(j + 3) == Some(&b':')
            {
                out.push_str("<time>");
                i = j + 6;
                continue;
            }
        }
        let c = text[i..].chars().next().expect("a char");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

pub fn stable(v: &Value) -> Value {
    match v {
        Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), stable(v))).collect(),
        Value::Array(a) => a.iter().map(stable).collect(),
        Value::String(s) => Value::String(placeholders(s)),
        other => other.clone(),
    }
}

/// `v` with the workspace's path written as `(workspace)`.
pub fn scrub(v: Value, root: &str) -> Value {
    match v {
        Value::Object(m) => m.into_iter().map(|(k, v)| (k, scrub(v, root))).collect(),
        Value::Array(a) => a.into_iter().map(|v| scrub(v, root)).collect(),
        Value::String(s) => Value::String(s.replace(root, "(workspace)")),
        other => other,
    }
}

/// Checks `fresh` against the recording at `path` (times as placeholders), or writes it when
/// `STEWARD_UPDATE_FIXTURES` is set; a stale recording fails naming its first difference.
pub fn check(path: &Path, fresh: &Value, regenerate: &str) {
    check_masked(path, fresh, regenerate, Value::clone);
}

/// [`check`], comparing both sides as `mask` leaves them: for values that change on every run
/// beyond times (what is signed with a key made per run, or chained over times).
pub fn check_masked(path: &Path, fresh: &Value, regenerate: &str, mask: fn(&Value) -> Value) {
    let text = serde_json::to_string_pretty(fresh).expect("json") + "\n";
    if std::env::var_os("STEWARD_UPDATE_FIXTURES").is_some() {
        std::fs::write(path, &text).expect("write the recording");
    }
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_default())
        .unwrap_or(Value::Null);
    let (committed, fresh) = (stable(&mask(&committed)), stable(&mask(fresh)));
    if committed == fresh {
        return;
    }
    let first = first_difference(&committed, &fresh);
    panic!(
        "{} is stale (first difference at {first}): run `{regenerate}` and commit it",
        path.display()
    );
}

/// Where two JSON values first differ, as a path with what each side holds there.
fn first_difference(a: &Value, b: &Value) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) if v == w => {}
                    Some(w) => return format!(".{k}{}", first_difference(v, w)),
                    None => return format!(".{k}: only in the recording"),
                }
            }
            match y.keys().find(|k| !x.contains_key(*k)) {
                Some(k) => format!(".{k}: only in the core's answer"),
                None => String::new(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return format!("[{i}]{}", first_difference(v, w));
                }
            }
            format!(": {} recorded, {} now", x.len(), y.len())
        }
        _ => {
            let cut = |v: &Value| v.to_string().chars().take(200).collect::<String>();
            format!(": recorded {}, core now {}", cut(a), cut(b))
        }
    }
}
