//! Canonical JSON for everything this crate hashes or signs.
//!
//! One implementation only: the domain's ([`steward_domain::trust::canonical`]), re-exported
//! here so callers of the signing layer need not reach into the domain. The rules (RFC 8785
//! ordering and escaping, integers within ±(2^53 − 1) only, floats refused) are documented
//! there.

pub use steward_domain::trust::canonical::{
    canonical_bytes_of, canonical_digest_of, to_canonical_bytes, MAX_SAFE_INTEGER,
};
