//! What the recorders of the flows' document and model fakes share: the command that rewrites
//! every recording, where the flows' fixtures live, and a workspace governed as the flows' is
//! (Ana's key as the roster's root, the flows' bundle-only policy) in a keyring namespace of
//! the recorder's own.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::json;
use steward_attest::keyring::KeyStore;

use super::Harness;

/// One command rewrites every recording of the flows' document and model fakes.
pub const REGENERATE: &str = "STEWARD_UPDATE_FIXTURES=1 cargo test -p steward-desktop --test flow_documents --test flow_models";

const EMAIL: &str = "ana@companyos.example";

/// ui/flows/app, where the flows' fakes read their recordings.
pub fn flows_app() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/flows/app")
}

/// This process's keyring namespace (named after `recorder`); dropping it deletes the key
/// [`govern`] made from the kernel keyring, pass or fail.
pub struct Keyring(String);

impl Keyring {
    /// Points the keyring at a namespace of this process's own, with no identity chosen: the
    /// namespace is process-wide environment, hence each recorder's own test binary.
    pub fn own(recorder: &str) -> Keyring {
        let ns = format!("test-{recorder}-{}", std::process::id());
        std::env::set_var("STEWARD_KEYRING_NAMESPACE", &ns);
        std::env::remove_var("STEWARD_IDENTITY");
        Keyring(ns)
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = KeyStore::with_namespace(&self.0).forget(EMAIL);
    }
}

/// Governs `h`'s workspace as the flows' is: Ana's key as the roster's root and the flows'
/// bundle-only policy, so promotions go through real gates and write signed release records.
pub fn govern(h: &Harness) {
    h.ok(
        "key_init",
        // Each governed workspace makes its own root key; the one before it has done signing.
        json!({"req": {"name": "Ana López", "email": EMAIL, "replace": true}}),
    );
    h.ok("roster_init", json!({}));
    let policy = std::fs::read_to_string(flows_app().join("governance/bundle-only.toml"))
        .expect("the flows' bundle-only policy");
    h.ok(
        "policy_set",
        json!({"req": {"text": policy, "file": null, "message": "flows"}}),
    );
}
