//! A model card written from Hugging Face's own template (made by `huggingface_hub`, see
//! `fixtures/README.md`) is checked as the model-card kind: its `[optional]` headings are found
//! and the sections holding only HF's `[More Information Needed]` placeholder are empty.

use steward_domain::document::{
    builtin_template, check_document, CheckContext, DocumentKind, FindingCode,
};

const CARD: &str = include_str!("fixtures/hf-template-card.md");

#[test]
fn hugging_face_template_card_is_incomplete_with_its_placeholder_sections_listed() {
    let kind = DocumentKind::ModelCard;
    let c = check_document(
        kind,
        &builtin_template(kind),
        CARD,
        &CheckContext::default(),
    );
    assert!(!c.complete);
    let sections = |code: FindingCode| -> Vec<String> {
        c.findings
            .iter()
            .filter(|f| f.code == code)
            .map(|f| {
                f.message
                    .split('"')
                    .nth(1)
                    .unwrap_or_else(|| panic!("{}", f.message))
                    .to_string()
            })
            .collect()
    };
    // Every section Steward requires is there, `## Technical Specifications [optional]`
    // included: HF's headings match despite their ` [optional]` suffix.
    assert_eq!(
        sections(FindingCode::MissingSection),
        Vec::<String>::new(),
        "{:#?}",
        c.findings
    );
    // These hold nothing but HF's placeholder, comments and bold labels. "Bias, risks, and
    // limitations" and "Environmental impact" keep HF's suggested prose, which is text.
    let mut empty = sections(FindingCode::EmptySection);
    empty.sort();
    assert_eq!(
        empty,
        [
            "Evaluation",
            "Model card contact",
            "Model details",
            "Out-of-scope use",
            "Technical specifications",
            "Training details",
            "Uses",
        ],
        "{:#?}",
        c.findings
    );
    // Each empty section points at its heading in the card.
    let line_of = |heading: &str| {
        CARD.lines()
            .position(|l| l == heading)
            .map(|i| u32::try_from(i + 1).expect("small"))
    };
    let technical = c
        .findings
        .iter()
        .find(|f| f.message.contains("\"Technical specifications\""))
        .expect("technical specifications finding");
    assert_eq!(
        technical.line,
        line_of("## Technical Specifications [optional]")
    );
    // The empty front matter (`{}`) misses every field the template requires.
    assert_eq!(
        c.findings
            .iter()
            .filter(|f| f.code == FindingCode::MissingField)
            .count(),
        builtin_template(kind).required_fields.len()
    );
}
