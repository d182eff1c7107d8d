//! `steward doc …`: release documents from the command line. Each subcommand is one
//! `Workspace` call; `edit` adds the $EDITOR round trip (with the edit kept as a draft when
//! the save is refused, so nothing typed is lost).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use steward_api::wire::{
    DocumentDraft, DocumentMergeCompose, DocumentMergeSave, DocumentRef, DocumentSave,
    ExportFormat, VersionDocuments,
};
use steward_api::{ApiError, ErrorCode, Workspace};
use steward_domain::document::merge::MergeChoice;
use steward_domain::DocumentKind;

use crate::output;

#[derive(Subcommand)]
pub enum DocCmd {
    /// Create a document from its template (data-sheet takes NAME@VERSION of a dataset).
    New {
        /// MODEL@VERSION, or NAME@VERSION of a dataset snapshot for a data sheet.
        target: String,
        /// model-card, data-sheet, risk-assessment, eval-report, runbook, rollout-plan,
        /// ai-impact-assessment, post-market-monitoring-plan or declaration-of-conformity.
        #[arg(value_parser = parse_kind)]
        kind: DocumentKind,
    },
    /// Open the head in $EDITOR; saving creates a revision (unchanged text creates none).
    Edit {
        /// MODEL@VERSION, or NAME@VERSION of a dataset snapshot for a data sheet.
        target: String,
        /// The document kind.
        #[arg(value_parser = parse_kind)]
        kind: DocumentKind,
        /// Why, for the history.
        #[arg(long, short)]
        message: Option<String>,
    },
    /// Save a file as a new revision (creates the document if it does not exist).
    Save {
        /// MODEL@VERSION, or NAME@VERSION of a dataset snapshot for a data sheet.
        target: String,
        /// The document kind.
        #[arg(value_parser = parse_kind)]
        kind: DocumentKind,
        /// The Markdown file.
        file: PathBuf,
        /// Why, for the history.
        #[arg(long, short)]
        message: Option<String>,
    },
    /// Print a document (the head, or --revision N) and its gaps.
    Show {
        /// MODEL@VERSION, or NAME@VERSION of a dataset snapshot for a data sheet.
        target: String,
        /// The document kind.
        #[arg(value_parser = parse_kind)]
        kind: DocumentKind,
        /// A revision number instead of the head.
        #[arg(long)]
        revision: Option<u32>,
        /// Print the sanitized HTML instead of the Markdown.
        #[arg(long, conflicts_with = "json")]
        html: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List a document's revisions, newest first.
    History {
        /// MODEL@VERSION, or NAME@VERSION of a dataset snapshot for a data sheet.
        target: String,
        /// The document kind.
        #[arg(value_parser = parse_kind)]
        kind: DocumentKind,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Line diff of two revisions (unified format).
    Diff {
        /// MODEL@VERSION, or NAME@VERSION of a dataset snapshot for a data sheet.
        target: String,
        /// The document kind.
        #[arg(value_parser = parse_kind)]
        kind: DocumentKind,
        /// The older revision.
        from: u32,
        /// The newer revision.
        to: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make an old revision the head again (as a new revision; nothing is lost).
    Restore {
        /// MODEL@VERSION, or NAME@VERSION of a dataset snapshot for a data sheet.
        target: String,
        /// The document kind.
        #[arg(value_parser = parse_kind)]
        kind: DocumentKind,
        /// The revision to restore.
        revision: u32,
    },
    /// Merge the two heads a sync found (someone else edited the same document): without an
    /// option, print the merge with conflict markers (exits 1 while conflicts remain); save
    /// with --clean when nothing conflicts, --take ours|theirs|both for every conflict, or
    /// --file F holding the resolved text. The save is a revision with both heads as parents.
    Merge {
        /// MODEL@VERSION.
        target: String,
        /// The document kind.
        #[arg(value_parser = parse_kind)]
        kind: DocumentKind,
        /// Save the merge; refused when anything conflicts.
        #[arg(long, conflicts_with_all = ["file", "take"])]
        clean: bool,
        /// Save this side for every conflict: ours, theirs, both or base.
        #[arg(long, value_parser = parse_choice, conflicts_with = "file")]
        take: Option<MergeChoice>,
        /// Save this file's text as the merge (refused while it holds conflict markers).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Why, for the history.
        #[arg(long, short)]
        message: Option<String>,
        /// Print JSON (the stretches, conflicts and texts) instead of the marked text.
        #[arg(long)]
        json: bool,
    },
    /// Completeness of every document a release of the version requires (exits 1 on any gap),
    /// and of the three compliance documents packs ask for (listed, never a failure).
    Check {
        /// MODEL@VERSION.
        target: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export the version's documents: hf (README.md), mct (Model Card Toolkit JSON), html (dossier).
    Export {
        /// MODEL@VERSION.
        target: String,
        /// hf, mct or html.
        #[arg(long, value_parser = parse_format)]
        format: ExportFormat,
        /// Where to write it.
        #[arg(long, short)]
        output: PathBuf,
    },
}

/// RFC 3339 shortened to the second, as the other tables print it.
fn when(at: &str) -> String {
    match (at.get(..10), at.get(11..19)) {
        (Some(date), Some(time)) => format!("{date} {time}Z"),
        _ => at.to_string(),
    }
}

fn parse_kind(s: &str) -> Result<DocumentKind, String> {
    s.parse()
        .map_err(|e: steward_domain::DomainError| e.to_string())
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    match s.to_ascii_lowercase().as_str() {
        "hf" | "huggingface" => Ok(ExportFormat::Hf),
        "mct" => Ok(ExportFormat::Mct),
        "html" => Ok(ExportFormat::Html),
        _ => Err(format!(
            "{s:?} is not an export format; use hf, mct or html"
        )),
    }
}

fn io(path: &std::path::Path, e: std::io::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Io,
        format!("cannot write {}: {e}", path.display()),
    )
}

/// Runs a `doc` subcommand; exit 1 from `check` when anything required is missing.
pub fn run(ws: &Workspace, cmd: DocCmd) -> Result<ExitCode, ApiError> {
    let r = |target: &str, kind| DocumentRef {
        target: target.to_string(),
        kind,
    };
    match cmd {
        DocCmd::New { target, kind } => {
            let d = ws.doc_new(&r(&target, kind))?;
            out!(
                "created the {} of {} from its template (r{}, {} gaps)",
                kind,
                d.target,
                d.revision.number,
                d.completeness.findings.len()
            );
            out!("next: steward doc edit {} {kind}", d.target);
        }
        DocCmd::Edit {
            target,
            kind,
            message,
        } => return edit(ws, &r(&target, kind), message),
        DocCmd::Save {
            target,
            kind,
            file,
            message,
        } => {
            let saved = ws.doc_save_file(&r(&target, kind), &file, message)?;
            saved_line(&saved.document, saved.created);
        }
        DocCmd::Show {
            target,
            kind,
            revision,
            html,
            json,
        } => {
            let d = ws.doc_show(&r(&target, kind), revision)?;
            if json {
                output::json(&d);
            } else if html {
                out!("{}{}", d.rendered.front_matter_html, d.rendered.body_html);
            } else {
                out_raw!("{}", d.text);
                if !d.text.ends_with('\n') {
                    out!();
                }
                eprintln!(
                    "— {} of {} r{} (head r{}) by {} at {} · {}",
                    kind,
                    d.target,
                    d.revision.number,
                    d.head,
                    d.revision.author,
                    d.revision.created_at,
                    if d.completeness.complete {
                        "complete".to_string()
                    } else {
                        format!("{} gaps", d.completeness.findings.len())
                    }
                );
            }
        }
        DocCmd::History { target, kind, json } => {
            let revs = ws.doc_history(&r(&target, kind))?;
            if json {
                output::json(&revs);
            } else {
                out!(
                    "{:5}  {:20}  {:20}  {:8}  {:>9}  MESSAGE",
                    "REV",
                    "SAVED",
                    "AUTHOR",
                    "PARENTS",
                    "BYTES"
                );
                for v in revs {
                    let parents = match (v.parent, v.second_parent) {
                        (Some(p), Some(q)) => format!("r{p}+r{q}"),
                        (Some(p), None) => format!("r{p}"),
                        _ => "-".into(),
                    };
                    out!(
                        "{:5}  {:20}  {:20}  {:8}  {:>9}  {}",
                        format!("r{}", v.number),
                        when(&v.created_at),
                        v.author,
                        parents,
                        v.bytes,
                        v.message
                    );
                }
            }
        }
        DocCmd::Diff {
            target,
            kind,
            from,
            to,
            json,
        } => {
            let d = ws.doc_diff(&r(&target, kind), from, to)?;
            if json {
                output::json(&d);
            } else {
                out_raw!("{}", d.unified);
                eprintln!(
                    "r{from} → r{to}: {} insertions, {} deletions",
                    d.insertions, d.deletions
                );
            }
        }
        DocCmd::Restore {
            target,
            kind,
            revision,
        } => {
            let d = ws.doc_restore(&r(&target, kind), revision)?;
            out!(
                "restored r{revision} of the {kind} of {} as r{}",
                d.target,
                d.revision.number
            );
        }
        DocCmd::Merge {
            target,
            kind,
            clean,
            take,
            file,
            message,
            json,
        } => return merge(ws, &target, kind, (clean, take, file), message, json),
        DocCmd::Check { target, json } => {
            let c = ws.doc_check(&target)?;
            if json {
                output::json(&c);
            } else {
                print_check(&c);
            }
            if !c.complete {
                return Ok(ExitCode::from(1));
            }
        }
        DocCmd::Export {
            target,
            format,
            output,
        } => {
            let e = ws.doc_export(&target, format)?;
            std::fs::write(&output, &e.content).map_err(|err| io(&output, err))?;
            out!("wrote {} ({} bytes)", output.display(), e.content.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn saved_line(d: &steward_api::wire::DocumentView, created: bool) {
    if created {
        out!(
            "saved the {} of {} as r{} ({})",
            d.kind,
            d.target,
            d.revision.number,
            if d.completeness.complete {
                "complete".to_string()
            } else {
                format!(
                    "{} gaps: `steward doc check` lists them",
                    d.completeness.findings.len()
                )
            }
        );
    } else {
        out!(
            "no changes; the {} of {} stays at r{}",
            d.kind,
            d.target,
            d.revision.number
        );
    }
}

fn print_check(c: &VersionDocuments) {
    out!(
        "{}@{}: {}",
        c.model,
        c.version,
        if c.complete {
            "all required documents complete"
        } else {
            "documents incomplete"
        }
    );
    for d in &c.documents {
        print_status(d, 16, "MISSING");
    }
    out!("compliance documents (packs ask for them; a release does not require them):");
    for d in &c.compliance {
        print_status(d, 27, "not written");
    }
}

fn print_status(d: &steward_api::wire::DocumentStatus, width: usize, absent: &str) {
    let state = match (d.exists, d.complete) {
        (false, _) => absent.to_string(),
        (true, true) => "complete".to_string(),
        (true, false) => format!("{} gaps", d.findings.len()),
    };
    let rev = d
        .revision
        .map_or_else(|| "-".to_string(), |n| format!("r{n}"));
    out!(
        "  {:width$} {:36} {:5} {}",
        d.kind.as_str(),
        d.target,
        rev,
        state
    );
    if d.exists {
        for f in &d.findings {
            match f.line {
                Some(line) => out!("      line {line:>4}: {}", f.message),
                None => out!("      {}", f.message),
            }
        }
    } else if let Some(f) = d.findings.first() {
        out!("      {}", f.message);
    }
}

/// `$VISUAL`, else `$EDITOR`, else `vi`; split as a shell splits words, so `code --wait` and
/// `"/Applications/My Editor.app/bin/edit" -w` both work.
fn editor() -> Result<Vec<String>, ApiError> {
    let (var, cmd) = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|k| {
            std::env::var(k)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|v| (*k, v))
        })
        .unwrap_or(("EDITOR", "vi".into()));
    editor_argv(var, &cmd)
}

/// The words of the editor command `cmd` (read from `$var`).
fn editor_argv(var: &str, cmd: &str) -> Result<Vec<String>, ApiError> {
    match shell_words::split(cmd) {
        Ok(words) if !words.is_empty() => Ok(words),
        Ok(_) => Err(ApiError::invalid(format!(
            "${var} names no program; set it to an editor command such as `vi` or `code --wait`"
        ))),
        Err(e) => Err(ApiError::invalid(format!(
            "cannot read ${var} {cmd:?}: {e}; quote it as a shell would"
        ))),
    }
}

fn edit(ws: &Workspace, doc: &DocumentRef, message: Option<String>) -> Result<ExitCode, ApiError> {
    let head = ws.doc_show(doc, None)?;
    let draft = ws.doc_draft_load(doc)?;
    let (start_text, base) = match &draft {
        Some(d) => {
            eprintln!(
                "continuing your unsaved draft from {} (based on r{})",
                d.saved_at,
                d.base_revision.unwrap_or(head.head)
            );
            (d.text.clone(), d.base_revision.or(Some(head.head)))
        }
        None => (head.text.clone(), Some(head.head)),
    };
    let dir = ws.root().join("drafts").join("editing");
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    let file = dir.join(format!(
        "{}-{}.md",
        doc.target.replace(['/', '\\'], "_"),
        doc.kind
    ));
    std::fs::write(&file, &start_text).map_err(|e| io(&file, e))?;
    let mut argv = editor()?;
    let program = argv.remove(0);
    let status = std::process::Command::new(&program)
        .args(&argv)
        .arg(&file)
        .status()
        .map_err(|e| {
            ApiError::new(
                ErrorCode::Io,
                format!("cannot start the editor {program:?}: {e}; set $EDITOR"),
            )
        })?;
    let edited = Workspace::doc_read_file(&file);
    let _ = std::fs::remove_file(&file);
    let text = edited?;
    if !status.success() {
        ws.doc_draft_save(&DocumentDraft {
            target: doc.target.clone(),
            kind: doc.kind,
            text,
            base_revision: base,
            saved_at: String::new(),
        })?;
        return Err(ApiError::invalid(format!("the editor {program:?} exited with {status}; your text is kept as a draft — run `steward doc edit {} {}` again to continue", doc.target, doc.kind)));
    }
    if text == head.text {
        ws.doc_draft_discard(doc)?;
        out!(
            "no changes; the {} of {} stays at r{}",
            doc.kind,
            head.target,
            head.head
        );
        return Ok(ExitCode::SUCCESS);
    }
    let saved = ws.doc_save(&DocumentSave {
        target: doc.target.clone(),
        kind: doc.kind,
        text: text.clone(),
        base_revision: base,
        merge_parent: None,
        message,
    });
    match saved {
        Ok(s) => {
            saved_line(&s.document, s.created);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            ws.doc_draft_save(&DocumentDraft {
                target: doc.target.clone(),
                kind: doc.kind,
                text,
                base_revision: base,
                saved_at: String::new(),
            })?;
            Err(ApiError::new(e.code, format!("{}; your edit is kept as a draft — run `steward doc edit {} {}` again to fix it", e.message, doc.target, doc.kind)))
        }
    }
}

fn parse_choice(s: &str) -> Result<MergeChoice, String> {
    match s {
        "ours" => Ok(MergeChoice::Ours),
        "theirs" => Ok(MergeChoice::Theirs),
        "both" => Ok(MergeChoice::Both),
        "base" => Ok(MergeChoice::Base),
        other => Err(format!(
            "{other:?} is not a side: use ours, theirs, both or base"
        )),
    }
}

/// `steward doc merge`: shows the merge, or saves it from --clean, --take or --file.
fn merge(
    ws: &Workspace,
    target: &str,
    kind: DocumentKind,
    (clean, take, file): (bool, Option<MergeChoice>, Option<PathBuf>),
    message: Option<String>,
    json: bool,
) -> Result<ExitCode, ApiError> {
    let doc = DocumentRef {
        target: target.to_string(),
        kind,
    };
    let view = ws.doc_merge(&doc)?;
    let text = if let Some(path) = &file {
        Some(Workspace::doc_read_file(path)?)
    } else if let Some(choice) = take {
        Some(ws.doc_merge_compose(&DocumentMergeCompose {
            target: target.to_string(),
            kind,
            theirs: view.theirs.number,
            choices: vec![choice; view.conflicts as usize],
        })?)
    } else if clean {
        Some(view.clean.clone().ok_or_else(|| {
            ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "the merge of r{} and r{} of the {kind} of {} has {} conflict(s), so it is not clean: resolve them with --take ours|theirs|both or --file",
                    view.ours.number, view.theirs.number, view.target, view.conflicts
                ),
            )
        })?)
    } else {
        None
    };
    let Some(text) = text else {
        if json {
            output::json(&view);
        } else {
            out_raw!("{}", view.marked);
            eprintln!(
                "— merge of r{} (here, {}) and r{} (registry, {}) of the {kind} of {}, base {}: {} conflict(s)",
                view.ours.number,
                view.ours.author,
                view.theirs.number,
                view.theirs.author,
                view.target,
                view.base
                    .as_ref()
                    .map_or_else(|| "none".to_string(), |b| format!("r{}", b.number)),
                view.conflicts
            );
        }
        return Ok(ExitCode::from(u8::from(view.conflicts > 0)));
    };
    let saved = ws.doc_merge_save(&DocumentMergeSave {
        target: target.to_string(),
        kind,
        ours: view.ours.number,
        theirs: view.theirs.number,
        text,
        message,
    })?;
    out!(
        "merged r{} and r{} of the {kind} of {} as r{}",
        view.ours.number,
        view.theirs.number,
        view.target,
        saved.document.revision.number
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::editor_argv;

    #[test]
    fn the_editor_command_splits_as_a_shell_would() {
        let cases: [(&str, Result<&[&str], &str>); 5] = [
            ("vi", Ok(&["vi"])),
            ("code --wait", Ok(&["code", "--wait"])),
            (
                "\"/opt/My Editor/edit\" -w",
                Ok(&["/opt/My Editor/edit", "-w"]),
            ),
            ("'unclosed", Err("quote it as a shell would")),
            ("''", Ok(&[""])),
        ];
        for (cmd, expected) in cases {
            match (editor_argv("EDITOR", cmd), expected) {
                (Ok(words), Ok(want)) => assert_eq!(words, want, "{cmd}"),
                (Err(e), Err(want)) => assert!(e.message.contains(want), "{cmd}: {e}"),
                (got, want) => panic!("{cmd}: got {got:?}, want {want:?}"),
            }
        }
    }
}
