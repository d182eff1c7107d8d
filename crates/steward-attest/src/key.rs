//! ed25519 keys: the public half in the forms other tools read, the secret half in a type
//! that cannot be printed, serialized or left in memory.

use std::fmt;

use base64::Engine as _;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePublicKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use rand_core::OsRng;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use steward_domain::trust::KeyId;
use zeroize::Zeroizing;

use crate::error::{AttestError, Result};

/// An ed25519 public key with its key id computed once.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    keyid: KeyId,
}

impl PublicKey {
    /// A key from its raw 32 bytes (refuses bytes that are not a curve point).
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|e| AttestError::PublicKey {
            form: "raw",
            reason: format!("not an ed25519 public key: {e}"),
        })?;
        Ok(PublicKey::from_verifying(key))
    }

    fn from_verifying(key: VerifyingKey) -> PublicKey {
        let keyid = KeyId::from_sha256(Sha256::digest(key.as_bytes()).into());
        PublicKey { key, keyid }
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.key.as_bytes()
    }

    /// Lowercase hex of the raw 32 bytes (securesystemslib's `keyval.public`).
    pub fn hex(&self) -> String {
        hex::encode(self.key.as_bytes())
    }

    /// The key id: lowercase hex sha256 of the raw 32 bytes.
    pub fn keyid(&self) -> &KeyId {
        &self.keyid
    }

    /// What a person reads aloud to compare keys (see [`KeyId::fingerprint`]).
    pub fn fingerprint(&self) -> String {
        self.keyid.fingerprint()
    }

    /// The securesystemslib key dictionary, with the key id alongside:
    /// `{"keyid": …, "keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": HEX}}`.
    pub fn to_sslib_dict(&self) -> Value {
        json!({
            "keyid": self.keyid.as_str(),
            "keytype": "ed25519",
            "scheme": "ed25519",
            "keyval": {"public": self.hex()},
        })
    }

    /// Reads a securesystemslib ed25519 key dictionary; a `keyid` in it must match the key.
    pub fn from_sslib_dict(dict: &Value) -> Result<PublicKey> {
        let bad = |reason: String| AttestError::PublicKey {
            form: "securesystemslib dictionary",
            reason,
        };
        for field in ["keytype", "scheme"] {
            match dict.get(field).and_then(Value::as_str) {
                Some("ed25519") => {}
                Some(other) => {
                    return Err(bad(format!(
                        "{field} is {other:?}; only \"ed25519\" is supported"
                    )))
                }
                None => return Err(bad(format!("{field} is missing; expected \"ed25519\""))),
            }
        }
        let hex_text = dict
            .pointer("/keyval/public")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("keyval.public is missing; expected 64 hex digits".into()))?;
        let mut raw = [0u8; 32];
        hex::decode_to_slice(hex_text, &mut raw)
            .map_err(|_| bad(format!("keyval.public {hex_text:?} is not 64 hex digits")))?;
        let key = PublicKey::from_bytes(&raw)?;
        if let Some(claimed) = dict.get("keyid").and_then(Value::as_str) {
            if claimed != key.keyid.as_str() {
                return Err(bad(format!(
                    "keyid {claimed:?} is not the sha256 of the key ({})",
                    key.keyid
                )));
            }
        }
        Ok(key)
    }

    /// SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`), what OpenSSL reads.
    pub fn to_pem(&self) -> Result<String> {
        self.key
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| AttestError::PublicKey {
                form: "PEM",
                reason: format!("cannot encode: {e}"),
            })
    }

    /// Reads a SubjectPublicKeyInfo PEM ed25519 key.
    pub fn from_pem(pem: &str) -> Result<PublicKey> {
        let key = VerifyingKey::from_public_key_pem(pem).map_err(|e| AttestError::PublicKey {
            form: "PEM",
            reason: format!("not an ed25519 SubjectPublicKeyInfo PEM: {e}"),
        })?;
        Ok(PublicKey::from_verifying(key))
    }

    /// Whether `signature` is this key's signature of `message` (strict verification:
    /// no malleable signatures, no weak keys).
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.key
            .verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.keyid)
    }
}

/// An ed25519 secret key. It has no `Display`, no `Serialize`, and a `Debug` that prints
/// `SecretKey(..)`; its bytes are zeroed when it is dropped (ed25519-dalek's `zeroize`).
/// The only way out of the process is into the OS keyring ([`crate::keyring`]).
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> SecretKey {
        SecretKey(SigningKey::generate(&mut OsRng))
    }

    /// The key from its 32-byte seed.
    pub(crate) fn from_seed(seed: &Zeroizing<[u8; 32]>) -> SecretKey {
        SecretKey(SigningKey::from_bytes(seed))
    }

    /// The 32-byte seed, for the keyring only.
    pub(crate) fn seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The seed as standard base64, the form the keyring stores.
    pub(crate) fn seed_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(*self.seed()))
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_verifying(self.0.verifying_key())
    }

    /// Signs `message` (ed25519, deterministic).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyid_is_sha256_of_the_raw_key() {
        let sk = SecretKey::generate();
        let pk = sk.public_key();
        assert_eq!(
            pk.keyid().as_str(),
            hex::encode(Sha256::digest(pk.as_bytes()))
        );
        assert_eq!(pk.fingerprint().split(' ').count(), 10);
    }

    #[test]
    fn public_key_round_trips_through_both_export_forms() {
        let pk = SecretKey::generate().public_key();
        let dict = pk.to_sslib_dict();
        assert_eq!(PublicKey::from_sslib_dict(&dict).expect("dict"), pk);
        let pem = pk.to_pem().expect("pem");
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
        assert_eq!(PublicKey::from_pem(&pem).expect("pem"), pk);
    }

    #[test]
    fn sslib_dict_refusals_name_the_field() {
        let pk = SecretKey::generate().public_key();
        let mut wrong_keyid = pk.to_sslib_dict();
        wrong_keyid["keyid"] = json!("00".repeat(32));
        let mut rsa = pk.to_sslib_dict();
        rsa["keytype"] = json!("rsa");
        let mut short = pk.to_sslib_dict();
        short["keyval"]["public"] = json!("abcd");
        for (dict, want) in [
            (wrong_keyid, "keyid"),
            (rsa, "keytype"),
            (short, "keyval.public"),
        ] {
            let err = PublicKey::from_sslib_dict(&dict)
                .expect_err(want)
                .to_string();
            assert!(err.contains(want), "{err}");
        }
    }

    #[test]
    fn seed_round_trips_and_debug_hides_it() {
        let sk = SecretKey::generate();
        let again = SecretKey::from_seed(&sk.seed());
        assert_eq!(again.public_key(), sk.public_key());
        assert_eq!(format!("{sk:?}"), "SecretKey(..)");
        let msg = b"steward";
        assert!(sk.public_key().verify(msg, &again.sign(msg)));
    }
}
