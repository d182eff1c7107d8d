//! Release documents: the six kinds the seed asks a production release to carry (and three a
//! compliance framework asks for: an AI impact assessment, a post-market monitoring plan and
//! an EU declaration of conformity), their
//! Markdown-with-front-matter form, the templates that say what a complete one holds, the risk
//! register's scoring, and [`check_document`], the one completeness rule later gates call.
//!
//! A document is Markdown with a YAML front matter block (`---` … `---`) for structured
//! fields. Required sections and fields come from the template of the document's kind
//! (`assets/templates/<kind>.md`, embedded at build time); text a template carries for a
//! first-time author sits in `> Guidance:` blockquotes, so leaving it in place is a finding.

mod check;
pub mod graph;
mod markdown;
pub mod merge;
mod risk;
mod risk_edit;
mod template;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result};

pub use check::{
    check_document, check_document_read, CheckContext, Completeness, DatasetContext, Finding,
    FindingCode,
};
pub(crate) use markdown::normalize_title;
pub use markdown::{
    markdown_options, parse_document, read_body, sections, strip_guidance, Body, BodyReader,
    FrontMatterError, ParsedDocument, Section, HF_PLACEHOLDER,
};
pub use risk::{
    parse_risk_category, risk_register, RiskBand, RiskRow, RiskTreatment, RISK_CATEGORIES_GENAI,
    RISK_FUNCTIONS_RMF, RISK_SCALE,
};
pub use risk_edit::{edit_risks, RiskEdit, RiskEditError, RiskField, RiskValue};
pub use template::{builtin_template, Template, TemplateVars};

/// The kinds of release document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// What the model is, how it may be used, how it was trained and evaluated (Hugging Face sections).
    ModelCard,
    /// A dataset snapshot's motivation, composition, collection, … (Datasheets for Datasets).
    DataSheet,
    /// The risk register: likelihood, impact, treatment, owner, residual risk.
    RiskAssessment,
    /// The offline evaluation against the production baseline.
    EvalReport,
    /// How to operate the model: dashboards, alerts, escalation, rollback steps.
    Runbook,
    /// Canary share and duration, feature flag, shadow mode, kill switch, rollback trigger.
    RolloutPlan,
    /// Who the system affects and how, fundamental rights included (ISO/IEC 42001 A.5, EU AI
    /// Act Article 27).
    AiImpactAssessment,
    /// How the system's performance is watched once it is on the market (EU AI Act Article 72).
    PostMarketMonitoringPlan,
    /// The provider's declaration that the system conforms (EU AI Act Article 47, Annex V).
    DeclarationOfConformity,
}

impl DocumentKind {
    /// Every kind: the seed's six in the order it lists a release's documents, then the
    /// compliance documents.
    pub const ALL: [DocumentKind; 9] = [
        DocumentKind::ModelCard,
        DocumentKind::EvalReport,
        DocumentKind::DataSheet,
        DocumentKind::RiskAssessment,
        DocumentKind::Runbook,
        DocumentKind::RolloutPlan,
        DocumentKind::AiImpactAssessment,
        DocumentKind::PostMarketMonitoringPlan,
        DocumentKind::DeclarationOfConformity,
    ];

    /// The name on the command line, in the database and over the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::ModelCard => "model-card",
            DocumentKind::DataSheet => "data-sheet",
            DocumentKind::RiskAssessment => "risk-assessment",
            DocumentKind::EvalReport => "eval-report",
            DocumentKind::Runbook => "runbook",
            DocumentKind::RolloutPlan => "rollout-plan",
            DocumentKind::AiImpactAssessment => "ai-impact-assessment",
            DocumentKind::PostMarketMonitoringPlan => "post-market-monitoring-plan",
            DocumentKind::DeclarationOfConformity => "declaration-of-conformity",
        }
    }

    /// A human label ("Model card").
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::ModelCard => "Model card",
            DocumentKind::DataSheet => "Data sheet",
            DocumentKind::RiskAssessment => "Risk assessment",
            DocumentKind::EvalReport => "Evaluation report",
            DocumentKind::Runbook => "Runbook",
            DocumentKind::RolloutPlan => "Rollout plan",
            DocumentKind::AiImpactAssessment => "AI impact assessment",
            DocumentKind::PostMarketMonitoringPlan => "Post-market monitoring plan",
            DocumentKind::DeclarationOfConformity => "EU declaration of conformity",
        }
    }

    /// Whether documents of this kind belong to a dataset snapshot rather than a model version.
    pub fn is_per_dataset(self) -> bool {
        self == DocumentKind::DataSheet
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DocumentKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        DocumentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| DomainError::Invalid {
                field: "document kind",
                input: s.to_string(),
                expected: format!(
                    "one of {}",
                    DocumentKind::ALL.map(DocumentKind::as_str).join(", ")
                ),
            })
    }
}

/// The documents the seed requires for a production release (section 2, "Docs to attach to
/// release record"): the first six kinds. Data sheets are required once per linked dataset
/// snapshot. The compliance documents are asked for by packs and policies, not by the seed.
pub const RELEASE_DOCUMENTS: [DocumentKind; 6] = [
    DocumentKind::ModelCard,
    DocumentKind::EvalReport,
    DocumentKind::DataSheet,
    DocumentKind::RiskAssessment,
    DocumentKind::Runbook,
    DocumentKind::RolloutPlan,
];

/// The documents compliance packs ask for (an AI impact assessment, a post-market monitoring
/// plan, an EU declaration of conformity): listed beside the release documents so they can be
/// written and checked, but no release requires them (a pack's coverage does).
pub const COMPLIANCE_DOCUMENTS: [DocumentKind; 3] = [
    DocumentKind::AiImpactAssessment,
    DocumentKind::PostMarketMonitoringPlan,
    DocumentKind::DeclarationOfConformity,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_and_compliance_documents_are_every_kind_once() {
        let mut listed: Vec<DocumentKind> = RELEASE_DOCUMENTS
            .iter()
            .chain(COMPLIANCE_DOCUMENTS.iter())
            .copied()
            .collect();
        listed.sort_by_key(|k| k.as_str());
        let mut all = DocumentKind::ALL.to_vec();
        all.sort_by_key(|k| k.as_str());
        assert_eq!(listed, all);
    }

    #[test]
    fn kinds_parse_and_print() {
        for k in DocumentKind::ALL {
            assert_eq!(k.as_str().parse::<DocumentKind>(), Ok(k));
            assert_eq!(k.to_string(), k.as_str());
        }
        assert_eq!(
            "Model_Card".parse::<DocumentKind>(),
            Ok(DocumentKind::ModelCard)
        );
        let err = "modelcard"
            .parse::<DocumentKind>()
            .expect_err("unknown kind");
        let text = err.to_string();
        assert!(
            text.contains("\"modelcard\"")
                && text.contains(
                    "model-card, eval-report, data-sheet, risk-assessment, runbook, rollout-plan, ai-impact-assessment, post-market-monitoring-plan, declaration-of-conformity"
                ),
            "{text}"
        );
    }
}
