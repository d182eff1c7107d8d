//! Steward's operations, independent of any host.
//!
//! The `steward` CLI and the desktop shell both call [`Workspace`]'s methods and nothing else;
//! neither holds a rule or a line of SQL. Inputs and outputs are the wire types in [`wire`]
//! (serde + ts-rs; the generated TypeScript is committed under `ui/`), and every failure is an
//! [`ApiError`] `{code, message}`. Long operations take a [`ProgressSink`] and a [`Cancel`].
//!
//! This crate must not know Tauri, HTTP or SQL: it calls `steward-store` for persistence and
//! `steward-domain` for rules.

pub mod demo;
mod error;
pub mod hashing;
pub mod input;
mod private;
pub mod wire;
mod workspace;

pub use error::{ApiError, ErrorCode, Result};
pub use hashing::{Cancel, NoProgress, ProgressSink};
pub use steward_sync::client::{Retry as SyncRetry, RetryObserver};
pub use steward_sync::Progress as SyncProgress;
pub use workspace::sync::{admit, registry_login, registry_test};
pub use workspace::trust::{
    approval_verify_with_key, key_export, key_init, key_show, review_open, review_sign,
    IDENTITY_ENV,
};
pub use workspace::{
    parse_model_version, parse_risk_tier, Workspace, MODEL_PAGE_DEFAULT, MODEL_PAGE_MAX,
};

/// The workspace used when none is named: `STEWARD_WORKSPACE` if set, else the per-user data
/// directory (`~/.local/share/steward/workspace` on Linux).
pub fn default_workspace_dir() -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("STEWARD_WORKSPACE").filter(|d| !d.is_empty()) {
        return dir.into();
    }
    directories::ProjectDirs::from("", "", "steward")
        .map(|d| d.data_dir().join("workspace"))
        .unwrap_or_else(|| std::path::PathBuf::from(".steward"))
}

/// Who is acting, for stage history and the audit log: `STEWARD_ACTOR`, else the login name
/// from the environment, else the name of the home folder.
pub fn current_actor() -> String {
    let from_env = ["STEWARD_ACTOR", "USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()));
    from_env
        .or_else(|| {
            let home = std::path::PathBuf::from(std::env::var_os("HOME")?);
            Some(home.file_name()?.to_str()?.to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}
