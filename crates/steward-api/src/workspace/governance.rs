//! Governance operations: the workspace's policy (show, check, set, history).
//!
//! The policy is validated by the domain (`Policy::parse`) before the store sees it, so a
//! refused policy stores nothing and the one in force is unchanged. A workspace with no stored
//! revision uses the built-in default and says so.

use std::path::Path;

use steward_domain::policy::{Policy, PolicyError, Warning, DEFAULT_POLICY};
use steward_domain::Sha256Digest;
use steward_store::{PolicyRevisionRow, StoreError};

use super::Workspace;
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::*;

/// Policy files are a few kilobytes; anything past this is not a policy.
const MAX_POLICY_BYTES: u64 = 1024 * 1024;

/// The name messages give text that did not come from a file.
const NO_FILE: &str = "(text)";

fn warning_view(w: &Warning) -> PolicyWarningView {
    PolicyWarningView {
        line: u32::try_from(w.line).unwrap_or(u32::MAX),
        key: w.key.clone(),
        message: w.message.clone(),
    }
}

fn problem(file: &str, e: &PolicyError) -> PolicyProblem {
    PolicyProblem {
        line: u32::try_from(e.line).unwrap_or(u32::MAX),
        key: e.key.clone(),
        kind: serde_json::to_value(e.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        detail: e.detail.clone(),
        expected: e.expected.clone(),
        message: format!("{file}: {e}"),
    }
}

fn revision_view(r: &PolicyRevisionRow) -> PolicyRevisionView {
    PolicyRevisionView {
        number: r.number,
        sha256: r.sha256.to_string(),
        name: r.name.clone(),
        author: r.author.clone(),
        message: r.message.clone(),
        created_at: r.created_at.clone(),
    }
}

/// The policy in force, parsed, with where it came from.
pub(crate) struct PolicyInForce {
    pub policy: Policy,
    pub warnings: Vec<Warning>,
    pub text: String,
    pub revision: Option<PolicyRevisionRow>,
}

impl PolicyInForce {
    pub fn source(&self) -> PolicySource {
        if self.revision.is_some() {
            PolicySource::Stored
        } else {
            PolicySource::Default
        }
    }
}

impl Workspace {
    /// Reads a policy file: a regular file of at most 1 MiB of UTF-8.
    pub fn policy_read_file(path: &Path) -> Result<String> {
        let bytes = crate::input::read_limited(path, MAX_POLICY_BYTES, |size| {
            ApiError::invalid(format!(
                "{} is {size} bytes; a policy file is at most {MAX_POLICY_BYTES} bytes — is it the right file?",
                path.display()
            ))
        })?;
        String::from_utf8(bytes).map_err(|e| {
            ApiError::invalid(format!(
                "{} is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                path.display(),
                e.utf8_error().valid_up_to()
            ))
        })
    }

    /// Validates a policy text: the first refusal (line, key, what is expected) or the
    /// warnings of a usable policy. Needs no workspace.
    pub fn policy_check(req: &PolicyCheckRequest) -> PolicyCheck {
        let file = req.file.clone().unwrap_or_else(|| NO_FILE.to_string());
        match Policy::parse(&req.text) {
            Ok((policy, warnings)) => PolicyCheck {
                valid: true,
                name: Some(policy.name.clone()),
                stages: policy.stages.iter().map(|s| s.stage).collect(),
                error: None,
                warnings: warnings.iter().map(warning_view).collect(),
                file,
            },
            Err(e) => PolicyCheck {
                valid: false,
                name: None,
                stages: Vec::new(),
                error: Some(problem(&file, &e)),
                warnings: Vec::new(),
                file,
            },
        }
    }

    /// The policy in force: the newest stored revision, else the built-in default. A stored
    /// revision this build cannot parse is reported as damage, never replaced by the default.
    pub(crate) fn policy_in_force(&self) -> Result<PolicyInForce> {
        let revision = self.store.policy_head()?;
        let text = revision
            .as_ref()
            .map_or_else(|| DEFAULT_POLICY.to_string(), |r| r.content.clone());
        let (policy, warnings) = Policy::parse(&text).map_err(|e| match &revision {
            Some(r) => ApiError::from(StoreError::BadRow {
                what: "policy revision",
                value: format!("r{}", r.number),
                detail: format!("{e}; set a valid policy with `steward policy set FILE`"),
            }),
            None => ApiError::new(
                ErrorCode::Internal,
                format!("the built-in default policy is invalid: {e}"),
            ),
        })?;
        Ok(PolicyInForce {
            policy,
            warnings,
            text,
            revision,
        })
    }

    /// The policy in force with its text and warnings.
    pub fn policy_show(&self) -> Result<PolicyView> {
        let p = self.policy_in_force()?;
        Ok(PolicyView {
            source: p.source(),
            revision: p.revision.as_ref().map(revision_view),
            name: p.policy.name.clone(),
            sha256: Sha256Digest::of(p.text.as_bytes()).to_string(),
            stages: p.policy.stages.iter().map(|s| s.stage).collect(),
            warnings: p.warnings.iter().map(warning_view).collect(),
            text: p.text,
        })
    }

    /// Validates `req.text` and stores it as the next revision. An invalid policy is refused
    /// with the file, line, key and what is expected, and nothing is stored; text equal to the
    /// revision in force stores nothing either.
    pub fn policy_set(&self, req: &PolicySet) -> Result<PolicySetResult> {
        let file = req.file.as_deref().unwrap_or(NO_FILE);
        let (policy, warnings) = Policy::parse(&req.text).map_err(|e| {
            ApiError::invalid(format!(
                "{file}: {e}; the policy in force is unchanged — fix the file (`steward policy check {file}` shows every problem in turn) and set it again"
            ))
        })?;
        let warnings = warnings.iter().map(warning_view).collect();
        if let Some(head) = self.store.policy_head()? {
            if head.content == req.text {
                return Ok(PolicySetResult {
                    revision: revision_view(&head),
                    unchanged: true,
                    warnings,
                });
            }
        }
        let message = req.message.as_deref().map(str::trim).unwrap_or("");
        let row = self
            .store
            .set_policy(&req.text, &policy.name, message, &self.actor)?;
        Ok(PolicySetResult {
            revision: revision_view(&row),
            unchanged: false,
            warnings,
        })
    }

    /// Every stored revision, newest first.
    pub fn policy_history(&self) -> Result<PolicyHistory> {
        let revisions: Vec<PolicyRevisionView> = self
            .store
            .policy_history()?
            .iter()
            .map(revision_view)
            .collect();
        Ok(PolicyHistory {
            source: if revisions.is_empty() {
                PolicySource::Default
            } else {
                PolicySource::Stored
            },
            revisions,
        })
    }
}
