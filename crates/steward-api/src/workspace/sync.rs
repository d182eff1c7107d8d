//! Registry sync: the registry URL and credential, the connection test, push (gather what the
//! workspace holds, plan against what the registry holds, apply, mark the outbox), pull
//! (others' approvals verified against the roster before they are stored; records compared,
//! a different record for the same version kept as a conflict), and deploy-time admission,
//! which needs no workspace. HTTP is steward-sync's; this module maps Steward onto it
//! (`docs/registry-mapping.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use steward_attest::{self as attest, Envelope, KeyStore};
use steward_domain::release::{registry_alias, ReleaseRecord};
use steward_domain::trust::{Roster, Verdict};
use steward_domain::{ModelName, Sha256Digest, Stage, Version};
use steward_store::clock::now;
use steward_store::{NewConflict, SyncRunRow};
use steward_sync::plan::{ENVELOPES_TAG, VERSION_TAG};
use steward_sync::{
    ClientOptions, Credential, LocalModel, LocalVersion, Op, Registry, RemoteState, Secret,
    SyncError,
};

use super::chart_sync::CHARTS_TAG;
use super::doc_sync::{documents_folder, documents_tag_of_files, DOCUMENTS_TAG};
use super::releases::RELEASE_PREDICATE;
use super::trust::{trust_state_from_file, TrustState};
use super::{parse, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::*;

/// The tag naming the digest of the version's latest release record.
pub use steward_sync::plan::RECORD_TAG;

pub(super) fn registry_error(e: SyncError) -> ApiError {
    let code = match e {
        SyncError::BadUrl { .. } => ErrorCode::InvalidInput,
        SyncError::Cancelled => ErrorCode::Cancelled,
        _ => ErrorCode::Registry,
    };
    ApiError::new(code, e.to_string())
}

/// [`registry_error`] for `steward admit`, which has no workspace and so no outbox: the
/// client's advice about changes waiting there does not apply.
fn admit_error(e: SyncError) -> ApiError {
    let mut err = registry_error(e);
    for tail in [
        ", or work offline: changes wait in the outbox",
        " (changes wait in the outbox)",
        "; nothing was sent, the changes wait in the outbox",
    ] {
        err.message = err.message.replace(tail, "");
    }
    err
}

pub(super) fn secret_name(url: &str) -> String {
    format!("secret:registry:{url}")
}

/// The credential stored for `url` in the OS keyring, if any.
pub(super) fn stored_credential(url: &str) -> Result<Option<Credential>> {
    let ks = KeyStore::from_env();
    let Some(text) = ks.secret(&secret_name(url))? else {
        return Ok(None);
    };
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
        ApiError::new(
            ErrorCode::Keyring,
            format!("the registry credential for {url} in the keyring is not readable; log in again with `steward registry login`"),
        )
    })?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Ok(match (field("user"), field("password"), field("token")) {
        (Some(user), Some(pw), _) => Some(Credential::Basic {
            user,
            password: Secret::new(pw),
        }),
        (_, _, Some(t)) => Some(Credential::Token(Secret::new(t))),
        _ => None,
    })
}

pub(super) fn client(url: &str) -> Result<Registry> {
    let url = steward_sync::client::parse_url(url)
        .map_err(registry_error)?
        .to_string();
    let cred = stored_credential(&url)?;
    let mut options = ClientOptions::default();
    if let Some(ms) = std::env::var("STEWARD_REGISTRY_TIMEOUT_MS")
        .ok()
        .and_then(|t| t.parse::<u64>().ok())
    {
        options.timeout = std::time::Duration::from_millis(ms);
        options.connect_timeout = options.timeout.min(options.connect_timeout);
    }
    if let Some(n) = std::env::var("STEWARD_REGISTRY_ATTEMPTS")
        .ok()
        .and_then(|t| t.parse::<u32>().ok())
    {
        options.attempts = n.max(1);
    }
    Registry::new(&url, cred, options).map_err(registry_error)
}

/// Stores the credential for `url` in the OS keyring: a token, or a user and password.
pub fn registry_login(url: &str, user: Option<&str>, secret: &str) -> Result<String> {
    let url = steward_sync::client::parse_url(url)
        .map_err(registry_error)?
        .to_string();
    let secret = secret.trim_end_matches(['\r', '\n']);
    if secret.trim().is_empty() {
        return Err(ApiError::invalid(
            "the token or password is empty (or only spaces): pass it on standard input or in STEWARD_REGISTRY_SECRET",
        ));
    }
    if let Some(u) = user {
        // HTTP basic auth joins user and password with ':', so a user name cannot hold one.
        if u.trim().is_empty() || u.contains(':') || u.chars().any(char::is_control) {
            return Err(ApiError::invalid(format!(
                "--user {u:?} is not a usable user name: it must be non-empty, without ':' or control characters"
            )));
        }
    }
    let value = match user {
        Some(u) => serde_json::json!({ "user": u, "password": secret }),
        None => serde_json::json!({ "token": secret }),
    };
    let ks = KeyStore::from_env();
    ks.set_secret(&secret_name(&url), &value.to_string())?;
    Ok(format!(
        "stored the {} for {url} in the OS keyring ({})",
        if user.is_some() { "password" } else { "token" },
        ks.backend()
    ))
}

/// Checks the registry at `url`: reachable, its MLflow version, whether the stored credential
/// reads, and what it may do.
pub fn registry_test(url: &str) -> Result<RegistryTestView> {
    let reg = client(url)?;
    let version = reg.server_version().map_err(registry_error)?;
    reg.check_read().map_err(registry_error)?;
    let permissions = match reg.current_permissions().map_err(registry_error)? {
        None => "the server runs no auth app: anyone who reaches it may read and write".into(),
        Some(g) => steward_sync::auth::summary(reg.user().unwrap_or("this token"), &g),
    };
    let cred = stored_credential(reg.url())?;
    Ok(RegistryTestView {
        url: reg.url().to_string(),
        supported: version.starts_with("3.17."),
        mlflow_version: version,
        credential: cred.map(|c| c.kind()),
        authenticated: true,
        permissions,
    })
}

fn artifact_root(model: &ModelName, version: &Version) -> String {
    format!("steward/{model}/{version}")
}

fn artifact_path(
    model: &ModelName,
    version: &Version,
    folder: &str,
    digest: &Sha256Digest,
) -> String {
    format!(
        "{}/{folder}/{}.dsse.json",
        artifact_root(model, version),
        digest.hex()
    )
}

/// Reads a signed release record against `state`'s keys: the verified key and the record.
fn verify_record(
    envelope: &[u8],
    state: &TrustState,
) -> std::result::Result<(steward_domain::trust::KeyId, ReleaseRecord), String> {
    let env = Envelope::from_json(envelope).map_err(|e| e.to_string())?;
    let (keyid, statement) =
        attest::verify_statement(&env, &state.keys).map_err(|e| e.to_string())?;
    if statement.predicate_type != RELEASE_PREDICATE {
        return Err(format!(
            "the signed statement is a {:?}, not a release record",
            statement.predicate_type
        ));
    }
    let record: ReleaseRecord = serde_json::from_value(statement.predicate)
        .map_err(|e| format!("the signed record is not readable: {e}"))?;
    if record.signer.keyid != keyid {
        return Err("the record names another signer than the key that signed it".into());
    }
    let roster = state.roster.as_ref().ok_or("there is no roster")?;
    let then = usize::try_from(record.roster_seq)
        .ok()
        .and_then(|n| roster.history().get(..n))
        .and_then(|c| Roster::from_changes(c).ok());
    match then.as_ref().and_then(|r| r.member(&keyid)) {
        Some(m) if m.is_active() => Ok((keyid, record)),
        _ => Err(format!(
            "key {} was not an active roster member at roster change {}",
            keyid.fingerprint(),
            record.roster_seq
        )),
    }
}

/// The holder of each governed alias now: production, canary, rollback target, and the
/// highest candidate.
fn desired_aliases(versions: &[(Version, Stage)]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut sorted: Vec<&(Version, Stage)> = versions.iter().collect();
    sorted.sort_by_key(|a| a.0);
    for (v, stage) in sorted {
        if let Some(alias) = registry_alias(*stage) {
            out.insert(alias.to_string(), v.to_string());
        }
    }
    out
}

/// A sync that stopped: what it had done, and why.
type Stopped = Box<(Option<SyncReport>, ApiError)>;

struct Gathered {
    local: LocalModel,
    artifacts: BTreeMap<String, Vec<u8>>,
    /// Local envelope digests per version (records, approvals).
    records: BTreeMap<String, BTreeSet<String>>,
    approvals: BTreeMap<String, BTreeSet<String>>,
}

impl Gathered {
    /// The versions whose documents the registry holds differently (its `steward.documents`
    /// tag is set and is not ours): only these are listed, pulled and topped up.
    fn documents_differ(&self, remote: &[steward_sync::RemoteVersion]) -> Vec<Version> {
        let (index, _) = steward_sync::plan::index_versions(remote);
        index
            .into_iter()
            .filter_map(|(sv, rv)| {
                let theirs = rv.tags.get(DOCUMENTS_TAG)?;
                let ours = self
                    .local
                    .versions
                    .iter()
                    .find(|v| v.version == sv)
                    .and_then(|v| v.tags.get(DOCUMENTS_TAG));
                if ours == Some(theirs) {
                    return None;
                }
                sv.parse().ok()
            })
            .collect()
    }
}

impl Workspace {
    pub(super) fn registry_configured(&self) -> Result<String> {
        self.store.registry_url()?.ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                "no registry is set for this workspace: `steward registry set URL` first",
            )
        })
    }

    /// Sets the workspace's registry URL.
    pub fn registry_set(&self, url: &str) -> Result<String> {
        let url = steward_sync::client::parse_url(url)
            .map_err(registry_error)?
            .to_string();
        self.store.registry_set(&url, &self.actor)?;
        Ok(url)
    }

    /// The workspace's registry URL.
    pub fn registry_url(&self) -> Result<Option<String>> {
        Ok(self.store.registry_url()?)
    }

    /// What waits for the registry, the last sync, and the conflicts found.
    pub fn sync_status(&self) -> Result<SyncStatusView> {
        let u32_of = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(SyncStatusView {
            url: self.store.registry_url()?,
            last_sync: self.store.last_sync_run()?.map(|r| SyncRunView {
                at: r.at,
                direction: r.direction,
                url: r.url,
                ops: u32::try_from(r.ops).unwrap_or(u32::MAX),
                requests: u32::try_from(r.requests).unwrap_or(u32::MAX),
                error: r.error,
            }),
            waiting: self
                .store
                .outbox_waiting()?
                .into_iter()
                .map(|r| OutboxEntryView {
                    id: u32_of(r.id),
                    kind: r.kind,
                    subject: r.subject,
                    created_at: r.created_at,
                    attempts: r.attempts,
                    last_error: r.last_error,
                    last_attempt_at: r.last_attempt_at,
                })
                .collect(),
            conflicts: self
                .store
                .sync_conflicts()?
                .into_iter()
                .filter(|c| {
                    c.settled.is_none()
                        && self.conflict_open(&c.model, &c.version, &c.kind, &c.remote_sha256)
                })
                .map(|c| SyncConflictView {
                    model: c.model,
                    version: c.version,
                    kind: c.kind,
                    local_sha256: c.local_sha256,
                    remote_sha256: c.remote_sha256,
                    detail: c.detail,
                    found_at: c.found_at,
                })
                .collect(),
        })
    }

    /// Everything the registry should say about `model`, with the envelope bytes.
    fn gather(
        &self,
        model: &ModelName,
        versions: &[(Version, Stage)],
        remote: &[steward_sync::RemoteVersion],
    ) -> Result<Gathered> {
        let (remote_index, _) = steward_sync::plan::index_versions(remote);
        let evidence = self.charts_evidence(model, versions)?;
        let m = self.store.model(model)?;
        let list = self.release_list(model.as_str())?;
        let rows = self.store.release_records(model)?;
        let mut artifacts = BTreeMap::new();
        let mut held: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut latest: BTreeMap<String, Sha256Digest> = BTreeMap::new();
        let mut records: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut approvals_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut paths_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (row, view) in rows.iter().zip(&list.records) {
            let v = row.version.to_string();
            let path = artifact_path(model, &row.version, "records", &row.envelope_sha256);
            artifacts.insert(path.clone(), row.envelope.clone().into_bytes());
            paths_of.entry(v.clone()).or_default().push(path);
            records
                .entry(v.clone())
                .or_default()
                .insert(row.envelope_sha256.to_string());
            latest.insert(v.clone(), row.envelope_sha256);
            // Only records that verify explain an alias.
            if view.problems.is_empty() {
                if let Some(alias) = registry_alias(view.to) {
                    held.entry(alias.into())
                        .or_default()
                        .insert(view.version.clone());
                }
                if let Some(rb) = &view.rollback_target {
                    held.entry("rollback".into())
                        .or_default()
                        .insert(rb.clone());
                }
            }
        }
        let mut out_versions = Vec::new();
        for (version, stage) in versions {
            let v = version.to_string();
            let row = self.store.version(model, version)?;
            let mut approvals = Vec::new();
            for a in self.store.approvals(model, version)? {
                let path = artifact_path(model, version, "approvals", &a.envelope_sha256);
                artifacts.insert(path.clone(), a.envelope.clone().into_bytes());
                paths_of.entry(v.clone()).or_default().push(path);
                approvals_of
                    .entry(v.clone())
                    .or_default()
                    .insert(a.envelope_sha256.to_string());
                approvals.push(format!(
                    "{}:{}:{}",
                    a.target_stage.as_str(),
                    a.role.as_str(),
                    a.decision.as_str()
                ));
            }
            for w in self.store.waivers(model, version)? {
                let path = artifact_path(model, version, "waivers", &w.signed.envelope_sha256);
                artifacts.insert(path.clone(), w.signed.envelope.clone().into_bytes());
                paths_of.entry(v.clone()).or_default().push(path);
            }
            let mut paths = paths_of.remove(&v).unwrap_or_default();
            paths.sort();
            let envelopes = Sha256Digest::of(paths.join("\n").as_bytes());
            let mut tags = BTreeMap::new();
            tags.insert(VERSION_TAG.to_string(), v.clone());
            tags.insert("steward.stage".into(), stage.as_str().to_string());
            if let Some(b) = row.artifacts.bundle_digest {
                tags.insert("steward.bundle_digest".into(), b.to_string());
            }
            if let Some(d) = latest.get(&v) {
                tags.insert(RECORD_TAG.into(), d.to_string());
            }
            approvals.sort();
            tags.insert(
                "steward.approvals".into(),
                if approvals.is_empty() {
                    "none".into()
                } else {
                    format!("{}: {}", approvals.len(), approvals.join(", "))
                },
            );
            tags.insert(ENVELOPES_TAG.into(), envelopes.to_string());
            let documents = self.gather_documents(model, version)?;
            let mut sets = BTreeMap::new();
            if let Some(tag) = documents.tag {
                tags.insert(DOCUMENTS_TAG.into(), tag);
                sets.insert(
                    DOCUMENTS_TAG.to_string(),
                    documents.artifacts.keys().cloned().collect(),
                );
                artifacts.extend(documents.artifacts);
            }
            let remote_charts = remote_index.get(&v).and_then(|rv| rv.tags.get(CHARTS_TAG));
            if let Some(charts) = self.gather_charts(model, version, &evidence, remote_charts)? {
                tags.insert(CHARTS_TAG.into(), charts.tag);
                sets.insert(
                    CHARTS_TAG.to_string(),
                    charts.artifacts.keys().cloned().collect(),
                );
                artifacts.extend(charts.artifacts);
            }
            out_versions.push(LocalVersion {
                version: v.clone(),
                source: format!("steward://{model}/{v}"),
                description: String::new(),
                tags,
                artifacts: paths,
                sets,
            });
        }
        let mut model_tags = BTreeMap::new();
        model_tags.insert("steward.owner".to_string(), m.owner.to_string());
        model_tags.insert("steward.risk_tier".to_string(), m.risk_tier.to_string());
        model_tags.insert("steward.title".to_string(), m.title.clone());
        Ok(Gathered {
            local: LocalModel {
                name: model.to_string(),
                description: m.description.clone(),
                tags: model_tags,
                versions: out_versions,
                aliases: desired_aliases(versions),
                held,
                remote_held: BTreeMap::new(),
                kept: BTreeMap::new(),
            },
            artifacts,
            records,
            approvals: approvals_of,
        })
    }

    /// Syncs with the workspace's registry: pull (others' approvals, record comparison), then
    /// push (plan and apply per model), marking the outbox. A registry that cannot be used
    /// fails before anything local changes.
    pub fn sync(&self, req: &SyncRequest, cancelled: &dyn Fn() -> bool) -> Result<SyncReport> {
        self.sync_reporting(req, cancelled, &|_| {}, &mut |_| {}, None)
    }

    /// [`Workspace::sync`], telling `progress` after each registry operation it sends (the
    /// CLI's progress line).
    /// `waiting` hears once that another sync of this workspace holds the turn, and
    /// `retrying` each retry of a request before its wait.
    pub fn sync_progress(
        &self,
        req: &SyncRequest,
        cancelled: &dyn Fn() -> bool,
        waiting: &dyn Fn(),
        progress: &mut dyn FnMut(&steward_sync::Progress<'_>),
        retrying: steward_sync::client::RetryObserver,
    ) -> Result<SyncReport> {
        self.sync_reporting(
            req,
            cancelled,
            &|p| {
                if p.phase == WAITING_PHASE {
                    waiting();
                }
            },
            progress,
            Some(retrying),
        )
    }

    /// Takes this workspace's sync turn: one sync at a time plans against the registry and
    /// sends, or two would both create the same versions (creating a model version is not
    /// idempotent). A second sync waits (checking `cancelled`), telling `steps` once. The
    /// turn is an advisory lock on `sync.lock` in the workspace, which the OS releases when
    /// the process ends however it ends.
    fn sync_turn(
        &self,
        cancelled: &dyn Fn() -> bool,
        steps: &dyn Fn(&SyncProgress),
    ) -> Result<std::fs::File> {
        let path = self.root().join("sync.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| {
                ApiError::new(
                    ErrorCode::Io,
                    format!("cannot open {}: {e}", path.display()),
                )
            })?;
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(std::fs::TryLockError::WouldBlock) => {
                    if !told {
                        steps(&SyncProgress {
                            phase: WAITING_PHASE.into(),
                            model: None,
                            models_done: 0,
                            models_total: 0,
                            ops_done: 0,
                            ops_total: 0,
                        });
                        told = true;
                    }
                    if cancelled() {
                        return Err(registry_error(SyncError::Cancelled));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(ApiError::new(
                        ErrorCode::Io,
                        format!("cannot lock {}: {e}", path.display()),
                    ))
                }
            }
        }
    }

    /// [`Workspace::sync`], reporting how far it has got to `progress` (the studio's progress
    /// bar): at the start, at each model, and after each operation sent.
    pub fn sync_observed(
        &self,
        req: &SyncRequest,
        cancelled: &dyn Fn() -> bool,
        progress: &dyn Fn(&SyncProgress),
    ) -> Result<SyncReport> {
        self.sync_reporting(req, cancelled, progress, &mut |_| {}, None)
    }

    /// The one sync behind the three: `steps` hears the phases and models, `sent` each
    /// operation as the applier sends it.
    fn sync_reporting(
        &self,
        req: &SyncRequest,
        cancelled: &dyn Fn() -> bool,
        steps: &dyn Fn(&SyncProgress),
        sent: &mut dyn FnMut(&steward_sync::Progress<'_>),
        retrying: Option<steward_sync::client::RetryObserver>,
    ) -> Result<SyncReport> {
        let (push, pull) = match (req.push, req.pull) {
            (false, false) => (true, true),
            other => other,
        };
        // Refused before anything else, so a wrong request never waits for another sync.
        if req.restore && !push {
            return Err(ApiError::invalid(
                "--restore moves aliases back in the registry, which a pull alone never writes: run `steward sync --restore` (or with --push)",
            ));
        }
        let url = self.registry_configured()?;
        let mut reg = client(&url)?;
        if let Some(f) = retrying {
            reg = reg.observing_retries(f);
        }
        let _turn = self.sync_turn(cancelled, steps)?;
        let direction = match (push, pull) {
            (true, true) => "both",
            (true, false) => "push",
            _ => "pull",
        };
        let waiting = self.store.outbox_waiting()?;
        let result = self.sync_with(
            &reg,
            (push, pull, req.restore, req.verify.unwrap_or(false)),
            cancelled,
            steps,
            sent,
        );
        let (report, error) = match result {
            Ok(r) => (Some(r), None),
            Err(stopped) => {
                let (partial, e) = *stopped;
                (partial, Some(e))
            }
        };
        let ops = report.as_ref().map_or(0, |r| r.ops);
        let _ = self.store.sync_run_add(
            &SyncRunRow {
                at: now(),
                direction: direction.into(),
                url: reg.url().to_string(),
                ops: u64::from(ops),
                requests: reg.requests(),
                error: error.as_ref().map(ToString::to_string),
            },
            &self.actor,
        );
        let ids: Vec<i64> = waiting.iter().map(|w| w.id).collect();
        if push && !ids.is_empty() {
            // Bookkeeping only: the next push is planned from the registry either way.
            self.store.outbox_attempted(
                &ids,
                error.as_ref().map(|e| e.message.as_str()),
                &self.actor,
            )?;
        }
        let mut report = report;
        if let Some(r) = report.as_mut() {
            r.direction = direction.to_string();
            r.sent = if push && error.is_none() {
                u32::try_from(ids.len()).unwrap_or(u32::MAX)
            } else {
                0
            };
            r.requests = u32::try_from(reg.requests()).unwrap_or(u32::MAX);
        }
        self.sync_findings_record(direction, reg.url(), report.as_ref(), error.is_none());
        match (report, error) {
            (Some(r), None) => Ok(r),
            (_, Some(e)) => Err(e),
            (None, None) => Err(ApiError::new(
                ErrorCode::Internal,
                "the sync produced no report",
            )),
        }
    }

    fn sync_with(
        &self,
        reg: &Registry,
        (push, pull, restore, verify): (bool, bool, bool, bool),
        cancelled: &dyn Fn() -> bool,
        progress: &dyn Fn(&SyncProgress),
        sent: &mut dyn FnMut(&steward_sync::Progress<'_>),
    ) -> std::result::Result<SyncReport, Stopped> {
        let fail = |e: ApiError| Box::new((None, e));
        let step = |phase: &str,
                    model: Option<&ModelName>,
                    done: usize,
                    total: usize,
                    ops: (usize, usize)| {
            let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
            progress(&SyncProgress {
                phase: phase.into(),
                model: model.map(ToString::to_string),
                models_done: n(done),
                models_total: n(total),
                ops_done: n(ops.0),
                ops_total: n(ops.1),
            });
        };
        step("connecting", None, 0, 0, (0, 0));
        // Reach the server before anything else: an unreachable, refusing or non-MLflow server
        // fails here, having changed nothing.
        reg.check_read().map_err(|e| fail(registry_error(e)))?;
        let state = self.trust_state().map_err(fail)?;
        let mut report = SyncReport {
            url: reg.url().to_string(),
            direction: String::new(),
            models: 0,
            ops: 0,
            versions_created: 0,
            requests: 0,
            sent: 0,
            pulled_approvals: 0,
            pulled_revisions: 0,
            refused: Vec::new(),
            ungoverned: Vec::new(),
            conflicts: Vec::new(),
            remote_ahead: Vec::new(),
            duplicates: Vec::new(),
            settled: Vec::new(),
        };
        let models = self
            .store
            .models_with_stages()
            .map_err(|e| fail(e.into()))?;
        let total = models.len();
        for (done, (m, versions)) in models.into_iter().enumerate() {
            step("reading", Some(&m.name), done, total, (0, 0));
            if cancelled() {
                return Err(Box::new((
                    Some(report),
                    registry_error(SyncError::Cancelled),
                )));
            }
            report.models += 1;
            let name = m.name.clone();
            let remote_model = reg
                .get_model(name.as_str())
                .map_err(|e| fail(registry_error(e)))?;
            let remote_versions = if remote_model.is_some() {
                reg.search_versions(name.as_str(), None)
                    .map_err(|e| fail(registry_error(e)))?
            } else {
                Vec::new()
            };
            let mut gathered = self
                .gather(&name, &versions, &remote_versions)
                .map_err(fail)?;
            // The documents folders of versions whose revisions differ, listed once for the
            // pull and the push.
            let mut listed = BTreeMap::new();
            for version in gathered.documents_differ(&remote_versions) {
                let files = reg
                    .list_artifacts(&documents_folder(&name, &version))
                    .map_err(|e| Box::new((Some(report.clone()), registry_error(e))))?;
                listed.insert(version, files);
            }
            let open_before: Vec<steward_store::ConflictRow> = self
                .store
                .sync_conflicts()
                .map_err(|e| fail(e.into()))?
                .into_iter()
                .filter(|c| c.model == name.as_str() && c.settled.is_none())
                .collect();
            // Digests found tampered before are downloaded and checked again even where this
            // workspace holds an artifact of that name.
            let suspect: BTreeSet<String> = open_before
                .iter()
                .filter(|c| c.kind == "tampered")
                .map(|c| c.remote_sha256.clone())
                .collect();
            if pull && remote_model.is_some() {
                let mut changed = self
                    .pull_model(
                        reg,
                        &state,
                        &name,
                        (&remote_versions, &suspect),
                        &gathered,
                        &mut report,
                    )
                    .map_err(|e| Box::new((Some(report.clone()), e)))?;
                for (version, files) in &listed {
                    if self.store.version(&name, version).is_err() {
                        continue;
                    }
                    changed |= self
                        .pull_documents(reg, &name, version, (files, &suspect), &mut report)
                        .map_err(|e| Box::new((Some(report.clone()), e)))?;
                }
                if changed {
                    gathered = self
                        .gather(&name, &versions, &remote_versions)
                        .map_err(fail)?;
                }
            }
            // Where the registry lists revisions this workspace does not hold (a push without
            // a pull, a tampered file), the tag names the union, so a push never makes the tag
            // forget what others uploaded.
            for lv in &mut gathered.local.versions {
                let Some(files) = lv
                    .version
                    .parse::<Version>()
                    .ok()
                    .and_then(|v| listed.get(&v))
                else {
                    continue;
                };
                let mut all: BTreeSet<&str> = files.iter().map(String::as_str).collect();
                if let Some(paths) = lv.sets.get(DOCUMENTS_TAG) {
                    all.extend(paths.iter().filter_map(|p| p.rsplit('/').next()));
                }
                if let Some(tag) = documents_tag_of_files(all) {
                    lv.tags.insert(DOCUMENTS_TAG.into(), tag);
                }
            }
            let remote = RemoteState {
                model: remote_model,
                versions: remote_versions,
                listed: listed
                    .into_iter()
                    .map(|(version, files)| {
                        let folder = documents_folder(&name, &version);
                        (
                            (version.to_string(), DOCUMENTS_TAG.to_string()),
                            files.iter().map(|f| format!("{folder}/{f}")).collect(),
                        )
                    })
                    .collect(),
            };
            // Aliases another workspace's verified record explains.
            if let Some(rm) = &remote.model {
                for (alias, number) in &rm.aliases {
                    let Some(rv) = remote.versions.iter().find(|v| &v.number == number) else {
                        continue;
                    };
                    let (Some(sv), Some(digest)) =
                        (rv.tags.get(VERSION_TAG), rv.tags.get(RECORD_TAG))
                    else {
                        continue;
                    };
                    if gathered.local.aliases.get(alias) == Some(sv)
                        || gathered.records.get(sv).is_some_and(|s| s.contains(digest))
                    {
                        continue;
                    }
                    if let Ok(version) = sv.parse::<Version>() {
                        if let Ok(record) = fetch_record(reg, &state, &name, &version, digest)
                            .map_err(|e| Box::new((Some(report.clone()), e)))?
                        {
                            if registry_alias(record.to) == Some(alias.as_str()) {
                                gathered
                                    .local
                                    .remote_held
                                    .entry(alias.clone())
                                    .or_default()
                                    .insert(sv.clone());
                            }
                        }
                    }
                }
            }
            // A version whose release record conflicts with the registry's keeps the
            // registry's while the conflict is open or settled for the registry's record (the
            // planner holds its tags and aliases).
            let stored = self.store.sync_conflicts().map_err(|e| fail(e.into()))?;
            for c in stored.iter().filter(|c| c.model == name.as_str()) {
                if c.kind == "release-record"
                    && c.settled.as_ref().is_none_or(|t| t.how == "theirs")
                {
                    gathered
                        .local
                        .kept
                        .entry(c.version.clone())
                        .or_default()
                        .insert(c.remote_sha256.clone());
                }
            }
            let mut plan = steward_sync::plan(&gathered.local, &remote, restore);
            if verify && remote.model.is_some() {
                let edited = self
                    .verify_held(
                        reg,
                        &name,
                        &remote.versions,
                        &gathered.artifacts,
                        &mut report,
                    )
                    .map_err(|e| Box::new((Some(report.clone()), e)))?;
                // The workspace's bytes go back up (content-addressed: always the right ones).
                for (version, path) in edited {
                    plan.ops.insert(0, Op::UploadArtifact { version, path });
                }
            }
            // What this sync no longer found is settled as gone.
            let looked = steward_sync::findings::Looked {
                pulled: pull,
                verified: verify && remote.model.is_some(),
            };
            for c in &open_before {
                let again = report.conflicts.iter().any(|f| {
                    f.model == c.model
                        && f.version == c.version
                        && f.kind == c.kind
                        && f.remote_sha256 == c.remote_sha256
                });
                let finding = steward_sync::findings::Finding {
                    kind: &c.kind,
                    local: c.local_sha256.as_deref(),
                };
                if steward_sync::findings::gone(finding, again, looked) {
                    let why = format!("a sync with {} at {} no longer found it", reg.url(), now());
                    self.store
                        .sync_conflict_settle(c.id, "gone", &why, &self.actor)
                        .map_err(|e| Box::new((Some(report.clone()), e.into())))?;
                    report.settled.push(format!(
                        "{}@{} {}: no longer found in the registry ({})",
                        c.model, c.version, c.kind, c.detail
                    ));
                }
            }
            report
                .remote_ahead
                .extend(plan.remote_ahead.iter().map(|r| match &r.conflicted {
                    None => format!(
                        "{name}: {} is at {} under another workspace's record; pull it there",
                        r.alias, r.version
                    ),
                    Some(c) => format!(
                        "{name}: {} is left {}: {name}@{c}'s release record conflicts with the registry's; settle it with `steward sync resolve {name}@{c} --keep ours|theirs`",
                        r.alias,
                        if r.version.is_empty() {
                            "unset".to_string()
                        } else {
                            format!("at {}", r.version)
                        }
                    ),
                }));
            report.duplicates.extend(plan.duplicates.iter().map(|d| {
                let deleted: Vec<&str> = plan
                    .ops
                    .iter()
                    .filter_map(|o| match o {
                        Op::DeleteVersion { version, number } if version == &d.version => {
                            Some(number.as_str())
                        }
                        _ => None,
                    })
                    .collect();
                let kept = d.numbers.len().saturating_sub(1 + deleted.len());
                format!(
                    "{name}@{}: registry versions {} (Steward uses {}{}{})",
                    d.version,
                    d.numbers.join(", "),
                    d.numbers.first().map_or("", String::as_str),
                    if deleted.is_empty() || !push {
                        String::new()
                    } else {
                        format!("; deleting its own extra {}", deleted.join(", "))
                    },
                    if kept > 0 {
                        "; an extra with an alias on it or another source is left for a person"
                    } else {
                        ""
                    }
                )
            }));
            report
                .ungoverned
                .extend(plan.ungoverned.iter().map(|u| UngovernedView {
                    model: name.to_string(),
                    alias: u.alias.clone(),
                    number: u.number.clone(),
                    points_at: u.points_at.clone(),
                    governed: u.governed.clone(),
                    user_id: u.user_id.clone(),
                    last_updated_ms: u.last_updated_ms,
                    restored: restore && push,
                }));
            if !push {
                continue;
            }
            let created = plan
                .ops
                .iter()
                .filter(|o| matches!(o, Op::CreateVersion { .. }))
                .count();
            let applied = steward_sync::apply(
                reg,
                name.as_str(),
                &plan,
                &gathered.artifacts,
                cancelled,
                &mut |p| {
                    sent(p);
                    step("sending", Some(&name), done, total, (p.done, p.total));
                },
            );
            report.ops += u32::try_from(applied.done).unwrap_or(u32::MAX);
            if let Some(e) = applied.error {
                return Err(Box::new((Some(report), registry_error(e))));
            }
            report.versions_created += u32::try_from(created).unwrap_or(u32::MAX);
        }
        Ok(report)
    }

    /// Pulls one model: approvals the registry holds that this workspace does not are
    /// downloaded, checked against their digest and imported through the approval checks
    /// (signature, roster role, current subject); a release record in the registry for a
    /// version this workspace holds a different record for is a conflict. True when anything
    /// was stored.
    fn pull_model(
        &self,
        reg: &Registry,
        state: &TrustState,
        model: &ModelName,
        (remote, suspect): (&[steward_sync::RemoteVersion], &BTreeSet<String>),
        gathered: &Gathered,
        report: &mut SyncReport,
    ) -> Result<bool> {
        let (index, _) = steward_sync::plan::index_versions(remote);
        let mut changed = false;
        for (sv, rv) in index {
            let Ok(version) = sv.parse::<Version>() else {
                continue;
            };
            if self.store.version(model, &version).is_err() {
                continue;
            }
            let folder = format!("{}/approvals", artifact_root(model, &version));
            let have = gathered.approvals.get(&sv).cloned().unwrap_or_default();
            for file in reg.list_artifacts(&folder).map_err(registry_error)? {
                let Some(hex) = file.strip_suffix(".dsse.json") else {
                    continue;
                };
                let named = format!("sha256:{hex}");
                if have.contains(&named) && !suspect.contains(&named) {
                    continue;
                }
                let Some(bytes) = reg
                    .get_artifact(&format!("{folder}/{file}"))
                    .map_err(registry_error)?
                else {
                    continue;
                };
                let actual = Sha256Digest::of(&bytes).to_string();
                if actual != named {
                    self.conflict(
                        model,
                        &sv,
                        "tampered",
                        None,
                        &named,
                        &format!("approval artifact {file} digests to {actual}"),
                        report,
                    )?;
                    continue;
                }
                let tmp = self.root().join(format!(".pull-{hex}.json"));
                std::fs::write(&tmp, &bytes).map_err(|e| {
                    ApiError::new(
                        ErrorCode::Io,
                        format!("cannot write {}: {e}", tmp.display()),
                    )
                })?;
                let imported = self.approval_import(&tmp, Some((model.as_str(), sv.as_str())));
                let _ = std::fs::remove_file(&tmp);
                match imported {
                    Ok(_) => {
                        report.pulled_approvals += 1;
                        changed = true;
                    }
                    Err(e) if e.code == ErrorCode::Conflict => {}
                    Err(e) => report
                        .refused
                        .push(format!("{model}@{sv} approval {named}: {}", e.message)),
                }
            }
            if let Some(digest) = rv.tags.get(RECORD_TAG) {
                let ours = gathered.records.get(&sv);
                if ours.is_some_and(|s| s.contains(digest)) {
                    // The registry holds this workspace's latest record: the tags fixed with it
                    // must say what the workspace says (an edit in MLflow is tampering; the
                    // push writes them back).
                    let local = gathered
                        .local
                        .versions
                        .iter()
                        .find(|lv| lv.version == sv && lv.tags.get(RECORD_TAG) == Some(digest));
                    for key in RECORD_FIXES {
                        let (Some(lv), Some(found)) = (local, rv.tags.get(key)) else {
                            continue;
                        };
                        let want = lv.tags.get(key).map_or("(none)", String::as_str);
                        if found != want {
                            let seen = Sha256Digest::of(format!("{key}={found}").as_bytes());
                            self.conflict(
                                model,
                                &sv,
                                "tampered",
                                None,
                                &seen.to_string(),
                                &format!(
                                    "tag {key} says {found:?}, but the version signed in record {digest} has {want:?}; the next push writes it back"
                                ),
                                report,
                            )?;
                        }
                    }
                    continue;
                }
                match fetch_record(reg, state, model, &version, digest)? {
                    Err(why) => {
                        self.conflict(model, &sv, "tampered", None, digest, &why, report)?;
                    }
                    Ok(record) => {
                        if let Some(local) = ours.and_then(|s| s.iter().next_back()) {
                            self.conflict(
                                model,
                                &sv,
                                "release-record",
                                Some(local),
                                digest,
                                &format!(
                                    "the registry holds a different signed record for this version ({} → {}, signed by {}); both are kept, neither overwritten",
                                    record.from.as_str(),
                                    record.to.as_str(),
                                    record.signer.name
                                ),
                                report,
                            )?;
                        }
                    }
                }
            }
        }
        Ok(changed)
    }

    /// Settles the open release-record conflicts of `model@version` by hand: `keep_ours`
    /// keeps this workspace's record (the next push writes it, with its tags and aliases, over
    /// the registry's); otherwise the registry's stands (its tags and aliases for the version
    /// are left as they are while the registry holds that record). Tampered items are not
    /// settled by hand (a sync that no longer finds them closes them), nor two document heads
    /// (a merge does).
    pub fn sync_conflict_resolve(
        &self,
        model: &str,
        version: &str,
        keep_ours: bool,
    ) -> Result<Vec<SyncConflictView>> {
        let model: ModelName = parse(model)?;
        let version: Version = parse(version)?;
        self.store.version(&model, &version)?;
        let sv = version.to_string();
        let open: Vec<_> = self
            .store
            .sync_conflicts()?
            .into_iter()
            .filter(|c| c.model == model.as_str() && c.version == sv && c.settled.is_none())
            .collect();
        let records: Vec<_> = open.iter().filter(|c| c.kind == "release-record").collect();
        if records.is_empty() {
            let others: BTreeSet<&str> = open.iter().map(|c| c.kind.as_str()).collect();
            let hint = if others.is_empty() {
                "it has no open conflict; `steward sync status` lists them".to_string()
            } else {
                format!(
                    "what it has open ({}) is not settled by hand: a tampered item closes when a sync no longer finds it, two document heads when they are merged",
                    others.into_iter().collect::<Vec<_>>().join(", ")
                )
            };
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!("{model}@{sv} has no open release-record conflict: {hint}"),
            ));
        }
        let mut out = Vec::new();
        for c in records {
            let local = c.local_sha256.as_deref().unwrap_or("(none)");
            let (how, why) = if keep_ours {
                (
                    "ours",
                    format!(
                        "kept this workspace's record {local}; the next push writes it, its tags and its aliases over the registry's {}",
                        c.remote_sha256
                    ),
                )
            } else {
                (
                    "theirs",
                    format!(
                        "kept the registry's record {}; this workspace's {local} stays here, and the registry's tags and aliases for {model}@{sv} stand while it holds that record",
                        c.remote_sha256
                    ),
                )
            };
            let row = self
                .store
                .sync_conflict_settle(c.id, how, &why, &self.actor)?;
            out.push(SyncConflictView {
                model: row.model,
                version: row.version,
                kind: row.kind,
                local_sha256: row.local_sha256,
                remote_sha256: row.remote_sha256,
                detail: why,
                found_at: row.found_at,
            });
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn conflict(
        &self,
        model: &ModelName,
        version: &str,
        kind: &str,
        local: Option<&str>,
        remote: &str,
        detail: &str,
        report: &mut SyncReport,
    ) -> Result<()> {
        let (_, row) = self.store.sync_conflict_add(
            &NewConflict {
                model,
                version,
                kind,
                local_sha256: local,
                remote_sha256: remote,
                detail,
            },
            &self.actor,
        )?;
        // Reported while it stands: new, or found again and not settled.
        if row.settled.is_none() {
            report.conflicts.push(SyncConflictView {
                model: row.model,
                version: row.version,
                kind: row.kind,
                local_sha256: row.local_sha256,
                remote_sha256: row.remote_sha256,
                detail: row.detail,
                found_at: row.found_at,
            });
        }
        Ok(())
    }
}

/// Downloads and verifies the record `digest` of `model@version`: Ok(Err(why)) when it is
/// missing, does not match its digest, or does not verify (tampered); Err for registry errors.
pub(super) fn fetch_record(
    reg: &Registry,
    state: &TrustState,
    model: &ModelName,
    version: &Version,
    digest: &str,
) -> Result<std::result::Result<ReleaseRecord, String>> {
    let Ok(d) = digest.parse::<Sha256Digest>() else {
        return Ok(Err(format!(
            "tag {RECORD_TAG} holds {digest:?}, which is not a sha256 digest"
        )));
    };
    let path = artifact_path(model, version, "records", &d);
    let Some(bytes) = reg.get_artifact(&path).map_err(registry_error)? else {
        return Ok(Err(format!(
            "tag {RECORD_TAG} names {digest}, but the registry holds no {path}"
        )));
    };
    let actual = Sha256Digest::of(&bytes);
    if actual != d {
        return Ok(Err(format!("{path} digests to {actual}, not {digest}")));
    }
    Ok(match verify_record(&bytes, state) {
        Err(why) => Err(format!("the record {digest} does not verify: {why}")),
        Ok((_, record)) if record.model != *model || record.version != *version => Err(format!(
            "the record {digest} is about {}@{}, not {model}@{version}",
            record.model, record.version
        )),
        Ok((_, record)) => Ok(record),
    })
}

/// Version tags that never change once a version has a signed record (the bundle it names):
/// one that differs from the workspace's is an edit made in MLflow. (`steward.stage` is not
/// among them: a local rollback or deprecation changes it before the next push, with no new
/// record for that version.)
const RECORD_FIXES: [&str; 1] = ["steward.bundle_digest"];

/// The sync phase while another sync of the same workspace holds the turn.
pub const WAITING_PHASE: &str = "waiting for another sync of this workspace";

/// Deploy-time admission, without a workspace: exits 0 only when the version `alias` points
/// at carries a release record that verifies against the roster file, moved it into the stage
/// the alias stands for, passed its gate, and whose approvals verify.
pub fn admit(url: &str, model: &str, alias: &str, roster: &Path) -> Result<AdmitView> {
    let state = trust_state_from_file(roster)?;
    let model: ModelName = parse(model)?;
    let reg = client(url)?;
    let mut view = AdmitView {
        url: reg.url().to_string(),
        model: model.to_string(),
        alias: alias.to_string(),
        number: None,
        version: None,
        record: None,
        signer: None,
        approvals: 0,
        admitted: false,
        problems: Vec::new(),
    };
    let Some(stage) = Stage::ALL
        .iter()
        .copied()
        .find(|s| registry_alias(*s) == Some(alias))
    else {
        return Err(ApiError::invalid(format!(
            "--alias {alias:?} is not a governed alias: use production, canary, candidate or rollback"
        )));
    };
    let Some(rv) = reg
        .version_by_alias(model.as_str(), alias)
        .map_err(admit_error)?
    else {
        view.problems
            .push(format!("{model} has no alias {alias} in the registry"));
        return Ok(view);
    };
    view.number = Some(rv.number.clone());
    let Some(version) = rv
        .tags
        .get(VERSION_TAG)
        .and_then(|v| v.parse::<Version>().ok())
    else {
        view.problems.push(format!(
            "registry version {} carries no {VERSION_TAG} tag: it was not made by Steward",
            rv.number
        ));
        return Ok(view);
    };
    view.version = Some(version.to_string());
    // Tags can be copied onto any version by anyone with EDIT; the source says what a deploy
    // fetches, and Steward's versions carry its own.
    if !steward_sync::plan::steward_source(&rv, &version.to_string())
        || rv.source != format!("steward://{model}/{version}")
    {
        view.problems.push(format!(
            "registry version {} has source {:?}, not steward://{model}/{version}: it was not made by Steward (its steward.* tags were copied onto it)",
            rv.number, rv.source
        ));
        return Ok(view);
    }
    let Some(digest) = rv.tags.get(RECORD_TAG) else {
        view.problems.push(format!(
            "{model}@{version} carries no {RECORD_TAG} tag: no release record"
        ));
        return Ok(view);
    };
    view.record = Some(digest.clone());
    let record = match fetch_record(&reg, &state, &model, &version, digest)? {
        Err(why) => {
            view.problems.push(why);
            return Ok(view);
        }
        Ok(r) => r,
    };
    view.signer = Some(format!(
        "{} ({})",
        record.signer.name,
        record.signer.keyid.fingerprint()
    ));
    // A rollback target is admitted by the production record that named it.
    let stage_ok =
        record.to == stage || (stage == Stage::RollbackTarget && record.rollback_target.is_some());
    if !stage_ok {
        view.problems.push(format!(
            "the release record moved {model}@{version} to {}, not {}: alias {alias} was set without a governed release",
            record.to.as_str(),
            stage.as_str()
        ));
    }
    if let Some(b) = rv.tags.get("steward.bundle_digest") {
        if record.bundle_digest.map(|d| d.to_string()).as_deref() != Some(b.as_str()) {
            view.problems.push(format!(
                "tag steward.bundle_digest says {b}, the signed record says {}",
                record
                    .bundle_digest
                    .map_or_else(|| "none".into(), |d| d.to_string())
            ));
        }
    }
    match &record.gate {
        None if record.to == Stage::Production => view
            .problems
            .push("the production record carries no gate report".into()),
        None => {}
        Some(g) => {
            if !g.passed {
                view.problems.push("the record's gate did not pass".into());
            }
            match g.report.digest() {
                Ok(d) if d == g.digest => {}
                _ => view
                    .problems
                    .push("the record's gate report does not match its digest".into()),
            }
        }
    }
    let roster_now = state.roster.as_ref();
    for a in &record.approvals {
        let path = artifact_path(&model, &version, "approvals", &a.digest);
        let bytes = match reg.get_artifact(&path).map_err(admit_error)? {
            Some(b) => b,
            None => {
                view.problems.push(format!(
                    "the {} approval {} is not in the registry ({path})",
                    a.role, a.digest
                ));
                continue;
            }
        };
        if Sha256Digest::of(&bytes) != a.digest {
            view.problems
                .push(format!("{path} does not match its digest"));
            continue;
        }
        let verified = Envelope::from_json(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|env| attest::verify(&env, &state.keys).map_err(|e| e.to_string()));
        match verified {
            Err(e) => view
                .problems
                .push(format!("the {} approval does not verify: {e}", a.role)),
            Ok(v) if v.keyid != a.keyid => view.problems.push(format!(
                "the {} approval was signed by another key than the record names",
                a.role
            )),
            Ok(v) => match roster_now.map(|r| r.may_sign(&v.keyid, a.role)) {
                Some(Verdict::Allowed) => view.approvals += 1,
                _ => view.problems.push(format!(
                    "key {} may not sign for {} in the roster",
                    v.keyid.fingerprint(),
                    a.role
                )),
            },
        }
    }
    view.admitted = view.problems.is_empty();
    Ok(view)
}

#[cfg(test)]
mod login_tests {
    use super::{admit_error, registry_login, SyncError};

    /// `admit` has no outbox: its errors do not mention one.
    #[test]
    fn admit_errors_do_not_speak_of_an_outbox() {
        let url = "http://127.0.0.1:1/".to_string();
        let errors = [
            SyncError::Unreachable {
                url: url.clone(),
                detail: "refused".into(),
            },
            SyncError::Timeout {
                url: url.clone(),
                after: std::time::Duration::from_secs(3),
                attempts: 2,
            },
            SyncError::Unauthenticated {
                url: url.clone(),
                credential: "a token".into(),
            },
        ];
        for e in errors {
            let before = e.to_string();
            assert!(before.contains("outbox"), "{before}");
            let after = admit_error(e).message;
            assert!(!after.contains("outbox"), "{after}");
            assert!(
                after.starts_with("the registry at http://127.0.0.1:1/"),
                "{after}"
            );
        }
    }

    /// Refused before the keyring is touched: each names what is wrong.
    #[test]
    fn unusable_credentials_are_refused_naming_why() {
        let url = "http://127.0.0.1:5000";
        let cases: &[(Option<&str>, &str, &str)] = &[
            (None, "", "is empty"),
            (None, "   \n", "only spaces"),
            (Some("ann"), "\t", "only spaces"),
            (Some(""), "pw", "--user \"\""),
            (Some("a:b"), "pw", "without ':'"),
            (Some("ann\u{7}"), "pw", "control characters"),
        ];
        for (user, secret, want) in cases {
            let e = registry_login(url, *user, secret).expect_err("refused");
            assert!(
                e.message.contains(want),
                "{user:?} {secret:?}: {}",
                e.message
            );
        }
        let e = registry_login("http://ann:pw@127.0.0.1:5000", None, "t").expect_err("refused");
        assert!(!e.message.contains("pw@"), "{}", e.message);
    }
}
