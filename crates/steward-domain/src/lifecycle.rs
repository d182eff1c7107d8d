//! The lifecycle transition table and the model-level rule that turns one requested stage
//! change into the full set of changes it implies.
//!
//! Moves between stages:
//!
//! | from            | to              | kind      |
//! |-----------------|-----------------|-----------|
//! | experiment      | candidate       | promote   |
//! | candidate       | canary          | promote   |
//! | canary          | production      | promote   |
//! | rollback-target | production      | rollback  |
//! | candidate       | experiment      | demote    |
//! | canary          | candidate       | demote    |
//! | any but deprecated | deprecated   | deprecate |
//!
//! Everything else is refused with the reason and the moves that are allowed instead.
//! Promoting a version to Production makes the serving production version the rollback target
//! (N-1) and retires the old rollback target; rolling back deprecates the version that was
//! rolled back from. At most one version of a model is Production afterwards.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::model::ModelName;
use crate::stage::Stage;
use crate::version::Version;

/// The named kinds of stage change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum TransitionKind {
    /// One stage forward.
    Promote,
    /// One stage back, for rework.
    Demote,
    /// The rollback target becomes Production again.
    Rollback,
    /// Out of service, frozen for reference.
    Deprecate,
    /// The serving production version steps down to rollback target because a newer one was
    /// promoted.
    Supersede,
}

impl TransitionKind {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            TransitionKind::Promote => "promote",
            TransitionKind::Demote => "demote",
            TransitionKind::Rollback => "rollback",
            TransitionKind::Deprecate => "deprecate",
            TransitionKind::Supersede => "supersede",
        }
    }
}

impl fmt::Display for TransitionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A move from a stage to another, allowed or not, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    /// The stage moved to.
    pub to: Stage,
    /// The kind of transition when the move is allowed.
    pub kind: Option<TransitionKind>,
    /// For an allowed move, what it means; for a refused one, why not.
    pub reason: String,
}

impl Move {
    /// Whether the lifecycle allows this move.
    pub fn allowed(&self) -> bool {
        self.kind.is_some()
    }
}

/// The rule for one move, looked up in the table above.
fn rule(from: Stage, to: Stage) -> Result<(TransitionKind, &'static str), String> {
    use Stage::*;
    use TransitionKind::*;
    match (from, to) {
        (a, b) if a == b => Err(format!("it is already {}", a.label().to_lowercase())),
        (Deprecated, _) => Err("deprecated versions are frozen for reference; add a new version instead".into()),
        (_, RollbackTarget) => Err("a version becomes the rollback target only when a newer version is promoted to production".into()),
        (Experiment, Candidate) => Ok((Promote, "promote: reproducible run with a fixed dataset snapshot and config")),
        (Candidate, Canary) => Ok((Promote, "promote: deploy behind a feature flag to under 5% of traffic")),
        (Canary, Production) => Ok((Promote, "promote: becomes the default serving path; the current production version becomes the rollback target")),
        (RollbackTarget, Production) => Ok((Rollback, "rollback: the previous production version serves again; the current one is deprecated")),
        (Candidate, Experiment) => Ok((Demote, "demote: back to experimentation for rework")),
        (Canary, Candidate) => Ok((Demote, "demote: withdraw the canary")),
        (_, Deprecated) => Ok((Deprecate, "deprecate: freeze for reference and remove traffic")),
        (Experiment, Canary | Production) | (Candidate, Production) => {
            Err(format!("promotions go one stage at a time; promote to {} first", next_promotion(from).map_or("", |s| s.as_str())))
        }
        (Production, _) => Err("a production version leaves production only by being superseded, rolled back or deprecated".into()),
        (RollbackTarget, _) => Err("the rollback target can only return to production (rollback) or be deprecated".into()),
        (Canary, Experiment) => Err("a canary goes back one stage at a time; demote it to candidate first".into()),
        (Experiment | Candidate | Canary, _) => Err("that move is not in the lifecycle".into()),
    }
}

/// The stage a version in `from` is promoted to next, if any.
pub fn next_promotion(from: Stage) -> Option<Stage> {
    match from {
        Stage::Experiment => Some(Stage::Candidate),
        Stage::Candidate => Some(Stage::Canary),
        Stage::Canary => Some(Stage::Production),
        _ => None,
    }
}

/// Every other stage, each with whether it can be reached from `from` and why.
pub fn allowed_moves(from: Stage) -> Vec<Move> {
    Stage::ALL
        .into_iter()
        .filter(|to| *to != from)
        .map(|to| match rule(from, to) {
            Ok((kind, reason)) => Move {
                to,
                kind: Some(kind),
                reason: reason.to_string(),
            },
            Err(reason) => Move {
                to,
                kind: None,
                reason,
            },
        })
        .collect()
}

/// A refused stage change: what was asked, why not, and what is allowed instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The model.
    pub model: String,
    /// The version asked to move.
    pub version: Version,
    /// Its current stage.
    pub from: Stage,
    /// The stage asked for.
    pub to: Stage,
    /// Why the move is refused.
    pub reason: String,
    /// The moves that are allowed from `from`.
    pub allowed: Vec<Move>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot move {}@{} from {} to {}: {}",
            self.model, self.version, self.from, self.to, self.reason
        )?;
        let allowed: Vec<String> = self
            .allowed
            .iter()
            .filter_map(|m| m.kind.map(|k| format!("{} ({k})", m.to)))
            .collect();
        if allowed.is_empty() {
            write!(f, "; no move is allowed from {}", self.from)
        } else {
            write!(f, "; allowed from {}: {}", self.from, allowed.join(", "))
        }
    }
}

/// One version changing stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChange {
    /// The version that moves.
    pub version: Version,
    /// Its stage before.
    pub from: Stage,
    /// Its stage after.
    pub to: Stage,
    /// The kind of transition.
    pub kind: TransitionKind,
    /// Why this change happens (the requested move, or the side effect it implies).
    pub note: String,
}

/// Everything one requested stage change implies, the requested change first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChangePlan {
    /// The changes, in the order they are recorded.
    pub changes: Vec<StageChange>,
}

/// Plans moving `target` to `to`, given the current stage of every version of `model`.
///
/// Refuses moves outside the table, versions that are not in `current`, and any plan that
/// would leave more than one production version.
pub fn plan_stage_change(
    model: &ModelName,
    current: &[(Version, Stage)],
    target: Version,
    to: Stage,
) -> Result<StageChangePlan, DomainError> {
    let refuse = |from: Stage, reason: String| {
        DomainError::Lifecycle(Box::new(Refusal {
            model: model.to_string(),
            version: target,
            from,
            to,
            reason,
            allowed: allowed_moves(from),
        }))
    };
    let Some(&(_, from)) = current.iter().find(|(v, _)| *v == target) else {
        return Err(DomainError::Invalid {
            field: "version",
            input: format!("{model}@{target}"),
            expected: "a version of this model".into(),
        });
    };
    let serving: Vec<Version> = current
        .iter()
        .filter(|(_, s)| *s == Stage::Production)
        .map(|(v, _)| *v)
        .collect();
    if serving.len() > 1 {
        return Err(refuse(
            from,
            format!(
                "the workspace already holds {} production versions; repair it before promoting",
                serving.len()
            ),
        ));
    }
    let (kind, _) = rule(from, to).map_err(|reason| refuse(from, reason))?;
    let mut changes = vec![StageChange {
        version: target,
        from,
        to,
        kind,
        note: format!("{kind} {model}@{target} from {from} to {to}"),
    }];
    match kind {
        TransitionKind::Promote if to == Stage::Production => {
            if let Some(&old) = serving.first() {
                changes.push(StageChange {
                    version: old,
                    from: Stage::Production,
                    to: Stage::RollbackTarget,
                    kind: TransitionKind::Supersede,
                    note: format!("{model}@{old} steps down to rollback target (N-1) for {target}"),
                });
            }
            for (v, _) in current.iter().filter(|(_, s)| *s == Stage::RollbackTarget) {
                changes.push(StageChange {
                    version: *v,
                    from: Stage::RollbackTarget,
                    to: Stage::Deprecated,
                    kind: TransitionKind::Deprecate,
                    note: format!("{model}@{v} is no longer the rollback target"),
                });
            }
        }
        TransitionKind::Rollback => {
            if let Some(&bad) = serving.first() {
                changes.push(StageChange {
                    version: bad,
                    from: Stage::Production,
                    to: Stage::Deprecated,
                    kind: TransitionKind::Deprecate,
                    note: format!("{model}@{bad} rolled back to {target}"),
                });
            }
        }
        _ => {}
    }
    Ok(StageChangePlan { changes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    #[test]
    fn transition_table() {
        // Every ordered pair of stages, each asserted: (from, to, Some(kind) when allowed).
        let cases: &[(Stage, Stage, Option<TransitionKind>)] = &[
            (Experiment, Experiment, None),
            (Experiment, Candidate, Some(TransitionKind::Promote)),
            (Experiment, Canary, None),
            (Experiment, Production, None),
            (Experiment, RollbackTarget, None),
            (Experiment, Deprecated, Some(TransitionKind::Deprecate)),
            (Candidate, Experiment, Some(TransitionKind::Demote)),
            (Candidate, Candidate, None),
            (Candidate, Canary, Some(TransitionKind::Promote)),
            (Candidate, Production, None),
            (Candidate, RollbackTarget, None),
            (Candidate, Deprecated, Some(TransitionKind::Deprecate)),
            (Canary, Experiment, None),
            (Canary, Candidate, Some(TransitionKind::Demote)),
            (Canary, Canary, None),
            (Canary, Production, Some(TransitionKind::Promote)),
            (Canary, RollbackTarget, None),
            (Canary, Deprecated, Some(TransitionKind::Deprecate)),
            (Production, Experiment, None),
            (Production, Candidate, None),
            (Production, Canary, None),
            (Production, Production, None),
            (Production, RollbackTarget, None),
            (Production, Deprecated, Some(TransitionKind::Deprecate)),
            (RollbackTarget, Experiment, None),
            (RollbackTarget, Candidate, None),
            (RollbackTarget, Canary, None),
            (RollbackTarget, Production, Some(TransitionKind::Rollback)),
            (RollbackTarget, RollbackTarget, None),
            (RollbackTarget, Deprecated, Some(TransitionKind::Deprecate)),
            (Deprecated, Experiment, None),
            (Deprecated, Candidate, None),
            (Deprecated, Canary, None),
            (Deprecated, Production, None),
            (Deprecated, RollbackTarget, None),
            (Deprecated, Deprecated, None),
        ];
        for &(from, to, want) in cases {
            assert_eq!(rule(from, to).ok().map(|(k, _)| k), want, "{from} -> {to}");
        }
        // The table claims every pair, so every pair must be in it exactly once.
        for from in Stage::ALL {
            for to in Stage::ALL {
                let listed = cases
                    .iter()
                    .filter(|&&(f, t, _)| f == from && t == to)
                    .count();
                assert_eq!(listed, 1, "{from} -> {to} is listed {listed} times");
            }
        }
        assert_eq!(cases.len(), Stage::ALL.len() * Stage::ALL.len());
    }

    #[test]
    fn refusals_say_why_and_what_is_allowed() {
        let cases: &[(Stage, Stage, &str)] = &[
            (Experiment, Canary, "promote to candidate first"),
            (Candidate, Production, "promote to canary first"),
            (Deprecated, Candidate, "frozen for reference"),
            (
                Canary,
                RollbackTarget,
                "only when a newer version is promoted",
            ),
            (Production, Canary, "superseded, rolled back or deprecated"),
            (Canary, Canary, "already canary"),
        ];
        for &(from, to, needle) in cases {
            let reason = rule(from, to).expect_err("refused");
            assert!(reason.contains(needle), "{from}->{to}: {reason}");
        }
        let moves = allowed_moves(Experiment);
        let allowed: Vec<Stage> = moves.iter().filter(|m| m.allowed()).map(|m| m.to).collect();
        assert_eq!(allowed, vec![Candidate, Deprecated]);
        assert_eq!(moves.len(), 5);
        assert!(allowed_moves(Deprecated).iter().all(|m| !m.allowed()));
    }

    fn name() -> ModelName {
        "copilot".parse().expect("valid name")
    }

    fn v(s: &str) -> Version {
        s.parse().expect("valid version")
    }

    fn plan(
        current: &[(&str, Stage)],
        target: &str,
        to: Stage,
    ) -> Result<Vec<(String, Stage, Stage, TransitionKind)>, DomainError> {
        let current: Vec<(Version, Stage)> = current.iter().map(|(s, st)| (v(s), *st)).collect();
        plan_stage_change(&name(), &current, v(target), to).map(|p| {
            p.changes
                .into_iter()
                .map(|c| (c.version.to_string(), c.from, c.to, c.kind))
                .collect()
        })
    }

    #[test]
    fn promoting_to_production_supersedes_and_retires() {
        let got = plan(
            &[
                ("1.0.0-1", RollbackTarget),
                ("1.1.0-2", Production),
                ("1.2.0-3", Canary),
            ],
            "1.2.0-3",
            Production,
        )
        .expect("allowed");
        assert_eq!(
            got,
            vec![
                (
                    "1.2.0-3".into(),
                    Canary,
                    Production,
                    TransitionKind::Promote
                ),
                (
                    "1.1.0-2".into(),
                    Production,
                    RollbackTarget,
                    TransitionKind::Supersede
                ),
                (
                    "1.0.0-1".into(),
                    RollbackTarget,
                    Deprecated,
                    TransitionKind::Deprecate
                ),
            ]
        );
    }

    #[test]
    fn first_production_has_no_side_effects() {
        let got = plan(&[("1.0.0-1", Canary)], "1.0.0-1", Production).expect("allowed");
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn rollback_restores_n_minus_one_and_deprecates_the_bad_version() {
        let got = plan(
            &[("1.0.0-1", RollbackTarget), ("1.1.0-2", Production)],
            "1.0.0-1",
            Production,
        )
        .expect("allowed");
        assert_eq!(
            got,
            vec![
                (
                    "1.0.0-1".into(),
                    RollbackTarget,
                    Production,
                    TransitionKind::Rollback
                ),
                (
                    "1.1.0-2".into(),
                    Production,
                    Deprecated,
                    TransitionKind::Deprecate
                ),
            ]
        );
    }

    #[test]
    fn at_most_one_production_after_any_allowed_plan() {
        // Exhaustive over small models: every allowed plan leaves at most one production.
        let stages = [
            Experiment,
            Candidate,
            Canary,
            Production,
            RollbackTarget,
            Deprecated,
        ];
        for a in stages {
            for b in stages {
                for c in stages {
                    let current = [(v("1.0.0-1"), a), (v("1.1.0-2"), b), (v("1.2.0-3"), c)];
                    if current.iter().filter(|(_, s)| *s == Production).count() > 1 {
                        continue;
                    }
                    for target in ["1.0.0-1", "1.1.0-2", "1.2.0-3"] {
                        for to in stages {
                            if let Ok(p) = plan_stage_change(&name(), &current, v(target), to) {
                                let mut after = current;
                                for ch in &p.changes {
                                    let slot = after
                                        .iter_mut()
                                        .find(|(v, _)| *v == ch.version)
                                        .expect("known");
                                    assert_eq!(slot.1, ch.from);
                                    slot.1 = ch.to;
                                }
                                let prod = after.iter().filter(|(_, s)| *s == Production).count();
                                assert!(prod <= 1, "{current:?} {target}->{to}: {after:?}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn refusal_message_names_version_and_allowed_moves() {
        let err = plan(&[("1.0.0-1", Experiment)], "1.0.0-1", Canary).expect_err("refused");
        let msg = err.to_string();
        assert!(
            msg.contains("copilot@1.0.0-1 from experiment to canary"),
            "{msg}"
        );
        assert!(
            msg.contains("allowed from experiment: candidate (promote), deprecated (deprecate)"),
            "{msg}"
        );
    }

    #[test]
    fn a_second_production_in_storage_is_refused() {
        let err = plan(
            &[
                ("1.0.0-1", Production),
                ("1.1.0-2", Production),
                ("1.2.0-3", Canary),
            ],
            "1.2.0-3",
            Production,
        )
        .expect_err("refused");
        assert!(err.to_string().contains("2 production versions"), "{err}");
    }

    #[test]
    fn unknown_version_is_an_error() {
        assert!(plan(&[("1.0.0-1", Experiment)], "9.9.9-9", Candidate).is_err());
    }
}
