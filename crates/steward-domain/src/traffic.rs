//! The traffic dial: which version serves a model's requests, as an OpenFeature flagd flag.
//!
//! [`TrafficState`] is what Steward keeps per model — the serving (production) version, the
//! canary with its share of traffic or its flagged tenants, shadow mode, the kill switch, and a
//! serving epoch bumped by every change so downstream caches can tell. [`change`] applies a
//! person's change under the policy's canary rules (a share at or over the policy's bound is
//! refused); [`follow_stages`] moves the dial with a promotion, rollback or deprecation; and
//! [`flagd_document`] renders the state as a flagd flag-definition file, which any OpenFeature
//! provider reading flagd files (flagd itself, the in-process providers) evaluates.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::policy::CanaryRules;
use crate::stage::Stage;
use crate::version::Version;

/// The flagd schema the flag files declare.
pub const FLAGD_SCHEMA: &str = "https://flagd.dev/schema/v0/flags.json";

/// Fractional weights are integers: a share is expressed in hundredths of a percent.
const WEIGHT_SCALE: f64 = 100.0;

/// One model's dial.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrafficState {
    /// The version serving everyone not routed to the canary; None before any production.
    pub serving: Option<Version>,
    /// The canary version, if one is in the canary stage.
    pub canary: Option<Version>,
    /// The canary's share of traffic, in percent (0 when none).
    pub canary_percent: f64,
    /// Flagged tenants routed to the canary (instead of, or as well as, the share).
    pub tenants: Vec<String>,
    /// The canary also receives a mirrored copy of production traffic whose answers are not
    /// served.
    pub shadow: bool,
    /// The kill switch: everyone gets the serving version.
    pub killed: bool,
    /// Bumped by every change.
    pub epoch: u64,
}

/// A person's change to the dial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum TrafficChange {
    /// Route this share (percent) of traffic to the canary.
    Canary {
        /// Percent.
        percent: f64,
    },
    /// Route these tenants to the canary.
    Tenants {
        /// Tenant ids.
        tenants: Vec<String>,
    },
    /// Pull the kill switch: everyone to the serving version.
    Kill,
    /// Release the kill switch.
    Unkill,
}

/// Why a change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrafficRefusal {
    /// No version is in canary.
    #[error("no version of the model is in canary, so there is no canary traffic to set")]
    NoCanary,
    /// No version serves.
    #[error("no version of the model is in production, so nothing serves the rest of the traffic")]
    NoServing,
    /// The share is out of bounds.
    #[error("a canary share of {given}% is refused: the policy keeps canaries under {limit}% of traffic")]
    ShareTooHigh {
        /// As given.
        given: String,
        /// The policy's bound.
        limit: String,
    },
    /// Not a number between 0 and 100.
    #[error("{given:?} is not a canary share: give a percent from 0 up to the policy's bound")]
    BadShare {
        /// As given.
        given: String,
    },
    /// Tenants are not allowed by the policy.
    #[error("the policy does not allow flagged tenants for canaries; set a share instead")]
    TenantsNotAllowed,
    /// A tenant id is empty or has characters a flag file would mangle.
    #[error("tenant id {0:?} is not usable: give ids of letters, digits, '.', '_' or '-'")]
    BadTenant(String),
}

fn valid_tenant(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 128
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Applies a person's `change` to `state` under `rules`; the result has its epoch bumped.
pub fn change(
    state: &TrafficState,
    change: &TrafficChange,
    rules: &CanaryRules,
) -> Result<TrafficState, TrafficRefusal> {
    let mut next = state.clone();
    match change {
        TrafficChange::Canary { percent } => {
            if state.canary.is_none() {
                return Err(TrafficRefusal::NoCanary);
            }
            if state.serving.is_none() {
                return Err(TrafficRefusal::NoServing);
            }
            if !percent.is_finite() || *percent < 0.0 || *percent > 100.0 {
                return Err(TrafficRefusal::BadShare {
                    given: percent.to_string(),
                });
            }
            if *percent >= rules.traffic_share_below_percent {
                return Err(TrafficRefusal::ShareTooHigh {
                    given: percent.to_string(),
                    limit: rules.traffic_share_below_percent.to_string(),
                });
            }
            next.canary_percent = (percent * WEIGHT_SCALE).round() / WEIGHT_SCALE;
        }
        TrafficChange::Tenants { tenants } => {
            if state.canary.is_none() {
                return Err(TrafficRefusal::NoCanary);
            }
            if !rules.flagged_tenants_allowed {
                return Err(TrafficRefusal::TenantsNotAllowed);
            }
            if let Some(bad) = tenants.iter().find(|t| !valid_tenant(t)) {
                return Err(TrafficRefusal::BadTenant(bad.clone()));
            }
            let mut t = tenants.clone();
            t.sort();
            t.dedup();
            next.tenants = t;
        }
        TrafficChange::Kill => next.killed = true,
        TrafficChange::Unkill => next.killed = false,
    }
    next.epoch = state.epoch + 1;
    Ok(next)
}

/// The canary plan a newly promoted canary starts with (from its rollout plan).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StartingPlan {
    /// Percent, if the plan names one under the policy's bound.
    pub percent: Option<f64>,
    /// Flagged tenants.
    pub tenants: Vec<String>,
    /// Shadow mode.
    pub shadow: bool,
}

/// The dial after the model's stages changed: `serving` and `canary` are the versions now in
/// production and canary. A new canary starts from its rollout plan (a share at or over the
/// policy's bound starts at 0); a rollback (`rolled_back`) or a vanished canary clears the
/// canary's traffic; the kill switch is released when the serving version changes. The epoch
/// is bumped when anything changed.
pub fn follow_stages(
    state: &TrafficState,
    serving: Option<Version>,
    canary: Option<Version>,
    plan: &StartingPlan,
    rolled_back: bool,
    rules: &CanaryRules,
) -> TrafficState {
    let mut next = state.clone();
    if next.serving != serving {
        next.killed = false;
    }
    next.serving = serving;
    if next.canary != canary || rolled_back {
        next.canary = canary;
        let fresh = canary.is_some() && !rolled_back;
        next.canary_percent = match plan.percent {
            Some(p)
                if fresh && p.is_finite() && p >= 0.0 && p < rules.traffic_share_below_percent =>
            {
                p
            }
            _ => 0.0,
        };
        next.tenants = if fresh && rules.flagged_tenants_allowed {
            plan.tenants
                .iter()
                .filter(|t| valid_tenant(t))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        next.shadow = fresh && plan.shadow;
    }
    if next != *state {
        next.epoch = state.epoch + 1;
    }
    next
}

/// The stage a dial's version is in, for messages.
pub fn role_of(state: &TrafficState, v: &Version) -> Option<Stage> {
    if state.serving.as_ref() == Some(v) {
        Some(Stage::Production)
    } else if state.canary.as_ref() == Some(v) {
        Some(Stage::Canary)
    } else {
        None
    }
}

/// The flagd flag-definition file for `model`'s dial. The flag's key is the model's name; its
/// variants are version strings; targeting sends flagged tenants (context key `tenant`) and the
/// canary's share of targeting keys (flagd's `fractional`, bucketed by flag key and targeting
/// key) to the canary, everyone else to the serving version. The kill switch, or no canary
/// traffic, leaves only the default. Metadata carries the serving epoch, shadow mode, the kill
/// switch and the release record that caused the change.
pub fn flagd_document(model: &str, state: &TrafficState, release: Option<&str>) -> Value {
    let Some(serving) = state.serving else {
        return json!({ "$schema": FLAGD_SCHEMA, "flags": {} });
    };
    let serving = serving.to_string();
    let mut variants = serde_json::Map::new();
    variants.insert(serving.clone(), Value::String(serving.clone()));
    let mut metadata = serde_json::Map::new();
    metadata.insert("servingEpoch".into(), json!(state.epoch));
    metadata.insert("killSwitch".into(), json!(state.killed));
    metadata.insert("shadowMode".into(), json!(state.shadow));
    metadata.insert("servingVersion".into(), json!(serving));
    if let Some(r) = release {
        metadata.insert("releaseRecord".into(), json!(r));
    }
    let mut flag = serde_json::Map::new();
    flag.insert("state".into(), json!("ENABLED"));
    if let Some(canary) = state.canary {
        let canary = canary.to_string();
        variants.insert(canary.clone(), Value::String(canary.clone()));
        if state.shadow {
            metadata.insert("shadowVersion".into(), json!(canary));
        }
        let weight = (state.canary_percent * WEIGHT_SCALE).round() as i64;
        let rest = (100.0 * WEIGHT_SCALE) as i64 - weight;
        let fractional = json!({ "fractional": [
            { "cat": [{ "var": "$flagd.flagKey" }, { "var": "targetingKey" }] },
            [canary, weight],
            [serving, rest]
        ]});
        let by_share = if weight > 0 {
            fractional
        } else {
            Value::String(serving.clone())
        };
        let targeting = if state.tenants.is_empty() {
            (weight > 0).then_some(by_share)
        } else {
            Some(json!({ "if": [
                { "in": [{ "var": "tenant" }, state.tenants] },
                canary,
                by_share
            ]}))
        };
        if let (Some(t), false) = (targeting, state.killed) {
            flag.insert("targeting".into(), t);
        }
    }
    flag.insert("variants".into(), Value::Object(variants));
    flag.insert("defaultVariant".into(), json!(serving));
    flag.insert("metadata".into(), Value::Object(metadata));
    let mut flags = serde_json::Map::new();
    flags.insert(model.to_string(), Value::Object(flag));
    json!({ "$schema": FLAGD_SCHEMA, "flags": flags })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().expect("version")
    }

    fn rules() -> CanaryRules {
        CanaryRules {
            traffic_share_below_percent: 5.0,
            flagged_tenants_allowed: true,
            shadow_mode_required: true,
            min_duration_hours: 48,
            kpis: vec![],
        }
    }

    fn live() -> TrafficState {
        TrafficState {
            serving: Some(v("1.1.0-8")),
            canary: Some(v("1.2.0-12")),
            canary_percent: 4.0,
            tenants: vec![],
            shadow: true,
            killed: false,
            epoch: 3,
        }
    }

    #[test]
    fn changes_under_the_policy() {
        let no_canary = TrafficState {
            canary: None,
            ..live()
        };
        type Case = (
            &'static str,
            TrafficState,
            TrafficChange,
            Result<f64, &'static str>,
        );
        let cases: Vec<Case> = vec![
            (
                "a share under the bound",
                live(),
                TrafficChange::Canary { percent: 2.5 },
                Ok(2.5),
            ),
            (
                "zero",
                live(),
                TrafficChange::Canary { percent: 0.0 },
                Ok(0.0),
            ),
            (
                "at the bound",
                live(),
                TrafficChange::Canary { percent: 5.0 },
                Err("under 5%"),
            ),
            (
                "over it",
                live(),
                TrafficChange::Canary { percent: 6.0 },
                Err("under 5%"),
            ),
            (
                "negative",
                live(),
                TrafficChange::Canary { percent: -1.0 },
                Err("is not a canary share"),
            ),
            (
                "not a number",
                live(),
                TrafficChange::Canary { percent: f64::NAN },
                Err("is not a canary share"),
            ),
            (
                "no canary",
                no_canary,
                TrafficChange::Canary { percent: 1.0 },
                Err("no version of the model is in canary"),
            ),
        ];
        for (name, state, ch, want) in cases {
            match (change(&state, &ch, &rules()), want) {
                (Ok(s), Ok(p)) => {
                    assert_eq!(s.canary_percent, p, "{name}");
                    assert_eq!(s.epoch, state.epoch + 1, "{name}");
                }
                (Err(e), Err(text)) => assert!(e.to_string().contains(text), "{name}: {e}"),
                (got, want) => panic!("{name}: {got:?} vs {want:?}"),
            }
        }
        let t = change(
            &live(),
            &TrafficChange::Tenants {
                tenants: vec!["acme".into(), "acme".into(), "beta-co".into()],
            },
            &rules(),
        )
        .expect("tenants");
        assert_eq!(t.tenants, ["acme", "beta-co"]);
        let bad = change(
            &live(),
            &TrafficChange::Tenants {
                tenants: vec!["a b".into()],
            },
            &rules(),
        );
        assert_eq!(bad, Err(TrafficRefusal::BadTenant("a b".into())));
        let strict = CanaryRules {
            flagged_tenants_allowed: false,
            ..rules()
        };
        assert_eq!(
            change(
                &live(),
                &TrafficChange::Tenants {
                    tenants: vec!["a".into()]
                },
                &strict
            ),
            Err(TrafficRefusal::TenantsNotAllowed)
        );
        let killed = change(&live(), &TrafficChange::Kill, &rules()).expect("kill");
        assert!(killed.killed);
        assert!(
            !change(&killed, &TrafficChange::Unkill, &rules())
                .expect("unkill")
                .killed
        );
    }

    #[test]
    fn the_dial_follows_the_stages() {
        let plan = StartingPlan {
            percent: Some(3.0),
            tenants: vec!["internal".into()],
            shadow: true,
        };
        // A new canary starts from its rollout plan.
        let before = TrafficState {
            canary: None,
            canary_percent: 0.0,
            shadow: false,
            ..live()
        };
        let s = follow_stages(
            &before,
            Some(v("1.1.0-8")),
            Some(v("1.2.0-12")),
            &plan,
            false,
            &rules(),
        );
        assert_eq!((s.canary_percent, s.shadow, s.epoch), (3.0, true, 4));
        assert_eq!(s.tenants, ["internal"]);
        // A plan over the bound starts at 0.
        let over = StartingPlan {
            percent: Some(10.0),
            ..plan.clone()
        };
        let s = follow_stages(
            &before,
            Some(v("1.1.0-8")),
            Some(v("1.2.0-12")),
            &over,
            false,
            &rules(),
        );
        assert_eq!(s.canary_percent, 0.0);
        // The canary promoted: it serves, no canary, the kill switch released.
        let killed = TrafficState {
            killed: true,
            ..live()
        };
        let s = follow_stages(&killed, Some(v("1.2.0-12")), None, &plan, false, &rules());
        assert_eq!(s.serving, Some(v("1.2.0-12")));
        assert_eq!((s.canary, s.canary_percent, s.killed), (None, 0.0, false));
        // A rollback clears the canary's traffic even when a canary stays.
        let s = follow_stages(
            &live(),
            Some(v("1.0.0-3")),
            Some(v("1.2.0-12")),
            &plan,
            true,
            &rules(),
        );
        assert_eq!(
            (s.canary_percent, s.tenants.len(), s.shadow),
            (0.0, 0, false)
        );
        // Nothing changed: the epoch stays.
        let s = follow_stages(
            &live(),
            Some(v("1.1.0-8")),
            Some(v("1.2.0-12")),
            &plan,
            false,
            &rules(),
        );
        assert_eq!(s, live());
    }

    #[test]
    fn the_flagd_file() {
        let doc = flagd_document("copilot", &live(), Some("sha256:ab"));
        let flag = &doc["flags"]["copilot"];
        assert_eq!(doc["$schema"], FLAGD_SCHEMA);
        assert_eq!(flag["defaultVariant"], "1.1.0-8");
        assert_eq!(flag["variants"]["1.2.0-12"], "1.2.0-12");
        assert_eq!(flag["targeting"]["fractional"][1], json!(["1.2.0-12", 400]));
        assert_eq!(flag["targeting"]["fractional"][2], json!(["1.1.0-8", 9600]));
        assert_eq!(flag["metadata"]["servingEpoch"], 3);
        assert_eq!(flag["metadata"]["releaseRecord"], "sha256:ab");
        assert_eq!(flag["metadata"]["shadowVersion"], "1.2.0-12");
        // Tenants first, then the share.
        let t = TrafficState {
            tenants: vec!["acme".into()],
            ..live()
        };
        let doc = flagd_document("copilot", &t, None);
        let rule = &doc["flags"]["copilot"]["targeting"]["if"];
        assert_eq!(rule[1], "1.2.0-12");
        assert!(rule[2].get("fractional").is_some());
        // The kill switch and an empty share leave only the default.
        for s in [
            TrafficState {
                killed: true,
                ..live()
            },
            TrafficState {
                canary_percent: 0.0,
                ..live()
            },
        ] {
            let doc = flagd_document("copilot", &s, None);
            assert!(doc["flags"]["copilot"].get("targeting").is_none(), "{doc}");
        }
        // Nothing in production: no flag.
        let none = flagd_document("copilot", &TrafficState::default(), None);
        assert_eq!(none["flags"], json!({}));
    }
}
