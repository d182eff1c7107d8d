//! The studio's side of registry sync: the settings panel (the URL set or cleared, the
//! credential logged in or out of the OS keyring, whose kind is shown and never its secret) and
//! the read path of the conflicts and ungoverned-changes screens. A sync stores its report here
//! (`sync_findings`), so the studio lists what the newest sync found without asking the
//! registry again, offline too; conflicts and tampered items are the ones pulls stored, each
//! beside the release record this workspace holds for it. Nothing here decides anything: the
//! findings are the sync's, the record's verification is `release_list`'s.

use std::collections::BTreeMap;

use serde_json::json;
use steward_attest::KeyStore;
use steward_domain::{ModelName, Version};
use steward_store::SyncFindingsRow;

use super::sync::{
    client, fetch_record, registry_login, registry_test, secret_name, stored_credential,
};
use super::{parse, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::*;

impl Workspace {
    /// The registry URL and the kind of credential the keyring holds for it.
    pub fn registry_settings(&self) -> Result<RegistrySettingsView> {
        let url = self.store.registry_url()?;
        let credential = match &url {
            Some(u) => stored_credential(u)?.map(|c| c.kind()),
            None => None,
        };
        Ok(RegistrySettingsView {
            url,
            credential,
            keyring: KeyStore::from_env().backend().to_string(),
        })
    }

    /// Clears the registry URL: nothing syncs until one is set again. What waits stays in the
    /// outbox, and the keyring keeps any credential stored for the old URL.
    pub fn registry_clear(&self) -> Result<RegistrySettingsView> {
        self.store.registry_clear(&self.actor)?;
        self.registry_settings()
    }

    /// Stores the credential for the workspace's registry in the OS keyring: a token, or with
    /// `user` a password. The secret goes to the keyring and nowhere else.
    pub fn registry_login_here(
        &self,
        user: Option<&str>,
        secret: &str,
    ) -> Result<RegistrySettingsView> {
        let url = self.registry_configured()?;
        if let Some(u) = user {
            if u.trim().is_empty() {
                return Err(ApiError::invalid(
                    "the user name is empty: give the MLflow user, or log in with a token",
                ));
            }
        }
        registry_login(&url, user.map(str::trim), secret)?;
        self.registry_settings()
    }

    /// Deletes the credential stored for the workspace's registry from the OS keyring.
    pub fn registry_logout(&self) -> Result<RegistrySettingsView> {
        let url = self.registry_configured()?;
        if !KeyStore::from_env().delete_secret(&secret_name(&url))? {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!(
                    "no credential for {url} is stored in the OS keyring; nothing to log out of"
                ),
            ));
        }
        self.registry_settings()
    }

    /// `registry test` against the workspace's registry.
    pub fn registry_test_here(&self) -> Result<RegistryTestView> {
        registry_test(&self.registry_configured()?)
    }

    /// What the newest sync that reached the registry found, and every stored conflict and
    /// tampered item with the local record it stands against.
    pub fn sync_findings(&self) -> Result<SyncFindingsView> {
        let last = self.store.last_sync_findings()?;
        let report = match &last {
            None => None,
            Some(row) => Some(serde_json::from_str::<SyncReport>(&row.report).map_err(|e| {
                ApiError::new(
                    ErrorCode::Corrupt,
                    format!(
                        "the findings of the sync at {} are not readable ({e}); the next sync records new ones",
                        row.at
                    ),
                )
            })?),
        };
        let mut records: BTreeMap<String, Vec<ReleaseView>> = BTreeMap::new();
        let mut conflicts = Vec::new();
        for c in self.sync_status()?.conflicts {
            let local = match &c.local_sha256 {
                None => None,
                Some(digest) => {
                    if !records.contains_key(&c.model) {
                        let list = self.release_list(&c.model)?.records;
                        records.insert(c.model.clone(), list);
                    }
                    records
                        .get(&c.model)
                        .and_then(|list| list.iter().find(|r| &r.digest == digest))
                        .cloned()
                }
            };
            conflicts.push(SyncConflictDetail { conflict: c, local });
        }
        Ok(SyncFindingsView {
            at: last.as_ref().map(|r| r.at.clone()),
            direction: last.as_ref().map(|r| r.direction.clone()),
            url: last.as_ref().map(|r| r.url.clone()),
            complete: last.as_ref().is_some_and(|r| r.complete),
            report,
            conflicts,
        })
    }

    /// The registry's record `digest` of `model@version` (a conflict's remote side), downloaded
    /// and verified now against this workspace's roster. A record that is missing, does not
    /// match its digest or does not verify is answered with why, not as an error.
    pub fn sync_conflict_remote(
        &self,
        model: &str,
        version: &str,
        digest: &str,
    ) -> Result<RemoteRecordView> {
        let (model, version) = (parse::<ModelName>(model)?, parse::<Version>(version)?);
        let reg = client(&self.registry_configured()?)?;
        let state = self.trust_state()?;
        let mut view = RemoteRecordView {
            digest: digest.to_string(),
            verified: false,
            problem: None,
            kind: None,
            from: None,
            to: None,
            recorded_at: None,
            signer_name: None,
            signer_fingerprint: None,
            reason: None,
        };
        match fetch_record(&reg, &state, &model, &version, digest)? {
            Err(why) => view.problem = Some(why),
            Ok(r) => {
                view.verified = true;
                view.kind = Some(r.kind);
                view.from = Some(r.from);
                view.to = Some(r.to);
                view.recorded_at = Some(r.recorded_at);
                view.signer_fingerprint = Some(r.signer.keyid.fingerprint());
                view.signer_name = Some(r.signer.name);
                view.reason = Some(r.reason);
            }
        }
        Ok(view)
    }

    /// Keeps a sync's report as its findings. A sync that never reached the registry found
    /// nothing and stores nothing. Like the run itself, a failure to store is not the sync's
    /// failure: what was sent stays sent, and the next sync records its findings again.
    pub(super) fn sync_findings_record(
        &self,
        direction: &str,
        url: &str,
        report: Option<&SyncReport>,
        complete: bool,
    ) {
        let Some(report) = report else { return };
        let Ok(text) = serde_json::to_string(report) else {
            return;
        };
        let counts = json!({
            "ungoverned": report.ungoverned.len(),
            "conflicts": report.conflicts.len(),
            "remote_ahead": report.remote_ahead.len(),
            "duplicates": report.duplicates.len(),
            "refused": report.refused.len(),
        });
        let _ = self.store.sync_findings_add(
            &SyncFindingsRow {
                at: steward_store::clock::now(),
                direction: direction.to_string(),
                url: url.to_string(),
                complete,
                report: text,
            },
            counts,
            &self.actor,
        );
    }
}
