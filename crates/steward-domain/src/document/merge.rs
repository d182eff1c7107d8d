//! Three-way merge of two document texts that share an ancestor (two reviewers edited the same
//! card offline): line-based diff3 over the longest common subsequences of the base with each
//! side. Lines keep their endings, so a merge of CRLF texts stays CRLF.
//!
//! Rules, each tested as a table below:
//! - a stretch of lines only one side changed takes that side's change;
//! - a stretch both sides changed the same way takes it once;
//! - a stretch both sides changed differently is a conflict, shown between the usual markers
//!   (`<<<<<<< ours`, `=======`, `>>>>>>> theirs`) and resolved by the person merging, either
//!   per conflict (ours, theirs, both, base) or by editing the text;
//! - a resolution that still holds a full marker set is refused, naming its line (a lone
//!   `=======` line is a setext heading underline and is allowed).

use serde::{Deserialize, Serialize};

/// What happened to one stretch of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum HunkKind {
    /// Neither side changed it.
    Same,
    /// Only ours changed it.
    Ours,
    /// Only theirs changed it.
    Theirs,
    /// Both changed it to the same text.
    Both,
    /// Both changed it, differently.
    Conflict,
}

/// One stretch of the merge: the base's lines and each side's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hunk {
    /// What happened.
    pub kind: HunkKind,
    /// The base's text of the stretch.
    pub base: String,
    /// Ours.
    pub ours: String,
    /// Theirs.
    pub theirs: String,
}

impl Hunk {
    /// The merged text of a hunk that is not a conflict (None for a conflict).
    pub fn merged(&self) -> Option<&str> {
        match self.kind {
            HunkKind::Same | HunkKind::Ours | HunkKind::Both => Some(&self.ours),
            HunkKind::Theirs => Some(&self.theirs),
            HunkKind::Conflict => None,
        }
    }
}

/// How one conflict is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum MergeChoice {
    /// Keep our lines.
    Ours,
    /// Take their lines.
    Theirs,
    /// Ours, then theirs.
    Both,
    /// Neither: the base's lines.
    Base,
}

/// A three-way merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreeWay {
    /// The stretches, in order; their texts concatenate to each input.
    pub hunks: Vec<Hunk>,
}

/// The marker lines.
pub const OURS_MARKER: &str = "<<<<<<<";
/// Between the sides.
pub const SPLIT_MARKER: &str = "=======";
/// After theirs.
pub const THEIRS_MARKER: &str = ">>>>>>>";

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// For each line of `base`, the line of `other` it is matched to in a longest common
/// subsequence (Myers), if any.
fn matching(base: &[&str], other: &[&str]) -> Vec<Option<usize>> {
    let mut out = vec![None; base.len()];
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, base, other) {
        if let similar::DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for d in 0..len {
                out[old_index + d] = Some(new_index + d);
            }
        }
    }
    out
}

/// Merges `ours` and `theirs`, both descended from `base`.
pub fn three_way(base: &str, ours: &str, theirs: &str) -> ThreeWay {
    let (a, o, t) = (lines(base), lines(ours), lines(theirs));
    let (mo, mt) = (matching(&a, &o), matching(&a, &t));
    let mut hunks: Vec<Hunk> = Vec::new();
    let push = |hunks: &mut Vec<Hunk>, kind: HunkKind, b: &[&str], x: &[&str], y: &[&str]| {
        let (b, x, y) = (b.concat(), x.concat(), y.concat());
        if b.is_empty() && x.is_empty() && y.is_empty() {
            return;
        }
        // Consecutive unchanged lines make one hunk.
        if let (HunkKind::Same, Some(last)) = (kind, hunks.last_mut()) {
            if last.kind == HunkKind::Same {
                last.base.push_str(&b);
                last.ours.push_str(&x);
                last.theirs.push_str(&y);
                return;
            }
        }
        hunks.push(Hunk {
            kind,
            base: b,
            ours: x,
            theirs: y,
        });
    };
    let (mut i, mut j, mut k) = (0, 0, 0);
    while i < a.len() || j < o.len() || k < t.len() {
        if i < a.len() && mo[i] == Some(j) && mt[i] == Some(k) {
            push(&mut hunks, HunkKind::Same, &a[i..=i], &o[j..=j], &t[k..=k]);
            (i, j, k) = (i + 1, j + 1, k + 1);
            continue;
        }
        // The next base line both sides kept ends this unstable stretch.
        let next = (i..a.len()).find(|&n| mo[n].is_some() && mt[n].is_some());
        let (ni, nj, nk) = match next {
            Some(n) => (n, mo[n].unwrap_or(o.len()), mt[n].unwrap_or(t.len())),
            None => (a.len(), o.len(), t.len()),
        };
        let (b, x, y) = (&a[i..ni], &o[j..nj], &t[k..nk]);
        let kind = if x == b {
            HunkKind::Theirs
        } else if y == b {
            HunkKind::Ours
        } else if x == y {
            HunkKind::Both
        } else {
            HunkKind::Conflict
        };
        push(&mut hunks, kind, b, x, y);
        (i, j, k) = (ni, nj, nk);
    }
    ThreeWay { hunks }
}

fn ended(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

impl ThreeWay {
    /// How many conflicts it holds.
    pub fn conflicts(&self) -> usize {
        self.hunks
            .iter()
            .filter(|h| h.kind == HunkKind::Conflict)
            .count()
    }

    /// The merged text when there is no conflict.
    pub fn clean(&self) -> Option<String> {
        self.hunks.iter().map(Hunk::merged).collect()
    }

    /// The merged text with each conflict between markers naming the sides.
    pub fn with_markers(&self, ours_label: &str, theirs_label: &str) -> String {
        let mut out = String::new();
        for h in &self.hunks {
            match h.merged() {
                Some(text) => out.push_str(text),
                None => {
                    out.push_str(&format!("{OURS_MARKER} {ours_label}\n"));
                    out.push_str(&ended(&h.ours));
                    out.push_str(&format!("{SPLIT_MARKER}\n"));
                    out.push_str(&ended(&h.theirs));
                    out.push_str(&format!("{THEIRS_MARKER} {theirs_label}\n"));
                }
            }
        }
        out
    }

    /// The merged text with the conflicts resolved by `choices`, one per conflict in order.
    pub fn resolve(&self, choices: &[MergeChoice]) -> Result<String, String> {
        if choices.len() != self.conflicts() {
            return Err(format!(
                "the merge has {} conflict(s) but {} choice(s) were given",
                self.conflicts(),
                choices.len()
            ));
        }
        let mut choice = choices.iter();
        let mut out = String::new();
        for h in &self.hunks {
            match (h.merged(), choice.clone().next()) {
                (Some(text), _) => out.push_str(text),
                (None, Some(c)) => {
                    choice.next();
                    match c {
                        MergeChoice::Ours => out.push_str(&h.ours),
                        MergeChoice::Theirs => out.push_str(&h.theirs),
                        MergeChoice::Base => out.push_str(&h.base),
                        MergeChoice::Both => {
                            out.push_str(&ended(&h.ours));
                            out.push_str(&h.theirs);
                        }
                    }
                }
                (None, None) => return Err("a conflict has no choice".into()),
            }
        }
        Ok(out)
    }
}

/// Refuses a resolution that still holds a conflict: a `<<<<<<<` line followed by a `=======`
/// line and then a `>>>>>>>` line. The error names the 1-based line of the first marker.
pub fn check_resolved(text: &str) -> Result<(), String> {
    let mut open: Option<usize> = None;
    let mut split = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.starts_with(OURS_MARKER) && !line.starts_with("<<<<<<<<") {
            open = Some(n + 1);
            split = false;
        } else if line == SPLIT_MARKER && open.is_some() {
            split = true;
        } else if line.starts_with(THEIRS_MARKER) && !line.starts_with(">>>>>>>>") && split {
            if let Some(at) = open {
                return Err(format!(
                    "line {at} still holds a conflict (`{OURS_MARKER}` … `{SPLIT_MARKER}` … `{THEIRS_MARKER}`): choose a side or edit the text, then save"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "# Card\n\nUses: chat\n\nLimits: none\n\nOwner: priya\n";

    #[test]
    fn three_way_merges_as_a_table() {
        // (case, ours, theirs, conflicts, clean)
        let rows: &[(&str, &str, &str, usize, Option<&str>)] = &[
            ("nothing changed", BASE, BASE, 0, Some(BASE)),
            (
                "only ours changed",
                "# Card\n\nUses: chat, summaries\n\nLimits: none\n\nOwner: priya\n",
                BASE,
                0,
                Some("# Card\n\nUses: chat, summaries\n\nLimits: none\n\nOwner: priya\n"),
            ),
            (
                "only theirs changed",
                BASE,
                "# Card\n\nUses: chat\n\nLimits: English only\n\nOwner: priya\n",
                0,
                Some("# Card\n\nUses: chat\n\nLimits: English only\n\nOwner: priya\n"),
            ),
            (
                "edits far apart both land",
                "# Card\n\nUses: chat, summaries\n\nLimits: none\n\nOwner: priya\n",
                "# Card\n\nUses: chat\n\nLimits: none\n\nOwner: tom\n",
                0,
                Some("# Card\n\nUses: chat, summaries\n\nLimits: none\n\nOwner: tom\n"),
            ),
            (
                "the same edit on both sides is taken once",
                "# Card\n\nUses: chat\n\nLimits: none\n\nOwner: tom\n",
                "# Card\n\nUses: chat\n\nLimits: none\n\nOwner: tom\n",
                0,
                Some("# Card\n\nUses: chat\n\nLimits: none\n\nOwner: tom\n"),
            ),
            (
                "the same line changed differently conflicts",
                "# Card\n\nUses: chat, summaries\n\nLimits: none\n\nOwner: priya\n",
                "# Card\n\nUses: chat, search\n\nLimits: none\n\nOwner: priya\n",
                1,
                None,
            ),
            (
                "both append at the end conflicts",
                "# Card\n\nUses: chat\n\nLimits: none\n\nOwner: priya\n\nA\n",
                "# Card\n\nUses: chat\n\nLimits: none\n\nOwner: priya\n\nB\n",
                1,
                None,
            ),
            (
                "ours deletes a line theirs keeps",
                "# Card\n\nUses: chat\n\nOwner: priya\n",
                BASE,
                0,
                Some("# Card\n\nUses: chat\n\nOwner: priya\n"),
            ),
            (
                "ours deletes a line theirs edits conflicts",
                "# Card\n\nUses: chat\n\nOwner: priya\n",
                "# Card\n\nUses: chat\n\nLimits: English only\n\nOwner: priya\n",
                1,
                None,
            ),
            (
                "CRLF line endings are kept",
                "# Card\r\n\r\nUses: chat\r\n\r\nOwner: tom\r\n",
                "# Card\r\n\r\nUses: all\r\n\r\nOwner: priya\r\n",
                0,
                Some("# Card\r\n\r\nUses: all\r\n\r\nOwner: tom\r\n"),
            ),
            (
                "adjacent lines changed by each side conflict, as in git",
                "# Card\n\nUses: chat\n\nLimits: none\nOwner: tom\n",
                "# Card\n\nUses: chat\n\nLimits: some\nOwner: priya\n",
                1,
                None,
            ),
        ];
        for (case, ours, theirs, conflicts, clean) in rows {
            let base = match *case {
                c if c.starts_with("CRLF") => "# Card\r\n\r\nUses: chat\r\n\r\nOwner: priya\r\n",
                c if c.starts_with("adjacent") => {
                    "# Card\n\nUses: chat\n\nLimits: none\nOwner: priya\n"
                }
                _ => BASE,
            };
            let m = three_way(base, ours, theirs);
            assert_eq!(m.conflicts(), *conflicts, "{case}: {m:?}");
            assert_eq!(m.clean().as_deref(), *clean, "{case}");
            // Each side is the concatenation of its stretches: nothing dropped.
            assert_eq!(
                m.hunks.iter().map(|h| h.ours.as_str()).collect::<String>(),
                *ours,
                "{case}"
            );
            assert_eq!(
                m.hunks
                    .iter()
                    .map(|h| h.theirs.as_str())
                    .collect::<String>(),
                *theirs,
                "{case}"
            );
            assert_eq!(
                m.hunks.iter().map(|h| h.base.as_str()).collect::<String>(),
                base,
                "{case}"
            );
        }
    }

    #[test]
    fn conflicts_are_marked_and_resolved_per_choice() {
        let ours = "a\nours\nz";
        let theirs = "a\ntheirs\nz";
        let m = three_way("a\nbase\nz", ours, theirs);
        assert_eq!(m.conflicts(), 1);
        assert_eq!(
            m.with_markers("ours (r3, priya)", "theirs (r4, tom)"),
            "a\n<<<<<<< ours (r3, priya)\nours\n=======\ntheirs\n>>>>>>> theirs (r4, tom)\nz"
        );
        let rows = [
            (MergeChoice::Ours, "a\nours\nz"),
            (MergeChoice::Theirs, "a\ntheirs\nz"),
            (MergeChoice::Both, "a\nours\ntheirs\nz"),
            (MergeChoice::Base, "a\nbase\nz"),
        ];
        for (choice, want) in rows {
            assert_eq!(m.resolve(&[choice]).as_deref(), Ok(want), "{choice:?}");
        }
        assert!(m.resolve(&[]).is_err(), "one choice per conflict");
        // A last line without its newline still gets its markers on lines of their own.
        let tail = three_way("x\n", "x\nours", "x\ntheirs");
        assert_eq!(
            tail.with_markers("o", "t"),
            "x\n<<<<<<< o\nours\n=======\ntheirs\n>>>>>>> t\n"
        );
        assert_eq!(
            tail.resolve(&[MergeChoice::Both]).as_deref(),
            Ok("x\nours\ntheirs")
        );
    }

    #[test]
    fn a_resolution_with_markers_left_is_refused() {
        let rows: &[(&str, Option<usize>)] = &[
            ("clean text\n", None),
            ("a\n<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n", Some(2)),
            (
                "a\r\n<<<<<<< ours\r\nx\r\n=======\r\ny\r\n>>>>>>> theirs\r\n",
                Some(2),
            ),
            // A setext heading underlined with `=======` is Markdown, not a marker.
            ("Title\n=======\n\ntext\n", None),
            // Markers out of order are not a conflict.
            (">>>>>>> x\n=======\n<<<<<<< y\n", None),
            ("<<<<<<< ours\nonly the opening\n", None),
            // Eight angle brackets are text (a quote of a quote, say).
            ("<<<<<<<< a\n=======\n>>>>>>>> b\n", None),
        ];
        for (text, line) in rows {
            match (check_resolved(text), line) {
                (Ok(()), None) => {}
                (Err(e), Some(n)) => assert!(e.contains(&format!("line {n}")), "{text:?}: {e}"),
                (got, want) => panic!("{text:?}: {got:?}, wanted a refusal at {want:?}"),
            }
        }
    }
}
