//! The answers the Chromium flows' fake core replays (ui/flows/app/documents/), recorded from
//! the real operations so the fake holds no rule of its own. Stale recordings fail here;
//! `STEWARD_UPDATE_FIXTURES=1 cargo test -p steward-api --test flow_fixtures` rewrites them.

use std::path::PathBuf;

use serde_json::json;
use steward_api::wire::DocumentRiskSet;
use steward_api::Workspace;
use steward_domain::document::{RiskEdit, RiskField, RiskValue};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/flows/app/documents")
}

fn set(index: u32, field: RiskField, value: RiskValue) -> RiskEdit {
    RiskEdit::Set {
        index,
        field,
        value,
    }
}

/// Checks `fresh` against the committed file, or writes it when asked to.
fn check_recorded(name: &str, fresh: &str) {
    let path = fixtures().join(name);
    if std::env::var_os("STEWARD_UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, fresh).expect("write fixture");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: run `STEWARD_UPDATE_FIXTURES=1 cargo test -p steward-api --test flow_fixtures` and commit it",
        path.display()
    );
}

/// The risk-table edits the documents flow makes, each on the text the previous one returned,
/// and one the core refuses.
#[test]
fn risk_table_edits_are_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = Workspace::init(&dir.path().join("ws"), "tester").expect("workspace");
    let seed = std::fs::read_to_string(fixtures().join("risk-assessment.md")).expect("seed");
    let edits = [
        set(0, RiskField::Likelihood, RiskValue::Number(5)),
        set(1, RiskField::Owner, RiskValue::Text("payments-risk".into())),
        set(
            1,
            RiskField::Mitigation,
            RiskValue::Text("weekly PSI check on BIN ranges".into()),
        ),
        RiskEdit::Add,
    ];
    let mut text = seed;
    let mut recorded = Vec::new();
    for edit in edits {
        let req = DocumentRiskSet {
            text: text.clone(),
            edit,
        };
        let answer = ws.doc_risk_set(&req).expect("edit applies");
        recorded.push(json!({ "req": req, "ok": answer }));
        text = answer;
    }
    let req = DocumentRiskSet {
        text,
        edit: RiskEdit::Remove { index: 7 },
    };
    let err = ws.doc_risk_set(&req).expect_err("no row 8");
    recorded.push(json!({ "req": req, "err": err }));
    let fresh = serde_json::to_string_pretty(&recorded).expect("json") + "\n";
    check_recorded("risk-set.json", &fresh);
}
