//! Steward's signing layer: the only crate that touches private keys.
//!
//! It owns ed25519 key pairs ([`key`]), their home in the OS keyring ([`keyring`]), the
//! signer a loaded key becomes ([`identity`]), DSSE envelopes ([`dsse`]) over in-toto
//! Statement v1 payloads ([`statement`]), and canonical JSON for everything hashed or signed
//! ([`canonical`], the domain's one implementation).
//!
//! It must not touch SQL or HTTP, and it decides nothing about trust: verification returns
//! facts (which key signed, which part failed) and the rules in
//! `steward_domain::trust` decide what they mean. Secret keys never leave it except into
//! the keyring: [`key::SecretKey`] cannot be printed or serialized, and no error message
//! carries key bytes.

pub mod canonical;
pub mod dsse;
mod error;
pub mod identity;
pub mod key;
pub mod keyring;
pub mod statement;

#[cfg(test)]
mod leak_tests;

pub use dsse::{
    pae, sign, sign_statement, verify, verify_statement, Envelope, TrustedKeys, Verified,
    PAYLOAD_TYPE,
};
pub use error::{AttestError, Result};
pub use identity::{Identity, Signer};
pub use key::{PublicKey, SecretKey};
pub use keyring::{IdentityRecord, KeyStore};
pub use statement::{Statement, Subject, STATEMENT_TYPE};
