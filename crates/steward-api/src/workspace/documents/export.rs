//! Exports of a version's documents: Hugging Face README, Model Card Toolkit JSON, the
//! dossier, with the evaluation results they carry.

use super::*;

impl Workspace {
    /// The evaluation results a version's exports carry: the whole-population metrics of its
    /// offline runs (golden sets, scenario suites, red-team suites), one result per metric and
    /// suite, the latest import winning. Fairness slices, load tests and online KPI series are
    /// left to the evaluation report and the dossier; a model-index entry is a headline number.
    fn export_results(&self, model: &ModelName, version: &Version) -> Result<Vec<EvalResult>> {
        use steward_domain::eval::model_index::{model_index_rows, RunRow};
        let runs = self.store.eval_runs(model, version)?;
        let rows = self.store.eval_rows(model, version)?;
        let evidence = rows.iter().filter_map(|(run_id, row)| {
            let run = runs.iter().find(|r| r.id == *run_id)?;
            Some(RunRow {
                kind: run.kind,
                suite: &run.suite,
                row,
            })
        });
        Ok(model_index_rows(evidence)
            .into_iter()
            .map(|r| EvalResult {
                task_type: r.kind.as_str().to_string(),
                task_name: Some(r.kind.label().to_string()),
                dataset_type: r.suite.name.clone(),
                dataset_name: r.suite.to_string(),
                dataset_split: None,
                metric_type: r.row.metric.clone(),
                metric_name: None,
                value: r.row.value,
                ci_low: r.row.ci_low,
                ci_high: r.row.ci_high,
            })
            .collect())
    }

    /// Exports a version's documents: `hf` (README.md from the model card), `mct` (Model Card
    /// Toolkit JSON) or `html` (a dossier of every document).
    pub fn doc_export(&self, target: &str, format: ExportFormat) -> Result<DocumentExport> {
        let (model, version) = parse_model_version(target)?;
        let v = self.store.version(&model, &version)?;
        let results = self.export_results(&model, &version)?;
        let export_error = |e: steward_render::export::ExportError| {
            ApiError::invalid(format!(
                "{e}; fix it with `steward doc edit {model}@{version} model-card`"
            ))
        };
        match format {
            ExportFormat::Hf | ExportFormat::Mct => {
                let card = self.head_of(
                    &DocumentTarget::Version(model.clone(), version),
                    DocumentKind::ModelCard,
                )?;
                if format == ExportFormat::Hf {
                    let content = hf_readme(model.as_str(), &card.head.content, &results)
                        .map_err(export_error)?;
                    return Ok(DocumentExport {
                        format,
                        file_name: "README.md".into(),
                        content,
                    });
                }
                let m = self.store.model(&model)?;
                let datasets: Vec<(String, String)> = self
                    .store
                    .version_datasets(&model, &version)?
                    .iter()
                    .map(|d| {
                        (
                            d.reference.to_string(),
                            format!(
                                "{} files, {} bytes, manifest {}",
                                d.manifest.files.len(),
                                d.manifest.total_bytes(),
                                d.manifest_checksum
                            ),
                        )
                    })
                    .collect();
                let json = mct_json(&MctInput {
                    model: model.as_str(),
                    title: &m.title,
                    version: &version.to_string(),
                    owner: &m.owner,
                    card_text: &card.head.content,
                    datasets: &datasets,
                    results: &results,
                })
                .map_err(export_error)?;
                Ok(DocumentExport {
                    format,
                    file_name: format!("{model}-{version}-model-card.json"),
                    content: serde_json::to_string_pretty(&json)
                        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
                        + "\n",
                })
            }
            ExportFormat::Html => {
                let m = self.store.model(&model)?;
                let listing = self.version_documents(&model, &version)?;
                let mut documents = Vec::new();
                let mut missing = Vec::new();
                for status in &listing.documents {
                    let t = parse_target(&status.target, status.kind)?;
                    match self.store.document(&t, status.kind)? {
                        Some(row) => documents.push(DossierDocument {
                            kind: status.kind,
                            target: status.target.clone(),
                            revision: row.head.meta.number,
                            sha256: row.head.meta.sha256.to_string(),
                            author: row.head.meta.author.clone(),
                            saved_at: row.head.meta.created_at.clone(),
                            text: row.head.content,
                            findings: status.findings.iter().map(|f| f.message.clone()).collect(),
                        }),
                        None => {
                            missing.push(format!("{} for {}", status.kind.label(), status.target))
                        }
                    }
                }
                let (charts, chart_gaps) = self.dossier_charts(&model, &version)?;
                let content = dossier_html(&Dossier {
                    model: model.to_string(),
                    title: m.title,
                    version: version.to_string(),
                    stage: v.stage.as_str().to_string(),
                    generated_at: now(),
                    documents,
                    missing,
                    charts,
                    chart_gaps,
                });
                Ok(DocumentExport {
                    format,
                    file_name: format!("{model}-{version}-dossier.html"),
                    content,
                })
            }
        }
    }

    /// Every evaluation chart of a version for the dossier (light theme, for print). A chart
    /// without evidence is left out and named; any other failure is an error.
    fn dossier_charts(
        &self,
        model: &ModelName,
        version: &Version,
    ) -> Result<(Vec<DossierChart>, Vec<String>)> {
        let mut charts = Vec::new();
        let mut gaps = Vec::new();
        for kind in super::super::evals::CHART_KINDS {
            match self.printed_chart(model, version, kind)? {
                Ok(chart) => charts.push(DossierChart {
                    title: chart.title,
                    svg: chart.svg,
                }),
                Err(gap) => gaps.push(gap),
            }
        }
        Ok((charts, gaps))
    }
}
