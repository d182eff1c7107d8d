//! Shared pieces of the registry-sync journeys (tests/tests/sync*.rs): a keyring namespace per
//! test, `steward` commands with the registry's retry and timeout settings, and the stored
//! registry secret forgotten when a journey ends.

use std::process::Command;

use crate::{Run, Steward};

/// A keyring namespace of this test's own.
pub fn namespace(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("test-sync-{test}-{}-{nanos}", std::process::id())
}

/// `steward args…` on `s` with two attempts per request and a 20 s timeout (a journey
/// overrides them with `.env`).
pub fn command(s: &Steward, args: &[&str]) -> Command {
    let mut cmd = s.command(args);
    cmd.env("STEWARD_REGISTRY_ATTEMPTS", "2")
        .env("STEWARD_REGISTRY_TIMEOUT_MS", "20000")
        .env_remove("STEWARD_REGISTRY_SECRET");
    cmd
}

/// Runs `cmd` to its end.
pub fn output(mut cmd: Command) -> Run {
    let out = cmd.output().expect("run steward");
    Run::from(out)
}

/// Forgets the registry secret `steward registry login` stored for `url` in keyring namespace
/// `ns` when dropped.
pub struct StoredSecret {
    ns: String,
    url: String,
}

impl StoredSecret {
    /// The secret for `url` (as `steward registry set` printed it, with its trailing slash).
    pub fn new(ns: &str, url: &str) -> StoredSecret {
        StoredSecret {
            ns: ns.to_string(),
            url: format!("{}/", url.trim_end_matches('/')),
        }
    }
}

impl Drop for StoredSecret {
    fn drop(&mut self) {
        let _ = steward_attest::KeyStore::with_namespace(&self.ns)
            .delete_secret(&format!("secret:registry:{}", self.url));
    }
}
