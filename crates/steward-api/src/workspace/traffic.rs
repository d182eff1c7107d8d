//! The traffic dial as flagd flag files: one file per model, `<flag dir>/<model>.flagd.json`
//! (the flag dir is `<workspace>/flags` unless `traffic_dir_set` moved it), rewritten atomically
//! on every change — a person's (`traffic_set`), or a promotion, rollback or deprecation
//! (`traffic_follow`, called after the release record commits). The rules are
//! `steward_domain::traffic`; this keeps the history and writes the files. A file edited by hand
//! since Steward wrote it is reported and never overwritten silently.

use std::io::Write;
use std::path::{Path, PathBuf};

use steward_domain::traffic::{
    self, flagd_document, follow_stages, StartingPlan, TrafficChange, TrafficState,
};
use steward_domain::{DocumentKind, ModelName, Sha256Digest, Stage};
use steward_store::{DocumentTarget, NewTrafficChange, TrafficChangeRow};

use super::{parse, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::*;

/// What a stored change's file looks like on disk now.
enum FileState {
    Missing,
    InSync,
    ChangedOutside(Sha256Digest),
}

fn read_state(row: &TrafficChangeRow) -> Result<TrafficState> {
    serde_json::from_str(&row.state).map_err(|e| {
        ApiError::new(
            ErrorCode::Corrupt,
            format!(
                "traffic change {} holds a state that does not read ({e})",
                row.id
            ),
        )
    })
}

fn change_view(row: &TrafficChangeRow) -> Result<TrafficChangeView> {
    let s = read_state(row)?;
    Ok(TrafficChangeView {
        epoch: u32::try_from(row.epoch).unwrap_or(u32::MAX),
        serving: s.serving.map(|v| v.to_string()),
        canary: s.canary.map(|v| v.to_string()),
        canary_percent: s.canary_percent,
        tenants: s.tenants,
        shadow: s.shadow,
        killed: s.killed,
        reason: row.reason.clone(),
        release: row.release_sha256.clone(),
        written: row.file_sha256.is_some(),
        file_note: row.file_note.clone(),
        actor: row.actor.clone(),
        at: row.at.clone(),
    })
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced, renamed.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("flag"),
        std::process::id()
    ));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

impl Workspace {
    /// The folder flag files live in.
    fn flag_dir(&self) -> Result<PathBuf> {
        Ok(match self.store.flag_dir()? {
            Some(d) => PathBuf::from(d),
            None => self.root().join("flags"),
        })
    }

    fn flag_path(&self, model: &ModelName) -> Result<PathBuf> {
        Ok(self.flag_dir()?.join(format!("{model}.flagd.json")))
    }

    /// Points flag files at `dir` (created if missing); files already written stay where they
    /// are until their next change.
    pub fn traffic_dir_set(&self, dir: &Path) -> Result<String> {
        std::fs::create_dir_all(dir).map_err(|e| {
            ApiError::new(
                ErrorCode::Io,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let abs = dir
            .canonicalize()
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", dir.display())))?;
        let text = abs.display().to_string();
        self.store.set_flag_dir(&text, &self.actor)?;
        Ok(text)
    }

    fn file_state(&self, path: &Path, last: Option<&TrafficChangeRow>) -> FileState {
        let Ok(bytes) = std::fs::read(path) else {
            return FileState::Missing;
        };
        let now = Sha256Digest::of(&bytes);
        let written = last
            .iter()
            .rev()
            .find_map(|r| r.file_sha256.as_deref())
            .and_then(|s| s.parse::<Sha256Digest>().ok());
        match written {
            Some(w) if w == now => FileState::InSync,
            _ => FileState::ChangedOutside(now),
        }
    }

    /// Records `next` and writes its flag file unless the file was changed outside Steward
    /// (then, without `overwrite`, the change is refused for a person and recorded unwritten
    /// for an automatic follow).
    pub(super) fn record_traffic(
        &self,
        model: &ModelName,
        next: &TrafficState,
        reason: &str,
        release: Option<&str>,
        overwrite: bool,
        refuse_if_edited: bool,
    ) -> Result<()> {
        let path = self.flag_path(model)?;
        let rows = self.store.traffic_changes(model)?;
        // The newest row that wrote the file is the one the file must still match.
        let last_written = rows.iter().rev().find(|r| r.file_sha256.is_some());
        let edited = match self.file_state(&path, last_written) {
            FileState::ChangedOutside(found) if !overwrite => Some(found),
            _ => None,
        };
        if let (Some(found), true) = (edited, refuse_if_edited) {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "{} was changed outside Steward (it holds {found}, not what Steward wrote); nothing was changed — look at it, then set the traffic again with --overwrite to replace it",
                    path.display()
                ),
            ));
        }
        let doc = flagd_document(model.as_str(), next, release);
        let mut bytes = serde_json::to_vec_pretty(&doc).map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("cannot render the flag file: {e}"),
            )
        })?;
        bytes.push(b'\n');
        let (file_sha, note) = match edited {
            Some(found) => (
                None,
                format!(
                    "not written: {} was changed outside Steward (it holds {found})",
                    path.display()
                ),
            ),
            None => match write_atomically(&path, &bytes) {
                Ok(()) => (Some(Sha256Digest::of(&bytes).to_string()), String::new()),
                Err(e) => (None, format!("not written: {}: {e}", path.display())),
            },
        };
        // Stored for reading back, not hashed or signed: plain JSON (it holds a percentage).
        let state = serde_json::to_string(next).map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("the dial state is not JSON: {e}"),
            )
        })?;
        let change_id = self.store.add_traffic_change(
            &NewTrafficChange {
                model,
                epoch: next.epoch,
                state: &state,
                reason,
                release_sha256: release,
                file_path: &path.display().to_string(),
                file_sha256: file_sha.as_deref(),
                file_note: &note,
            },
            &self.actor,
        )?;
        let change = serde_json::json!({
            "epoch": next.epoch,
            "state": next,
            "reason": reason,
            "flag_file": path.display().to_string(),
            "written": file_sha.is_some(),
        });
        self.run_traffic_hook(model, change_id, &change, release);
        Ok(())
    }

    pub(super) fn current_traffic(&self, model: &ModelName) -> Result<TrafficState> {
        match self.store.traffic_changes(model)?.last() {
            Some(row) => read_state(row),
            None => Ok(TrafficState::default()),
        }
    }

    /// Moves the dial after `model`'s stages changed (a promotion, rollback or deprecation
    /// whose release record is `release`): production serves, a new canary starts from its
    /// rollout plan, a rollback clears the canary's traffic. Nothing is recorded when the dial
    /// did not move.
    pub(super) fn traffic_follow(
        &self,
        model: &ModelName,
        release: &str,
        rolled_back: bool,
    ) -> Result<()> {
        let versions = self.store.versions(model)?;
        let serving = versions
            .iter()
            .find(|v| v.stage == Stage::Production)
            .map(|v| v.version);
        let canary = versions
            .iter()
            .find(|v| v.stage == Stage::Canary)
            .map(|v| v.version);
        let mut plan = StartingPlan::default();
        if let Some(c) = canary {
            if let Some(doc) = self.store.document(
                &DocumentTarget::Version(model.clone(), c),
                DocumentKind::RolloutPlan,
            )? {
                let fields = super::governance::front_matter_fields(&doc.head.content);
                let p = steward_domain::gate::CanaryPlan::from_fields(&fields);
                plan = StartingPlan {
                    percent: p.share_percent,
                    tenants: p.tenants,
                    shadow: p.shadow_mode.unwrap_or(false),
                };
            }
        }
        let policy = self.policy_in_force()?;
        let before = self.current_traffic(model)?;
        let next = follow_stages(
            &before,
            serving,
            canary,
            &plan,
            rolled_back,
            &policy.policy.canary,
        );
        if next == before {
            return Ok(());
        }
        let reason = if rolled_back {
            "rollback"
        } else {
            "stage change"
        };
        self.record_traffic(model, &next, reason, Some(release), false, false)
    }

    /// A person's change to the dial, within what the policy allows.
    pub fn traffic_set(&self, req: &TrafficSet) -> Result<TrafficView> {
        let model: ModelName = parse(&req.model)?;
        self.store.model(&model)?;
        let change = match (req.canary_percent, &req.tenants, req.kill) {
            (Some(p), None, None) => TrafficChange::Canary { percent: p },
            (None, Some(t), None) => TrafficChange::Tenants { tenants: t.clone() },
            (None, None, Some(true)) => TrafficChange::Kill,
            (None, None, Some(false)) => TrafficChange::Unkill,
            _ => {
                return Err(ApiError::invalid(
                    "give exactly one of --canary PERCENT, --tenants LIST, --kill or --unkill",
                ))
            }
        };
        let reason = req.reason.trim();
        if reason.is_empty() {
            return Err(ApiError::invalid(
                "say why the traffic changes: give --reason TEXT",
            ));
        }
        let policy = self.policy_in_force()?;
        let before = self.current_traffic(&model)?;
        let before = if before.serving.is_none() && before.canary.is_none() {
            // The dial was never written: start from the stages.
            let versions = self.store.versions(&model)?;
            TrafficState {
                serving: versions
                    .iter()
                    .find(|v| v.stage == Stage::Production)
                    .map(|v| v.version),
                canary: versions
                    .iter()
                    .find(|v| v.stage == Stage::Canary)
                    .map(|v| v.version),
                ..before
            }
        } else {
            before
        };
        let next = traffic::change(&before, &change, &policy.policy.canary)
            .map_err(|e| ApiError::new(ErrorCode::Refused, format!("{model}: {e}")))?;
        self.record_traffic(&model, &next, reason, None, req.overwrite, true)?;
        self.traffic_show(model.as_str())
    }

    /// A model's dial: its flag file, the state now and every change.
    pub fn traffic_show(&self, model: &str) -> Result<TrafficView> {
        let model: ModelName = parse(model)?;
        self.store.model(&model)?;
        let rows = self.store.traffic_changes(&model)?;
        let path = self.flag_path(&model)?;
        let last_written = rows.iter().rev().find(|r| r.file_sha256.is_some());
        let file = match self.file_state(&path, last_written) {
            FileState::Missing => "missing",
            FileState::InSync => "in-sync",
            FileState::ChangedOutside(_) => "changed-outside",
        };
        let history = rows.iter().map(change_view).collect::<Result<Vec<_>>>()?;
        Ok(TrafficView {
            model: model.to_string(),
            path: path.display().to_string(),
            file: file.into(),
            current: history.last().cloned(),
            history,
        })
    }
}
