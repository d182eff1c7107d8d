//! Document revisions as a graph shared between workspaces through the registry.
//!
//! A revision's number (r1, r2, …) is local to a workspace; its **identity** is not: the
//! sha256 of the canonical JSON of what it is about (model, version, kind), its text's digest,
//! its parents' identities, its author, message and time. Two workspaces that hold the same
//! revision compute the same identity, and a revision cannot be altered without changing it.
//!
//! A pull brings revisions this workspace lacks. [`plan_pull`] orders them parents first
//! (a revision whose parent is neither here nor in the batch waits), then decides the head:
//! unchanged, fast-forwarded to the one head the union has, or **diverged** when the union has
//! two heads (two people saved over the same revision); then the head stays and the merge
//! screen combines them into a two-parent revision.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::digest::Sha256Digest;
use crate::DocumentKind;

/// The format name every revision artifact carries.
pub const REVISION_FORMAT: &str = "steward.document-revision/v1";

/// What a revision's identity is computed over, in this field order.
#[derive(Serialize)]
struct IdentityFacts<'a> {
    format: &'a str,
    model: &'a str,
    version: &'a str,
    kind: &'a str,
    content_sha256: &'a str,
    parents: &'a [String],
    author: &'a str,
    message: &'a str,
    created_at: &'a str,
}

/// One revision as it travels: its facts, its identity and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionArtifact {
    /// [`REVISION_FORMAT`].
    pub format: String,
    /// `sha256:…` over the facts (see [`revision_identity`]).
    pub identity: String,
    /// The registered model.
    pub model: String,
    /// The Steward version.
    pub version: String,
    /// The document kind.
    pub kind: DocumentKind,
    /// Parent identities: none for a first revision, one for an edit, two for a merge.
    pub parents: Vec<String>,
    /// Who saved it.
    pub author: String,
    /// Why.
    pub message: String,
    /// When, RFC 3339.
    pub created_at: String,
    /// `sha256:…` of the text.
    pub content_sha256: String,
    /// The text.
    pub content: String,
}

impl RevisionArtifact {
    /// Builds the artifact for a revision, computing its identity.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        model: &str,
        version: &str,
        kind: DocumentKind,
        parents: Vec<String>,
        author: &str,
        message: &str,
        created_at: &str,
        content: &str,
    ) -> RevisionArtifact {
        let content_sha256 = Sha256Digest::of(content.as_bytes()).to_string();
        let mut out = RevisionArtifact {
            format: REVISION_FORMAT.into(),
            identity: String::new(),
            model: model.into(),
            version: version.into(),
            kind,
            parents,
            author: author.into(),
            message: message.into(),
            created_at: created_at.into(),
            content_sha256,
            content: content.into(),
        };
        out.identity = out.computed_identity();
        out
    }

    /// The identity its facts give.
    pub fn computed_identity(&self) -> String {
        revision_identity(&IdentityFacts {
            format: REVISION_FORMAT,
            model: &self.model,
            version: &self.version,
            kind: self.kind.as_str(),
            content_sha256: &self.content_sha256,
            parents: &self.parents,
            author: &self.author,
            message: &self.message,
            created_at: &self.created_at,
        })
    }

    /// The artifact's bytes (JSON).
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// The file name it is stored under: the identity's hex and `.json`.
    pub fn file_name(&self) -> String {
        format!("{}.json", hex_of(&self.identity))
    }
}

fn hex_of(identity: &str) -> &str {
    identity.strip_prefix("sha256:").unwrap_or(identity)
}

fn revision_identity(facts: &IdentityFacts<'_>) -> String {
    let bytes = serde_json::to_vec(facts).unwrap_or_default();
    Sha256Digest::of(&bytes).to_string()
}

/// Reads a revision artifact downloaded from `file` (its name in the registry) for
/// `model@version`. Err says why it is tampered: unreadable, another format, about another
/// version, a data sheet, more than two parents, a text that does not match its digest, or an
/// identity that does not match its facts or its file name.
pub fn read_artifact(
    bytes: &[u8],
    file: &str,
    model: &str,
    version: &str,
) -> Result<RevisionArtifact, String> {
    let a: RevisionArtifact = serde_json::from_slice(bytes)
        .map_err(|e| format!("{file} is not a document revision: {e}"))?;
    if a.format != REVISION_FORMAT {
        return Err(format!(
            "{file} is a {:?}, not a {REVISION_FORMAT}",
            a.format
        ));
    }
    if a.model != model || a.version != version {
        return Err(format!(
            "{file} is a revision of {}@{}, not of {model}@{version}",
            a.model, a.version
        ));
    }
    if a.kind.is_per_dataset() {
        return Err(format!(
            "{file} is a {}, which belongs to a dataset snapshot",
            a.kind
        ));
    }
    if a.parents.len() > 2 {
        return Err(format!(
            "{file} names {} parents; a revision has at most two",
            a.parents.len()
        ));
    }
    let actual = Sha256Digest::of(a.content.as_bytes()).to_string();
    if actual != a.content_sha256 {
        return Err(format!(
            "{file}'s text digests to {actual}, not the {} it records",
            a.content_sha256
        ));
    }
    let identity = a.computed_identity();
    if identity != a.identity {
        return Err(format!(
            "{file}'s facts give identity {identity}, not the {} it records",
            a.identity
        ));
    }
    if file != a.file_name() {
        return Err(format!(
            "{file} holds revision {}, whose file is {}",
            a.identity,
            a.file_name()
        ));
    }
    Ok(a)
}

/// Identity → parent identities.
pub type Graph = BTreeMap<String, Vec<String>>;

/// `id` and every revision it descends from.
pub fn ancestors(graph: &Graph, id: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([id.to_string()]);
    while let Some(n) = queue.pop_front() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(ps) = graph.get(&n) {
            queue.extend(ps.iter().cloned());
        }
    }
    seen
}

/// The nearest common ancestor of `a` and `b`: the first revision reached walking back from
/// `b` (breadth first) that `a` also descends from. None when they share no history.
pub fn merge_base(graph: &Graph, a: &str, b: &str) -> Option<String> {
    let of_a = ancestors(graph, a);
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([b.to_string()]);
    while let Some(n) = queue.pop_front() {
        if of_a.contains(&n) {
            return Some(n);
        }
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(ps) = graph.get(&n) {
            queue.extend(ps.iter().cloned());
        }
    }
    None
}

/// The revisions no other revision names as a parent.
pub fn heads(graph: &Graph) -> BTreeSet<String> {
    let parents: BTreeSet<&String> = graph.values().flatten().collect();
    graph
        .keys()
        .filter(|k| !parents.contains(k))
        .cloned()
        .collect()
}

/// What a pull does to one document's head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum HeadMove {
    /// The head stays (nothing new, or only ancestors of it arrived).
    Stays,
    /// The head moves to this revision, which descends from it (or the document is new here).
    FastForward {
        /// The new head.
        to: String,
    },
    /// The pulled revisions hold another head that does not descend from ours: both are kept,
    /// the head stays, and the merge screen combines them.
    Diverged {
        /// Our head.
        ours: String,
        /// Their head.
        theirs: String,
    },
}

/// A pull of one document planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PullPlan {
    /// Incoming identities to store, parents before children.
    pub insert: Vec<String>,
    /// Incoming identities that wait: a parent is neither here nor in the batch.
    pub waiting: Vec<String>,
    /// The head's move.
    pub head: HeadMove,
}

/// Plans a pull: `local` is the document's graph here (empty when the document is new here),
/// `head` its head, `incoming` the revisions downloaded (identity → parents). Identities
/// already here are ignored.
pub fn plan_pull(local: &Graph, head: Option<&str>, incoming: &Graph) -> PullPlan {
    let mut have: BTreeSet<String> = local.keys().cloned().collect();
    let mut pending: Vec<(&String, &Vec<String>)> = incoming
        .iter()
        .filter(|(id, _)| !local.contains_key(*id))
        .collect();
    let mut insert = Vec::new();
    // Parents first: repeat passes until nothing more can go in.
    loop {
        let before = insert.len();
        pending.retain(|(id, parents)| {
            if parents.iter().all(|p| have.contains(p)) {
                have.insert((*id).clone());
                insert.push((*id).clone());
                false
            } else {
                true
            }
        });
        if insert.len() == before {
            break;
        }
    }
    let waiting: Vec<String> = pending.into_iter().map(|(id, _)| id.clone()).collect();
    let mut union = local.clone();
    for id in &insert {
        if let Some(ps) = incoming.get(id) {
            union.insert(id.clone(), ps.clone());
        }
    }
    let tips = heads(&union);
    let head = match head {
        None => match tips.iter().next() {
            None => HeadMove::Stays,
            Some(first) => {
                // A document new here with two heads in the registry: the first becomes the
                // head, and the other is the divergence to merge.
                match tips.iter().nth(1) {
                    None => HeadMove::FastForward { to: first.clone() },
                    Some(other) => HeadMove::Diverged {
                        ours: first.clone(),
                        theirs: other.clone(),
                    },
                }
            }
        },
        Some(h) => {
            let mine = ancestors(&union, h);
            let others: Vec<&String> = tips.iter().filter(|t| !mine.contains(*t)).collect();
            let descend: Vec<&&String> = others
                .iter()
                .filter(|t| ancestors(&union, t).contains(h))
                .collect();
            match (others.len(), descend.len()) {
                (0, _) => HeadMove::Stays,
                (1, 1) => HeadMove::FastForward {
                    to: others[0].clone(),
                },
                _ => HeadMove::Diverged {
                    ours: h.to_string(),
                    theirs: others
                        .iter()
                        .find(|t| !ancestors(&union, t).contains(h))
                        .or(others.first())
                        .map(|t| (*t).clone())
                        .unwrap_or_default(),
                },
            }
        }
    };
    PullPlan {
        insert,
        waiting,
        head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(rows: &[(&str, &[&str])]) -> Graph {
        rows.iter()
            .map(|(id, ps)| (id.to_string(), ps.iter().map(|p| p.to_string()).collect()))
            .collect()
    }

    #[test]
    fn the_identity_covers_every_fact() {
        let a = RevisionArtifact::new(
            "m",
            "1.0.0",
            DocumentKind::ModelCard,
            vec![],
            "priya",
            "first",
            "2026-12-01T10:00:00Z",
            "# Card\n",
        );
        assert_eq!(a.identity, a.computed_identity());
        let variants: Vec<(&str, RevisionArtifact)> = vec![
            (
                "model",
                RevisionArtifact {
                    model: "n".into(),
                    ..a.clone()
                },
            ),
            (
                "version",
                RevisionArtifact {
                    version: "1.0.1".into(),
                    ..a.clone()
                },
            ),
            (
                "kind",
                RevisionArtifact {
                    kind: DocumentKind::Runbook,
                    ..a.clone()
                },
            ),
            (
                "parents",
                RevisionArtifact {
                    parents: vec!["sha256:00".into()],
                    ..a.clone()
                },
            ),
            (
                "author",
                RevisionArtifact {
                    author: "tom".into(),
                    ..a.clone()
                },
            ),
            (
                "message",
                RevisionArtifact {
                    message: "".into(),
                    ..a.clone()
                },
            ),
            (
                "time",
                RevisionArtifact {
                    created_at: "2026-12-01T10:00:01Z".into(),
                    ..a.clone()
                },
            ),
            (
                "text digest",
                RevisionArtifact {
                    content_sha256: "sha256:11".into(),
                    ..a.clone()
                },
            ),
        ];
        for (field, v) in variants {
            assert_ne!(
                v.computed_identity(),
                a.identity,
                "{field} changes the identity"
            );
        }
        // The number a workspace gives it is not part of it, nor is the text beyond its digest.
        let same = RevisionArtifact::new(
            "m",
            "1.0.0",
            DocumentKind::ModelCard,
            vec![],
            "priya",
            "first",
            "2026-12-01T10:00:00Z",
            "# Card\n",
        );
        assert_eq!(same.identity, a.identity);
    }

    #[test]
    fn tampered_artifacts_are_named() {
        let a = RevisionArtifact::new(
            "m",
            "1.0.0",
            DocumentKind::ModelCard,
            vec![],
            "priya",
            "",
            "2026-12-01T10:00:00Z",
            "# Card\n",
        );
        let file = a.file_name();
        assert_eq!(
            read_artifact(&a.to_bytes(), &file, "m", "1.0.0"),
            Ok(a.clone())
        );
        let edited_text = RevisionArtifact {
            content: "# Card, edited\n".into(),
            ..a.clone()
        };
        let rehashed = RevisionArtifact {
            content: "# Card, edited\n".into(),
            content_sha256: Sha256Digest::of(b"# Card, edited\n").to_string(),
            ..a.clone()
        };
        let resealed = {
            let mut r = rehashed.clone();
            r.identity = r.computed_identity();
            r
        };
        let sheet = {
            let mut r = RevisionArtifact {
                kind: DocumentKind::DataSheet,
                ..a.clone()
            };
            r.identity = r.computed_identity();
            r
        };
        let three = {
            let mut r = RevisionArtifact {
                parents: vec!["a".into(), "b".into(), "c".into()],
                ..a.clone()
            };
            r.identity = r.computed_identity();
            r
        };
        let rows: Vec<(&str, Vec<u8>, String, &str, &str)> = vec![
            ("not json", b"<html>".to_vec(), file.clone(), "m", "1.0.0"),
            (
                "edited text",
                edited_text.to_bytes(),
                file.clone(),
                "m",
                "1.0.0",
            ),
            (
                "text and digest edited",
                rehashed.to_bytes(),
                file.clone(),
                "m",
                "1.0.0",
            ),
            (
                "resealed under the old name",
                resealed.to_bytes(),
                file.clone(),
                "m",
                "1.0.0",
            ),
            ("another version", a.to_bytes(), file.clone(), "m", "2.0.0"),
            ("another model", a.to_bytes(), file.clone(), "n", "1.0.0"),
            (
                "a data sheet",
                sheet.to_bytes(),
                sheet.file_name(),
                "m",
                "1.0.0",
            ),
            (
                "three parents",
                three.to_bytes(),
                three.file_name(),
                "m",
                "1.0.0",
            ),
            (
                "another format",
                String::from_utf8(a.to_bytes())
                    .unwrap_or_default()
                    .replace(REVISION_FORMAT, "steward.document-revision/v0")
                    .into_bytes(),
                file.clone(),
                "m",
                "1.0.0",
            ),
        ];
        for (case, bytes, name, model, version) in rows {
            let got = read_artifact(&bytes, &name, model, version);
            let why = got.expect_err(case);
            assert!(why.contains(&name), "{case}: names the file: {why}");
        }
    }

    #[test]
    fn merge_bases_as_a_table() {
        // r1 ← r2 ← r3 (ours), r2 ← r4 (theirs); r5 merges r3 and r4; x is unrelated.
        let graph = g(&[
            ("r1", &[]),
            ("r2", &["r1"]),
            ("r3", &["r2"]),
            ("r4", &["r2"]),
            ("r5", &["r3", "r4"]),
            ("r6", &["r4"]),
            ("x", &[]),
        ]);
        let rows: &[(&str, &str, Option<&str>)] = &[
            ("r3", "r4", Some("r2")),
            ("r4", "r3", Some("r2")),
            ("r3", "r3", Some("r3")),
            ("r5", "r6", Some("r4")),
            ("r2", "r3", Some("r2")),
            ("r3", "x", None),
        ];
        for (a, b, want) in rows {
            assert_eq!(merge_base(&graph, a, b).as_deref(), *want, "{a} {b}");
        }
        assert_eq!(
            heads(&graph),
            ["r5", "r6", "x"].iter().map(|s| s.to_string()).collect()
        );
    }

    /// (case, local graph, head, incoming, inserted, waiting, head move)
    type PullRow<'a> = (
        &'a str,
        &'a Graph,
        Option<&'a str>,
        Graph,
        &'a [&'a str],
        &'a [&'a str],
        HeadMove,
    );

    #[test]
    fn pulls_as_a_table() {
        let local = g(&[("r1", &[]), ("r2", &["r1"])]);
        let ff = |to: &str| HeadMove::FastForward { to: to.into() };
        let div = |o: &str, t: &str| HeadMove::Diverged {
            ours: o.into(),
            theirs: t.into(),
        };
        // (case, local, head, incoming, insert, waiting, head move)
        let empty = Graph::new();
        let merged = g(&[
            ("r1", &[]),
            ("t", &["r1"]),
            ("o", &["r1"]),
            ("m", &["o", "t"]),
        ]);
        let rows: Vec<PullRow<'_>> = vec![
            (
                "nothing new",
                &local,
                Some("r2"),
                g(&[("r1", &[])]),
                &[],
                &[],
                HeadMove::Stays,
            ),
            (
                "a child of the head",
                &local,
                Some("r2"),
                g(&[("r3", &["r2"])]),
                &["r3"],
                &[],
                ff("r3"),
            ),
            (
                "a chain arrives children first",
                &local,
                Some("r2"),
                g(&[("r4", &["r3"]), ("r3", &["r2"])]),
                &["r3", "r4"],
                &[],
                ff("r4"),
            ),
            (
                "a concurrent edit diverges",
                &local,
                Some("r2"),
                g(&[("t3", &["r1"])]),
                &["t3"],
                &[],
                div("r2", "t3"),
            ),
            (
                "a merge of ours and theirs fast-forwards",
                &local,
                Some("r2"),
                g(&[("t3", &["r1"]), ("m", &["r2", "t3"])]),
                &["m", "t3"],
                &[],
                ff("m"),
            ),
            (
                "an orphan waits for its parent",
                &local,
                Some("r2"),
                g(&[("o", &["missing"])]),
                &[],
                &["o"],
                HeadMove::Stays,
            ),
            (
                "a document new here",
                &empty,
                None,
                g(&[("r1", &[]), ("r2", &["r1"])]),
                &["r1", "r2"],
                &[],
                ff("r2"),
            ),
            (
                "a document new here with two heads",
                &empty,
                None,
                g(&[("r1", &[]), ("a", &["r1"]), ("b", &["r1"])]),
                &["r1", "a", "b"],
                &[],
                div("a", "b"),
            ),
            (
                "our head already merged theirs",
                &merged,
                Some("m"),
                g(&[("t", &["r1"])]),
                &[],
                &[],
                HeadMove::Stays,
            ),
        ];
        for (case, local, head, incoming, insert, waiting, head_move) in rows {
            let plan = plan_pull(local, head, &incoming);
            let mut got_insert = plan.insert.clone();
            let mut want_insert: Vec<String> = insert.iter().map(|s| s.to_string()).collect();
            // Parents before children is checked below; the set is checked here.
            got_insert.sort();
            want_insert.sort();
            assert_eq!(got_insert, want_insert, "{case}");
            for (n, id) in plan.insert.iter().enumerate() {
                for p in &incoming[id] {
                    if let Some(at) = plan.insert.iter().position(|x| x == p) {
                        assert!(at < n, "{case}: {p} goes in before {id}");
                    }
                }
            }
            assert_eq!(
                plan.waiting,
                waiting.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "{case}"
            );
            assert_eq!(plan.head, head_move, "{case}");
        }
    }
}
