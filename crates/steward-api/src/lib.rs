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
pub mod wire;
mod workspace;

pub use error::{ApiError, ErrorCode, Result};
pub use hashing::{Cancel, NoProgress, ProgressSink};
pub use workspace::{parse_model_version, parse_risk_tier, Workspace};
