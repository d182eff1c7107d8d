//! The operations on an open workspace. Each is a short function: parse what the caller gave
//! with the domain's parsers, call the store, and shape the answer as wire types.
//! Each capability adds its operations in a submodule (`documents`, `evals`) as another
//! `impl Workspace` block.

mod chart_sync;
mod compliance;
mod doc_sync;
mod documents;
mod evals;
mod feedback;
mod governance;
mod hooks;
mod inbox;
mod operations;
mod operations_view;
mod policy_diff;
mod releases;
pub(crate) mod sync;
mod sync_view;
mod traffic;
pub(crate) mod trust;

use std::path::{Path, PathBuf};

use steward_domain::{
    allowed_moves, Artifacts, ChangeKind, DatasetRef, Manifest, ModelName, Owner, Provenance,
    RiskTier, Sha256Digest, Stage, Version,
};
use steward_store::{
    Actor, DatasetRow, ModelRow, NewModel, StageEventRow, Store, VersionRow, DB_FILE,
};

use crate::error::{ApiError, ErrorCode, Result};
use crate::hashing::{hash_dir, hash_file, Cancel, ProgressSink};
use crate::wire::*;

/// Models in a page of [`Workspace::model_page`] when the query names no limit.
pub const MODEL_PAGE_DEFAULT: u32 = 100;
/// The most models one page of [`Workspace::model_page`] holds.
pub const MODEL_PAGE_MAX: u32 = 1000;

/// An open workspace: a folder holding `steward.db`.
#[derive(Debug)]
pub struct Workspace {
    root: PathBuf,
    store: Store,
    actor: Actor,
}

fn parse<T: std::str::FromStr<Err = steward_domain::DomainError>>(text: &str) -> Result<T> {
    text.parse::<T>().map_err(ApiError::from)
}

/// Splits `MODEL@VERSION`, naming the text when it has no `@`.
pub fn parse_model_version(text: &str) -> Result<(ModelName, Version)> {
    let (m, v) = text.split_once('@').ok_or_else(|| {
        ApiError::invalid(format!(
            "{text:?} is not MODEL@VERSION (e.g. copilot@1.2.0-14)"
        ))
    })?;
    Ok((parse(m)?, parse(v)?))
}

fn non_blank(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn file_uri(path: &Path) -> String {
    let abs = std::fs::canonicalize(path)
        .or_else(|_| std::env::current_dir().map(|d| d.join(path)))
        .unwrap_or_else(|_| path.to_path_buf());
    // Percent-encodes spaces and other characters a URI cannot hold (`url` knows the rules).
    url::Url::from_file_path(&abs)
        .map_or_else(|()| format!("file://{}", abs.display()), String::from)
}

impl Workspace {
    /// Creates the workspace folder and database if needed, and opens it.
    pub fn init(root: &Path, actor: &str) -> Result<Workspace> {
        crate::private::create_dir_all(root).map_err(|e| {
            ApiError::new(
                ErrorCode::Io,
                format!("cannot create workspace folder {}: {e}", root.display()),
            )
        })?;
        Self::open_inner(root, actor, true)
    }

    /// Opens an existing workspace; a folder without a database is an error that says how to
    /// create one.
    pub fn open(root: &Path, actor: &str) -> Result<Workspace> {
        if !root.join(DB_FILE).is_file() {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!(
                    "no workspace at {}; run `steward init` (or pass --workspace DIR)",
                    root.display()
                ),
            ));
        }
        Self::open_inner(root, actor, false)
    }

    fn open_inner(root: &Path, actor: &str, create: bool) -> Result<Workspace> {
        let db = root.join(DB_FILE);
        if create {
            crate::private::touch(&db).map_err(|e| {
                ApiError::new(
                    ErrorCode::Io,
                    format!("cannot create workspace database {}: {e}", db.display()),
                )
            })?;
        }
        let mut store = Store::open(&db, create)?;
        if let Some(ms) = std::env::var("STEWARD_BUSY_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            store.set_busy_timeout(std::time::Duration::from_millis(ms))?;
        }
        Ok(Workspace {
            root: root.to_path_buf(),
            store,
            actor: Actor(actor.to_string()),
        })
    }

    /// Warnings about the workspace itself: its folder or database readable by other users.
    pub fn warnings(&self) -> Vec<String> {
        crate::private::exposure_warnings(&[&self.root, self.store.path()])
    }

    /// The workspace folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The underlying store (for tests and the demo loader).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What is open.
    pub fn info(&self) -> Result<WorkspaceInfo> {
        // Counted in SQL: the studio asks this on start, with possibly 10,000 models.
        let models = self.store.model_count()?;
        Ok(WorkspaceInfo {
            path: self.root.display().to_string(),
            database: self.store.path().display().to_string(),
            schema: self
                .store
                .applied_migrations()?
                .last()
                .cloned()
                .unwrap_or_default(),
            models: u32::try_from(models).unwrap_or(u32::MAX),
            warnings: self.warnings(),
        })
    }

    /// Creates a model.
    pub fn model_create(&self, req: &ModelCreate) -> Result<ModelSummary> {
        let name: ModelName = parse(&req.name)?;
        let new = NewModel {
            title: non_blank(req.title.as_deref()).unwrap_or_else(|| name.to_string()),
            owner: parse::<Owner>(&req.owner)?,
            description: req.description.clone().unwrap_or_default(),
            risk_tier: req.risk_tier.unwrap_or_default(),
            name,
        };
        let row = self.store.create_model(&new, &self.actor)?;
        Ok(model_summary(&row, &[]))
    }

    /// Models matching `query`, by name, a page at a time when `limit` is given. The store
    /// filters, sorts and pages (see `Store::models_page`).
    pub fn model_list(&self, query: &ModelQuery) -> Result<Vec<ModelSummary>> {
        let filter = steward_store::ModelFilter {
            text: query.text.clone(),
            stage: query.stage,
            risk_tier: query.risk_tier,
            limit: query.limit,
            offset: query.offset.unwrap_or(0),
        };
        Ok(self
            .store
            .models_page(&filter)?
            .into_iter()
            .map(|(m, versions)| model_summary(&m, &versions))
            .collect())
    }

    /// One page of the models matching `query` and how many match in all: what the studio's
    /// home list asks for as it scrolls, instead of the whole workspace. The page is `limit`
    /// models (default [`MODEL_PAGE_DEFAULT`], at most [`MODEL_PAGE_MAX`]) from `offset`.
    pub fn model_page(&self, query: &ModelQuery) -> Result<ModelPage> {
        let limit = query.limit.unwrap_or(MODEL_PAGE_DEFAULT);
        if limit == 0 || limit > MODEL_PAGE_MAX {
            return Err(ApiError::invalid(format!(
                "the page limit {limit} is out of range: ask for 1 to {MODEL_PAGE_MAX} models a page"
            )));
        }
        let offset = query.offset.unwrap_or(0);
        let filter = steward_store::ModelFilter {
            text: query.text.clone(),
            stage: query.stage,
            risk_tier: query.risk_tier,
            limit: Some(limit),
            offset,
        };
        let total = self.store.models_matching(&filter)?;
        let models = self
            .store
            .models_page(&filter)?
            .into_iter()
            .map(|(m, versions)| model_summary(&m, &versions))
            .collect();
        Ok(ModelPage {
            total: u32::try_from(total).unwrap_or(u32::MAX),
            offset,
            models,
        })
    }

    /// One model with versions and the stage timeline.
    pub fn model_show(&self, name: &str) -> Result<ModelDetail> {
        let name: ModelName = parse(name)?;
        let model = self.store.model(&name)?;
        let versions = self.store.versions(&name)?;
        let stages: Vec<(Version, Stage)> = versions.iter().map(|v| (v.version, v.stage)).collect();
        let find = |s: Stage| {
            versions
                .iter()
                .find(|v| v.stage == s)
                .map(|v| v.version.to_string())
        };
        Ok(ModelDetail {
            model: model_summary(&model, &stages),
            production: find(Stage::Production),
            rollback_target: find(Stage::RollbackTarget),
            versions: versions
                .iter()
                .map(|v| VersionSummary {
                    version: v.version.to_string(),
                    stage: v.stage,
                    bundle_digest: v.artifacts.bundle_digest.map(|d| d.to_string()),
                    created_at: v.created_at.clone(),
                })
                .collect(),
            timeline: self
                .store
                .stage_history(&name, None)?
                .iter()
                .map(stage_event)
                .collect(),
        })
    }

    /// Adds a version in the Experiment stage, hashing the bundle and config files given.
    pub fn version_add(
        &self,
        req: &VersionAdd,
        progress: &dyn ProgressSink,
        cancel: &Cancel,
    ) -> Result<VersionDetail> {
        let bundle = non_blank(req.bundle_file.as_deref()).map(PathBuf::from);
        let config = non_blank(req.config_file.as_deref()).map(PathBuf::from);
        self.version_add_at(req, bundle.as_deref(), config.as_deref(), progress, cancel)
    }

    /// [`Workspace::version_add`] hashing the bundle and config at these paths (which need not
    /// be UTF-8) instead of `req.bundle_file` and `req.config_file`.
    pub fn version_add_at(
        &self,
        req: &VersionAdd,
        bundle: Option<&Path>,
        config: Option<&Path>,
        progress: &dyn ProgressSink,
        cancel: &Cancel,
    ) -> Result<VersionDetail> {
        let name: ModelName = parse(&req.model)?;
        let version: Version = parse(&req.version)?;
        // Fail on an unknown model or a taken version before hashing gigabytes.
        self.store.model(&name)?;
        if self.store.version(&name, &version).is_ok() {
            return Err(ApiError::new(ErrorCode::Conflict, format!("{name}@{version} already exists; versions are immutable, add a new one (`steward version next {name} --change …` suggests it)")));
        }
        let mut artifacts = Artifacts {
            code_commit: req.commit.as_deref().map(parse).transpose()?,
            bundle_uri: non_blank(req.bundle_uri.as_deref()),
            ..Artifacts::default()
        };
        match (bundle, non_blank(req.bundle_digest.as_deref())) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    "give either a bundle file or a bundle digest, not both",
                ))
            }
            (Some(path), None) => {
                let (digest, _) = hash_file(path, progress, cancel)?;
                artifacts.bundle_digest = Some(digest);
                artifacts.bundle_uri.get_or_insert_with(|| file_uri(path));
            }
            (None, Some(d)) => artifacts.bundle_digest = Some(parse::<Sha256Digest>(&d)?),
            (None, None) => {}
        }
        if let Some(path) = config {
            let (digest, _) = hash_file(path, progress, cancel)?;
            artifacts.config_digest = Some(digest);
            artifacts.config_uri = Some(file_uri(path));
        }
        self.store
            .add_version(&name, version, &artifacts, &self.actor)?;
        self.version_show(&name, &version)
    }

    /// The version Steward suggests for a change of `change`.
    pub fn version_next(&self, model: &str, change: ChangeKind) -> Result<NextVersion> {
        let name: ModelName = parse(model)?;
        let existing: Vec<Version> = self
            .store
            .versions(&name)?
            .iter()
            .map(|v| v.version)
            .collect();
        Ok(NextVersion {
            model: name.to_string(),
            latest: existing.iter().max().map(ToString::to_string),
            change,
            next: Version::suggest_next(&existing, change)?.to_string(),
        })
    }

    /// A model's versions, highest first.
    pub fn version_list(&self, model: &str) -> Result<Vec<VersionSummary>> {
        Ok(self.model_show(model)?.versions)
    }

    /// One version in full, by `MODEL@VERSION` parts.
    pub fn version_get(&self, model: &str, version: &str) -> Result<VersionDetail> {
        self.version_show(&parse(model)?, &parse(version)?)
    }

    fn version_show(&self, name: &ModelName, version: &Version) -> Result<VersionDetail> {
        let row: VersionRow = self.store.version(name, version)?;
        Ok(VersionDetail {
            model: name.to_string(),
            version: version.to_string(),
            stage: row.stage,
            artifacts: artifacts_view(&row.artifacts),
            datasets: self
                .store
                .version_datasets(name, version)?
                .iter()
                .map(dataset_summary)
                .collect(),
            moves: allowed_moves(row.stage)
                .into_iter()
                .map(|m| StageMove {
                    allowed: m.allowed(),
                    to: m.to,
                    kind: m.kind,
                    reason: m.reason,
                })
                .collect(),
            history: self
                .store
                .stage_history(name, Some(version))?
                .iter()
                .map(stage_event)
                .collect(),
            created_at: row.created_at,
        })
    }

    /// Snapshots a folder: hashes every file in parallel and records the manifest.
    pub fn dataset_snapshot(
        &self,
        req: &DatasetSnapshot,
        progress: &dyn ProgressSink,
        cancel: &Cancel,
    ) -> Result<DatasetDetail> {
        self.dataset_snapshot_at(req, Path::new(&req.dir), progress, cancel)
    }

    /// [`Workspace::dataset_snapshot`] of the folder `dir` (which need not be UTF-8) instead
    /// of `req.dir`.
    pub fn dataset_snapshot_at(
        &self,
        req: &DatasetSnapshot,
        dir: &Path,
        progress: &dyn ProgressSink,
        cancel: &Cancel,
    ) -> Result<DatasetDetail> {
        let reference = DatasetRef::new(&req.name, &req.version)?;
        if self.store.dataset(&reference).is_ok() {
            return Err(ApiError::new(ErrorCode::Conflict, format!("dataset snapshot {reference} already exists; snapshots are immutable, use a new --version")));
        }
        let entries = hash_dir(dir, progress, cancel)?;
        let manifest = Manifest::new(&reference, entries)?;
        let p = &req.provenance;
        let provenance = Provenance {
            source: non_blank(p.source.as_deref()),
            license: non_blank(p.license.as_deref()),
            consent: non_blank(p.consent.as_deref()),
            retention: non_blank(p.retention.as_deref()),
            personal_data: p.personal_data,
        };
        self.store
            .add_dataset(&manifest, &provenance, &self.actor)?;
        self.dataset_show(&reference.to_string())
    }

    /// One dataset snapshot in full, by `NAME@VERSION`.
    pub fn dataset_show(&self, reference: &str) -> Result<DatasetDetail> {
        let reference: DatasetRef = parse(reference)?;
        let row = self.store.dataset(&reference)?;
        Ok(DatasetDetail {
            summary: dataset_summary(&row),
            files: row
                .manifest
                .files
                .iter()
                .map(|f| ManifestFile {
                    path: f.path.clone(),
                    size: f.size,
                    sha256: f.sha256.to_string(),
                })
                .collect(),
            provenance: ProvenanceView {
                source: row.provenance.source.clone(),
                license: row.provenance.license.clone(),
                consent: row.provenance.consent.clone(),
                retention: row.provenance.retention.clone(),
                personal_data: row.provenance.personal_data,
            },
            linked_versions: self
                .store
                .dataset_links(&reference)?
                .into_iter()
                .map(|(m, v)| format!("{m}@{v}"))
                .collect(),
        })
    }

    /// Every dataset snapshot.
    pub fn dataset_list(&self) -> Result<Vec<DatasetSummary>> {
        Ok(self.store.datasets()?.iter().map(dataset_summary).collect())
    }

    /// Links a dataset snapshot (`NAME@VERSION`) to a version.
    pub fn version_link_dataset(
        &self,
        model: &str,
        version: &str,
        dataset: &str,
    ) -> Result<VersionDetail> {
        let name: ModelName = parse(model)?;
        let version: Version = parse(version)?;
        let reference: DatasetRef = parse(dataset)?;
        self.store
            .link_dataset(&name, &version, &reference, &self.actor)?;
        self.version_show(&name, &version)
    }

    /// Audit entries, newest first.
    pub fn audit_log(&self, limit: Option<u32>) -> Result<Vec<AuditEntryView>> {
        Ok(self
            .store
            .audit_log(limit)?
            .into_iter()
            .map(|e| AuditEntryView {
                seq: u32::try_from(e.seq).unwrap_or(u32::MAX),
                at: e.at,
                actor: e.actor,
                action: e.action,
                subject: e.subject,
                detail: e.detail,
                prev_hash: e.prev_hash,
                hash: e.hash,
            })
            .collect())
    }

    /// Walks the audit chain.
    pub fn audit_verify(&self) -> Result<AuditVerifyResult> {
        self.with_seals(verify_result(self.store.audit_verify()?, None))
    }

    /// Adds the check against the audit log's signed seals; a seal that does not hold makes
    /// the result not ok.
    fn with_seals(&self, mut result: AuditVerifyResult) -> Result<AuditVerifyResult> {
        result.seal = self.seal_check()?;
        if result.seal.as_ref().is_some_and(|s| !s.problems.is_empty()) {
            result.ok = false;
        }
        Ok(result)
    }

    /// Walks the chain, recomputes every stored digest and checks every row against what the
    /// audit log explains; names each mismatch.
    pub fn audit_verify_deep(&self) -> Result<AuditVerifyResult> {
        let deep = self.store.audit_verify_deep()?;
        let rows = deep.rows;
        self.with_seals(verify_result(deep.chain, Some((rows, deep.mismatches))))
    }
}

fn verify_result(
    chain: steward_store::AuditVerification,
    deep: Option<(usize, Vec<steward_domain::integrity::Mismatch>)>,
) -> AuditVerifyResult {
    let (rows, mismatches) = deep.clone().unwrap_or_default();
    AuditVerifyResult {
        ok: chain.first_broken.is_none() && mismatches.is_empty(),
        entries: u32::try_from(chain.entries).unwrap_or(u32::MAX),
        first_broken: chain.first_broken.map(|b| BrokenEntry {
            seq: u32::try_from(b.seq).unwrap_or(u32::MAX),
            reason: b.reason,
        }),
        deep: deep.is_some(),
        rows: u32::try_from(rows).unwrap_or(u32::MAX),
        mismatches: mismatches
            .into_iter()
            .map(|m| RowMismatch {
                message: m.to_string(),
                table: m.table,
                row: m.row,
                field: m.field,
                expected: m.expected,
                found: m.found,
            })
            .collect(),
        seal: None,
    }
}

fn model_summary(m: &ModelRow, versions: &[(Version, Stage)]) -> ModelSummary {
    ModelSummary {
        name: m.name.to_string(),
        title: m.title.clone(),
        owner: m.owner.clone(),
        description: m.description.clone(),
        risk_tier: m.risk_tier,
        versions: versions
            .iter()
            .map(|(v, s)| VersionStage {
                version: v.to_string(),
                stage: *s,
            })
            .collect(),
        production: versions
            .iter()
            .find(|(_, s)| *s == Stage::Production)
            .map(|(v, _)| v.to_string()),
        created_at: m.created_at.clone(),
    }
}

fn stage_event(e: &StageEventRow) -> StageEvent {
    StageEvent {
        version: e.version.to_string(),
        from: e.from,
        to: e.to,
        kind: e.kind.clone(),
        reason: e.reason.clone(),
        actor: e.actor.clone(),
        at: e.at.clone(),
    }
}

fn artifacts_view(a: &Artifacts) -> ArtifactsView {
    ArtifactsView {
        bundle_digest: a.bundle_digest.map(|d| d.to_string()),
        bundle_uri: a.bundle_uri.clone(),
        code_commit: a.code_commit.as_ref().map(ToString::to_string),
        config_digest: a.config_digest.map(|d| d.to_string()),
        config_uri: a.config_uri.clone(),
        missing: a.missing().into_iter().map(str::to_string).collect(),
    }
}

fn dataset_summary(d: &DatasetRow) -> DatasetSummary {
    DatasetSummary {
        name: d.reference.name.clone(),
        version: d.reference.version.clone(),
        manifest_checksum: d.manifest_checksum.to_string(),
        files: u32::try_from(d.manifest.files.len()).unwrap_or(u32::MAX),
        bytes: d.manifest.total_bytes(),
        missing_provenance: d
            .provenance
            .missing()
            .into_iter()
            .map(|f| f.as_str().to_string())
            .collect(),
        created_at: d.created_at.clone(),
    }
}

/// Parses a risk tier for callers that take it as text.
pub fn parse_risk_tier(text: &str) -> Result<RiskTier> {
    parse(text)
}

#[cfg(test)]
mod page_tests {
    use super::*;

    fn workspace(dir: &Path, names: &[&str]) -> Workspace {
        let ws = Workspace::init(dir, "ana").expect("init");
        for name in names {
            ws.model_create(&ModelCreate {
                name: (*name).to_string(),
                owner: "ml-team".to_string(),
                title: None,
                description: None,
                risk_tier: None,
            })
            .expect("create");
        }
        ws
    }

    fn query(text: Option<&str>, limit: Option<u32>, offset: Option<u32>) -> ModelQuery {
        ModelQuery {
            text: text.map(str::to_string),
            limit,
            offset,
            ..ModelQuery::default()
        }
    }

    #[test]
    fn a_page_carries_its_models_and_the_count_of_every_match() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = workspace(
            dir.path(),
            &["delta", "alpha", "charlie", "bravo", "echo-fraud"],
        );
        let names = |p: &ModelPage| p.models.iter().map(|m| m.name.clone()).collect::<Vec<_>>();
        // (what, query, total, offset, names)
        let cases: Vec<(&str, ModelQuery, u32, u32, Vec<&str>)> = vec![
            (
                "the default page holds them all",
                query(None, None, None),
                5,
                0,
                vec!["alpha", "bravo", "charlie", "delta", "echo-fraud"],
            ),
            (
                "a page in the middle",
                query(None, Some(2), Some(1)),
                5,
                1,
                vec!["bravo", "charlie"],
            ),
            (
                "the last, short page",
                query(None, Some(2), Some(4)),
                5,
                4,
                vec!["echo-fraud"],
            ),
            (
                "past the end: no models, the count stands",
                query(None, Some(2), Some(9)),
                5,
                9,
                vec![],
            ),
            (
                "the count follows the filter",
                query(Some("fraud"), Some(1), None),
                1,
                0,
                vec!["echo-fraud"],
            ),
            (
                "matching nothing",
                query(Some("nobody"), Some(10), None),
                0,
                0,
                vec![],
            ),
        ];
        for (what, q, total, offset, expected) in cases {
            let page = ws.model_page(&q).expect(what);
            assert_eq!(
                (page.total, page.offset, names(&page)),
                (
                    total,
                    offset,
                    expected.iter().map(|s| s.to_string()).collect()
                ),
                "{what}"
            );
        }
    }

    #[test]
    fn a_limit_out_of_range_is_refused_naming_the_range() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = workspace(dir.path(), &["alpha"]);
        for limit in [0, MODEL_PAGE_MAX + 1] {
            let err = ws
                .model_page(&query(None, Some(limit), None))
                .expect_err("out of range");
            assert_eq!(err.code, ErrorCode::InvalidInput, "{limit}");
            assert!(
                err.message.contains(&limit.to_string()) && err.message.contains("1 to 1000"),
                "{}",
                err.message
            );
        }
        assert_eq!(
            ws.model_page(&query(None, Some(MODEL_PAGE_MAX), None))
                .expect("max")
                .total,
            1
        );
    }
}
