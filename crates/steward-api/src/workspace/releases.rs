//! Gated promotions and what they leave: release records (signed, chained per model, tagged in
//! the model's git repository), one-action rollbacks, waivers and dataset security reviews.
//!
//! A stage change asks the lifecycle what kind of move it is. Promotions and deprecations run
//! the gate of their target stage and are refused while it fails (or when it decides otherwise
//! than the report the person confirmed); rollbacks and demotions are not gated. Promotions,
//! rollbacks and deprecations are signed by the person moving the version — a key in the OS
//! keyring held by an active roster member — as an in-toto statement whose predicate is a
//! `steward_domain::release::ReleaseRecord`, stored with the stage change in one transaction.
//! Verification re-reads every record, checks its signature, its signer's standing in the
//! roster as it was when it signed, every digest it names against the store, and the chain.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use steward_attest::{self as attest, Envelope, IdentityRecord, Signer, Statement, Subject};
use steward_domain::gate::{self, EvidenceRef, Signature, Waiver, WAIVER_ROLES};
use steward_domain::release::{
    check_against, check_chain, first_broken, git_tag_name, records_move, registry_tag_names,
    ChainLink, EnvelopeRef, RecordPart, RecordProblem, RecordSigner, RecordedChange, RecordedGate,
    RecordedWaiver, ReleaseRecord, StoreFacts, RELEASE_RECORD_FORMAT,
};
use steward_domain::trust::{approval_state, ApprovalState, Change, KeyId, Role, Roster, Verdict};
use steward_domain::{
    plan_stage_change, DatasetRef, ModelName, Sha256Digest, Stage, TransitionKind, Version,
};
use steward_store::clock::now;
use steward_store::{NewDatasetReview, NewRelease, NewWaiver, ReleaseRow};

use super::trust::{
    current_identity, fingerprint_of, keystore, load_signer, to_value, untrusted, TrustState,
};
use super::{parse, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::*;

/// The predicate type of release records.
pub const RELEASE_PREDICATE: &str = "https://steward.dev/release-record/v1";
/// The predicate type of waiver signatures.
pub const WAIVER_PREDICATE: &str = "https://steward.dev/waiver/v1";
/// The predicate type of dataset security/privacy reviews.
pub const DATASET_REVIEW_PREDICATE: &str = "https://steward.dev/dataset-review/v1";

/// What a waiver's statement says.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct WaiverPredicate {
    model: ModelName,
    version: Version,
    check_id: String,
    role: Role,
    rationale: String,
    expires_at: String,
    signer: RecordSigner,
    signed_at: String,
}

/// A stored waiver signature as shown, with what it counts for when it could be read.
type DecidedWaiver = (WaiverSignatureView, Option<(WaiverPredicate, Signature)>);

/// What a dataset review's statement says.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ReviewPredicate {
    dataset: String,
    manifest_checksum: Sha256Digest,
    role: Role,
    comment: String,
    signer: RecordSigner,
    signed_at: String,
}

/// Verifies `envelope` against the roster's keys and reads its statement's predicate of
/// `predicate_type`, with the verified key.
fn read_signed<T: serde::de::DeserializeOwned>(
    envelope: &str,
    state: &TrustState,
    predicate_type: &str,
) -> std::result::Result<(KeyId, T, Statement), (RecordPart, String)> {
    let env = Envelope::from_json(envelope.as_bytes())
        .map_err(|e| (RecordPart::Signature, e.to_string()))?;
    let (keyid, statement) = attest::verify_statement(&env, &state.keys).map_err(|e| {
        let claimed = env
            .signatures
            .first()
            .map(|s| s.keyid.clone())
            .unwrap_or_default();
        if state.keys.get(&claimed).is_none() && !claimed.is_empty() {
            (
                RecordPart::Signer,
                format!(
                    "signed by key {}, which is not in the roster",
                    fingerprint_of(&claimed)
                ),
            )
        } else {
            (RecordPart::Signature, e.to_string())
        }
    })?;
    if statement.predicate_type != predicate_type {
        return Err((
            RecordPart::Signature,
            format!(
                "the signed statement is a {:?}, not a {predicate_type}",
                statement.predicate_type
            ),
        ));
    }
    let pred: T = serde_json::from_value(statement.predicate.clone()).map_err(|e| {
        (
            RecordPart::Signature,
            format!("the signed predicate is not readable: {e}"),
        )
    })?;
    Ok((keyid, pred, statement))
}

/// The roster as it stood after its first `seq` changes.
fn roster_at(roster: &Roster, seq: u64) -> Option<Roster> {
    let n = usize::try_from(seq).ok()?;
    let changes = roster.history().get(..n)?;
    Roster::from_changes(changes).ok()
}

/// The state of one signature by `keyid` for `role`, given whether what it signed is still
/// what the store holds.
fn signature_state(
    state: &TrustState,
    keyid: &KeyId,
    role: Role,
    changes: Vec<Change>,
) -> ApprovalState {
    let verdict = state
        .roster
        .as_ref()
        .map_or(Verdict::NotInRoster, |r| r.may_sign(keyid, role));
    approval_state(Ok(()), &verdict, true, changes)
}

fn state_text(s: &ApprovalState) -> String {
    super::trust::state_name(s)
}

/// `YYYY-MM-DD` (end of that day, UTC) or RFC 3339, as RFC 3339.
fn expiry(text: &str) -> Result<String> {
    let t = text.trim();
    let parsed = if t.len() == 10 {
        gate::time::parse_rfc3339(&format!("{t}T23:59:59Z"))
    } else {
        gate::time::parse_rfc3339(t)
    };
    let Some(at) = parsed else {
        return Err(ApiError::invalid(format!(
            "--expires {text:?} is not a date: give YYYY-MM-DD or an RFC 3339 time such as 2027-01-31T18:00:00Z"
        )));
    };
    let current = gate::time::parse_rfc3339(&now()).unwrap_or(0);
    if at <= current {
        return Err(ApiError::invalid(format!(
            "--expires {text:?} is in the past: a waiver must expire after now ({})",
            now()
        )));
    }
    Ok(gate::time::format_rfc3339(at))
}

fn tag_view(row: &ReleaseRow) -> Option<ReleaseTagView> {
    row.tags.last().map(|t| ReleaseTagView {
        tag: t.tag.clone(),
        created: t.created,
        detail: t.detail.clone(),
        at: t.at.clone(),
    })
}

fn problem_view(p: &RecordProblem) -> RecordProblemView {
    RecordProblemView {
        seq: u32::try_from(p.seq).unwrap_or(u32::MAX),
        part: p.part,
        message: p.message.clone(),
    }
}

/// A record's view: what its signed predicate says when it can be read, the row otherwise.
fn release_view(
    model: &ModelName,
    row: &ReleaseRow,
    record: Option<&ReleaseRecord>,
    problems: Vec<RecordProblemView>,
) -> ReleaseView {
    let kind = record.map_or_else(
        || match row.kind.as_str() {
            "rollback" => TransitionKind::Rollback,
            "deprecate" => TransitionKind::Deprecate,
            _ => TransitionKind::Promote,
        },
        |r| r.kind,
    );
    ReleaseView {
        seq: u32::try_from(row.seq).unwrap_or(u32::MAX),
        model: model.to_string(),
        version: row.version.to_string(),
        kind,
        from: record.map_or(row.from, |r| r.from),
        to: record.map_or(row.to, |r| r.to),
        recorded_at: record.map_or_else(|| row.recorded_at.clone(), |r| r.recorded_at.clone()),
        signer_name: record.map_or_else(|| "unknown".into(), |r| r.signer.name.clone()),
        signer_fingerprint: fingerprint_of(&row.signer_keyid),
        digest: row.envelope_sha256.to_string(),
        previous: record.and_then(|r| r.previous.map(|d| d.to_string())),
        rollback_target: record.and_then(|r| r.rollback_target.map(|v| v.to_string())),
        gate_passed: record.and_then(|r| r.gate.as_ref().map(|g| g.passed)),
        gate_digest: record.and_then(|r| r.gate.as_ref().map(|g| g.digest.to_string())),
        waived_checks: record.map_or_else(Vec::new, |r| {
            r.waivers.iter().map(|w| w.check_id.clone()).collect()
        }),
        approvals: record.map_or(0, |r| u32::try_from(r.approvals.len()).unwrap_or(u32::MAX)),
        incident: record.and_then(|r| r.incident.clone()),
        reason: record.map_or_else(String::new, |r| r.reason.clone()),
        git_tag: record.map_or_else(
            || git_tag_name(model, &row.version, row.to),
            |r| r.git_tag.clone(),
        ),
        tag: tag_view(row),
        problems,
    }
}

/// Makes the annotated tag `tag` on `commit` in the repository at `repo`, carrying the record
/// digest; returns what to record (made, and the repository and commit or why not).
fn make_tag(
    repo: &str,
    commit: Option<&str>,
    tag: &str,
    message: &str,
    who: &RecordSigner,
) -> (bool, String) {
    let Some(commit) = commit else {
        return (
            false,
            "the version records no code commit, so there is nothing to tag".into(),
        );
    };
    let repository = match git2::Repository::open(repo) {
        Ok(r) => r,
        Err(e) => {
            return (
                false,
                format!("{repo} is not a git repository Steward can open ({}); link the model again with `steward model link-repo`", e.message()),
            )
        }
    };
    let object = match repository
        .revparse_single(commit)
        .and_then(|o| o.peel(git2::ObjectType::Commit))
    {
        Ok(o) => o,
        Err(_) => {
            return (
                false,
                format!("commit {commit} is not in {repo}; fetch it there and tag by hand, or link the repository that holds it"),
            )
        }
    };
    let signature = match git2::Signature::now(&who.name, &who.email) {
        Ok(s) => s,
        Err(e) => {
            return (
                false,
                format!(
                    "the tagger {} <{}> is not valid for git: {}",
                    who.name,
                    who.email,
                    e.message()
                ),
            )
        }
    };
    match repository.tag(tag, &object, &signature, message, false) {
        Ok(_) => (true, format!("{repo} at {}", object.id())),
        Err(e) => (
            false,
            format!("git refused tag {tag} in {repo}: {}", e.message()),
        ),
    }
}

impl Workspace {
    /// Moves a version to a stage under the lifecycle rules and the gate, with every implied
    /// change, and — for a promotion, rollback or deprecation — a signed release record.
    pub fn stage_set(&self, req: &StageSet) -> Result<StageSetResult> {
        self.stage_set_signed(req, None)
    }

    /// [`Workspace::stage_set`] signed by `signer` (the demo's people sign this way).
    pub(crate) fn stage_set_as(
        &self,
        req: &StageSet,
        who: &IdentityRecord,
        signer: &Signer,
    ) -> Result<StageSetResult> {
        self.stage_set_signed(req, Some((who, signer)))
    }

    fn stage_set_signed(
        &self,
        req: &StageSet,
        given: Option<(&IdentityRecord, &Signer)>,
    ) -> Result<StageSetResult> {
        let model: ModelName = parse(&req.model)?;
        let version: Version = parse(&req.version)?;
        let reason = req
            .reason
            .as_deref()
            .map(str::trim)
            .unwrap_or("")
            .to_string();
        let incident = req
            .incident
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        self.store.version(&model, &version)?;
        let current: Vec<(Version, Stage)> = self
            .store
            .versions(&model)?
            .iter()
            .map(|v| (v.version, v.stage))
            .collect();
        let kind = plan_stage_change(&model, &current, version, req.stage)?
            .changes
            .first()
            .map(|c| c.kind);
        let Some(kind) = kind.filter(|k| records_move(*k)) else {
            // A demotion: not gated, no record.
            let plan = self
                .store
                .set_stage(&model, version, req.stage, &reason, &self.actor)?;
            return self.stage_result(&model, &version, &plan, None);
        };
        // The gate, for the moves it governs.
        let gated = matches!(kind, TransitionKind::Promote | TransitionKind::Deprecate);
        let evaluated = if gated {
            let e = self.evaluate_parsed(&model, &version, req.stage)?;
            let digest = e.report.digest()?;
            if let Some(seen) = req
                .gate_digest
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                if seen != digest.to_string() {
                    return Err(ApiError::new(
                        ErrorCode::Conflict,
                        format!(
                            "the gate of {model}@{version} to {} changed since it was shown (confirmed {seen}, now {digest}): the evidence or its review moved; look at the gate again, which now {}",
                            req.stage,
                            if e.report.passed { "passes" } else { "fails" }
                        ),
                    ));
                }
            }
            if !e.report.passed {
                let blocking: Vec<String> = e
                    .report
                    .blocking()
                    .map(|c| {
                        format!(
                            "{} ({}): {}; needs {}",
                            c.id, c.status, c.observed, c.expected
                        )
                    })
                    .collect();
                return Err(ApiError::new(
                    ErrorCode::Refused,
                    format!(
                        "the gate refuses {model}@{version} to {}: {} check(s) do not pass under policy {:?}: {}; see `steward gate {model}@{version} --to {}`",
                        req.stage,
                        blocking.len(),
                        e.report.policy,
                        blocking.join("; "),
                        req.stage
                    ),
                ));
            }
            Some(e)
        } else {
            None
        };
        if kind == TransitionKind::Rollback && incident.is_none() {
            return Err(ApiError::invalid(
                "a rollback names the incident behind it: give --incident REF (a ticket or page)",
            ));
        }
        // The signer: an active member of the roster.
        let state = self.trust_state()?;
        let roster = state.roster().map_err(|e| {
            ApiError::new(
                e.code,
                format!(
                    "promotions, rollbacks and deprecations are signed release records: {}",
                    e.message
                ),
            )
        })?;
        let loaded;
        let (who, signer) = match given {
            Some(g) => g,
            None => {
                let ks = keystore();
                let who = current_identity(&ks)?;
                let signer = load_signer(&ks, &who)?;
                loaded = (who, signer);
                (&loaded.0, &loaded.1)
            }
        };
        let member = roster.member(signer.keyid()).filter(|m| m.is_active());
        if member.is_none() {
            return Err(untrusted(format!(
                "your key {} ({}) is not an active member of this workspace's roster, so it may not sign the release record of {model}@{version}; ask a roster admin to add it (roster root {})",
                signer.keyid().fingerprint(),
                who.name,
                roster.root().fingerprint()
            )));
        }
        if let Some(m) = member {
            steward_domain::trust::may_sign_release(&m.roles, kind).map_err(|e| {
                untrusted(format!(
                    "{} may not sign the release record of {model}@{version}: {e}",
                    who.name
                ))
            })?;
        }
        let roster_seq = u64::try_from(roster.history().len()).unwrap_or(u64::MAX);
        let row = self.store.version(&model, &version)?;
        let Some(bundle) = row.artifacts.bundle_digest else {
            return Err(ApiError::invalid(format!(
                "{model}@{version} has no bundle digest, and a release record is a statement about the bundle; versions without one stay where they are"
            )));
        };
        let in_toto = Subject::sha256(format!("{model}@{version}"), bundle);
        let subject = self.review_subject(&model, &version, req.stage)?;
        let (approvals, waivers) = match &evaluated {
            Some(e) => {
                let mut a: Vec<EnvelopeRef> = e
                    .evidence
                    .approvals
                    .iter()
                    .filter(|s| s.state.counts())
                    .map(|s| EnvelopeRef {
                        role: s.role,
                        keyid: s.keyid.clone(),
                        digest: s.envelope_digest,
                    })
                    .collect();
                a.sort();
                let w: Vec<RecordedWaiver> = e
                    .report
                    .checks
                    .iter()
                    .filter_map(|c| c.waiver.as_ref().map(|w| (c, w)))
                    .map(|(c, w)| RecordedWaiver {
                        check_id: c.id.clone(),
                        expires_at: w.expires_at.clone(),
                        rationale: w.rationale.clone(),
                        envelopes: w
                            .envelopes
                            .iter()
                            .filter_map(|r| match r {
                                EvidenceRef::Envelope {
                                    role,
                                    keyid,
                                    digest,
                                } => Some(EnvelopeRef {
                                    role: *role,
                                    keyid: keyid.clone(),
                                    digest: *digest,
                                }),
                                _ => None,
                            })
                            .collect(),
                    })
                    .collect();
                (a, w)
            }
            None => (Vec::new(), Vec::new()),
        };
        let gate_record = match &evaluated {
            Some(e) => Some(RecordedGate {
                policy: e.report.policy.clone(),
                policy_revision: e.policy.revision.as_ref().map(|r| r.number),
                passed: e.report.passed,
                digest: e.report.digest()?,
                report: e.report.clone(),
            }),
            None => None,
        };
        let record_signer = RecordSigner {
            keyid: signer.keyid().clone(),
            name: who.name.clone(),
            email: who.email.clone(),
        };
        let done = self.store.set_stage_recorded(
            &model,
            version,
            req.stage,
            &reason,
            &self.actor,
            |plan, head| -> Result<Option<NewRelease>> {
                let first = plan.changes.first();
                if first.map(|c| c.kind) != Some(kind) {
                    return Err(ApiError::new(
                        ErrorCode::Conflict,
                        format!("{model} changed while {model}@{version} was being moved; nothing was changed, try again"),
                    ));
                }
                let rollback_target = plan
                    .changes
                    .iter()
                    .find(|c| c.to == Stage::RollbackTarget)
                    .map(|c| c.version);
                let recorded_at = now();
                let record = ReleaseRecord {
                    format: RELEASE_RECORD_FORMAT.into(),
                    model: model.clone(),
                    seq: head.next_seq,
                    version,
                    kind,
                    from: first.map_or(req.stage, |c| c.from),
                    to: req.stage,
                    changes: plan
                        .changes
                        .iter()
                        .map(|c| RecordedChange {
                            version: c.version,
                            from: c.from,
                            to: c.to,
                            kind: c.kind,
                        })
                        .collect(),
                    bundle_digest: row.artifacts.bundle_digest,
                    config_digest: row.artifacts.config_digest,
                    code_commit: row.artifacts.code_commit.as_ref().map(ToString::to_string),
                    datasets: subject.datasets.clone(),
                    documents: subject.documents.clone(),
                    evaluations: subject.evaluations.clone(),
                    gate: gate_record.clone(),
                    approvals: approvals.clone(),
                    waivers: waivers.clone(),
                    rollback_target,
                    previous: head.previous,
                    git_tag: git_tag_name(&model, &version, req.stage),
                    registry_tags: registry_tag_names(req.stage),
                    incident: incident.clone(),
                    reason: reason.clone(),
                    recorded_at: recorded_at.clone(),
                    signer: record_signer.clone(),
                    roster_seq,
                };
                let statement =
                    Statement::new(vec![in_toto.clone()], RELEASE_PREDICATE, to_value(&record)?);
                let env = attest::sign_statement(&statement, signer)?;
                Ok(Some(NewRelease {
                    signer: signer.keyid().clone(),
                    envelope: env.to_json(),
                    recorded_at,
                }))
            },
        )?;
        let mut release = None;
        if let Some(r) = &done.record {
            // The traffic dial follows the stages; a flag file that cannot be written is
            // recorded with the change (`steward traffic show`), the promotion stands.
            self.traffic_follow(
                &model,
                &r.envelope_sha256.to_string(),
                kind == TransitionKind::Rollback,
            )?;
            let tagged = self.tag_release(&model, r, &record_signer)?;
            let view_row = tagged.as_ref().unwrap_or(r);
            let record =
                read_signed::<ReleaseRecord>(&view_row.envelope, &state, RELEASE_PREDICATE)
                    .ok()
                    .map(|(_, rec, _)| rec);
            release = Some(release_view(&model, view_row, record.as_ref(), Vec::new()));
        }
        self.stage_result(&model, &version, &done.plan, release)
    }

    /// Lays down a stage move from before the workspace adopted its policy: the lifecycle
    /// rules apply, but no gate runs and no release record is written. Only the demo calls
    /// this, for the history its story starts from and for generated models.
    pub(crate) fn record_history(&self, subject: &str, stage: Stage, reason: &str) -> Result<()> {
        let (model, version) = super::parse_model_version(subject)?;
        self.store
            .set_stage(&model, version, stage, reason, &self.actor)?;
        Ok(())
    }

    fn stage_result(
        &self,
        model: &ModelName,
        version: &Version,
        plan: &steward_domain::StageChangePlan,
        release: Option<ReleaseView>,
    ) -> Result<StageSetResult> {
        Ok(StageSetResult {
            changes: plan
                .changes
                .iter()
                .map(|c| StageChangeView {
                    version: c.version.to_string(),
                    from: c.from,
                    to: c.to,
                    kind: c.kind,
                })
                .collect(),
            version: self.version_show(model, version)?,
            release,
        })
    }

    /// Tags the record in the model's linked repository, if it has one, and records the
    /// attempt; returns the row with it.
    fn tag_release(
        &self,
        model: &ModelName,
        row: &ReleaseRow,
        who: &RecordSigner,
    ) -> Result<Option<ReleaseRow>> {
        let Some(repo) = self.store.model_repo(model)? else {
            return Ok(None);
        };
        let tag = git_tag_name(model, &row.version, row.to);
        let commit = self
            .store
            .version(model, &row.version)?
            .artifacts
            .code_commit
            .map(|c| c.to_string());
        let message = format!(
            "Steward release record {} of {model}@{}: {} to {}\n\nrelease-record: {}\n",
            row.seq, row.version, row.from, row.to, row.envelope_sha256
        );
        let (created, detail) = make_tag(&repo, commit.as_deref(), &tag, &message, who);
        self.store
            .add_release_tag(model, row.seq, &tag, created, &detail, &self.actor)?;
        Ok(self
            .store
            .release_records(model)?
            .into_iter()
            .find(|r| r.seq == row.seq))
    }

    /// Links `model` to the local git repository at `path`, where release tags are made.
    pub fn model_link_repo(&self, model: &str, path: &Path) -> Result<String> {
        let model: ModelName = parse(model)?;
        self.store.model(&model)?;
        let repo = git2::Repository::discover(path).map_err(|e| {
            ApiError::new(
                ErrorCode::NotFound,
                format!(
                    "{} is not inside a git repository ({})",
                    path.display(),
                    e.message()
                ),
            )
        })?;
        let root = repo
            .workdir()
            .unwrap_or_else(|| repo.path())
            .canonicalize()
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display())))?;
        let text = root.display().to_string();
        self.store.link_repo(&model, &text, &self.actor)?;
        Ok(text)
    }

    /// Rolls `req.model` back in one action: its rollback target serves again, the version
    /// rolled back from is deprecated, and a signed release record names the incident.
    pub fn rollback(&self, req: &RollbackRequest) -> Result<RollbackResult> {
        self.rollback_signed(req, None)
    }

    pub(super) fn rollback_signed(
        &self,
        req: &RollbackRequest,
        given: Option<(&IdentityRecord, &Signer)>,
    ) -> Result<RollbackResult> {
        let started = Instant::now();
        let model: ModelName = parse(&req.model)?;
        if req.incident.trim().is_empty() {
            return Err(ApiError::invalid(
                "a rollback names the incident behind it: give --incident REF (a ticket or page)",
            ));
        }
        if req.reason.trim().is_empty() {
            return Err(ApiError::invalid("a rollback says why: give --reason TEXT"));
        }
        let versions = self.store.versions(&model)?;
        let serving = versions.iter().find(|v| v.stage == Stage::Production);
        let target = versions.iter().find(|v| v.stage == Stage::RollbackTarget);
        let (Some(serving), Some(target)) = (serving, target) else {
            return Err(ApiError::new(
                ErrorCode::Refused,
                format!(
                    "{model} has {}: a rollback needs a production version and its rollback target",
                    match (serving, target) {
                        (None, _) => "no production version".to_string(),
                        (Some(p), None) =>
                            format!("no rollback target behind production {}", p.version),
                        _ => String::new(),
                    }
                ),
            ));
        };
        let req_stage = StageSet {
            model: model.to_string(),
            version: target.version.to_string(),
            stage: Stage::Production,
            reason: Some(req.reason.trim().to_string()),
            gate_digest: None,
            incident: Some(req.incident.trim().to_string()),
        };
        let result = self.stage_set_signed(&req_stage, given)?;
        let release = result.release.ok_or_else(|| {
            ApiError::new(ErrorCode::Internal, "the rollback wrote no release record")
        })?;
        Ok(RollbackResult {
            serving: target.version.to_string(),
            rolled_back: serving.version.to_string(),
            release,
            elapsed_ms: u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX),
        })
    }

    /// A model's release records, each verified: signature, signer's roster standing when it
    /// signed, every digest against the store, and the chain.
    pub fn release_list(&self, model: &str) -> Result<ReleaseList> {
        let model: ModelName = parse(model)?;
        self.store.model(&model)?;
        let rows = self.store.release_records(&model)?;
        let state = self.trust_state()?;
        let mut facts: BTreeMap<Version, StoreFacts> = BTreeMap::new();
        let mut links = Vec::with_capacity(rows.len());
        let mut per_record: Vec<(Option<ReleaseRecord>, Vec<RecordProblem>)> = Vec::new();
        for row in &rows {
            let mut problems = Vec::new();
            let mut push = |part: RecordPart, message: String| {
                problems.push(RecordProblem {
                    seq: row.seq,
                    part,
                    message,
                })
            };
            let stored = Sha256Digest::of(row.envelope.as_bytes());
            if stored != row.envelope_sha256 {
                push(
                    RecordPart::Row,
                    format!(
                        "the stored envelope digests to {stored}, the row says {}",
                        row.envelope_sha256
                    ),
                );
            }
            let record = match read_signed::<ReleaseRecord>(
                &row.envelope,
                &state,
                RELEASE_PREDICATE,
            ) {
                Err((part, message)) => {
                    push(part, message);
                    None
                }
                Ok((keyid, record, statement)) => {
                    if record.signer.keyid != keyid {
                        push(
                            RecordPart::Signature,
                            format!(
                                "the record names signer {}, but key {} signed it",
                                record.signer.keyid.fingerprint(),
                                keyid.fingerprint()
                            ),
                        );
                    }
                    match state.roster.as_ref().and_then(|r| roster_at(r, record.roster_seq)) {
                        None => push(
                            RecordPart::Signer,
                            format!("the record says it was signed under roster change {}, which this roster does not have", record.roster_seq),
                        ),
                        Some(then) => match then.member(&keyid) {
                            Some(m) if m.is_active() => {}
                            Some(m) => push(
                                RecordPart::Signer,
                                format!("{} ({}) had been revoked from the roster before roster change {} when this record was signed", m.name, keyid.fingerprint(), record.roster_seq),
                            ),
                            None => push(
                                RecordPart::Signer,
                                format!("key {} was not in the roster at roster change {} when this record was signed", keyid.fingerprint(), record.roster_seq),
                            ),
                        },
                    }
                    let subject_ok = record.bundle_digest.is_some_and(|b| {
                        statement
                            .subject
                            .iter()
                            .any(|s| s.digest.get("sha256") == Some(&b.hex()))
                    });
                    if !subject_ok {
                        push(
                            RecordPart::Artifact,
                            "the statement's subject is not the record's bundle".into(),
                        );
                    }
                    for (what, ok) in [
                        ("model", record.model == model),
                        ("seq", record.seq == row.seq),
                        ("version", record.version == row.version),
                        ("to stage", record.to == row.to),
                        ("from stage", record.from == row.from),
                    ] {
                        if !ok {
                            push(
                                RecordPart::Row,
                                format!("the stored row's {what} differs from the signed record's"),
                            );
                        }
                    }
                    Some(record)
                }
            };
            if let Some(r) = &record {
                let f = match facts.get(&r.version) {
                    Some(f) => f,
                    None => {
                        let f = self.store.release_facts(&model, &r.version)?;
                        facts.entry(r.version).or_insert(f)
                    }
                };
                problems.extend(check_against(r, f));
            }
            links.push(ChainLink {
                seq: row.seq,
                digest: row.envelope_sha256,
                previous: record.as_ref().map(|r| r.previous),
            });
            per_record.push((record, problems));
        }
        let chain = check_chain(&links);
        let mut all: Vec<RecordProblem> = Vec::new();
        let records: Vec<ReleaseView> = rows
            .iter()
            .zip(per_record)
            .map(|(row, (record, mut problems))| {
                problems.extend(chain.iter().filter(|p| p.seq == row.seq).cloned());
                all.extend(problems.iter().cloned());
                release_view(
                    &model,
                    row,
                    record.as_ref(),
                    problems.iter().map(problem_view).collect(),
                )
            })
            .collect();
        Ok(ReleaseList {
            model: model.to_string(),
            ok: all.is_empty(),
            first_broken: first_broken(&all).map(problem_view),
            records,
        })
    }

    /// One record's signed envelope (`seq` from 1), as stored: what an auditor verifies with
    /// the signer's public key alone.
    pub fn release_envelope(&self, model: &str, seq: u32) -> Result<String> {
        let model: ModelName = parse(model)?;
        self.store
            .release_records(&model)?
            .into_iter()
            .find(|r| r.seq == u64::from(seq))
            .map(|r| r.envelope)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    format!("{model} has no release record {seq}; `steward release list {model}` shows its records"),
                )
            })
    }

    /// The decoded predicate of one record, as JSON.
    pub fn release_record_json(&self, model: &str, seq: u32) -> Result<serde_json::Value> {
        let env = self.release_envelope(model, seq)?;
        let envelope = Envelope::from_json(env.as_bytes())?;
        let statement = Statement::from_payload(&envelope.unverified_payload()?)?;
        Ok(statement.predicate)
    }

    // -------------------------------------------------------------------------------------
    // Waivers

    /// Signs one role's waiver of one check for one version.
    pub fn waive(&self, req: &WaiverRequest) -> Result<WaiverSignatureView> {
        let ks = keystore();
        let who = current_identity(&ks)?;
        let signer = load_signer(&ks, &who)?;
        self.waive_as(req, &who, &signer)
    }

    pub(crate) fn waive_as(
        &self,
        req: &WaiverRequest,
        who: &IdentityRecord,
        signer: &Signer,
    ) -> Result<WaiverSignatureView> {
        let model: ModelName = parse(&req.model)?;
        let version: Version = parse(&req.version)?;
        self.store.version(&model, &version)?;
        if !WAIVER_ROLES.contains(&req.role) {
            return Err(ApiError::invalid(format!(
                "a waiver is signed by {}; {} cannot waive a check",
                WAIVER_ROLES.map(|r| r.as_str()).join(" and "),
                req.role
            )));
        }
        let rationale = req.rationale.trim();
        if rationale.is_empty() {
            return Err(ApiError::invalid(
                "a waiver says why the check may be waived: give --rationale TEXT",
            ));
        }
        let check_id = req.check_id.trim();
        let stage = Stage::ALL
            .into_iter()
            .find(|s| check_id.starts_with(&format!("{}.", s.as_str())))
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "{check_id:?} is not a gate check id (they start with the stage: production.…, canary.…); `steward gate {model}@{version} --to STAGE` lists them"
                ))
            })?;
        let report = self.evaluate_parsed(&model, &version, stage)?.report;
        let Some(check) = report.check(check_id) else {
            return Err(ApiError::invalid(format!(
                "the {stage} gate of {model}@{version} has no check {check_id:?}; `steward gate {model}@{version} --to {stage}` lists them"
            )));
        };
        if check.category == steward_domain::policy::Category::Approvals {
            return Err(ApiError::invalid(format!(
                "{check_id} is a sign-off: it is met by an approval, never waived"
            )));
        }
        let expires_at = expiry(&req.expires_at)?;
        let state = self.trust_state()?;
        let roster = state.roster()?;
        if roster.may_sign(signer.keyid(), req.role) != Verdict::Allowed {
            return Err(untrusted(format!(
                "your key {} ({}) does not hold the role {} in this workspace's roster, so it may not sign this waiver",
                signer.keyid().fingerprint(),
                who.name,
                req.role
            )));
        }
        let row = self.store.version(&model, &version)?;
        let bundle = row.artifacts.bundle_digest.ok_or_else(|| {
            ApiError::invalid(format!(
                "{model}@{version} has no bundle digest; a waiver is a statement about the bundle"
            ))
        })?;
        let signed_at = now();
        let pred = WaiverPredicate {
            model: model.clone(),
            version,
            check_id: check_id.to_string(),
            role: req.role,
            rationale: rationale.to_string(),
            expires_at: expires_at.clone(),
            signer: RecordSigner {
                keyid: signer.keyid().clone(),
                name: who.name.clone(),
                email: who.email.clone(),
            },
            signed_at: signed_at.clone(),
        };
        let statement = Statement::new(
            vec![Subject::sha256(format!("{model}@{version}"), bundle)],
            WAIVER_PREDICATE,
            to_value(&pred)?,
        );
        let env = attest::sign_statement(&statement, signer)?;
        self.store.add_waiver(
            &NewWaiver {
                model: &model,
                version: &version,
                check_id,
                role: req.role,
                signer: signer.keyid(),
                expires_at: &expires_at,
                envelope: &env.to_json(),
                signed_at: &signed_at,
            },
            &self.actor,
        )?;
        self.waivers(&req.model, &req.version)?
            .into_iter()
            .last()
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the waiver just stored is gone"))
    }

    /// A version's waiver signatures, each with whether it counts now.
    pub fn waivers(&self, model: &str, version: &str) -> Result<Vec<WaiverSignatureView>> {
        let model: ModelName = parse(model)?;
        let version: Version = parse(version)?;
        let state = self.trust_state()?;
        Ok(self
            .decided_waivers(&model, &version, &state)?
            .into_iter()
            .map(|(view, _)| view)
            .collect())
    }

    fn decided_waivers(
        &self,
        model: &ModelName,
        version: &Version,
        state: &TrustState,
    ) -> Result<Vec<DecidedWaiver>> {
        let now_at = gate::time::parse_rfc3339(&now());
        let mut out = Vec::new();
        for row in self.store.waivers(model, version)? {
            let digest = row.signed.envelope_sha256;
            let mut view = WaiverSignatureView {
                check_id: row.check_id.clone(),
                role: None,
                signer_name: "unknown".into(),
                rationale: String::new(),
                expires_at: row.expires_at.clone(),
                signed_at: row.signed.signed_at.clone(),
                state: String::new(),
                reasons: Vec::new(),
                digest: digest.to_string(),
            };
            match read_signed::<WaiverPredicate>(&row.signed.envelope, state, WAIVER_PREDICATE) {
                Err((part, why)) => {
                    view.state = if part == RecordPart::Signer {
                        "not-in-roster"
                    } else {
                        "invalid-signature"
                    }
                    .into();
                    view.reasons.push(why);
                    out.push((view, None));
                }
                Ok((keyid, pred, _)) => {
                    let st = if pred.model != *model || pred.version != *version {
                        ApprovalState::WrongVersion
                    } else {
                        signature_state(state, &keyid, pred.role, Vec::new())
                    };
                    view.role = Some(pred.role);
                    view.signer_name = state.name_of(&keyid);
                    view.rationale = pred.rationale.clone();
                    view.expires_at = pred.expires_at.clone();
                    view.check_id = pred.check_id.clone();
                    view.state = state_text(&st);
                    let expired = gate::time::parse_rfc3339(&pred.expires_at)
                        .zip(now_at)
                        .is_some_and(|(e, n)| e <= n);
                    if expired {
                        view.reasons.push(format!("expired at {}", pred.expires_at));
                        if st.counts() {
                            view.state = "expired".into();
                        }
                    }
                    if !st.counts() {
                        view.reasons
                            .push(format!("the signature is {}", state_text(&st)));
                    }
                    let sig = Signature {
                        role: pred.role,
                        keyid,
                        state: st,
                        envelope_digest: digest,
                    };
                    out.push((view, Some((pred, sig))));
                }
            }
        }
        Ok(out)
    }

    /// The waivers a gate reads: the version's signatures grouped by check, each group with
    /// the earliest expiry of its signatures and the model owner's rationale.
    pub(super) fn gate_waivers(&self, model: &ModelName, version: &Version) -> Result<Vec<Waiver>> {
        let state = self.trust_state()?;
        let mut by_check: BTreeMap<String, Waiver> = BTreeMap::new();
        for (_, decided) in self.decided_waivers(model, version, &state)? {
            let Some((pred, sig)) = decided else { continue };
            let w = by_check
                .entry(pred.check_id.clone())
                .or_insert_with(|| Waiver {
                    check_id: pred.check_id.clone(),
                    rationale: pred.rationale.clone(),
                    expires_at: pred.expires_at.clone(),
                    signatures: Vec::new(),
                });
            if pred.expires_at < w.expires_at {
                w.expires_at = pred.expires_at.clone();
            }
            if pred.role == Role::ModelOwner {
                w.rationale = pred.rationale.clone();
            }
            w.signatures.push(sig);
        }
        Ok(by_check.into_values().collect())
    }

    // -------------------------------------------------------------------------------------
    // Dataset reviews

    /// Signs a security/privacy review of a dataset snapshot's manifest.
    pub fn dataset_review(&self, req: &DatasetReviewRequest) -> Result<DatasetReviewView> {
        let ks = keystore();
        let who = current_identity(&ks)?;
        let signer = load_signer(&ks, &who)?;
        self.dataset_review_as(req, &who, &signer)
    }

    pub(crate) fn dataset_review_as(
        &self,
        req: &DatasetReviewRequest,
        who: &IdentityRecord,
        signer: &Signer,
    ) -> Result<DatasetReviewView> {
        let reference: DatasetRef = parse(&req.dataset)?;
        let row = self.store.dataset(&reference)?;
        let state = self.trust_state()?;
        let roster = state.roster()?;
        if roster.may_sign(signer.keyid(), Role::SecurityPrivacy) != Verdict::Allowed {
            return Err(untrusted(format!(
                "your key {} ({}) does not hold the role security-privacy in this workspace's roster, so it may not sign a dataset review",
                signer.keyid().fingerprint(),
                who.name
            )));
        }
        let signed_at = now();
        let pred = ReviewPredicate {
            dataset: reference.to_string(),
            manifest_checksum: row.manifest_checksum,
            role: Role::SecurityPrivacy,
            comment: req.comment.trim().to_string(),
            signer: RecordSigner {
                keyid: signer.keyid().clone(),
                name: who.name.clone(),
                email: who.email.clone(),
            },
            signed_at: signed_at.clone(),
        };
        let statement = Statement::new(
            vec![Subject::sha256(
                reference.to_string(),
                row.manifest_checksum,
            )],
            DATASET_REVIEW_PREDICATE,
            to_value(&pred)?,
        );
        let env = attest::sign_statement(&statement, signer)?;
        self.store.add_dataset_review(
            &NewDatasetReview {
                dataset: &reference,
                role: Role::SecurityPrivacy,
                signer: signer.keyid(),
                manifest_checksum: &row.manifest_checksum,
                envelope: &env.to_json(),
                signed_at: &signed_at,
            },
            &self.actor,
        )?;
        self.dataset_reviews(&req.dataset)?
            .into_iter()
            .last()
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the review just stored is gone"))
    }

    /// A dataset snapshot's reviews, each with whether it counts now.
    pub fn dataset_reviews(&self, dataset: &str) -> Result<Vec<DatasetReviewView>> {
        let reference: DatasetRef = parse(dataset)?;
        let state = self.trust_state()?;
        Ok(self
            .decided_reviews(&reference, &state)?
            .into_iter()
            .map(|(v, _)| v)
            .collect())
    }

    fn decided_reviews(
        &self,
        reference: &DatasetRef,
        state: &TrustState,
    ) -> Result<Vec<(DatasetReviewView, Option<Signature>)>> {
        let current = self.store.dataset(reference)?.manifest_checksum;
        let mut out = Vec::new();
        for row in self.store.dataset_reviews(reference)? {
            let mut view = DatasetReviewView {
                dataset: reference.to_string(),
                signer_name: "unknown".into(),
                signed_at: row.signed.signed_at.clone(),
                state: String::new(),
                reasons: Vec::new(),
                digest: row.signed.envelope_sha256.to_string(),
            };
            match read_signed::<ReviewPredicate>(
                &row.signed.envelope,
                state,
                DATASET_REVIEW_PREDICATE,
            ) {
                Err((part, why)) => {
                    view.state = if part == RecordPart::Signer {
                        "not-in-roster"
                    } else {
                        "invalid-signature"
                    }
                    .into();
                    view.reasons.push(why);
                    out.push((view, None));
                }
                Ok((keyid, pred, _)) => {
                    let st = if pred.dataset != reference.to_string() {
                        ApprovalState::WrongVersion
                    } else {
                        let changes = if pred.manifest_checksum == current {
                            Vec::new()
                        } else {
                            vec![Change::DatasetChanged {
                                name: pred.dataset.clone(),
                            }]
                        };
                        signature_state(state, &keyid, pred.role, changes)
                    };
                    view.signer_name = state.name_of(&keyid);
                    view.state = state_text(&st);
                    if !st.counts() {
                        view.reasons.push(match &st {
                            ApprovalState::Stale { .. } => format!("the manifest changed since it was reviewed (reviewed {}, now {current})", pred.manifest_checksum),
                            other => format!("the review is {}", state_text(other)),
                        });
                    }
                    let sig = Signature {
                        role: pred.role,
                        keyid,
                        state: st,
                        envelope_digest: row.signed.envelope_sha256,
                    };
                    out.push((view, Some(sig)));
                }
            }
        }
        Ok(out)
    }

    /// The security/privacy reviews a gate reads, by dataset `name@version`.
    pub(super) fn gate_dataset_reviews(
        &self,
        datasets: &[DatasetRef],
    ) -> Result<BTreeMap<String, Vec<Signature>>> {
        let state = self.trust_state()?;
        let mut out = BTreeMap::new();
        for d in datasets {
            let sigs: Vec<Signature> = self
                .decided_reviews(d, &state)?
                .into_iter()
                .filter_map(|(_, s)| s)
                .collect();
            out.insert(d.to_string(), sigs);
        }
        Ok(out)
    }
}
