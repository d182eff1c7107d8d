//! Model Card Toolkit JSON (schema v0.0.2): the model card's fields and sections mapped onto
//! `model_details`, `model_parameters`, `considerations` and `quantitative_analysis`. Metric
//! values and bounds are strings there, as the schema requires.

use serde_json::{json, Map, Value};

use super::{section_text, split_document, EvalResult, ExportError};

/// What the toolkit's card needs beyond the model card text.
#[derive(Debug, Clone, PartialEq)]
pub struct MctInput<'a> {
    /// Model name.
    pub model: &'a str,
    /// Model title, used as the overview when the card has no intended use.
    pub title: &'a str,
    /// Version.
    pub version: &'a str,
    /// Owner (person or team address).
    pub owner: &'a str,
    /// The model card text.
    pub card_text: &'a str,
    /// The version's linked dataset snapshots (`NAME@VERSION`) with a one-line description.
    pub datasets: &'a [(String, String)],
    /// The version's evaluation results.
    pub results: &'a [EvalResult],
}

fn text(meta: &Map<String, Value>, key: &str) -> Option<String> {
    match meta.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Array(a) if !a.is_empty() => Some(
            a.iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    }
}

/// The items of a section: its bullet points, or its paragraphs when it has none.
fn items(body: &str, title: &str) -> Vec<Value> {
    let text = section_text(body, title);
    let bullets: Vec<&str> = text
        .lines()
        .filter_map(|l| {
            let t = l.trim_start();
            t.strip_prefix("- ").or_else(|| t.strip_prefix("* "))
        })
        .collect();
    let parts: Vec<String> = if bullets.is_empty() {
        text.split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty() && !p.starts_with('#'))
            .map(str::to_string)
            .collect()
    } else {
        bullets.iter().map(|b| b.trim().to_string()).collect()
    };
    parts
        .into_iter()
        .map(|d| json!({ "description": d }))
        .collect()
}

/// The Model Card Toolkit JSON for a version.
pub fn mct_json(input: &MctInput<'_>) -> Result<Value, ExportError> {
    let (meta, body) = split_document("model card", input.card_text)?;
    let mut details = json!({
        "name": input.model,
        "overview": text(&meta, "intended_use").unwrap_or_else(|| input.title.to_string()),
        "documentation": section_text(&body, "Model details"),
        "owners": [{ "name": input.owner, "contact": section_text(&body, "Model card contact") }],
        "version": { "name": input.version },
    });
    if let Some(license) = text(&meta, "license") {
        details["licenses"] = json!([{ "identifier": license }]);
    }
    let mut parameters = json!({
        "model_architecture": section_text(&body, "Technical specifications"),
        "data": input.datasets.iter().map(|(name, description)| json!({ "name": name, "description": description })).collect::<Vec<_>>(),
    });
    if let Some(base) = text(&meta, "base_model") {
        parameters["model_architecture"] = json!(format!(
            "{} (base model: {base})",
            parameters["model_architecture"].as_str().unwrap_or("")
        )
        .trim_start()
        .to_string());
    }
    let metrics: Vec<Value> = input
        .results
        .iter()
        .map(|r| {
            let mut m = json!({
                "type": r.metric_name.clone().unwrap_or_else(|| r.metric_type.clone()),
                "value": r.value.to_string(),
                "slice": match &r.dataset_split {
                    Some(split) => format!("{} / {split}", r.dataset_name),
                    None => r.dataset_name.clone(),
                },
            });
            if let (Some(lo), Some(hi)) = (r.ci_low, r.ci_high) {
                m["confidence_interval"] =
                    json!({ "lower_bound": lo.to_string(), "upper_bound": hi.to_string() });
            }
            m
        })
        .collect();
    let limitations: Vec<Value> = items(&body, "Bias, risks, and limitations")
        .into_iter()
        .chain(items(&body, "Out-of-scope use"))
        .collect();
    let risks: Vec<Value> = items(&body, "Bias, risks, and limitations")
        .into_iter()
        .map(|d| json!({ "name": d["description"], "mitigation_strategy": section_text(&body, "Recommendations") }))
        .collect();
    Ok(json!({
        "schema_version": "0.0.2",
        "model_details": details,
        "model_parameters": parameters,
        "quantitative_analysis": { "performance_metrics": metrics },
        "considerations": {
            "users": text(&meta, "intended_use").map(|u| vec![json!({ "description": u })]).unwrap_or_default(),
            "use_cases": items(&body, "Uses").into_iter().chain(items(&body, "Direct use")).collect::<Vec<_>>(),
            "limitations": limitations,
            "ethical_considerations": risks,
        },
    }))
}
