//! Wire types of compliance packs, coverage, retention and the Annex IV dossier.

use serde::{Deserialize, Serialize};
use steward_domain::compliance::{CoverageStatus, Fix, Pin};
use ts_rs::TS;

/// A pack as `pack list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackSummary {
    /// The slug commands name it by.
    pub name: String,
    /// The framework's title.
    pub title: String,
    /// The framework's version or edition.
    pub version: String,
    /// Where the framework is published.
    pub source: String,
    /// Requirements in it.
    pub requirements: u32,
    /// Years documentation is kept after placing on the market, when the pack says.
    pub retention_years: Option<u32>,
    /// `built-in`, or `workspace` for a pack added with `steward pack add`.
    pub origin: String,
    /// For a workspace pack: who added it and when.
    pub added: Option<String>,
    /// `sha256:…` of the pack text.
    pub sha256: String,
}

/// A refusal of a pack file, naming its line and key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackErrorView {
    /// 1-based line (0: the file gives no position).
    pub line: u32,
    /// Dotted key path.
    pub key: String,
    /// `syntax-error`, `unknown-selector`, `duplicate-id`, …
    pub kind: String,
    /// The whole message.
    pub message: String,
}

/// What `pack check FILE` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackCheck {
    /// Whether the pack can be used.
    pub ok: bool,
    /// The pack, when it parses.
    pub pack: Option<PackSummary>,
    /// Why not, when it does not.
    pub error: Option<PackErrorView>,
}

/// A piece of evidence coverage found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FoundView {
    /// What it is (`model-card revision 3 § Uses`, `red-team run 4`).
    pub what: String,
    /// The digest, id or check that pins it.
    pub reference: String,
    /// Which record it is, for a link to its screen.
    pub pin: Pin,
}

/// What one evidence selector found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SelectorCoverageView {
    /// How the selector reads (`document model-card § Uses`).
    pub selector: String,
    /// Met, part met or not met.
    pub status: CoverageStatus,
    /// The evidence found.
    pub found: Vec<FoundView>,
    /// For a gap: what is wrong and what to do next.
    pub next_step: Option<String>,
    /// For a gap: the step, for a link to where it is taken.
    pub fix: Option<Fix>,
}

/// One requirement's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RequirementCoverageView {
    /// Its id in the framework.
    pub id: String,
    /// Its function, objective or chapter.
    pub group: String,
    /// Its title.
    pub title: String,
    /// Satisfied, partial or missing.
    pub status: CoverageStatus,
    /// What that status means for it.
    pub meaning: String,
    /// Per selector.
    pub selectors: Vec<SelectorCoverageView>,
}

/// Counts of a coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CoverageCounts {
    /// Requirements satisfied.
    pub satisfied: u32,
    /// Partly satisfied.
    pub partial: u32,
    /// With no evidence.
    pub missing: u32,
}

/// The coverage of one version against one pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CoverageView {
    /// The pack.
    pub pack: PackSummary,
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// Its stage now.
    pub stage: String,
    /// The counts.
    pub counts: CoverageCounts,
    /// Per requirement, in the pack's order.
    pub requirements: Vec<RequirementCoverageView>,
    /// What the coverage could not read, in words (a stage the policy does not gate…).
    pub notes: Vec<String>,
}

/// One version's retention under a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RetentionVersionView {
    /// The version.
    pub version: String,
    /// Its stage now.
    pub stage: String,
    /// Its first signed promotion to production (`YYYY-MM-DD`), if any.
    pub placed_on_market: Option<String>,
    /// The last day its documentation and records are kept.
    pub keep_until: Option<String>,
}

/// A model's retention dates under a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RetentionView {
    /// The model.
    pub model: String,
    /// The pack.
    pub pack: String,
    /// The pack's period.
    pub retention_years: Option<u32>,
    /// Per version, oldest first.
    pub versions: Vec<RetentionVersionView>,
    /// What Steward refuses to remove, in words.
    pub policy: String,
}

/// The format of an Annex IV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DossierFormat {
    /// One self-contained HTML file.
    Html,
    /// A PDF with embedded fonts.
    Pdf,
}

/// What an Annex IV export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DossierExport {
    /// The file written.
    pub file: String,
    /// Its format.
    pub format: DossierFormat,
    /// Its size.
    pub bytes: u64,
    /// Annex IV items satisfied / partial / missing.
    pub counts: CoverageCounts,
    /// Release records attached.
    pub records: u32,
    /// Whether every attached record verifies.
    pub records_verify: bool,
    /// Approvals attached.
    pub approvals: u32,
    /// Public keys attached.
    pub keys: u32,
}

pub(crate) fn compliance_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        CoverageStatus::decl(cfg),
        Pin::decl(cfg),
        Fix::decl(cfg),
        PackSummary::decl(cfg),
        PackErrorView::decl(cfg),
        PackCheck::decl(cfg),
        FoundView::decl(cfg),
        SelectorCoverageView::decl(cfg),
        RequirementCoverageView::decl(cfg),
        CoverageCounts::decl(cfg),
        CoverageView::decl(cfg),
        RetentionVersionView::decl(cfg),
        RetentionView::decl(cfg),
        DossierFormat::decl(cfg),
        DossierExport::decl(cfg),
    ]
}
