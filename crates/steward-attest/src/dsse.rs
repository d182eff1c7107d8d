//! DSSE envelopes, exactly as the DSSE v1 specification defines them.
//!
//! ```json
//! {"payload": "<base64>", "payloadType": "application/vnd.in-toto+json",
//!  "signatures": [{"keyid": "<sha256 of the raw public key, hex>", "sig": "<base64>"}]}
//! ```
//!
//! The signature is over `PAE(payloadType, payload)` = `"DSSEv1" SP LEN(type) SP type SP
//! LEN(body) SP body`, lengths in ASCII decimal, `body` the raw (decoded) payload. Base64 is
//! written standard with padding; standard and URL-safe are both read, as the spec allows.
//! Every signature carries a `keyid`: securesystemslib matches signatures to keys by exact
//! key id and refuses an empty one.

use std::collections::HashMap;

use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use steward_domain::trust::{KeyId, SignaturePart};

use crate::error::{AttestError, Result};
use crate::identity::Signer;
use crate::key::PublicKey;
use crate::statement::Statement;

/// The payload type of in-toto statements.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// A DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// The payload, base64.
    pub payload: String,
    /// What the payload is.
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// One or more signatures over PAE(payloadType, payload).
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    /// The signing key's id (read as empty when absent, which verification refuses).
    #[serde(default)]
    pub keyid: String,
    /// The ed25519 signature, base64.
    pub sig: String,
}

/// The DSSE pre-authentication encoding of `payload` under `payload_type`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload_type.len() + payload.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// Signs `payload` (in-toto payload type) with `signer`.
pub fn sign(payload: &[u8], signer: &Signer) -> Envelope {
    let sig = signer.sign(&pae(PAYLOAD_TYPE, payload));
    Envelope {
        payload: STANDARD.encode(payload),
        payload_type: PAYLOAD_TYPE.to_string(),
        signatures: vec![EnvelopeSignature {
            keyid: signer.keyid().to_string(),
            sig: STANDARD.encode(sig),
        }],
    }
}

/// Signs a statement's canonical payload.
pub fn sign_statement(statement: &Statement, signer: &Signer) -> Result<Envelope> {
    Ok(sign(&statement.to_payload()?, signer))
}

/// The public keys an envelope may be verified against, parsed once and looked up by key id.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    keys: HashMap<KeyId, PublicKey>,
}

impl TrustedKeys {
    /// The keys given.
    pub fn new(keys: impl IntoIterator<Item = PublicKey>) -> TrustedKeys {
        TrustedKeys {
            keys: keys.into_iter().map(|k| (k.keyid().clone(), k)).collect(),
        }
    }

    /// Adds a key.
    pub fn insert(&mut self, key: PublicKey) {
        self.keys.insert(key.keyid().clone(), key);
    }

    /// The key with this id, if trusted.
    pub fn get(&self, keyid: &str) -> Option<&PublicKey> {
        let keyid: KeyId = keyid.parse().ok()?;
        self.keys.get(&keyid)
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// A verified envelope: which key signed, and the payload it signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The key whose signature verified.
    pub keyid: KeyId,
    /// The decoded payload.
    pub payload: Vec<u8>,
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .ok()
}

/// Verifies `envelope` against `keys`: the first signature by a trusted key that verifies
/// wins. Failures name the part: `payloadType`, `payload` (not base64), `signatures` (none),
/// `keyid` (empty, or no trusted key has it) or `signature` (malformed, or does not verify
/// — which is also what an altered payload looks like).
pub fn verify(envelope: &Envelope, keys: &TrustedKeys) -> Result<Verified> {
    if envelope.payload_type != PAYLOAD_TYPE {
        return Err(AttestError::envelope(
            SignaturePart::PayloadType,
            format!(
                "payloadType is {:?}; expected {PAYLOAD_TYPE:?}",
                envelope.payload_type
            ),
        ));
    }
    let payload = decode_base64(&envelope.payload)
        .ok_or_else(|| AttestError::envelope(SignaturePart::Payload, "payload is not base64"))?;
    if envelope.signatures.is_empty() {
        return Err(AttestError::envelope(
            SignaturePart::NoSignatures,
            "the envelope has no signatures; sign it first",
        ));
    }
    let message = pae(&envelope.payload_type, &payload);
    let mut bad_signature: Option<String> = None;
    let mut bad_keyid: Option<String> = None;
    for (i, s) in envelope.signatures.iter().enumerate() {
        if s.keyid.is_empty() {
            bad_keyid.get_or_insert_with(|| format!("signature {i} has an empty keyid"));
            continue;
        }
        let Some(key) = keys.get(&s.keyid) else {
            bad_keyid.get_or_insert_with(|| {
                format!(
                    "signature {i} names keyid {:?}, which is not among the {} trusted keys",
                    s.keyid,
                    keys.len()
                )
            });
            continue;
        };
        let sig: Option<[u8; 64]> = decode_base64(&s.sig).and_then(|b| b.try_into().ok());
        let Some(sig) = sig else {
            bad_signature.get_or_insert_with(|| {
                format!(
                    "signature {i} (keyid {}) is not a base64 ed25519 signature",
                    s.keyid
                )
            });
            continue;
        };
        if key.verify(&message, &sig) {
            return Ok(Verified {
                keyid: key.keyid().clone(),
                payload,
            });
        }
        bad_signature.get_or_insert_with(|| {
            format!(
                "signature {i} by keyid {} does not verify over payloadType and payload \
                 (one of them was altered, or another key signed)",
                s.keyid
            )
        });
    }
    Err(match (bad_signature, bad_keyid) {
        (Some(reason), _) => AttestError::envelope(SignaturePart::Signature, reason),
        (None, Some(reason)) => AttestError::envelope(SignaturePart::Keyid, reason),
        (None, None) => AttestError::envelope(SignaturePart::NoSignatures, "no signature verified"),
    })
}

/// Verifies `envelope` and reads its payload as an in-toto statement.
pub fn verify_statement(envelope: &Envelope, keys: &TrustedKeys) -> Result<(KeyId, Statement)> {
    let verified = verify(envelope, keys)?;
    let statement = Statement::from_payload(&verified.payload).map_err(|e| {
        AttestError::envelope(SignaturePart::Payload, format!("signed payload: {e}"))
    })?;
    Ok((verified.keyid, statement))
}

impl Envelope {
    /// The decoded payload **without verifying anything**. Only for finding out which key
    /// to verify with (a roster's first change names its own root key); never trust what
    /// it says before [`verify`] succeeds.
    pub fn unverified_payload(&self) -> Result<Vec<u8>> {
        decode_base64(&self.payload)
            .ok_or_else(|| AttestError::envelope(SignaturePart::Payload, "payload is not base64"))
    }

    /// The envelope as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads an envelope from JSON.
    pub fn from_json(text: &[u8]) -> Result<Envelope> {
        serde_json::from_slice(text).map_err(|e| AttestError::Format {
            what: "DSSE envelope",
            reason: format!("{e}; expected payload, payloadType and signatures"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::SecretKey;
    use proptest::prelude::*;

    #[test]
    fn pae_matches_the_spec_example() {
        // The DSSE spec's protocol example.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
    }

    fn setup() -> (Signer, TrustedKeys, Envelope) {
        let signer = Signer::new(SecretKey::generate());
        let keys = TrustedKeys::new([signer.public_key().clone()]);
        let env = sign(b"{\"hello\":\"world\"}", &signer);
        (signer, keys, env)
    }

    #[test]
    fn verify_names_the_signing_key() {
        let (signer, keys, env) = setup();
        let v = verify(&env, &keys).expect("verifies");
        assert_eq!(&v.keyid, signer.keyid());
        assert_eq!(v.payload, b"{\"hello\":\"world\"}");
    }

    #[test]
    fn tampering_is_invalid_naming_the_part() {
        let (_, keys, env) = setup();
        let other = Signer::new(SecretKey::generate());
        type Tamper = fn(&mut Envelope, &Signer);
        let cases: Vec<(&str, Tamper, SignaturePart)> = vec![
            (
                "payload altered",
                |e, _| e.payload = STANDARD.encode(b"{\"hello\":\"there\"}"),
                SignaturePart::Signature,
            ),
            (
                "payload not base64",
                |e, _| e.payload = "not base64!".into(),
                SignaturePart::Payload,
            ),
            (
                "payloadType changed",
                |e, _| e.payload_type = "application/json".into(),
                SignaturePart::PayloadType,
            ),
            (
                "sig altered",
                |e, _| {
                    let mut raw = STANDARD.decode(&e.signatures[0].sig).expect("b64");
                    raw[0] ^= 1;
                    e.signatures[0].sig = STANDARD.encode(raw);
                },
                SignaturePart::Signature,
            ),
            (
                "sig truncated",
                |e, _| e.signatures[0].sig = STANDARD.encode([0u8; 10]),
                SignaturePart::Signature,
            ),
            (
                "keyid changed",
                |e, o| e.signatures[0].keyid = o.keyid().to_string(),
                SignaturePart::Keyid,
            ),
            (
                "keyid empty",
                |e, _| e.signatures[0].keyid.clear(),
                SignaturePart::Keyid,
            ),
            (
                "no signatures",
                |e, _| e.signatures.clear(),
                SignaturePart::NoSignatures,
            ),
        ];
        for (name, tamper, part) in cases {
            let mut e = env.clone();
            tamper(&mut e, &other);
            let err = verify(&e, &keys).expect_err(name);
            assert_eq!(err.signature_part(), Some(part), "{name}: {err}");
        }
    }

    #[test]
    fn a_second_trusted_signature_can_carry_the_envelope() {
        let (_, mut keys, mut env) = setup();
        let second = Signer::new(SecretKey::generate());
        keys.insert(second.public_key().clone());
        let payload = STANDARD.decode(&env.payload).expect("b64");
        env.signatures[0].sig = STANDARD.encode([7u8; 64]);
        env.signatures
            .push(sign(&payload, &second).signatures.remove(0));
        assert_eq!(
            &verify(&env, &keys).expect("second verifies").keyid,
            second.keyid()
        );
    }

    proptest! {
        #[test]
        fn envelopes_round_trip_through_json(payload in proptest::collection::vec(any::<u8>(), 0..256)) {
            let signer = Signer::new(SecretKey::from_seed(&zeroize::Zeroizing::new([9u8; 32])));
            let keys = TrustedKeys::new([signer.public_key().clone()]);
            let env = sign(&payload, &signer);
            let back = Envelope::from_json(env.to_json().as_bytes()).expect("parses");
            prop_assert_eq!(&back, &env);
            prop_assert_eq!(verify(&back, &keys).expect("verifies").payload, payload);
        }
    }
}
