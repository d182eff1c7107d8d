//! Wire types of the traffic dial.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One change of a model's dial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrafficChangeView {
    /// The serving epoch after it.
    pub epoch: u32,
    /// Serving version.
    pub serving: Option<String>,
    /// Canary version.
    pub canary: Option<String>,
    /// Canary share, percent.
    pub canary_percent: f64,
    /// Flagged tenants.
    pub tenants: Vec<String>,
    /// Shadow mode.
    pub shadow: bool,
    /// Kill switch.
    pub killed: bool,
    /// Why.
    pub reason: String,
    /// The release record behind it.
    pub release: Option<String>,
    /// Whether the flag file was written; why not in `file_note`.
    pub written: bool,
    /// Why the flag file was not written.
    pub file_note: String,
    /// Who.
    pub actor: String,
    /// When.
    pub at: String,
}

/// A model's traffic dial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrafficView {
    /// The model (also the flag's key).
    pub model: String,
    /// The flag file a flagd (or any OpenFeature provider reading flagd files) is pointed at.
    pub path: String,
    /// `in-sync`, `missing` (not written yet), or `changed-outside` (edited by hand since
    /// Steward wrote it: Steward will not overwrite it without `--overwrite`).
    pub file: String,
    /// The dial now (the newest change), if any.
    pub current: Option<TrafficChangeView>,
    /// Every change, oldest first.
    pub history: Vec<TrafficChangeView>,
}

/// A change a person asks for: exactly one of `canary_percent`, `tenants`, `kill`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrafficSet {
    /// The model.
    pub model: String,
    /// Route this share of traffic to the canary.
    #[serde(default)]
    #[ts(optional)]
    pub canary_percent: Option<f64>,
    /// Route these tenants to the canary.
    #[serde(default)]
    #[ts(optional)]
    pub tenants: Option<Vec<String>>,
    /// Pull (true) or release (false) the kill switch.
    #[serde(default)]
    #[ts(optional)]
    pub kill: Option<bool>,
    /// Why.
    pub reason: String,
    /// Replace a flag file changed outside Steward.
    #[serde(default)]
    pub overwrite: bool,
}

/// Sets (or, with an empty command, removes) a model's hook command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrafficHookSet {
    /// The model.
    pub model: String,
    /// The shell command (`sh -c`), run after each traffic change with the release record as
    /// JSON on standard input; empty removes the hook.
    pub command: String,
    /// Seconds a run may take before it is killed (default 10, at most 300).
    #[serde(default)]
    #[ts(optional)]
    pub timeout_s: Option<u32>,
}

/// One run of a model's hook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HookRunView {
    /// The serving epoch of the change it ran after.
    pub epoch: u32,
    /// The command.
    pub command: String,
    /// `ok`, `failed`, `timed-out` or `not-started`.
    pub outcome: String,
    /// Exit code, when it exited.
    pub exit_code: Option<i32>,
    /// The first 4 KiB of its output.
    pub output: String,
    /// How long it ran.
    pub elapsed_ms: u32,
    /// When.
    pub at: String,
}

/// A model's hook and its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrafficHookView {
    /// The model.
    pub model: String,
    /// The command in force, if any.
    pub command: Option<String>,
    /// Its timeout.
    pub timeout_s: Option<u32>,
    /// Every run, oldest first.
    pub runs: Vec<HookRunView>,
}

/// The declarations of this module.
pub(crate) fn traffic_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        TrafficChangeView::decl(cfg),
        TrafficView::decl(cfg),
        TrafficSet::decl(cfg),
        TrafficHookSet::decl(cfg),
        HookRunView::decl(cfg),
        TrafficHookView::decl(cfg),
    ]
}
