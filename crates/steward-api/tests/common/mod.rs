//! Set-up shared by the api's integration tests.

use steward_api::wire::{ModelCreate, VersionAdd};
use steward_api::{Cancel, NoProgress, Workspace};

/// A new workspace under `dir` with model `scorer` and its version `1.0.0-1`.
pub fn scorer_workspace(dir: &tempfile::TempDir) -> Workspace {
    let ws = Workspace::init(&dir.path().join("ws"), "tester").expect("workspace");
    ws.model_create(&ModelCreate {
        name: "scorer".into(),
        owner: "o@example.com".into(),
        title: None,
        description: None,
        risk_tier: None,
    })
    .expect("model");
    ws.version_add(
        &VersionAdd {
            model: "scorer".into(),
            version: "1.0.0-1".into(),
            ..VersionAdd::default()
        },
        &NoProgress,
        &Cancel::new(),
    )
    .expect("version");
    ws
}
