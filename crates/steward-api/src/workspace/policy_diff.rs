//! The diff between two policy texts, for the policy screen's history: the same line diff the
//! documents show (`documents::line_diff`), over stored revisions or the built-in default.

use steward_domain::policy::DEFAULT_POLICY;

use super::documents::line_diff;
use super::Workspace;
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::PolicyDiff;

impl Workspace {
    /// A line diff from policy revision `from` to `to`; 0 names the built-in default (what a
    /// workspace used before its first `policy set`).
    pub fn policy_diff(&self, from: u32, to: u32) -> Result<PolicyDiff> {
        let old = self.policy_text(from)?;
        let new = self.policy_text(to)?;
        let diff = line_diff(&old, &new, &policy_label(from), &policy_label(to));
        Ok(PolicyDiff {
            from,
            to,
            lines: diff.lines,
            insertions: diff.insertions,
            deletions: diff.deletions,
            unified: diff.unified,
        })
    }

    fn policy_text(&self, number: u32) -> Result<String> {
        if number == 0 {
            return Ok(DEFAULT_POLICY.to_string());
        }
        let revisions = self.store.policy_history()?;
        let newest = revisions.first().map_or(0, |r| r.number);
        revisions
            .into_iter()
            .find(|r| r.number == number)
            .map(|r| r.content)
            .ok_or_else(|| {
                let have = if newest == 0 {
                    "this workspace has no stored policy revision (0 is the built-in default)"
                        .to_string()
                } else {
                    format!(
                        "this workspace has revisions 1 to {newest} (0 is the built-in default)"
                    )
                };
                ApiError::new(
                    ErrorCode::NotFound,
                    format!("policy revision r{number} does not exist: {have}"),
                )
            })
    }
}

fn policy_label(number: u32) -> String {
    if number == 0 {
        "policy (built-in default)".to_string()
    } else {
        format!("policy r{number}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::wire::{DiffTag, PolicySet};

    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::init(&dir.path().join("ws"), "ana.lopez").unwrap();
        (dir, ws)
    }

    #[test]
    fn two_revisions_diff_line_by_line_and_the_default_is_revision_zero() {
        let (_dir, ws) = workspace();
        let first = DEFAULT_POLICY.replacen("name = ", "# tightened for prod\nname = ", 1);
        let set = |text: &str| {
            ws.policy_set(&PolicySet {
                text: text.to_string(),
                file: None,
                message: Some("test".into()),
            })
            .unwrap()
        };
        assert_eq!(set(&first).revision.number, 1);
        let second = first.replace("# tightened for prod\n", "");
        assert_eq!(set(&second).revision.number, 2);

        let d = ws.policy_diff(0, 1).unwrap();
        assert_eq!((d.insertions, d.deletions), (1, 0), "{}", d.unified);
        let added: Vec<_> = d
            .lines
            .iter()
            .filter(|l| l.tag == DiffTag::Insert)
            .collect();
        assert_eq!(added[0].text, "# tightened for prod");
        assert!(
            d.unified.contains("policy (built-in default)"),
            "{}",
            d.unified
        );
        assert!(d.unified.contains("policy r1"), "{}", d.unified);

        let back = ws.policy_diff(1, 2).unwrap();
        assert_eq!((back.insertions, back.deletions), (0, 1));
        assert_eq!(ws.policy_diff(0, 2).unwrap().insertions, 0);
    }

    #[test]
    fn a_revision_that_does_not_exist_is_named() {
        let (_dir, ws) = workspace();
        let err = ws.policy_diff(0, 3).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
        assert!(err.message.contains("r3"), "{}", err.message);
        assert!(
            err.message.contains("no stored policy revision"),
            "{}",
            err.message
        );
    }
}
