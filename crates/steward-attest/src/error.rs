//! The signing layer's error type.
//!
//! Messages are lowercase, name the part or value at fault and say what to do. None of them
//! ever carries key material: secret bytes are not formatted anywhere in this crate, and
//! errors from the keyring are re-worded rather than passed through (the `keyring` crate's
//! `BadEncoding` holds the stored bytes).

use steward_domain::trust::{SignaturePart, TrustError};

/// Everything the signing layer can refuse.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    /// Canonical JSON refused a value (a float, an unsafe integer).
    #[error(transparent)]
    Canonical(#[from] TrustError),

    /// An envelope that does not verify; `part` says which part failed.
    #[error("envelope is invalid at its {part_name}: {reason}", part_name = part_name(*.part))]
    Envelope {
        /// The part that failed.
        part: SignaturePart,
        /// What is wrong.
        reason: String,
    },

    /// JSON that is not the expected document (envelope, statement, key dictionary).
    #[error("invalid {what}: {reason}")]
    Format {
        /// What was being read.
        what: &'static str,
        /// What is wrong and what is expected.
        reason: String,
    },

    /// A public key that does not parse.
    #[error("invalid public key ({form}): {reason}")]
    PublicKey {
        /// `raw`, `securesystemslib dictionary` or `PEM`.
        form: &'static str,
        /// What is wrong.
        reason: String,
    },

    /// The OS keyring could not be used.
    #[error("the OS keyring ({backend}) {problem}; {remedy}")]
    Keyring {
        /// Which backend (`kernel keyutils, user keyring`, `macOS Keychain`…).
        backend: &'static str,
        /// What failed, without any secret.
        problem: String,
        /// What the person can do.
        remedy: String,
    },

    /// `create` without `replace` over an existing key.
    #[error(
        "a key for {identity:?} already exists in the OS keyring ({backend}); \
         pass replace to make a new one (the old public key stays in the roster history)"
    )]
    KeyExists {
        /// The identity's entry name.
        identity: String,
        /// Which backend.
        backend: &'static str,
    },

    /// No key stored for this identity.
    #[error(
        "no key for {identity:?} in the OS keyring ({backend}) under service {service:?}; \
         create one first (steward key init)"
    )]
    NoKey {
        /// The identity's entry name.
        identity: String,
        /// The keyring service name.
        service: String,
        /// Which backend.
        backend: &'static str,
    },
}

fn part_name(part: SignaturePart) -> &'static str {
    match part {
        SignaturePart::Payload => "payload",
        SignaturePart::PayloadType => "payloadType",
        SignaturePart::Signature => "signature",
        SignaturePart::Keyid => "keyid",
        SignaturePart::NoSignatures => "signatures",
    }
}

impl AttestError {
    /// For an envelope failure, the part that failed (what the approval state reports).
    pub fn signature_part(&self) -> Option<SignaturePart> {
        match self {
            AttestError::Envelope { part, .. } => Some(*part),
            _ => None,
        }
    }

    pub(crate) fn envelope(part: SignaturePart, reason: impl Into<String>) -> AttestError {
        AttestError::Envelope {
            part,
            reason: reason.into(),
        }
    }
}

/// Result with [`AttestError`].
pub type Result<T, E = AttestError> = std::result::Result<T, E>;
