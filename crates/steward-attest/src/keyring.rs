//! The OS keyring: where a person's secret key lives, and nowhere else.
//!
//! One entry per identity under the service `steward` (or `steward-<namespace>`, so tests and
//! demos keep their own entries and clean up). The entry holds the 32-byte ed25519 seed as
//! standard base64 — nothing else. There is no fallback: when the keyring cannot be used the
//! error says which backend failed and what to do, and nothing is written anywhere.
//!
//! Backends, through the `keyring` crate: macOS Keychain, Windows Credential Manager, and on
//! Linux the kernel key-management facility (keyutils), in the **user keyring** (`@u`).
//!
//! Why not the `keyring` crate's own keyutils store: it adds the key to the *session*
//! keyring and links it into the *persistent* keyring. Measured on this project's machines
//! (Linux 6.18 VM, no login session): linking into `_persistent.0` is refused (EACCES), which
//! the crate reports as `NoEntry` from `set_password` while leaving the key in the session
//! keyring; and a process started outside a login session gets a session keyring of its own
//! (`keyctl session -`), so a key kept only there is gone for the next command. The user
//! keyring is shared by every process of the user, so Steward stores there — through a
//! `keyring` credential of its own over `linux-keyutils` — and widens the key's *user*
//! permissions to read/write/search, because a process whose session does not link `@u`
//! finds the key but is not its possessor (the default grants such a process only `view`).
//! Other users cannot see it. keyutils lives in kernel memory: the key does not survive a
//! reboot. A Secret Service backend (GNOME Keyring, KWallet) is what a Linux laptop needs for
//! that; it is not built yet (it needs libdbus at build time and a running daemon).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use zeroize::Zeroizing;

use crate::error::{AttestError, Result};
use crate::key::SecretKey;

/// The keyring service name for real identities.
pub const SERVICE: &str = "steward";

/// Environment variable naming a keyring namespace: entries go under `steward-<namespace>`.
pub const NAMESPACE_ENV: &str = "STEWARD_KEYRING_NAMESPACE";

/// The backend this build uses, as named in errors.
pub const BACKEND: &str = if cfg!(target_os = "linux") {
    "kernel keyutils, user keyring"
} else if cfg!(target_os = "macos") {
    "macOS Keychain"
} else if cfg!(target_os = "windows") {
    "Windows Credential Manager"
} else {
    "none on this platform"
};

const REMEDY: &str = if cfg!(target_os = "linux") {
    "check that the kernel offers key management to this process (`keyctl show @u` should \
     list the user keyring; containers may block the keyctl system calls) and try again"
} else if cfg!(target_os = "macos") {
    "unlock the login keychain (Keychain Access) and try again"
} else if cfg!(target_os = "windows") {
    "check that Credential Manager is available to this account and try again"
} else {
    "Steward has no keyring backend for this platform; keys cannot be created here"
};

/// The keyring entry holding the identity index (see [`KeyStore::identities`]).
pub const INDEX_ENTRY: &str = ".identities";

/// A person's identity as the index records it: the keyring entry and who it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdentityRecord {
    /// The keyring entry holding the secret key (the person's email).
    pub identity: String,
    /// The person's name.
    pub name: String,
    /// The person's email.
    pub email: String,
}

/// Secret keys in the OS keyring, one entry per identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyStore {
    service: String,
}

impl Default for KeyStore {
    fn default() -> Self {
        KeyStore::new()
    }
}

impl KeyStore {
    /// The store for real identities (service `steward`).
    pub fn new() -> KeyStore {
        KeyStore {
            service: SERVICE.to_string(),
        }
    }

    /// A store of its own, service `steward-<namespace>`.
    pub fn with_namespace(namespace: &str) -> KeyStore {
        KeyStore {
            service: format!("{SERVICE}-{namespace}"),
        }
    }

    /// The namespace from [`NAMESPACE_ENV`] when set and not empty, else the real store.
    pub fn from_env() -> KeyStore {
        match std::env::var(NAMESPACE_ENV) {
            Ok(ns) if !ns.is_empty() => KeyStore::with_namespace(&ns),
            _ => KeyStore::new(),
        }
    }

    /// The keyring service name entries are stored under.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The backend, as errors name it.
    pub fn backend(&self) -> &'static str {
        BACKEND
    }

    /// Makes a new key for `identity` and stores it. Refuses when one exists unless
    /// `replace` (the caller records the old public key in the roster history first).
    pub fn create(&self, identity: &str, replace: bool) -> Result<SecretKey> {
        if !replace && self.exists(identity)? {
            return Err(AttestError::KeyExists {
                identity: identity.to_string(),
                backend: BACKEND,
            });
        }
        let key = SecretKey::generate();
        self.entry(identity)?
            .set_password(&key.seed_base64())
            .map_err(|e| keyring_error("could not store the key", e))?;
        Ok(key)
    }

    /// Loads `identity`'s key.
    pub fn load(&self, identity: &str) -> Result<SecretKey> {
        let stored = match self.entry(identity)?.get_password() {
            Ok(text) => Zeroizing::new(text),
            Err(keyring::Error::NoEntry) => return Err(self.no_key(identity)),
            Err(e) => return Err(keyring_error("could not read the key", e)),
        };
        let bytes = Zeroizing::new(STANDARD.decode(stored.as_bytes()).unwrap_or_default());
        let mut seed = Zeroizing::new([0u8; 32]);
        if bytes.len() != seed.len() {
            return Err(AttestError::Keyring {
                backend: BACKEND,
                problem: format!(
                    "entry {identity:?} under service {:?} does not hold a base64 ed25519 seed",
                    self.service
                ),
                remedy: "delete the entry and create the key again".into(),
            });
        }
        seed.copy_from_slice(&bytes);
        Ok(SecretKey::from_seed(&seed))
    }

    /// Whether `identity` has a key.
    pub fn exists(&self, identity: &str) -> Result<bool> {
        match self.entry(identity)?.get_password() {
            Ok(text) => {
                drop(Zeroizing::new(text));
                Ok(true)
            }
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keyring_error("could not read the keyring", e)),
        }
    }

    /// Deletes `identity`'s key; `false` when there was none.
    pub fn delete(&self, identity: &str) -> Result<bool> {
        match self.entry(identity)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keyring_error("could not delete the key", e)),
        }
    }

    /// The identities this store has keys for, as recorded by [`KeyStore::remember`].
    ///
    /// Keyrings cannot be listed portably, so the store keeps an index of its own: one
    /// entry named [`INDEX_ENTRY`] holding JSON `[{identity, name, email}]`. Nothing in it is
    /// secret (the public key is derived from the secret when needed).
    pub fn identities(&self) -> Result<Vec<IdentityRecord>> {
        let text = match self.entry(INDEX_ENTRY)?.get_password() {
            Ok(text) => text,
            Err(keyring::Error::NoEntry) => return Ok(Vec::new()),
            Err(e) => return Err(keyring_error("could not read the identity index", e)),
        };
        serde_json::from_str(&text).map_err(|e| AttestError::Keyring {
            backend: BACKEND,
            problem: format!(
                "the identity index under service {:?} is not readable ({e})",
                self.service
            ),
            remedy: "create your key again with `steward key init --replace`".into(),
        })
    }

    /// Records (or updates) `record` in the identity index.
    pub fn remember(&self, record: &IdentityRecord) -> Result<()> {
        let mut all = self.identities().unwrap_or_default();
        all.retain(|r| r.identity != record.identity);
        all.push(record.clone());
        all.sort_by(|a, b| a.identity.cmp(&b.identity));
        let text = serde_json::to_string(&all).unwrap_or_else(|_| "[]".into());
        self.entry(INDEX_ENTRY)?
            .set_password(&text)
            .map_err(|e| keyring_error("could not store the identity index", e))
    }

    /// Deletes `identity`'s key and its index record; `false` when there was no key.
    pub fn forget(&self, identity: &str) -> Result<bool> {
        let deleted = self.delete(identity)?;
        let mut all = self.identities().unwrap_or_default();
        let before = all.len();
        all.retain(|r| r.identity != identity);
        if all.is_empty() {
            match self.entry(INDEX_ENTRY)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => return Err(keyring_error("could not delete the identity index", e)),
            }
        } else if all.len() != before {
            let text = serde_json::to_string(&all).unwrap_or_else(|_| "[]".into());
            self.entry(INDEX_ENTRY)?
                .set_password(&text)
                .map_err(|e| keyring_error("could not store the identity index", e))?;
        }
        Ok(deleted)
    }

    fn no_key(&self, identity: &str) -> AttestError {
        AttestError::NoKey {
            identity: identity.to_string(),
            service: self.service.clone(),
            backend: BACKEND,
        }
    }

    fn entry(&self, identity: &str) -> Result<keyring::Entry> {
        if identity.is_empty() || identity.chars().any(char::is_control) {
            return Err(AttestError::Keyring {
                backend: BACKEND,
                problem: format!("cannot name an entry {identity:?}"),
                remedy: "use a non-empty identity without control characters".into(),
            });
        }
        #[cfg(target_os = "linux")]
        {
            Ok(keyring::Entry::new_with_credential(Box::new(
                user_keyring::UserKeyring::new(&self.service, identity),
            )))
        }
        #[cfg(not(target_os = "linux"))]
        {
            keyring::Entry::new(&self.service, identity)
                .map_err(|e| keyring_error("could not open an entry", e))
        }
    }
}

/// Re-words a keyring error. Never formats `BadEncoding` (it holds the stored bytes) or
/// `Ambiguous` (it holds credentials).
fn keyring_error(what: &str, e: keyring::Error) -> AttestError {
    let problem = match &e {
        keyring::Error::PlatformFailure(inner) => format!("{what}: the platform failed ({inner})"),
        keyring::Error::NoStorageAccess(inner) => {
            format!("{what}: it is unavailable or locked ({inner})")
        }
        keyring::Error::NoEntry => format!("{what}: no such entry"),
        keyring::Error::BadEncoding(_) => format!("{what}: the entry is not text"),
        keyring::Error::TooLong(field, max) => format!("{what}: {field} is longer than {max}"),
        keyring::Error::Invalid(field, reason) => format!("{what}: {field} {reason}"),
        keyring::Error::Ambiguous(found) => {
            format!("{what}: {} entries match", found.len())
        }
        _ => format!("{what}: an unknown keyring error"),
    };
    AttestError::Keyring {
        backend: BACKEND,
        problem,
        remedy: REMEDY.to_string(),
    }
}

#[cfg(target_os = "linux")]
mod user_keyring {
    //! A `keyring` credential in the kernel user keyring (see the module docs for why).

    use std::any::Any;

    use keyring::credential::CredentialApi;
    use linux_keyutils::{KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};

    /// One entry: a `user` key described `<service>:<identity>` in `@u`.
    #[derive(Debug, Clone)]
    pub(super) struct UserKeyring {
        description: String,
    }

    impl UserKeyring {
        pub(super) fn new(service: &str, identity: &str) -> UserKeyring {
            UserKeyring {
                description: format!("{service}:{identity}"),
            }
        }
    }

    fn ring() -> keyring::Result<KeyRing> {
        KeyRing::from_special_id(KeyRingIdentifier::User, false).map_err(|e| {
            keyring::Error::NoStorageAccess(Box::new(Failure(format!(
                "the user keyring is not available: {e:?}"
            ))))
        })
    }

    fn platform(step: &str, e: KeyError) -> keyring::Error {
        keyring::Error::PlatformFailure(Box::new(Failure(format!("{step}: {e:?}"))))
    }

    fn search(ring: &KeyRing, description: &str) -> keyring::Result<linux_keyutils::Key> {
        ring.search(description).map_err(|e| match e {
            KeyError::KeyDoesNotExist | KeyError::KeyRevoked | KeyError::KeyExpired => {
                keyring::Error::NoEntry
            }
            e => platform("search", e),
        })
    }

    impl CredentialApi for UserKeyring {
        fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
            let ring = ring()?;
            // add_key replaces the payload of an existing key with the same description.
            let key = ring
                .add_key(&self.description, secret)
                .map_err(|e| platform("add_key", e))?;
            let perms = KeyPermissionsBuilder::builder()
                .posessor(Permission::ALL)
                .user(Permission::VIEW | Permission::READ | Permission::WRITE | Permission::SEARCH)
                .build();
            if let Err(e) = key.set_perms(perms) {
                // A key the next process cannot read is useless: do not leave it behind.
                let _ = ring.unlink_key(key);
                return Err(platform("setperm", e));
            }
            Ok(())
        }

        fn get_secret(&self) -> keyring::Result<Vec<u8>> {
            let ring = ring()?;
            let key = search(&ring, &self.description)?;
            key.read_to_vec().map_err(|e| match e {
                KeyError::KeyRevoked | KeyError::KeyExpired => keyring::Error::NoEntry,
                e => platform("read", e),
            })
        }

        fn delete_credential(&self) -> keyring::Result<()> {
            let ring = ring()?;
            let key = search(&ring, &self.description)?;
            // Unlinking makes the key unreachable at once (invalidation alone is lazy, so a
            // search right after it may still find the key); then invalidate what is left.
            ring.unlink_key(key).map_err(|e| platform("unlink", e))?;
            let _ = key.invalidate();
            Ok(())
        }

        fn as_any(&self) -> &dyn Any {
            self
        }
    }

    /// A keyutils failure as an error value (linux-keyutils' own error is a bare code).
    #[derive(Debug)]
    struct Failure(String);

    impl std::fmt::Display for Failure {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Failure {}
}
