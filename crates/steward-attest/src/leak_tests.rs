//! The secret seed never leaves through an export, a `Debug` or an error message.
//!
//! Uses the real OS keyring under a namespace of its own, and deletes what it made.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::json;
use steward_domain::Sha256Digest;

use crate::dsse::{sign_statement, verify, Envelope, TrustedKeys};
use crate::identity::{Identity, Signer};
use crate::keyring::KeyStore;
use crate::statement::{Statement, Subject};

#[test]
fn secret_seed_appears_in_no_export_debug_output_or_error() {
    let store = KeyStore::with_namespace(&format!("leak-test-{}", std::process::id()));
    let who = "leak@example.org";
    let _ = store.delete(who);

    let created = store
        .create(who, false)
        .expect("create a key in the OS keyring");
    let seed = created.seed();
    let forms: Vec<String> = vec![
        hex::encode(*seed),
        hex::encode_upper(*seed),
        STANDARD.encode(*seed),
        STANDARD_NO_PAD.encode(*seed),
        URL_SAFE.encode(*seed),
        URL_SAFE_NO_PAD.encode(*seed),
    ];

    let signer = Signer::new(store.load(who).expect("load"));
    let identity = Identity {
        name: "Leak Test".into(),
        email: who.into(),
        public_key: signer.public_key().clone(),
    };
    let statement = Statement::new(
        vec![Subject::sha256("model", Sha256Digest::of(b"bundle"))],
        "https://steward.dev/approval/v1",
        json!({"role": "sre"}),
    );
    let envelope = sign_statement(&statement, &signer).expect("sign");

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("approval.json"), envelope.to_json()).expect("write");
    std::fs::write(
        dir.path().join("key.json"),
        identity.public_key.to_sslib_dict().to_string(),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("key.pem"),
        identity.public_key.to_pem().expect("pem"),
    )
    .expect("write");

    let mut tampered = envelope.clone();
    tampered.signatures[0].sig = STANDARD.encode([0u8; 64]);
    let errors = [
        store.create(who, false).expect_err("exists"),
        store.load("nobody@example.org").expect_err("no key"),
        verify(&tampered, &TrustedKeys::new([identity.public_key.clone()])).expect_err("bad sig"),
        verify(&envelope, &TrustedKeys::default()).expect_err("unknown key"),
        Envelope::from_json(b"{}").expect_err("not an envelope"),
    ];

    let mut haystacks: Vec<(String, String)> = Vec::new();
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        haystacks.push((path.display().to_string(), text));
    }
    haystacks.extend([
        ("Debug SecretKey".into(), format!("{created:?}")),
        ("Debug Signer".into(), format!("{signer:?}")),
        ("Debug Identity".into(), format!("{identity:?}")),
        (
            "Debug PublicKey".into(),
            format!("{:?}", identity.public_key),
        ),
        ("Debug Envelope".into(), format!("{envelope:?}")),
        ("Debug Statement".into(), format!("{statement:?}")),
        ("Debug KeyStore".into(), format!("{store:?}")),
    ]);
    for e in &errors {
        haystacks.push(("error Display".into(), e.to_string()));
        haystacks.push(("error Debug".into(), format!("{e:?}")));
    }
    for (name, text) in &haystacks {
        for form in &forms {
            assert!(
                !text.contains(form.as_str()),
                "{name} contains the secret seed"
            );
        }
    }
    assert!(haystacks.len() >= 20);
    assert!(store.delete(who).expect("delete"));
}
