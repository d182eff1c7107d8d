//! The applier: sends a [`Plan`]'s operations in order.
//!
//! Idempotent and resumable because the plan is computed from what the registry holds: a sync
//! cut short anywhere is planned again from the registry's new state, and only what is still
//! missing is sent. Every request but one is idempotent (upserts, overwriting uploads, alias
//! moves). The exception is creating a model version: when its answer is lost (a dropped
//! connection, a timeout, a 5xx), the version may or may not exist, so the applier looks it up
//! by its `steward.version` tag before trying again, and never creates one it can find.
//! With MLflow's basic-auth app, a model the user may only read is refused before any write.

use std::collections::BTreeMap;

use crate::client::{backoff_delay, Registry, Retry};
use crate::error::{Result, SyncError};
use crate::plan::{index_versions, Op, Plan, VersionRef, VERSION_TAG};

/// What an apply did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Operations sent successfully.
    pub done: usize,
    /// Steward version → registry number, for each version created (or found after a lost
    /// answer).
    pub created: BTreeMap<String, String>,
    /// Why it stopped before the end (the rest is planned again next time).
    pub error: Option<SyncError>,
}

/// Where an apply stands, after each operation sent.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// The registered model.
    pub model: &'a str,
    /// Operations sent for it so far.
    pub done: usize,
    /// Operations planned for it.
    pub total: usize,
    /// The operation just sent.
    pub op: &'a Op,
}

/// Sends `plan`'s operations for model `name`; envelope bytes come from `artifacts` (path →
/// bytes). `cancelled` is checked before each operation (so a cancel lands between two: what
/// was sent stays sent, the rest is planned again next time); `progress` is told after each.
/// On failure, what was done comes back with the error that stopped it.
pub fn apply(
    registry: &Registry,
    name: &str,
    plan: &Plan,
    artifacts: &BTreeMap<String, Vec<u8>>,
    cancelled: &dyn Fn() -> bool,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Applied {
    let mut applied = Applied::default();
    let total = plan.ops.len();
    // A user the auth app lets only read the model is refused before the first write (an
    // envelope upload is judged by the artifact store's permission, not the model's, and would
    // otherwise land before the version create is refused). A model that does not exist yet
    // is created first, and that create is its own check.
    let creates_model = matches!(plan.ops.first(), Some(Op::CreateModel { .. }));
    if !plan.ops.is_empty() && !creates_model {
        if let Err(e) = registry.check_write(name) {
            applied.error = Some(e);
            return applied;
        }
    }
    for op in &plan.ops {
        if cancelled() {
            applied.error = Some(SyncError::Cancelled);
            return applied;
        }
        if let Err(e) = apply_one(registry, name, op, artifacts, &mut applied.created) {
            applied.error = Some(e);
            return applied;
        }
        applied.done += 1;
        progress(&Progress {
            model: name,
            done: applied.done,
            total,
            op,
        });
    }
    applied
}

fn apply_one(
    registry: &Registry,
    name: &str,
    op: &Op,
    artifacts: &BTreeMap<String, Vec<u8>>,
    created: &mut BTreeMap<String, String>,
) -> Result<()> {
    match op {
        Op::CreateModel { description, tags } => registry.create_model(name, description, tags),
        Op::SetModelDescription { description } => {
            registry.set_model_description(name, description)
        }
        Op::SetModelTag { key, value } => registry.set_model_tag(name, key, value),
        Op::UploadArtifact { path, .. } => {
            let bytes = artifacts.get(path).ok_or_else(|| SyncError::Api {
                url: registry.url().to_string(),
                what: format!("uploading {path}"),
                status: 0,
                code: "MISSING_LOCAL_ARTIFACT".into(),
                message: "the plan names an envelope the workspace did not hand over".into(),
            })?;
            registry.put_artifact(path, bytes)
        }
        Op::CreateVersion {
            version,
            source,
            description,
            tags,
        } => {
            let number = create_once(registry, name, version, source, description, tags)?;
            created.insert(version.clone(), number);
            Ok(())
        }
        Op::SetVersionTag {
            number, key, value, ..
        } => registry.set_version_tag(name, number, key, value),
        Op::DeleteVersion { number, .. } => registry.delete_version(name, number),
        Op::SetAlias { alias, target } => {
            let number = match target {
                VersionRef::Number(n) => n.clone(),
                VersionRef::Steward(v) => match created.get(v) {
                    Some(n) => n.clone(),
                    None => find_by_tag(registry, name, v)?.ok_or_else(|| SyncError::Api {
                        url: registry.url().to_string(),
                        what: format!("pointing alias {alias} of {name} at {v}"),
                        status: 404,
                        code: "RESOURCE_DOES_NOT_EXIST".into(),
                        message: format!("no version tagged {VERSION_TAG}={v}"),
                    })?,
                },
            };
            registry.set_alias(name, alias, &number)
        }
        Op::DeleteAlias { alias } => registry.delete_alias(name, alias),
    }
}

/// The registry number of the version tagged `steward.version = version` (the lowest when
/// there are several), if any.
pub fn find_by_tag(registry: &Registry, name: &str, version: &str) -> Result<Option<String>> {
    let found = registry.search_versions(name, Some((VERSION_TAG, version)))?;
    let (index, _) = index_versions(&found);
    Ok(index.get(version).map(|v| v.number.clone()))
}

const CREATE_ATTEMPTS: u32 = 5;

fn create_once(
    registry: &Registry,
    name: &str,
    version: &str,
    source: &str,
    description: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let mut attempt = 0;
    loop {
        match registry.create_version(name, source, description, tags) {
            Ok(v) => return Ok(v.number),
            Err(e) if e.is_retryable() && attempt + 1 < CREATE_ATTEMPTS => {
                registry.wait_to_retry(&Retry {
                    what: &format!("creating version {version} of {name}"),
                    failed: attempt + 1,
                    attempts: CREATE_ATTEMPTS,
                    error: &e,
                    wait: backoff_delay(
                        std::time::Duration::from_millis(200),
                        std::time::Duration::from_secs(5),
                        attempt,
                        0.5,
                    ),
                });
                attempt += 1;
                // The answer was lost, not necessarily the create: look before creating again.
                if let Some(n) = find_by_tag(registry, name, version)? {
                    return Ok(n);
                }
                // A create that timed out may still be running on a slow server; give it as
                // long again (at most 10 s) and look once more, so a slow answer does not
                // become a second version.
                if matches!(e, SyncError::Timeout { .. }) {
                    std::thread::sleep(registry.timeout().min(std::time::Duration::from_secs(10)));
                    if let Some(n) = find_by_tag(registry, name, version)? {
                        return Ok(n);
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
}
