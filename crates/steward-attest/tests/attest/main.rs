//! steward-attest's integration tests, one module per concern.

mod interop;
mod keyring;
