use super::*;

fn redactor() -> Redactor {
    let rules = FeedbackRules {
        max_tokens: 40,
        patterns: vec![ExtraPattern {
            name: "employee-id".into(),
            pattern: r"\bEMP-[0-9]{6}\b".into(),
            line: 1,
        }],
    };
    Redactor::new(&rules).expect("valid")
}

#[test]
fn each_kind_of_personal_data_is_redacted() {
    // (text, what is left, the kind found)
    let cases: &[(&str, &str, &str)] = &[
        ("mail jane.doe@example.com now", "mail [EMAIL] now", "email"),
        (
            "write to J+tag@mail.example.co.uk.",
            "write to [EMAIL].",
            "email",
        ),
        ("call +44 20 7946 0958 today", "call [PHONE] today", "phone"),
        ("call (555) 123-4567", "call [PHONE]", "phone"),
        ("or 555-123-4567.", "or [PHONE].", "phone"),
        ("tel +14155552671", "tel [PHONE]", "phone"),
        ("mobile 07700 900123", "mobile [PHONE]", "phone"),
        ("mobile 07700900123", "mobile [PHONE]", "phone"),
        ("Berlin 030 12345678", "Berlin [PHONE]", "phone"),
        ("US 555.123.4567", "US [PHONE]", "phone"),
        ("card 4111 1111 1111 1111 exp", "card [CARD] exp", "card"),
        ("card 4111-1111-1111-1111", "card [CARD]", "card"),
        ("mc 5555555555554444", "mc [CARD]", "card"),
        ("amex 378282246310005", "amex [CARD]", "card"),
        (
            "iban DE89 3704 0044 0532 0130 00 please",
            "iban [IBAN] please",
            "iban",
        ),
        ("iban DE89370400440532013000", "iban [IBAN]", "iban"),
        ("GB82 WEST 1234 5698 7654 32", "[IBAN]", "iban"),
        ("fr FR1420041010050500013M02606", "fr [IBAN]", "iban"),
        ("lower de89 3704 0044 0532 0130 00", "lower [IBAN]", "iban"),
        ("from 192.168.1.20 at", "from [IP] at", "ipv4"),
        ("host 10.0.0.1.", "host [IP].", "ipv4"),
        ("v6 2001:db8::8a2e:370:7334 seen", "v6 [IP] seen", "ipv6"),
        ("mapped ::ffff:192.0.2.1", "mapped [IP]", "ipv6"),
        ("link fe80::1%eth0 up", "link [IP] up", "ipv6"),
        (
            "full 2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            "full [IP]",
            "ipv6",
        ),
        (
            "staff EMP-004512 said",
            "staff [EMPLOYEE-ID] said",
            "employee-id",
        ),
    ];
    let r = redactor();
    for (text, want, kind) in cases {
        let got = r.redact(text);
        assert_eq!(got.text, *want, "{text}");
        assert_eq!(got.found.get(*kind), Some(&1), "{text}: {:?}", got.found);
        assert_eq!(got.total(), 1, "{text}: {:?}", got.found);
    }
}

#[test]
fn counter_examples_are_not_redacted() {
    let cases: &[&str] = &[
        "version 1.2.0-12 is live",
        "copilot@1.3.0-15",
        "released 2026-11-30 at 10:30:45",
        "due 30/11/2026 or 30.11.2026",
        "on 2026-11-30T09:00:00Z",
        "order 12345678 shipped",
        "order #4111111111111112",
        "order ORD-2026-000123",
        "ref 1234567890123456789012",
        "not a card 4111111111111112",
        "not a card 4111 1111 1111 1112",
        "zeros 0000000000000000",
        "iban check fails GB82 WEST ABCD EFGH IJKL MN",
        "std::vector and a::b",
        "oid 1.2.3.4.5 and v1.2.3.4",
        "octets 999.1.1.1",
        "paid 1 234 567 EUR",
        "foo@bar is not an address",
        "look at this and at that",
        "we met at noon, dot the i",
        "mac 00:1A:2B:3C:4D:5E",
        "HTTP 404 on port 8080",
        "build 20261130 commit 3f2a9c1",
        "ticket 555-12",
        "time 10:30 to 11:45",
        "ratio 0.123456789",
        "path /api/v1/users/1234567",
        "sku ABC-1234567",
        "",
    ];
    let r = redactor();
    for text in cases {
        let got = r.redact(text);
        assert_eq!(got.text, *text, "{text}: {:?}", got.found);
        assert_eq!(got.total(), 0, "{text}: {:?}", got.found);
    }
}

#[test]
fn a_mistyped_iban_is_not_an_iban() {
    // Its digits may still read as another kind (here a phone number); what matters is that
    // the mod-97 check decides what an IBAN is.
    let got = redactor().redact("GB82 WEST 1234 5698 7654 33");
    assert_eq!(got.found.get("iban"), None, "{:?}", got.found);
}

#[test]
fn several_finds_in_one_text_keep_the_rest() {
    let r = redactor();
    let got = r.redact(
        "I am jane@example.com, card 4111111111111111, from 10.1.2.3, version 1.2.0-12, on 2026-11-30.",
    );
    assert_eq!(
        got.text,
        "I am [EMAIL], card [CARD], from [IP], version 1.2.0-12, on 2026-11-30."
    );
    assert_eq!(got.total(), 3);
}

#[test]
fn the_cut_comes_after_redaction_and_keeps_whole_tokens() {
    let rules = FeedbackRules {
        max_tokens: 3,
        patterns: vec![],
    };
    let r = Redactor::new(&rules).expect("valid");
    let got = r.redact("one jane@example.com three four five");
    assert_eq!(got.text, "one [EMAIL] three […]");
    assert!(got.truncated);
    let got = r.redact("  one  two three  ");
    assert_eq!(got.text, "  one  two three  ");
    assert!(!got.truncated);
    // An email longer than anything: redacted whole before counting.
    let long = format!("{}@example.com and more words here", "a".repeat(500));
    assert_eq!(r.redact(&long).text, "[EMAIL] and more […]");
    assert_eq!(cut_tokens("é ü ö ä", 2), ("é ü […]".to_string(), true));
}

#[test]
fn what_redaction_returns_holds_nothing_a_detector_finds() {
    // (text, what is stored): one pass would leave the phone number behind the address it
    // overlapped, or a number that reads as a phone once the cut removed what followed it.
    let cases: &[(&str, &str, usize)] = &[
        ("call 0171 234 5678 1@x.com", "call [PHONE] [EMAIL]", 40),
        (
            "ring 0171 234 5678 2@mail.example.org or not",
            "ring [PHONE] [EMAIL] or not",
            40,
        ),
        ("jane@example.com", "[EMAIL]", 40),
        ("nothing here", "nothing here", 40),
        ("one two three four", "one two […]", 2),
    ];
    for (text, want, max_tokens) in cases {
        let r = Redactor::new(&FeedbackRules {
            max_tokens: *max_tokens,
            patterns: vec![],
        })
        .expect("rules");
        let got = r.redact(text);
        assert_eq!(got.text, *want, "{text}");
        assert!(
            r.finds(&got.text).is_empty(),
            "{text}: {:?}",
            r.finds(&got.text)
        );
    }
    // A policy pattern matching its own placeholder stops and counts once.
    let r = Redactor::new(&FeedbackRules {
        max_tokens: 40,
        patterns: vec![ExtraPattern {
            name: "name".into(),
            pattern: r"\[[A-Z]+\]|Jane".into(),
            line: 1,
        }],
    })
    .expect("rules");
    let got = r.redact("Jane wrote");
    assert_eq!(got.text, "[NAME] wrote");
    assert_eq!(got.total(), 1, "{:?}", got.found);
    // Every case of the tables above is a fixed point once redacted.
    let r = redactor();
    for text in [
        "I am jane@example.com, card 4111111111111111, from 10.1.2.3, version 1.2.0-12.",
        "call +44 20 7946 0958 today",
        "iban DE89 3704 0044 0532 0130 00 please",
        "v6 2001:db8::8a2e:370:7334 seen",
    ] {
        let got = r.redact(text);
        assert!(r.finds(&got.text).is_empty(), "{text}: {:?}", got.text);
    }
}

#[test]
fn luhn_and_mod97_tables() {
    let digits = |s: &str| -> Vec<u8> { s.bytes().map(|b| b - b'0').collect() };
    for (n, ok) in [
        ("4111111111111111", true),
        ("4111111111111112", false),
        ("79927398713", true),
        ("79927398710", false),
        ("378282246310005", true),
    ] {
        assert_eq!(luhn_valid(&digits(n)), ok, "{n}");
    }
    for (iban, ok) in [
        ("DE89 3704 0044 0532 0130 00", true),
        ("GB82WEST12345698765432", true),
        ("GB82WEST12345698765433", false),
        ("NL91ABNA0417164300", true),
        ("XX00", false),
        ("1234567890123456", false),
    ] {
        assert_eq!(iban_valid(iban), ok, "{iban}");
    }
}

#[test]
fn policy_patterns_that_match_nothing_or_do_not_compile_are_refused() {
    assert!(compile_pattern("a*")
        .expect_err("refused")
        .contains("empty"));
    assert!(compile_pattern("EMP-[0-9").is_err());
    assert!(compile_pattern(r"EMP-\d+").is_ok());
    let bad = FeedbackRules {
        max_tokens: 10,
        patterns: vec![ExtraPattern {
            name: "x".into(),
            pattern: "(".into(),
            line: 3,
        }],
    };
    assert!(Redactor::new(&bad).expect_err("refused").contains("\"x\""));
}

fn item(id: i64, version: &str, variant: &str, kind: FeedbackKind, at: &str) -> FeedbackFacts {
    FeedbackFacts {
        id,
        version: version.into(),
        variant: variant.into(),
        kind,
        at: at.into(),
        text: format!("item {id}"),
        correction: String::new(),
        flagged: false,
        safety: false,
        redactions: 0,
        truncated: false,
        label: None,
    }
}

#[test]
fn summaries_group_by_version_and_variant() {
    use FeedbackKind::*;
    let mut items = vec![
        item(1, "1.2.0-12", "a", ThumbsUp, "2026-11-30T00:00:00Z"),
        item(2, "1.2.0-12", "a", ThumbsUp, "2026-11-30T00:00:00Z"),
        item(3, "1.2.0-12", "a", ThumbsDown, "2026-11-30T00:00:00Z"),
        item(4, "1.2.0-12", "b", Override, "2026-11-30T00:00:00Z"),
        item(5, "1.10.0-20", "a", Correction, "2026-11-30T00:00:00Z"),
    ];
    items[2].flagged = true;
    items[2].label = Some(Label::Wrong);
    items[3].safety = true;
    items[4].redactions = 2;
    let s = summarize(&items);
    let keys: Vec<(&str, &str)> = s
        .iter()
        .map(|s| (s.version.as_str(), s.variant.as_str()))
        .collect();
    assert_eq!(
        keys,
        [("1.10.0-20", "a"), ("1.2.0-12", "a"), ("1.2.0-12", "b")]
    );
    let a = &s[1];
    assert_eq!((a.items, a.thumbs_up, a.thumbs_down), (3, 2, 1));
    assert_eq!(a.thumbs_up_ratio, Some(2.0 / 3.0));
    assert_eq!((a.for_review, a.unlabelled, a.labels.wrong), (1, 0, 1));
    assert_eq!(a.override_rate, Some(0.0));
    let b = &s[2];
    assert_eq!((b.safety, b.for_review, b.unlabelled), (1, 1, 1));
    assert_eq!(b.thumbs_up_ratio, None);
    assert_eq!(b.override_rate, Some(1.0));
    assert_eq!(s[0].redacted_items, 1);
    assert!(summarize(&[]).is_empty());
}

#[test]
fn triage_reads_the_last_seven_days() {
    use FeedbackKind::*;
    let now = crate::gate::time::parse_rfc3339("2026-12-02T12:00:00Z").expect("valid");
    let mut items = vec![
        // Exactly seven days ago: outside (the window is after now − 7 d).
        item(1, "1.2.0-12", "a", ThumbsDown, "2026-11-25T12:00:00Z"),
        item(2, "1.2.0-12", "a", ThumbsDown, "2026-11-25T12:00:01Z"),
        item(3, "1.2.0-12", "a", Correction, "2026-12-02T11:00:00Z"),
        item(4, "1.2.0-12", "a", Override, "2026-12-01T00:00:00Z"),
        item(5, "1.2.0-12", "a", ThumbsUp, "2026-12-01T00:00:00Z"),
        // In the future: outside.
        item(6, "1.2.0-12", "a", ThumbsDown, "2026-12-03T00:00:00Z"),
        item(7, "1.2.0-12", "a", ThumbsUp, "not a time"),
    ];
    items[4].safety = true;
    items[2].text = String::new();
    items[2].correction = "should say X".into();
    let t = triage(&items, now);
    assert_eq!(t.from, "2026-11-25T12:00:00Z");
    assert_eq!(
        (t.items, t.complaints, t.safety_incidents, t.overrides),
        (4, 2, 1, 1)
    );
    let ids: Vec<i64> = t.complaint_samples.iter().map(|i| i.id).collect();
    assert_eq!(ids, [3, 2]);
    assert_eq!(t.complaint_samples[0].text, "should say X");
    assert_eq!(t.safety[0].id, 5);
    assert_eq!(t.override_samples[0].id, 4);
    // Samples are capped; safety reports are not.
    let many: Vec<FeedbackFacts> = (0..30)
        .map(|i| {
            let mut it = item(i, "1.2.0-12", "a", ThumbsDown, "2026-12-01T00:00:00Z");
            it.safety = true;
            it
        })
        .collect();
    let t = triage(&many, now);
    assert_eq!(t.complaint_samples.len(), TRIAGE_SAMPLES);
    assert_eq!(t.safety.len(), 30);
}

#[test]
fn review_queue_rule_and_names() {
    for (flagged, safety, want) in [
        (false, false, false),
        (true, false, true),
        (false, true, true),
        (true, true, true),
    ] {
        assert_eq!(needs_review(flagged, safety), want);
    }
    for k in FeedbackKind::ALL {
        assert_eq!(k.as_str().parse::<FeedbackKind>(), Ok(k));
    }
    for l in Label::ALL {
        assert_eq!(l.as_str().parse::<Label>(), Ok(l));
    }
    assert!("thumbs"
        .parse::<FeedbackKind>()
        .expect_err("refused")
        .contains("thumbs-up"));
    assert!("bad"
        .parse::<Label>()
        .expect_err("refused")
        .contains("unsafe"));
}

#[test]
fn the_queue_puts_safety_first_then_oldest() {
    use FeedbackKind::*;
    let mut items: Vec<FeedbackFacts> = (1..=5)
        .map(|i| item(i, "1.2.0-12", "a", ThumbsDown, "2026-12-01T00:00:00Z"))
        .collect();
    items[0].flagged = true;
    items[1].flagged = true;
    items[1].label = Some(Label::Correct);
    items[3].safety = true;
    items[4].flagged = true;
    // items[2] is neither flagged nor a safety report.
    let ids = |q: Vec<&FeedbackFacts>| q.iter().map(|i| i.id).collect::<Vec<_>>();
    assert_eq!(ids(review_queue(&items, false)), [4, 1, 5]);
    assert_eq!(ids(review_queue(&items, true)), [4, 1, 2, 5]);
}

mod properties {
    use proptest::prelude::*;

    use super::super::*;

    fn luhn_complete(body: &[u8]) -> Vec<u8> {
        // The check digit that makes body + digit pass.
        (0..10u8)
            .map(|d| {
                let mut n = body.to_vec();
                n.push(d);
                n
            })
            .find(|n| luhn_valid(n))
            .unwrap_or_default()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever the text (any Unicode, separators, digits), redaction answers; it never
        /// panics, and a text without digits, `@`, `:` or an "at" comes back unchanged.
        #[test]
        fn redaction_never_panics(text in "\\PC{0,200}") {
            let r = Redactor::new(&FeedbackRules::default()).expect("default rules");
            let out = r.redact(&text);
            let spelled = text.to_lowercase().contains("at");
            if !spelled && !text.chars().any(|c| c.is_ascii_digit() || c == '@' || c == ':') {
                prop_assert_eq!(out.text, text);
            }
        }

        /// Whatever the text, what redaction returns holds nothing the detectors find (what
        /// the deep verify checks stored feedback against).
        #[test]
        fn redacted_text_is_a_fixed_point(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("0171 234 5678".to_string()),
                    Just("1@x.com".to_string()),
                    Just("+44 20 7946 0958".to_string()),
                    Just("4111 1111 1111 1111".to_string()),
                    Just("10.0.0.1".to_string()),
                    Just("DE89 3704 0044 0532 0130 00".to_string()),
                    Just("at".to_string()),
                    Just("dot".to_string()),
                    "[a-z]{1,6}",
                    "[0-9]{1,5}",
                    "[ .@:-]",
                ],
                0..12,
            ),
            glue in prop_oneof![Just(""), Just(" ")],
            max_tokens in 1usize..12,
        ) {
            let text = parts.join(glue);
            let r = Redactor::new(&FeedbackRules { max_tokens, patterns: vec![] }).expect("rules");
            let out = r.redact(&text);
            prop_assert!(r.finds(&out.text).is_empty(), "{:?} -> {:?}", text, out.text);
        }

        /// A Luhn-valid 16-digit card, in any of the three spellings, between any words,
        /// is gone from the output.
        #[test]
        fn every_luhn_valid_card_is_redacted(
            body in proptest::collection::vec(0u8..10, 15),
            sep in prop_oneof![Just(""), Just(" "), Just("-")],
            before in "[a-z]{1,8}",
            after in "[a-z]{1,8}",
        ) {
            let mut digits = body.clone();
            digits[0] = 4;
            let number = luhn_complete(&digits);
            prop_assume!(number.len() == 16);
            let plain: String = number.iter().map(|d| char::from(b'0' + d)).collect();
            let spelled: Vec<String> = plain
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            let text = format!("{before} {} {after}", spelled.join(sep));
            let out = Redactor::new(&FeedbackRules::default()).expect("rules").redact(&text);
            prop_assert_eq!(out.text, format!("{before} [CARD] {after}"));
        }
    }
}
