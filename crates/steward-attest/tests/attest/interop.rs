//! Envelopes verified by tools we did not write: securesystemslib (Python) with the exported
//! key dictionary, and OpenSSL with the exported PEM.
//!
//! Needs `STEWARD_PYTHON` (set by scripts/setup.sh to the venv holding
//! tests/python/requirements.txt); without it the test fails rather than skips.

use std::path::Path;
use std::process::Command;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::json;
use steward_attest::{pae, sign_statement, Envelope, SecretKey, Signer, Statement, Subject};
use steward_domain::Sha256Digest;

const VERIFY_PY: &str = r#"
import json, sys
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import SSlibKey

key = json.load(open(sys.argv[1]))
k = SSlibKey(key["keyid"], "ed25519", "ed25519", {"public": key["keyval"]["public"]})
verified = Envelope.from_dict(json.load(open(sys.argv[2]))).verify([k], 1)
assert list(verified) == [key["keyid"]], verified
print("verified", key["keyid"])
for path in sys.argv[3:]:
    try:
        Envelope.from_dict(json.load(open(path))).verify([k], 1)
    except VerificationError as e:
        print("refused", path.rsplit("/", 1)[-1])
    else:
        sys.exit("tampered envelope verified: " + path)
"#;

fn python() -> String {
    match std::env::var("STEWARD_PYTHON") {
        Ok(p) if !p.is_empty() => p,
        _ => panic!(
            "STEWARD_PYTHON is not set: run scripts/test.sh, which installs \
             tests/python/requirements.txt (securesystemslib) into .venv and sets it"
        ),
    }
}

fn signed() -> (Signer, Envelope) {
    let signer = Signer::new(SecretKey::generate());
    let statement = Statement::new(
        vec![Subject::sha256(
            "fraud-scorer",
            Sha256Digest::of(b"bundle bytes"),
        )],
        "https://steward.dev/approval/v1",
        json!({"role": "sre", "decision": "approve", "comment": "ünïcödé ok"}),
    );
    let env = sign_statement(&statement, &signer).expect("sign");
    (signer, env)
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path.display().to_string()
}

#[test]
fn securesystemslib_verifies_with_the_exported_key_and_refuses_tampering() {
    let python = python();
    let (signer, env) = signed();
    let dir = tempfile::tempdir().expect("temp dir");
    let key = write(
        dir.path(),
        "key.json",
        signer.public_key().to_sslib_dict().to_string(),
    );
    let good = write(dir.path(), "approval.json", env.to_json());

    let mut tampered = Vec::new();
    let mut payload = env.clone();
    payload.payload = STANDARD.encode(b"{\"_type\":\"https://in-toto.io/Statement/v1\"}");
    let mut sig = env.clone();
    let mut raw = STANDARD.decode(&sig.signatures[0].sig).expect("b64");
    raw[5] ^= 0x40;
    sig.signatures[0].sig = STANDARD.encode(raw);
    let mut keyid = env.clone();
    keyid.signatures[0].keyid = "0".repeat(64);
    let mut payload_type = env.clone();
    payload_type.payload_type = "application/json".into();
    for (name, e) in [
        ("payload.json", payload),
        ("sig.json", sig),
        ("keyid.json", keyid),
        ("payloadType.json", payload_type),
    ] {
        tampered.push(write(dir.path(), name, e.to_json()));
    }

    let out = Command::new(&python)
        .arg("-c")
        .arg(VERIFY_PY)
        .arg(&key)
        .arg(&good)
        .args(&tampered)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}; run scripts/test.sh"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "securesystemslib:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains(&format!("verified {}", signer.keyid())),
        "{stdout}"
    );
    assert_eq!(stdout.matches("refused").count(), 4, "{stdout}");
}

#[test]
fn openssl_verifies_the_pae_with_the_exported_pem() {
    let (signer, env) = signed();
    let dir = tempfile::tempdir().expect("temp dir");
    let pem = write(
        dir.path(),
        "pub.pem",
        signer.public_key().to_pem().expect("pem"),
    );
    let payload = STANDARD.decode(&env.payload).expect("b64");
    let pae_path = write(dir.path(), "pae.bin", pae(&env.payload_type, &payload));
    let sig = write(
        dir.path(),
        "sig.bin",
        STANDARD.decode(&env.signatures[0].sig).expect("b64"),
    );
    let mut altered = pae(&env.payload_type, &payload);
    let last = altered.len() - 2;
    altered[last] ^= 1;
    let altered = write(dir.path(), "altered.bin", altered);

    let run = |input: &str| {
        Command::new("openssl")
            .args([
                "pkeyutl", "-verify", "-pubin", "-inkey", &pem, "-rawin", "-in", input,
            ])
            .args(["-sigfile", &sig])
            .output()
            .unwrap_or_else(|e| panic!("cannot run openssl (OpenSSL 3 is needed): {e}"))
    };
    let ok = run(&pae_path);
    assert!(
        ok.status.success(),
        "openssl refused a good signature:\n{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("Signature Verified Successfully"));
    assert!(
        !run(&altered).status.success(),
        "openssl accepted an altered PAE"
    );
}
