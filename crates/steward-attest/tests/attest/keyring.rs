//! The OS keyring: what one process stores, the next one loads.
//!
//! These tests use the real keyring (kernel keyutils on Linux) under a namespace of their
//! own and delete what they create.

use std::process::Command;

use steward_attest::keyring::NAMESPACE_ENV;
use steward_attest::{AttestError, KeyStore};

/// Set in the child process: the identity whose key it must load.
const CHILD_ENV: &str = "STEWARD_TEST_KEYRING_CHILD_IDENTITY";

fn namespace(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("test-{test}-{}-{nanos}", std::process::id())
}

/// Deletes the identity's key when the test ends, passed or failed.
struct Cleanup<'a>(&'a KeyStore, &'a str);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let _ = self.0.delete(self.1);
    }
}

#[test]
fn create_refuses_to_overwrite_unless_replace() {
    let store = KeyStore::with_namespace(&namespace("replace"));
    let who = "alice@example.org";
    let _cleanup = Cleanup(&store, who);

    let first = store.create(who, false).expect("create");
    let err = store.create(who, false).expect_err("second create refused");
    assert!(matches!(err, AttestError::KeyExists { .. }), "{err}");
    assert!(err.to_string().contains("pass replace"), "{err}");
    assert_eq!(
        store.load(who).expect("load").public_key(),
        first.public_key()
    );

    let second = store.create(who, true).expect("replace");
    assert_ne!(second.public_key(), first.public_key());
    assert_eq!(
        store.load(who).expect("load").public_key(),
        second.public_key()
    );

    assert!(store.delete(who).expect("delete"));
    assert!(!store.delete(who).expect("delete again"));
    let err = store.load(who).expect_err("gone");
    assert!(matches!(err, AttestError::NoKey { .. }), "{err}");
    assert!(err.to_string().contains(store.service()), "{err}");
}

#[test]
fn namespaces_keep_entries_apart() {
    let a = KeyStore::with_namespace(&namespace("ns-a"));
    let b = KeyStore::with_namespace(&namespace("ns-b"));
    let who = "bob@example.org";
    let _ca = Cleanup(&a, who);
    a.create(who, false).expect("create in a");
    assert!(!b.exists(who).expect("b readable"));
    assert_eq!(KeyStore::new().service(), "steward");
}

/// Stores a key, then loads it in a second process. On Linux the second process runs under
/// `keyctl session -`, a session keyring of its own, which is what a command started outside
/// a login session gets: a key kept only in the first process's session keyring would be
/// missing there.
#[test]
fn a_key_stored_by_one_process_loads_in_the_next() {
    let ns = namespace("cross-process");
    let store = KeyStore::with_namespace(&ns);
    let who = "carol@example.org";
    let _cleanup = Cleanup(&store, who);
    let keyid = store
        .create(who, false)
        .expect("create")
        .public_key()
        .keyid()
        .to_string();

    let exe = std::env::current_exe().expect("test binary");
    let filter = [
        "--exact",
        "keyring::child_loads_the_key",
        "--nocapture",
        "--test-threads=1",
    ];
    let has_keyctl = Command::new("keyctl").arg("--version").output().is_ok();
    let mut cmd = if cfg!(target_os = "linux") && has_keyctl {
        let mut c = Command::new("keyctl");
        c.args(["session", "-"]).arg(&exe).args(filter);
        c
    } else {
        eprintln!("keyctl is not installed: the child shares this process's session keyring");
        let mut c = Command::new(&exe);
        c.args(filter);
        c
    };
    let out = cmd
        .env(NAMESPACE_ENV, &ns)
        .env(CHILD_ENV, who)
        .output()
        .expect("run the child process");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("child loaded keyid {keyid}")),
        "the child did not load the key:\n{stdout}\n{stderr}"
    );
}

/// The child half of [`a_key_stored_by_one_process_loads_in_the_next`]; does nothing when
/// run on its own.
#[test]
fn child_loads_the_key() {
    let Ok(who) = std::env::var(CHILD_ENV) else {
        return;
    };
    let store = KeyStore::from_env();
    let key = store
        .load(&who)
        .expect("the child loads the key stored by its parent");
    println!("child loaded keyid {}", key.public_key().keyid());
}
