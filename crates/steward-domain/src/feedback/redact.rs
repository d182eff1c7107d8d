//! Redaction of free text before it is stored: emails, phone numbers, card numbers (Luhn),
//! IBANs (mod 97), IPv4 and IPv6 addresses, and the policy's own patterns; then the cut to the
//! policy's token limit.
//!
//! Each built-in detector finds candidates with a regular expression and then checks them the
//! way the thing itself is defined: a card number passes the Luhn check, an IBAN the ISO 7064
//! mod-97 check, an address parses as one. What looks like personal data but is not — version
//! strings (`1.2.0-12`), dates, order numbers, long digit runs that fail Luhn, amounts with
//! thousands separators — is left alone; the table in `tests.rs` holds those counter-examples.
//! Overlapping finds go to the detector listed first in [`PiiKind::ALL`].

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use super::FeedbackRules;

/// The largest compiled size of one policy pattern (the regex crate's limit, in bytes).
pub const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The most detector passes over one text (a policy pattern that matches its own placeholder
/// would otherwise never stop; the built-in detectors settle in one or two).
pub const MAX_PASSES: usize = 8;

/// What a redaction replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PiiKind {
    /// An email address.
    Email,
    /// An IBAN passing the mod-97 check.
    Iban,
    /// A card number of 13–19 digits passing the Luhn check.
    Card,
    /// An IPv6 address.
    Ipv6,
    /// An IPv4 address.
    Ipv4,
    /// A phone number.
    Phone,
    /// One of the policy's patterns.
    Pattern,
}

impl PiiKind {
    /// The built-in detectors in priority order, then the policy's patterns.
    pub const ALL: [PiiKind; 7] = [
        PiiKind::Email,
        PiiKind::Iban,
        PiiKind::Card,
        PiiKind::Ipv6,
        PiiKind::Ipv4,
        PiiKind::Phone,
        PiiKind::Pattern,
    ];

    /// The name used in counts and placeholders.
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::Iban => "iban",
            PiiKind::Card => "card",
            PiiKind::Ipv6 => "ipv6",
            PiiKind::Ipv4 => "ipv4",
            PiiKind::Phone => "phone",
            PiiKind::Pattern => "pattern",
        }
    }

    fn placeholder(self) -> &'static str {
        match self {
            PiiKind::Email => "[EMAIL]",
            PiiKind::Iban => "[IBAN]",
            PiiKind::Card => "[CARD]",
            PiiKind::Ipv6 | PiiKind::Ipv4 => "[IP]",
            PiiKind::Phone => "[PHONE]",
            PiiKind::Pattern => "[REDACTED]",
        }
    }
}

/// A redacted text: what may be stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Redacted {
    /// The text with every find replaced by its placeholder, cut to the token limit.
    pub text: String,
    /// How many finds of each kind (by [`PiiKind::as_str`], or the pattern's name).
    pub found: BTreeMap<String, u32>,
    /// Whether the text was cut to the token limit.
    pub truncated: bool,
}

impl Redacted {
    /// Every find, all kinds together.
    pub fn total(&self) -> u32 {
        self.found.values().sum()
    }
}

/// The redactor: the built-in detectors and the policy's patterns, compiled once.
#[derive(Debug, Clone)]
pub struct Redactor {
    email: Regex,
    email_spelled: Regex,
    iban: Regex,
    card: Regex,
    ipv6: Regex,
    ipv4: Regex,
    phone: Regex,
    date: Regex,
    extra: Vec<(String, String, Regex)>,
    max_tokens: usize,
}

/// Compiles one policy pattern as the redactor will run it; the error is the regex crate's
/// message. A pattern that matches the empty text is refused (it would match everywhere).
pub fn compile_pattern(pattern: &str) -> Result<Regex, String> {
    let re = RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string().replace('\n', " "))?;
    if re.is_match("") {
        return Err("the pattern matches the empty text, so it would match everywhere".into());
    }
    Ok(re)
}

#[allow(clippy::expect_used)]
fn builtin(pattern: &str) -> Regex {
    // The built-in patterns are constants covered by the tests; they always compile.
    Regex::new(pattern).expect("built-in redaction pattern")
}

impl Redactor {
    /// The redactor for a policy's feedback rules (their patterns were checked when the
    /// policy was parsed; a pattern that does not compile is refused here too, by name).
    pub fn new(rules: &FeedbackRules) -> Result<Redactor, String> {
        let mut extra = Vec::new();
        for p in &rules.patterns {
            let re = compile_pattern(&p.pattern)
                .map_err(|e| format!("feedback pattern {:?}: {e}", p.name))?;
            extra.push((p.name.clone(), format!("[{}]", p.name.to_uppercase()), re));
        }
        Ok(Redactor {
            email: builtin(
                r"(?i)[a-z0-9._%+\-]+@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*\.[a-z]{2,}",
            ),
            // `jane.doe at example dot com`, `jane (at) example (dot) com`: a user part, "at",
            // and a domain of at least two labels joined by "dot".
            email_spelled: builtin(
                r"(?i)\b[a-z0-9._%+\-]+\s+(?:at|\(at\)|\[at\])\s+[a-z0-9\-]+(?:\s+(?:dot|\(dot\)|\[dot\])\s+[a-z0-9\-]+)+\b",
            ),
            iban: builtin(r"(?i)\b[a-z]{2}[0-9]{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,4})?\b"),
            card: builtin(r"\b[0-9](?:[ \-]?[0-9]){12,18}\b"),
            ipv6: builtin(
                r"(?i)(?:[0-9a-f]{0,4}:){2,7}(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-f]{0,4})(?:%[0-9a-z]+)?",
            ),
            ipv4: builtin(r"\b[0-9]{1,3}(?:\.[0-9]{1,3}){3}\b"),
            phone: builtin(r"\+?\(?[0-9][0-9 .()\-]{5,24}[0-9]"),
            date: builtin(
                r"^(?:[0-9]{4}[\-./][0-9]{1,2}[\-./][0-9]{1,2}|[0-9]{1,2}[\-./][0-9]{1,2}[\-./][0-9]{2,4})$",
            ),
            extra,
            max_tokens: rules.max_tokens,
        })
    }

    /// The token limit texts are cut to.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// Redacts `text`, then cuts it to the token limit (tokens are runs of non-whitespace).
    ///
    /// What comes out holds nothing a detector finds: one pass can leave personal data
    /// behind (a candidate that overlapped an earlier detector's find is dropped whole, and
    /// `0171 234 5678 1@x.com` loses its address but keeps the phone number), so passes repeat
    /// until one changes nothing, up to [`MAX_PASSES`]. A cut can leave a prefix that reads as
    /// personal data once what followed it is gone, so a cut text is redacted again; redaction
    /// never adds a token, so it never needs a second cut.
    pub fn redact(&self, text: &str) -> Redacted {
        let mut found: BTreeMap<String, u32> = BTreeMap::new();
        let whole = self.to_fixed_point(text, &mut found);
        let (cut, truncated) = cut_tokens(&whole, self.max_tokens);
        let text = if truncated {
            self.to_fixed_point(&cut, &mut found)
        } else {
            cut
        };
        Redacted {
            text,
            found,
            truncated,
        }
    }

    /// What one pass of the detectors finds in `text`, by kind (or the pattern's name); empty
    /// for text [`Redactor::redact`] returned (the deep verify reads stored text with it).
    pub fn finds(&self, text: &str) -> BTreeMap<String, u32> {
        self.pass(text).1
    }

    fn to_fixed_point(&self, text: &str, found: &mut BTreeMap<String, u32>) -> String {
        let mut text = text.to_string();
        for _ in 0..MAX_PASSES {
            let (next, pass) = self.pass(&text);
            // Nothing found, or only placeholders a policy pattern matches and replaces by
            // themselves.
            if next == text {
                break;
            }
            for (k, n) in pass {
                *found.entry(k).or_insert(0) += n;
            }
            text = next;
        }
        text
    }

    /// One pass of every detector: the text with each find replaced, and the finds by kind.
    fn pass(&self, text: &str) -> (String, BTreeMap<String, u32>) {
        let mut spans: Vec<(Range<usize>, usize)> = Vec::new();
        // Index into `labels`: 0..6 the built-in kinds, 6.. the policy's patterns.
        let mut take = |found: Vec<Range<usize>>, label: usize| {
            for r in found {
                if !spans
                    .iter()
                    .any(|(s, _)| s.start < r.end && r.start < s.end)
                {
                    spans.push((r, label));
                }
            }
        };
        take(self.emails(text), 0);
        take(self.ibans(text), 1);
        take(self.cards(text), 2);
        take(self.ipv6s(text), 3);
        take(self.ipv4s(text), 4);
        take(self.phones(text), 5);
        for (i, (_, _, re)) in self.extra.iter().enumerate() {
            take(re.find_iter(text).map(|m| m.range()).collect(), 6 + i);
        }
        spans.sort_by_key(|(r, _)| r.start);
        let mut out = String::with_capacity(text.len());
        let mut found: BTreeMap<String, u32> = BTreeMap::new();
        let mut at = 0;
        for (r, label) in spans {
            out.push_str(&text[at..r.start]);
            let (name, placeholder) = match label {
                0..=5 => (
                    PiiKind::ALL[label].as_str(),
                    PiiKind::ALL[label].placeholder(),
                ),
                _ => {
                    let (name, placeholder, _) = &self.extra[label - 6];
                    (name.as_str(), placeholder.as_str())
                }
            };
            out.push_str(placeholder);
            *found.entry(name.to_string()).or_insert(0) += 1;
            at = r.end;
        }
        out.push_str(&text[at..]);
        (out, found)
    }

    fn emails(&self, text: &str) -> Vec<Range<usize>> {
        self.email
            .find_iter(text)
            .chain(self.email_spelled.find_iter(text))
            .map(|m| m.range())
            .filter(|r| {
                // The local part may not start or end with a dot.
                let local = text[r.clone()].split('@').next().unwrap_or("");
                !local.starts_with('.') && !local.ends_with('.')
            })
            .collect()
    }

    fn ibans(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for m in self.iban.find_iter(text) {
            // The candidate may run into a following group; try the ends at group breaks,
            // longest first.
            let s = m.as_str();
            let mut ends: Vec<usize> = s
                .char_indices()
                .filter(|(_, c)| *c == ' ')
                .map(|(i, _)| i)
                .collect();
            ends.push(s.len());
            ends.reverse();
            if let Some(end) = ends.into_iter().find(|&e| iban_valid(&s[..e])) {
                out.push(m.start()..m.start() + end);
            }
        }
        out
    }

    fn cards(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for m in self.card.find_iter(text) {
            let s = m.as_str();
            // Ends after each digit, longest first, so a card followed by another number is
            // still found.
            let ends = s
                .char_indices()
                .filter(|(i, c)| {
                    c.is_ascii_digit()
                        && s[i + 1..]
                            .chars()
                            .next()
                            .is_none_or(|n| !n.is_ascii_digit())
                })
                .map(|(i, _)| i + 1)
                .rev();
            for end in ends {
                let digits: Vec<u8> = s[..end]
                    .bytes()
                    .filter(u8::is_ascii_digit)
                    .map(|b| b - b'0')
                    .collect();
                if (13..=19).contains(&digits.len())
                    && digits.iter().any(|&d| d != 0)
                    && luhn_valid(&digits)
                {
                    out.push(m.start()..m.start() + end);
                    break;
                }
            }
        }
        out
    }

    fn ipv6s(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for m in self.ipv6.find_iter(text) {
            let r = m.range();
            let before = text[..r.start].chars().next_back();
            let after = text[r.end..].chars().next();
            let joined =
                |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
            if joined(before) || joined(after) {
                continue;
            }
            let s = m.as_str();
            let addr = s.split('%').next().unwrap_or(s);
            // `a::b` (a Rust or C++ path) and `::1` parse too; an address written by a
            // person or a log has a group of three or more hex digits or an IPv4 tail.
            let substantial = addr.contains('.') || addr.split(':').any(|g| g.len() >= 3);
            if substantial && addr.parse::<Ipv6Addr>().is_ok() {
                out.push(r);
            }
        }
        out
    }

    fn ipv4s(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for m in self.ipv4.find_iter(text) {
            let r = m.range();
            // Part of a longer dotted run (1.2.3.4.5, an OID) is not an address.
            let b = text.as_bytes();
            let dotted_before =
                r.start >= 2 && b[r.start - 1] == b'.' && b[r.start - 2].is_ascii_digit();
            let dotted_after =
                r.end + 1 < b.len() && b[r.end] == b'.' && b[r.end + 1].is_ascii_digit();
            if dotted_before || dotted_after {
                continue;
            }
            if m.as_str().parse::<Ipv4Addr>().is_ok() {
                out.push(r);
            }
        }
        out
    }

    fn phones(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for m in self.phone.find_iter(text) {
            let mut r = m.range();
            let s = &text[r.clone()];
            // A trailing ")" belongs to the number only when it closes a "(" in it.
            if s.ends_with(')') && !s.contains('(') {
                r.end -= 1;
            }
            let s = &text[r.clone()];
            if self.phone_like(text, r.clone(), s) {
                out.push(r);
            }
        }
        out
    }

    fn phone_like(&self, text: &str, r: Range<usize>, s: &str) -> bool {
        let before = text[..r.start].chars().next_back();
        let after = text[r.end..].chars().next();
        let plus = s.starts_with('+');
        // Glued to a word, a code (ORD-2026…, #123…, /v1/…) or a time: not a phone number.
        if before.is_some_and(|c| c.is_alphanumeric() || "-_#/.:+@".contains(c))
            || after.is_some_and(|c| c.is_alphanumeric() || "-_/:@%".contains(c))
        {
            return false;
        }
        if after == Some('.') && text[r.end + 1..].starts_with(|c: char| c.is_ascii_digit()) {
            return false;
        }
        let digits = s.bytes().filter(u8::is_ascii_digit).count();
        let separated = s.bytes().any(|b| !b.is_ascii_digit() && b != b'+');
        if !(7..=15).contains(&digits) {
            return false;
        }
        if !separated {
            // A bare run: an international number, or a national one starting with 0
            // (10–11 digits); any other run of digits is an order number, an id, an amount.
            return if plus {
                digits >= 8
            } else {
                s.starts_with('0') && (10..=11).contains(&digits)
            };
        }
        // Dates (2026-11-30, 30.11.2026) and version strings (1.2.0-12: dots and hyphens
        // mixed) are not phone numbers.
        if s.split(' ').any(|part| self.date.is_match(part)) {
            return false;
        }
        if s.contains('.') && s.contains('-') {
            return false;
        }
        let groups: Vec<&str> = s
            .split(|c: char| !c.is_ascii_digit())
            .filter(|g| !g.is_empty())
            .collect();
        if s.contains('.') && groups.iter().any(|g| g.len() < 2) {
            return false;
        }
        // 1 234 567 or 12 345 678: an amount with thousands separators.
        if !plus
            && !s.contains(['-', '.', '(', ')'])
            && groups.len() >= 2
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3)
        {
            return false;
        }
        true
    }
}

/// Cuts `text` to its first `max` tokens (runs of non-whitespace), marking the cut with ` […]`.
pub fn cut_tokens(text: &str, max: usize) -> (String, bool) {
    let mut count = 0;
    let mut in_token = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            in_token = false;
        } else if !in_token {
            in_token = true;
            count += 1;
            if count > max {
                let kept = text[..i].trim_end();
                return (format!("{kept} […]"), true);
            }
        }
    }
    (text.to_string(), false)
}

/// The Luhn check over decimal digits.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// The IBAN check (ISO 13616): two letters, two check digits, 11–30 more letters or digits,
/// spaces ignored, the rearranged number mod 97 equal to 1.
pub fn iban_valid(text: &str) -> bool {
    let s: Vec<u8> = text
        .bytes()
        .filter(|b| *b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if !(15..=34).contains(&s.len())
        || !s[..2].iter().all(u8::is_ascii_uppercase)
        || !s[2..4].iter().all(u8::is_ascii_digit)
        || !s.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &b in s[4..].iter().chain(&s[..4]) {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}
