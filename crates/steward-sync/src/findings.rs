//! Which stored findings (conflicts and tampered items) a sync no longer finds, and so closes.
//! Pure: the caller says what the sync looked at and what it found again.
//!
//! - a document's two heads are closed by a merge, never by a sync;
//! - an artifact found edited by comparing bytes (`--verify`: the finding names this
//!   workspace's digest) is closed only by a verifying pull that no longer finds it;
//! - anything else a pull checks every time (a release record that differs or does not verify,
//!   a tag edited in MLflow, an approval that does not match its digest) is closed by a pull of
//!   the model that no longer finds it: the tag was written back, the artifact put back, or the
//!   registry is another one now;
//! - a push alone checks nothing and closes nothing.

/// One open finding, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding<'a> {
    /// `release-record`, `tampered` or `document:KIND`.
    pub kind: &'a str,
    /// This workspace's digest, when the finding names one.
    pub local: Option<&'a str>,
}

/// What a sync of the model looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Looked {
    /// It pulled the model (completely: an error part-way closes nothing).
    pub pulled: bool,
    /// It compared the registry's bytes with the workspace's (`--verify`).
    pub verified: bool,
}

/// True when `finding`, open before the sync and not found again by it, no longer stands.
pub fn gone(finding: Finding<'_>, found_again: bool, looked: Looked) -> bool {
    if found_again || !looked.pulled || finding.kind.starts_with("document:") {
        return false;
    }
    match (finding.kind, finding.local) {
        ("tampered", Some(_)) => looked.verified,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closes_only_what_the_sync_would_have_found_again() {
        let pull = Looked {
            pulled: true,
            verified: false,
        };
        let verify = Looked {
            pulled: true,
            verified: true,
        };
        let push = Looked {
            pulled: false,
            verified: false,
        };
        let record = Finding {
            kind: "release-record",
            local: Some("sha256:l"),
        };
        let edited_tag = Finding {
            kind: "tampered",
            local: None,
        };
        let edited_bytes = Finding {
            kind: "tampered",
            local: Some("sha256:l"),
        };
        let heads = Finding {
            kind: "document:model-card",
            local: Some("sha256:h"),
        };
        let cases = [
            (
                "a record the pull no longer finds",
                record,
                false,
                pull,
                true,
            ),
            ("a record found again", record, true, pull, false),
            ("a push checks no records", record, false, push, false),
            ("a tag written back", edited_tag, false, pull, true),
            ("a tag still edited", edited_tag, true, verify, false),
            (
                "edited bytes: a plain pull does not compare them",
                edited_bytes,
                false,
                pull,
                false,
            ),
            (
                "edited bytes put back, seen by a verifying pull",
                edited_bytes,
                false,
                verify,
                true,
            ),
            (
                "edited bytes still there",
                edited_bytes,
                true,
                verify,
                false,
            ),
            ("two heads wait for a merge", heads, false, verify, false),
        ];
        for (name, f, again, looked, want) in cases {
            assert_eq!(gone(f, again, looked), want, "{name}");
        }
    }
}
