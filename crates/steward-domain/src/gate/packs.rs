//! A compliance pack enabled for a stage, as gate checks: one per requirement, passing only
//! when the requirement's coverage is satisfied.
//!
//! The coverage itself is [`crate::compliance::coverage`]'s, gathered by the caller into
//! [`super::Evidence::packs`]; this turns each requirement into a check with what was found
//! as the observed value, the pack's "satisfied" text as the expected one, and the next steps
//! of the gaps. A pack the stage enables but the evidence lacks (not in this workspace) is one
//! check with missing evidence, never a silent pass.

use super::{CheckStatus, GateCheck};
use crate::compliance::{Coverage, CoverageStatus, RequirementCoverage, Selector};
use crate::policy::Category;
use crate::stage::Stage;

/// The id of the check for requirement `req` of `pack` at `stage`
/// (`production.pack.eu-ai-act.art-9`).
pub fn pack_check_id(stage: Stage, pack: &str, req: &str) -> String {
    format!("{stage}.pack.{pack}.{req}")
}

/// The checks of pack `pack` for a version going to `stage`, from its coverage in `packs`.
pub(super) fn pack_checks(stage: Stage, pack: &str, packs: &[Coverage]) -> Vec<GateCheck> {
    let Some(cov) = packs.iter().find(|c| c.pack == pack) else {
        return vec![GateCheck {
            id: format!("{stage}.pack.{pack}"),
            category: Category::Documentation,
            seed: format!("pack {pack}"),
            checklist: None,
            status: CheckStatus::MissingEvidence,
            observed: format!("the pack {pack} is not in this workspace"),
            expected: format!(
                "the pack {pack} (built in, or added with `steward pack add FILE`) and its requirements covered"
            ),
            evidence: Vec::new(),
            waiver: None,
            waiver_notes: Vec::new(),
            clocked: false,
            reads_signatures: false,
        }];
    };
    cov.requirements
        .iter()
        .map(|r| requirement_check(stage, pack, r))
        .collect()
}

fn requirement_check(stage: Stage, pack: &str, r: &RequirementCoverage) -> GateCheck {
    let status = match r.status {
        CoverageStatus::Satisfied => CheckStatus::Pass,
        CoverageStatus::Partial => CheckStatus::Fail,
        CoverageStatus::Missing => CheckStatus::MissingEvidence,
    };
    let found: Vec<&str> = r
        .selectors
        .iter()
        .flat_map(|s| s.found.iter().map(|f| f.what.as_str()))
        .collect();
    let next: Vec<&str> = r
        .selectors
        .iter()
        .filter_map(|s| s.next_step.as_deref())
        .collect();
    let mut observed = format!("{}: ", r.status.as_str());
    observed.push_str(&if found.is_empty() {
        "no evidence found".to_string()
    } else {
        found.join("; ")
    });
    if !next.is_empty() {
        observed.push_str(" — next: ");
        observed.push_str(&next.join("; "));
    }
    let reads_signatures = r.selectors.iter().any(|s| {
        matches!(
            s.selector,
            Selector::Approval(_) | Selector::ReleaseRecord | Selector::GateCheck(_)
        )
    });
    GateCheck {
        id: pack_check_id(stage, pack, &r.id),
        category: Category::Documentation,
        seed: format!("pack {pack} — {} {}", r.id, r.title),
        checklist: None,
        status,
        observed,
        expected: format!("satisfied: {}", r.satisfied),
        evidence: Vec::new(),
        waiver: None,
        waiver_notes: Vec::new(),
        clocked: false,
        reads_signatures,
    }
}
