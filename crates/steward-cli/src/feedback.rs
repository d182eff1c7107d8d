//! `steward feedback …`, `steward queue …` and `steward triage`: in-product feedback imported
//! with its text redacted, summaries per version and prompt variant, the human review queue,
//! the weekly triage, and the export of labelled items as a dataset snapshot.

use std::path::PathBuf;

use clap::Subcommand;
use steward_api::wire::{
    FeedbackExportRequest, FeedbackImportRequest, QueueItemView, QueueLabelRequest,
};
use steward_api::{parse_model_version, ApiError, Workspace};
use steward_domain::feedback::Label;

use crate::output;

#[derive(Subcommand)]
pub enum FeedbackCmd {
    /// Import a JSONL or CSV file of feedback about MODEL@VERSION; every text is redacted
    /// (emails, phones, cards, IBANs, IP addresses, the policy's patterns) and cut to the
    /// policy's token limit before anything is stored. A bad line refuses the whole file.
    Import {
        /// MODEL@VERSION the feedback is about.
        target: String,
        /// The file (JSONL: one object a line; CSV: a header naming the columns).
        file: PathBuf,
        /// The prompt variant of every item.
        #[arg(long, value_name = "NAME")]
        variant: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Feedback per version and prompt variant: thumbs, corrections, overrides, safety
    /// reports, the review queue and its labels.
    Summary {
        /// The model.
        model: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export the model's labelled items as a new dataset snapshot (manifest + provenance)
    /// that `eval import --suite NAME@VERSION` can name; `--source` defaults to the review
    /// queue the items were labelled in.
    Export {
        /// The model.
        model: String,
        /// The snapshot's dataset name.
        #[arg(long)]
        name: String,
        /// The snapshot's version (e.g. 2026-12-02).
        #[arg(long)]
        version: String,
        #[command(flatten)]
        provenance: crate::ProvenanceArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum QueueCmd {
    /// The review queue: flagged items and safety reports without a label, safety first.
    List {
        /// The model.
        model: String,
        /// Labelled items too.
        #[arg(long)]
        all: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Label an item of the queue: correct, wrong, unsafe or other (the note is redacted).
    Label {
        /// The item's id (from `queue list`).
        item: u32,
        /// correct, wrong, unsafe or other.
        #[arg(value_parser = parse_label)]
        label: Label,
        /// What the reviewer saw.
        #[arg(long, default_value = "")]
        note: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn parse_label(s: &str) -> Result<Label, String> {
    s.parse::<Label>()
        .map_err(|e| format!("{s:?} is not a label; expected {e}"))
}

fn short(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max).collect();
    format!("{cut}…")
}

fn queue_line(q: &QueueItemView) {
    let mark = if q.safety { "SAFETY" } else { "flagged" };
    let label = q.label.as_ref().map_or_else(
        || "unlabelled".to_string(),
        |l| format!("{} by {}", l.label, l.reviewer),
    );
    out!(
        "#{}  {}@{}  {}  {}  {}  {}  [{label}]",
        q.id,
        q.model,
        q.version,
        q.variant,
        q.kind,
        q.at,
        mark
    );
    for (what, text) in [
        ("input", &q.input),
        ("output", &q.output),
        ("comment", &q.comment),
        ("correction", &q.correction),
    ] {
        if !text.is_empty() {
            out!("    {what}: {}", short(text, 100));
        }
    }
}

fn ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "–".into(), |r| format!("{:.1}%", r * 100.0))
}

/// Runs `steward feedback …`.
pub fn run(ws: &Workspace, cmd: FeedbackCmd) -> Result<(), ApiError> {
    match cmd {
        FeedbackCmd::Import {
            target,
            file,
            variant,
            json,
        } => {
            let (m, v) = parse_model_version(&target)?;
            let r = ws.feedback_import_at(
                &FeedbackImportRequest {
                    model: m.to_string(),
                    version: v.to_string(),
                    file: file.display().to_string(),
                    variant,
                },
                &file,
            )?;
            if json {
                output::json(&r);
                return Ok(());
            }
            out!(
                "imported {} feedback items for {}@{} from {} ({}): {} redactions, texts cut to {} tokens",
                r.items,
                r.model,
                r.version,
                r.file_name,
                r.file_sha256,
                r.redactions,
                r.max_tokens
            );
        }
        FeedbackCmd::Summary { model, json } => {
            let s = ws.feedback_summary(&model)?;
            if json {
                output::json(&s);
                return Ok(());
            }
            if s.variants.is_empty() {
                out!(
                    "{}: no feedback imported yet; `steward feedback import {}@VERSION FILE`",
                    s.model,
                    s.model
                );
                return Ok(());
            }
            out!(
                "{:<12} {:<12} {:>6} {:>5} {:>5} {:>6} {:>6} {:>6} {:>7} {:>8} {:>9}",
                "VERSION",
                "VARIANT",
                "ITEMS",
                "UP",
                "DOWN",
                "CORR",
                "OVERR",
                "SAFETY",
                "QUEUE",
                "UP-RATIO",
                "OVERRIDE%"
            );
            for v in &s.variants {
                out!(
                    "{:<12} {:<12} {:>6} {:>5} {:>5} {:>6} {:>6} {:>6} {:>7} {:>8} {:>9}",
                    v.version,
                    v.variant,
                    v.items,
                    v.thumbs_up,
                    v.thumbs_down,
                    v.corrections,
                    v.overrides,
                    v.safety,
                    format!("{}/{}", v.unlabelled, v.for_review),
                    ratio(v.thumbs_up_ratio),
                    ratio(v.override_rate)
                );
                out!(
                    "    labels: {} correct, {} wrong, {} unsafe, {} other; {} items redacted, {} cut to the token limit",
                    v.labels.correct,
                    v.labels.wrong,
                    v.labels.unsafe_,
                    v.labels.other,
                    v.redacted_items,
                    v.truncated_items
                );
            }
            out!(
                "QUEUE is unlabelled/for review; {} imports",
                s.imports.len()
            );
        }
        FeedbackCmd::Export {
            model,
            name,
            version,
            provenance,
            json,
        } => {
            let r = ws.feedback_export(&FeedbackExportRequest {
                model,
                name,
                version,
                provenance: provenance.view(),
            })?;
            if json {
                output::json(&r);
                return Ok(());
            }
            out!("exported {} labelled items to {}", r.items, r.dir);
            output::dataset_show(&r.dataset, false);
        }
    }
    Ok(())
}

/// Runs `steward queue …`.
pub fn queue(ws: &Workspace, cmd: QueueCmd) -> Result<(), ApiError> {
    match cmd {
        QueueCmd::List { model, all, json } => {
            let items = ws.queue_list(&model, all)?;
            if json {
                output::json(&items);
                return Ok(());
            }
            if items.is_empty() {
                out!("{model}: the review queue is empty");
            }
            for q in &items {
                queue_line(q);
            }
        }
        QueueCmd::Label {
            item,
            label,
            note,
            json,
        } => {
            let q = ws.queue_label(&QueueLabelRequest { item, label, note })?;
            if json {
                output::json(&q);
                return Ok(());
            }
            out!("labelled #{} {label}", q.id);
            queue_line(&q);
        }
    }
    Ok(())
}

/// Runs `steward triage MODEL`.
pub fn triage(ws: &Workspace, model: &str, json: bool) -> Result<(), ApiError> {
    let t = ws.triage(model)?;
    if json {
        output::json(&t);
        return Ok(());
    }
    let w = &t.triage;
    out!(
        "{}: {} feedback items from {} to {}: {} complaints, {} safety incidents, {} overrides",
        t.model,
        w.items,
        w.from,
        w.to,
        w.complaints,
        w.safety_incidents,
        w.overrides
    );
    for (title, list) in [
        ("safety incidents", &w.safety),
        ("complaints (newest)", &w.complaint_samples),
        ("override samples (newest)", &w.override_samples),
    ] {
        if list.is_empty() {
            continue;
        }
        out!("{title}:");
        for i in list {
            let label = i.label.map_or_else(String::new, |l| format!(" [{l}]"));
            out!(
                "  #{}  {}@{}  {}  {}  {}{label}  {}",
                i.id,
                t.model,
                i.version,
                i.variant,
                i.kind,
                i.at,
                short(&i.text, 80)
            );
        }
    }
    Ok(())
}
