//! The review inbox: what the person at the keyboard owes and what stops their models. The
//! rule of what is owed is `steward_domain::gate::inbox::sign_offs_due`; this gathers the
//! roster, the approvals and the gates it reads.

use std::collections::BTreeSet;

use steward_domain::gate::inbox::{sign_offs_due, Due};
use steward_domain::lifecycle::next_promotion;
use steward_domain::trust::Role;
use steward_domain::Stage;

use super::trust::{current_identity, keystore, load_signer, state_name, untrusted};
use super::Workspace;
use crate::error::Result;
use crate::wire::*;

struct Listed {
    version: steward_domain::Version,
    stage: Stage,
}

/// How many blocking check ids an inbox entry names.
const FIRST_BLOCKING: usize = 3;

impl Workspace {
    /// The inbox of the signing identity (`STEWARD_IDENTITY`, else the only one in the
    /// keyring): sign-offs waiting for their roles, their sign-offs that went stale, and the
    /// failing gates of the models they own.
    pub fn review_inbox(&self) -> Result<InboxView> {
        let ks = keystore();
        let who = current_identity(&ks)?;
        let signer = load_signer(&ks, &who)?;
        let state = self.trust_state()?;
        let roster = state.roster()?;
        let me = signer.keyid().clone();
        let member = roster.member(&me).filter(|m| m.is_active()).ok_or_else(|| {
            untrusted(format!(
                "your key {} ({}) is not an active member of this workspace's roster, so nothing is owed by it; ask a roster admin to add it",
                me.fingerprint(),
                who.name
            ))
        })?;
        let roles: BTreeSet<Role> = member.roles.clone();
        let policy = self.policy_in_force()?;
        let mut view = InboxView {
            name: who.name.clone(),
            email: who.email.clone(),
            roles: roles.iter().copied().collect(),
            awaiting: Vec::new(),
            stale: Vec::new(),
            failing_gates: Vec::new(),
        };
        let models = self.store.models_with_stages()?;
        for (model, versions) in &models {
            let name = &model.name;
            let owned = [who.email.as_str(), who.name.as_str()]
                .iter()
                .any(|id| model.owner.trim().eq_ignore_ascii_case(id));
            for (version, stage) in versions {
                let v = Listed {
                    version: *version,
                    stage: *stage,
                };
                let Some(target) = next_promotion(v.stage) else {
                    continue;
                };
                let required = policy
                    .policy
                    .stage(target)
                    .map(|s| s.approvals.clone())
                    .unwrap_or_default();
                {
                    let sigs = self.gate_approvals(name, &v.version, target)?;
                    for due in sign_offs_due(&required, &roles, &me, &sigs) {
                        let entry =
                            |role: Role, state: String, reasons: Vec<String>| InboxSignOff {
                                model: name.to_string(),
                                version: v.version.to_string(),
                                stage: v.stage,
                                target,
                                role,
                                state,
                                reasons,
                            };
                        match due {
                            Due::Awaiting { role } => {
                                view.awaiting
                                    .push(entry(role, "awaiting".into(), Vec::new()))
                            }
                            Due::Stale { role, state } => {
                                let reasons = match &state {
                                    steward_domain::trust::ApprovalState::Stale { changes } => {
                                        changes.iter().map(ToString::to_string).collect()
                                    }
                                    _ => Vec::new(),
                                };
                                view.stale.push(entry(role, state_name(&state), reasons));
                            }
                        }
                    }
                }
                if owned
                    && matches!(
                        v.stage,
                        Stage::Experiment | Stage::Candidate | Stage::Canary
                    )
                {
                    let e = self.evaluate_parsed(name, &v.version, target)?;
                    let blocking: Vec<String> = e.report.blocking().map(|c| c.id.clone()).collect();
                    if !blocking.is_empty() {
                        view.failing_gates.push(InboxGate {
                            model: name.to_string(),
                            version: v.version.to_string(),
                            stage: v.stage,
                            target,
                            blocking: u32::try_from(blocking.len()).unwrap_or(u32::MAX),
                            first: blocking.into_iter().take(FIRST_BLOCKING).collect(),
                        });
                    }
                }
            }
        }
        Ok(view)
    }
}
