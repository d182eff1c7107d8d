//! A person's identity (name, email, public key) and the signer that holds their secret key.

use steward_domain::trust::KeyId;

use crate::key::{PublicKey, SecretKey};

/// Who a key belongs to. Public: safe to show, export and store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The person's name.
    pub name: String,
    /// The person's email.
    pub email: String,
    /// Their public key.
    pub public_key: PublicKey,
}

impl Identity {
    /// The key id of the identity's public key.
    pub fn keyid(&self) -> &KeyId {
        self.public_key.keyid()
    }

    /// The fingerprint a person reads aloud.
    pub fn fingerprint(&self) -> String {
        self.public_key.fingerprint()
    }
}

/// Signs with a secret key loaded from the keyring. Holds the key for as long as it lives;
/// drop it when done and the key's bytes are zeroed.
#[derive(Debug)]
pub struct Signer {
    secret: SecretKey,
    public: PublicKey,
}

impl Signer {
    /// A signer over `secret`.
    pub fn new(secret: SecretKey) -> Signer {
        let public = secret.public_key();
        Signer { secret, public }
    }

    /// The key id every signature carries.
    pub fn keyid(&self) -> &KeyId {
        self.public.keyid()
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// An ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.secret.sign(message)
    }
}
