//! Registry sync with MLflow: the only crate in Steward that knows HTTP.
//!
//! - [`client`]: the MLflow REST client (reqwest, rustls), with timeouts, retries with
//!   backoff and jitter, and errors that say whether the server is unreachable, slow, not
//!   MLflow, or refusing the credential or the permission.
//! - [`plan`]: the pure planner `plan(local, remote) -> Plan` (operations plus findings:
//!   ungoverned aliases, duplicates), tested as a table.
//! - [`apply`]: the applier, idempotent and resumable; before a model's first write it asks
//!   MLflow's auth app (when there is one) whether the user may write that model.
//! - [`auth`]: what a registry user may do, read from the basic-auth app's answers.
//!
//! It knows nothing of SQLite, keys or signatures: the caller (steward-api) gathers the local
//! side, verifies what comes back, and records the outcome in the outbox. The mapping is
//! documented in `docs/registry-mapping.md`. Supported servers: MLflow 3.17 (tested against
//! 3.17.2); the calls used exist since MLflow 2.3 (aliases), the artifact proxy since 1.24.

pub mod apply;
pub mod auth;
pub mod client;
mod error;
pub mod findings;
pub mod plan;

pub use apply::{apply, find_by_tag, Applied, Progress};
pub use client::{ClientOptions, Credential, Registry, RemoteModel, RemoteVersion, Secret};
pub use error::{Result, SyncError};
pub use plan::{plan, LocalModel, LocalVersion, Op, Plan, RemoteState, GOVERNED_ALIASES};

/// The MLflow version the tests run against.
pub const TESTED_MLFLOW: &str = "3.17.2";
