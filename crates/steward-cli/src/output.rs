//! Printing answers: JSON (the wire types as they are) or compact human tables.

use std::path::Path;

use serde::Serialize;
use steward_api::wire::*;

/// Prints any wire value as pretty JSON.
pub fn json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => out_raw!("{text}\n"),
        Err(e) => eprintln!("error: cannot serialize the answer: {e}"),
    }
}

/// RFC 3339 timestamps shortened to the second for tables (`2026-11-26 14:39:30Z`).
fn when(at: &str) -> String {
    match (at.get(..10), at.get(11..19)) {
        (Some(date), Some(time)) => format!("{date} {time}Z"),
        _ => at.to_string(),
    }
}

fn stages_line(versions: &[VersionStage]) -> String {
    versions
        .iter()
        .map(|v| format!("{} {}", v.stage.as_str(), v.version))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `total`: how many models the workspace holds, given when `query` filters and matched none.
pub fn model_list(
    models: &[ModelSummary],
    as_json: bool,
    root: &Path,
    query: &ModelQuery,
    total: Option<u32>,
) {
    if as_json {
        return json(&models);
    }
    if let Some(total) = total.filter(|t| *t > 0 && models.is_empty()) {
        let mut what = Vec::new();
        if let Some(text) = &query.text {
            what.push(format!("the search {text:?}"));
        }
        if let Some(stage) = query.stage {
            what.push(format!("stage {}", stage.as_str()));
        }
        if let Some(tier) = query.risk_tier {
            what.push(format!("risk tier {}", tier.as_str()));
        }
        let mut line = if what.is_empty() {
            "no models".to_string()
        } else {
            format!("no models match {}", what.join(", "))
        };
        let offset = query.offset.unwrap_or(0);
        if offset > 0 {
            line.push_str(&format!(" after skipping {offset}"));
        }
        out!("{line} ({total} in {})", root.display());
        out!("`steward model list` without filters shows them all");
        return;
    }
    if models.is_empty() {
        out!("no models in {}", root.display());
        out!("add one with `steward model add NAME --owner OWNER`, or load the demo with `steward demo`");
        return;
    }
    let width = models
        .iter()
        .map(|m| m.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    out!("{:width$}  {:6}  {:32}  STAGES", "NAME", "RISK", "OWNER");
    for m in models {
        out!(
            "{:width$}  {:6}  {:32}  {}",
            m.name,
            m.risk_tier.as_str(),
            m.owner,
            stages_line(&m.versions)
        );
    }
}

pub fn model_show(d: &ModelDetail, as_json: bool) {
    if as_json {
        return json(d);
    }
    let m = &d.model;
    out!("{} — {}", m.name, m.title);
    out!(
        "owner {} · risk {} · created {}",
        m.owner,
        m.risk_tier.as_str(),
        when(&m.created_at)
    );
    if !m.description.is_empty() {
        out!("{}", m.description);
    }
    out!("production: {}", d.production.as_deref().unwrap_or("none"));
    out!(
        "rollback target: {}",
        d.rollback_target.as_deref().unwrap_or("none")
    );
    out!();
    version_list(&d.versions, false);
    out!();
    out!("timeline:");
    for e in &d.timeline {
        out!(
            "  {}  {:9}  {:9} {:>15} → {:15}  {} ({})",
            when(&e.at),
            e.kind,
            e.version,
            e.from.map_or("—", |s| s.as_str()),
            e.to.as_str(),
            e.reason,
            e.actor
        );
    }
}

pub fn version_list(versions: &[VersionSummary], as_json: bool) {
    if as_json {
        return json(&versions);
    }
    if versions.is_empty() {
        out!("no versions yet; add one with `steward version add MODEL VERSION`");
        return;
    }
    out!("{:16}  {:16}  BUNDLE", "VERSION", "STAGE");
    for v in versions {
        out!(
            "{:16}  {:16}  {}",
            v.version,
            v.stage.as_str(),
            v.bundle_digest.as_deref().unwrap_or("—")
        );
    }
}

pub fn artifacts(a: &ArtifactsView) {
    out!(
        "  bundle  {} {}",
        a.bundle_digest.as_deref().unwrap_or("—"),
        a.bundle_uri.as_deref().unwrap_or("")
    );
    out!("  commit  {}", a.code_commit.as_deref().unwrap_or("—"));
    out!(
        "  config  {} {}",
        a.config_digest.as_deref().unwrap_or("—"),
        a.config_uri.as_deref().unwrap_or("")
    );
    if !a.missing.is_empty() {
        out!("  missing for production: {}", a.missing.join(", "));
    }
}

pub fn version_show(v: &VersionDetail, as_json: bool) {
    if as_json {
        return json(v);
    }
    out!("{}@{} — {}", v.model, v.version, v.stage.as_str());
    artifacts(&v.artifacts);
    out!("datasets:");
    if v.datasets.is_empty() {
        out!("  none linked");
    }
    for d in &v.datasets {
        out!("  {}@{}  {}", d.name, d.version, d.manifest_checksum);
    }
    out!("moves:");
    for m in &v.moves {
        let mark = if m.allowed { "allowed" } else { "refused" };
        out!("  {:16} {mark:8} {}", m.to.as_str(), m.reason);
    }
}

pub fn dataset_show(d: &DatasetDetail, as_json: bool) {
    if as_json {
        return json(d);
    }
    let s = &d.summary;
    out!(
        "{}@{}  {} files, {} bytes",
        s.name,
        s.version,
        s.files,
        s.bytes
    );
    out!("manifest checksum {}", s.manifest_checksum);
    let p = &d.provenance;
    let show = |label: &str, v: Option<&str>| out!("  {label:14} {}", v.unwrap_or("MISSING"));
    out!("provenance:");
    show("source", p.source.as_deref());
    show("license", p.license.as_deref());
    show("consent", p.consent.as_deref());
    show("retention", p.retention.as_deref());
    show(
        "personal data",
        p.personal_data.map(|b| if b { "yes" } else { "no" }),
    );
    if !s.missing_provenance.is_empty() {
        out!(
            "missing provenance: {} (the data policy requires them before production)",
            s.missing_provenance.join(", ")
        );
    }
    out!("files:");
    for f in &d.files {
        out!("  {:>12}  {}  {}", f.size, f.sha256, f.path);
    }
    if !d.linked_versions.is_empty() {
        out!("linked to: {}", d.linked_versions.join(", "));
    }
}

pub fn dataset_list(list: &[DatasetSummary], as_json: bool) {
    if as_json {
        return json(&list);
    }
    if list.is_empty() {
        out!("no dataset snapshots; create one with `steward dataset snapshot DIR --name N --version V`");
    }
    for d in list {
        let missing = if d.missing_provenance.is_empty() {
            String::new()
        } else {
            format!("  missing: {}", d.missing_provenance.join(", "))
        };
        out!(
            "{}@{}  {} files  {}{missing}",
            d.name,
            d.version,
            d.files,
            d.manifest_checksum
        );
    }
}

pub fn stage_result(r: &StageSetResult, as_json: bool) {
    if as_json {
        return json(r);
    }
    for c in &r.changes {
        out!(
            "{}@{}: {} → {} ({})",
            r.version.model,
            c.version,
            c.from.as_str(),
            c.to.as_str(),
            c.kind.as_str()
        );
    }
}

pub fn audit_log(entries: &[AuditEntryView], as_json: bool) {
    if as_json {
        return json(&entries);
    }
    if entries.is_empty() {
        out!("the audit log is empty");
    }
    for e in entries {
        out!(
            "{:>6}  {}  {:20}  {:22} {}  {}",
            e.seq,
            when(&e.at),
            e.actor,
            e.action,
            e.subject,
            e.detail
        );
    }
}

pub fn audit_verify(r: &AuditVerifyResult, as_json: bool) {
    if as_json {
        return json(r);
    }
    match &r.first_broken {
        None => out!("audit chain ok: {} entries verified", r.entries),
        Some(b) => eprintln!(
            "audit chain broken at entry {}: {}",
            b.seq,
            crate::escape_text(&b.reason, crate::Text::Line)
        ),
    }
    if let Some(seal) = &r.seal {
        for p in &seal.problems {
            eprintln!("seal: {}", crate::escape_text(p, crate::Text::Line));
        }
        match &seal.newest {
            Some(s) => out!(
                "seal ok: entry {} is as {} ({}) signed it",
                s.sealed_seq,
                s.signer_name,
                s.signer_fingerprint
            ),
            None => eprintln!("no seal holds: none of the {} seals verified", seal.seals),
        }
    }
    if r.deep {
        for m in &r.mismatches {
            eprintln!(
                "mismatch: {}",
                crate::escape_text(&m.message, crate::Text::Line)
            );
        }
        if r.mismatches.is_empty() {
            out!(
                "rows ok: {} rows and every stored digest match the audit log",
                r.rows
            );
        } else {
            eprintln!(
                "{} of the workspace's rows or digests are not what the audit log recorded; restore the workspace from a backup",
                r.mismatches.len()
            );
        }
    }
}
