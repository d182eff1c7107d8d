//! YAML for readers that speak YAML 1.1 (PyYAML, and so `huggingface_hub`).
//!
//! A general YAML serializer writes `yes`, `on`, `1_000` or `=` as plain scalars, which YAML
//! 1.2 reads as strings but PyYAML reads as booleans, numbers or a special tag. Here every
//! string is written double-quoted with JSON escapes (a double-quoted YAML scalar is a superset
//! of a JSON string), so every reader sees the same text, trailing newlines included. Keys that
//! are plain identifiers stay bare for readability; mappings and lists use block style.

use serde_json::{Map, Value};

fn scalar(v: &Value) -> String {
    match v {
        // serde_json cannot fail on a string; its escaping is what YAML's double quotes read.
        Value::String(s) => serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

fn key(k: &str) -> String {
    let bare = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
        && !matches!(
            k.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        );
    if bare {
        k.to_string()
    } else {
        scalar(&Value::String(k.to_string()))
    }
}

fn is_block(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn inline(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => scalar(other),
    }
}

/// `m` at `indent`; in a list item (`after_dash`) the first key follows its `- `.
fn mapping(m: &Map<String, Value>, indent: usize, after_dash: bool, out: &mut String) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 || !after_dash {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&key(k));
        out.push(':');
        if is_block(v) {
            out.push('\n');
            node(v, indent + 2, out);
        } else {
            out.push(' ');
            out.push_str(&inline(v));
            out.push('\n');
        }
    }
}

fn node(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) => mapping(m, indent, false, out),
        Value::Array(items) => {
            for item in items {
                out.push_str(&" ".repeat(indent));
                out.push_str("- ");
                match item {
                    Value::Object(m) if !m.is_empty() => mapping(m, indent + 2, true, out),
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        node(item, indent + 2, out);
                    }
                    other => {
                        out.push_str(&inline(other));
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            out.push_str(&" ".repeat(indent));
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

/// `map` as a block-style YAML document body (no `---`), ending with a newline.
pub fn to_yaml(map: &Map<String, Value>) -> String {
    let mut out = String::new();
    mapping(map, 0, false, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_stay_strings_for_yaml_1_1_readers() {
        let Value::Object(m) = json!({
            "a": "yes", "on": "off", "n": "1_000", "eq": "=", "keep": "two\n\n",
            "list": ["no", 1, true, null, {"x": "y", "z": [1]}],
            "empty": [], "obj": {"k": "v"}, "odd key": "~",
        }) else {
            unreachable!()
        };
        assert_eq!(
            to_yaml(&m),
            "a: \"yes\"\nempty: []\neq: \"=\"\nkeep: \"two\\n\\n\"\nlist:\n  - \"no\"\n  - 1\n  - true\n  - null\n  - x: \"y\"\n    z:\n      - 1\n\"n\": \"1_000\"\nobj:\n  k: \"v\"\n\"odd key\": \"~\"\n\"on\": \"off\"\n"
        );
    }
}
