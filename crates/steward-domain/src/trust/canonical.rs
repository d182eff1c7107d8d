//! Canonical JSON: the one byte form of everything Steward hashes or signs.
//!
//! The rules follow RFC 8785 (JSON Canonicalization Scheme) restricted to integers:
//!
//! - no whitespace anywhere;
//! - object members sorted by their keys compared as sequences of UTF-16 code units (what
//!   RFC 8785 §3.2.3 prescribes; it differs from byte order only for characters above U+FFFF
//!   against characters U+E000–U+FFFF);
//! - strings with the minimal escaping of RFC 8785 §3.2.2.2: `\"`, `\\`, `\b`, `\t`, `\n`,
//!   `\f`, `\r`, other control characters below U+0020 as `\u00xx` (lowercase hex), and every
//!   other character as its own UTF-8 bytes (no `\u` escapes for non-ASCII, no escaped `/`);
//! - numbers are integers only, within ±(2^53 − 1), written in plain decimal. Fractions,
//!   exponents, NaN and infinities are refused rather than formatted: a float has several
//!   spellings across JSON libraries and an integer outside the I-JSON range is read back as a
//!   different number by JavaScript, so either would make one statement hash two ways. Write a
//!   measured value as a string or as an integer in a stated unit instead.
//!
//! Duplicate keys cannot occur: the input is a parsed [`serde_json::Value`], whose objects
//! are maps.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::error::{Result, TrustError};
use crate::digest::Sha256Digest;

/// The largest integer canonical JSON writes: 2^53 − 1, the I-JSON safe range.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// The canonical bytes of `value`, or a refusal naming where a float or an unsafe integer sits.
pub fn to_canonical_bytes(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    let mut path = String::new();
    write_value(value, &mut out, &mut path)?;
    Ok(out)
}

/// The canonical bytes of any serializable value (serialized to a [`Value`] first).
pub fn canonical_bytes_of<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    let value = serde_json::to_value(value).map_err(|e| TrustError::Serialize {
        what: std::any::type_name::<T>(),
        reason: e.to_string(),
    })?;
    to_canonical_bytes(&value)
}

/// The sha256 of a value's canonical bytes.
pub fn canonical_digest_of<T: Serialize + ?Sized>(value: &T) -> Result<Sha256Digest> {
    let bytes = canonical_bytes_of(value)?;
    Ok(Sha256Digest::from_bytes(Sha256::digest(&bytes).into()))
}

fn write_value(value: &Value, out: &mut Vec<u8>, path: &mut String) -> Result<()> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            let int = n.as_i64().filter(|i| i.abs() <= MAX_SAFE_INTEGER);
            match int {
                Some(i) => out.extend_from_slice(i.to_string().as_bytes()),
                None => {
                    let reason = if n.is_f64() {
                        format!(
                            "{n} is not an integer; canonical JSON holds integers only \
                             (write it as a string or as an integer in a stated unit)"
                        )
                    } else {
                        format!("{n} is outside ±{MAX_SAFE_INTEGER}; write it as a string")
                    };
                    return Err(TrustError::Canonical {
                        path: path.clone(),
                        reason,
                    });
                }
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let len = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                write_value(item, out, path)?;
                path.truncate(len);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                let len = path.len();
                path.push('/');
                // JSON pointer escaping (RFC 6901), so the path names the member exactly.
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                write_value(item, out, path)?;
                path.truncate(len);
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0c => b"\\f",
            b'\r' => b"\\r",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn canon(v: &Value) -> String {
        String::from_utf8(to_canonical_bytes(v).expect("canonical")).expect("utf-8")
    }

    #[test]
    fn sorts_keys_and_drops_whitespace() {
        let v = json!({"b": [1, 2, {"z": null, "a": true}], "a": "x", "": false});
        assert_eq!(
            canon(&v),
            r#"{"":false,"a":"x","b":[1,2,{"a":true,"z":null}]}"#
        );
    }

    #[test]
    fn sorts_keys_by_utf16_code_units_not_bytes() {
        // U+1F600 is D83D DE00 in UTF-16, which sorts before U+FB01 (FB01), though its UTF-8
        // bytes (F0 …) sort after (EF …). RFC 8785 wants the UTF-16 order.
        let v = json!({"\u{fb01}": 1, "\u{1f600}": 2});
        assert_eq!(canon(&v), "{\"\u{1f600}\":2,\"\u{fb01}\":1}");
    }

    #[test]
    fn escapes_minimally() {
        let v = json!("q\" b\\ \u{8}\t\n\u{c}\r \u{1} \u{1f} / é \u{2028} \u{7f}");
        assert_eq!(
            canon(&v),
            "\"q\\\" b\\\\ \\b\\t\\n\\f\\r \\u0001 \\u001f / é \u{2028} \u{7f}\""
        );
    }

    #[test]
    fn writes_integers_in_range_and_refuses_the_rest() {
        assert_eq!(
            canon(&json!([0, -1, MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER])),
            "[0,-1,9007199254740991,-9007199254740991]"
        );
        let cases = [
            (json!({"score": 0.5}), "/score", "not an integer"),
            (json!({"a": [1, 2.0]}), "/a/1", "not an integer"),
            (json!({"n": MAX_SAFE_INTEGER + 1}), "/n", "outside"),
            (json!({"n": u64::MAX}), "/n", "outside"),
            (json!({"a/b~": 1e3}), "/a~1b~0", "not an integer"),
        ];
        for (value, want_path, want_reason) in cases {
            match to_canonical_bytes(&value) {
                Err(TrustError::Canonical { path, reason }) => {
                    assert_eq!(path, want_path, "{value}");
                    assert!(reason.contains(want_reason), "{reason}");
                }
                other => panic!("{value}: expected a refusal, got {other:?}"),
            }
        }
    }

    #[test]
    fn matches_the_rfc8785_sorting_example() {
        // RFC 8785 §3.2.3: the same members, the same order.
        let v: Value = serde_json::from_str(
            r#"{"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
                "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
                "\u00f6": "Latin Small Letter O With Diaeresis"}"#,
        )
        .expect("json");
        let want = concat!(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",",
            "\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",",
            "\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        );
        assert_eq!(canon(&v), want);
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn canonical_bytes_parse_back_to_the_value(v in arb_value()) {
            let bytes = to_canonical_bytes(&v).expect("canonical");
            let parsed: Value = serde_json::from_slice(&bytes).expect("parses");
            prop_assert_eq!(parsed, v);
        }

        #[test]
        fn canonicalising_is_idempotent(v in arb_value()) {
            let once = to_canonical_bytes(&v).expect("canonical");
            let parsed: Value = serde_json::from_slice(&once).expect("parses");
            let twice = to_canonical_bytes(&parsed).expect("canonical");
            prop_assert_eq!(once, twice);
        }
    }
}
