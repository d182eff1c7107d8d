//! The Hugging Face model card: `README.md` with a YAML metadata header. The header is the
//! model card's front matter plus `model-index`, built from the version's evaluation results
//! (grouped by task and dataset) when there are any; the body is the card without guidance.

use serde_json::{json, Map, Value};

use super::{split_document, EvalResult, ExportError};

/// Builds `model-index` for `model` from `results`: one entry per (task, dataset, split), each
/// with its metrics, in the order results first name them.
pub fn model_index(model: &str, results: &[EvalResult]) -> Value {
    let mut groups: Vec<(Value, Value, Vec<Value>)> = Vec::new();
    for r in results {
        let mut task = json!({ "type": r.task_type });
        if let Some(name) = &r.task_name {
            task["name"] = json!(name);
        }
        let mut dataset = json!({ "type": r.dataset_type, "name": r.dataset_name });
        if let Some(split) = &r.dataset_split {
            dataset["split"] = json!(split);
        }
        let mut metric = json!({ "type": r.metric_type, "value": r.value });
        if let Some(name) = &r.metric_name {
            metric["name"] = json!(name);
        }
        match groups
            .iter_mut()
            .find(|(t, d, _)| *t == task && *d == dataset)
        {
            Some((_, _, metrics)) => metrics.push(metric),
            None => groups.push((task, dataset, vec![metric])),
        }
    }
    let results: Vec<Value> = groups
        .into_iter()
        .map(|(task, dataset, metrics)| json!({ "task": task, "dataset": dataset, "metrics": metrics }))
        .collect();
    json!([{ "name": model, "results": results }])
}

/// The `README.md` of a Hugging Face model repository for `model`, from the model card text
/// and the version's evaluation results. An author-written `model-index` is replaced: Steward
/// builds it from the recorded results (and leaves it out when there are none).
pub fn hf_readme(
    model: &str,
    card_text: &str,
    results: &[EvalResult],
) -> Result<String, ExportError> {
    let (mut meta, body) = split_document("model card", card_text)?;
    meta.remove("model-index");
    if !meta.contains_key("model_name") {
        meta.insert("model_name".into(), json!(model));
    }
    // Hugging Face reads `language`, `datasets` and `tags` as lists; drop empty ones rather
    // than writing `[]` or "" the hub would flag.
    meta.retain(|_, v| match v {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    });
    if !results.is_empty() {
        meta.insert("model-index".into(), model_index(model, results));
    }
    let yaml = if meta.is_empty() {
        String::new()
    } else {
        super::yaml::to_yaml(&Map::from_iter(meta))
    };
    Ok(format!("---\n{yaml}---\n\n{}", body.trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(metric: &str, split: &str, value: f64) -> EvalResult {
        EvalResult {
            task_type: "summarization".into(),
            task_name: Some("Summarization".into()),
            dataset_type: "support-threads".into(),
            dataset_name: "support-threads golden set".into(),
            dataset_split: Some(split.into()),
            metric_type: metric.into(),
            metric_name: None,
            value,
            ci_low: None,
            ci_high: None,
        }
    }

    #[test]
    fn results_group_by_task_and_dataset() {
        let index = model_index(
            "copilot",
            &[
                result("rougeL", "test", 0.41),
                result("bertscore", "test", 0.88),
                result("rougeL", "billing", 0.39),
            ],
        );
        let results = index[0]["results"].as_array().expect("results");
        assert_eq!(results.len(), 2);
        assert_eq!(results[0]["metrics"].as_array().map(Vec::len), Some(2));
        assert_eq!(results[1]["dataset"]["split"], "billing");
    }

    #[test]
    fn readme_has_metadata_and_no_guidance() {
        let card = "---\nlicense: apache-2.0\nlanguage: [en]\nbase_model: \"\"\nmodel-index: bogus\n---\n# Card\n\n> Guidance: remove me\n\nReal text.\n";
        let out = hf_readme("copilot", card, &[result("rougeL", "test", 0.41)]).expect("export");
        assert!(out.starts_with("---\n"), "{out}");
        assert!(out.contains("license: \"apache-2.0\""));
        assert!(
            !out.contains("base_model"),
            "empty fields are dropped: {out}"
        );
        assert!(
            out.contains("model-index:") && out.contains("value: 0.41"),
            "{out}"
        );
        assert!(
            !out.contains("Guidance") && out.contains("Real text."),
            "{out}"
        );
        let none = hf_readme("copilot", card, &[]).expect("export");
        assert!(!none.contains("model-index"), "{none}");
        assert!(hf_readme("copilot", "---\na: [\n---\n", &[]).is_err());
    }
}
