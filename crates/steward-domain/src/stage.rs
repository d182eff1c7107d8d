//! Lifecycle stages.
//!
//! The seed names five stages: Experiment, Candidate, Canary, Production, Deprecated. It also
//! requires that the previous production version stays live as the rollback target (N-1),
//! while at most one version serves as Production. A version in that position is neither
//! Production (only one may be) nor Deprecated (it must stay live), so Steward records it as
//! its own standing, [`Stage::RollbackTarget`]. It is entered only when a newer version is
//! promoted to Production and left by a rollback or by deprecation; nobody moves a version
//! there by hand.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result};

/// Where a version stands in the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Rapid iteration; sandboxed compute; synthetic or de-identified data only.
    Experiment,
    /// Reproducible training run with a fixed dataset snapshot and config; baseline eval done.
    Candidate,
    /// Deployed to under 5% of traffic or flagged tenants, behind a feature flag.
    Canary,
    /// The default serving path. At most one version of a model at a time.
    Production,
    /// The previous production version, kept live so a rollback can switch back (N-1).
    RollbackTarget,
    /// Frozen for reference; no new traffic.
    Deprecated,
}

impl Stage {
    /// Every standing, in lifecycle order.
    pub const ALL: [Stage; 6] = [
        Stage::Experiment,
        Stage::Candidate,
        Stage::Canary,
        Stage::Production,
        Stage::RollbackTarget,
        Stage::Deprecated,
    ];

    /// The name used on the command line, in the database and over the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Experiment => "experiment",
            Stage::Candidate => "candidate",
            Stage::Canary => "canary",
            Stage::Production => "production",
            Stage::RollbackTarget => "rollback-target",
            Stage::Deprecated => "deprecated",
        }
    }

    /// A human label ("Rollback target").
    pub fn label(self) -> &'static str {
        match self {
            Stage::Experiment => "Experiment",
            Stage::Candidate => "Candidate",
            Stage::Canary => "Canary",
            Stage::Production => "Production",
            Stage::RollbackTarget => "Rollback target",
            Stage::Deprecated => "Deprecated",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Stage::ALL
            .into_iter()
            .find(|st| st.as_str() == wanted)
            .ok_or_else(|| DomainError::Invalid {
                field: "stage",
                input: s.to_string(),
                expected: "one of experiment, candidate, canary, production, deprecated".into(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_accept_common_spellings() {
        for stage in Stage::ALL {
            assert_eq!(stage.as_str().parse::<Stage>(), Ok(stage));
            assert_eq!(stage.label().parse::<Stage>(), Ok(stage));
        }
        assert_eq!("PRODUCTION".parse::<Stage>(), Ok(Stage::Production));
        assert_eq!(
            "rollback_target".parse::<Stage>(),
            Ok(Stage::RollbackTarget)
        );
        assert!("staging".parse::<Stage>().is_err());
    }
}
