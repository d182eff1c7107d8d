//! The OS keyring: where a person's secret key lives, and nowhere else.
//!
//! One entry per identity under the service `steward` (or `steward-<namespace>`, so tests and
//! demos keep their own entries and clean up). The entry holds the 32-byte ed25519 seed as
//! standard base64 — nothing else. There is no fallback: when the keyring cannot be used the
//! error says which backend failed and what to do, and nothing is written anywhere.
//!
//! Backends, through the `keyring` crate: macOS Keychain, Windows Credential Manager, and on
//! Linux either **Secret Service** (GNOME Keyring, KWallet — over D-Bus, kept on disk by the
//! daemon, survives a reboot) or the kernel key-management facility (keyutils) in the **user
//! keyring** (`@u`, in kernel memory: gone at reboot). [`BACKEND_ENV`] chooses on Linux:
//! `secret-service`, `keyutils`, or unset for automatic — Secret Service when a session bus
//! answers for `org.freedesktop.secrets`, else the user keyring. The choice is always named
//! ([`KeyStore::backend`], printed by `steward key init/show`); a backend asked for by name
//! that cannot be used is an error naming it, never a fallback to the other one.
//!
//! Secret Service items are the `keyring` crate's own: attributes `service` (`steward…`),
//! `username` (the identity), `target` (`default`, the default collection) and
//! `application` (`rust-keyring`); `secret-tool search --all service steward` lists them.
//! A locked collection is an error that says to unlock it.
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
//! Other users cannot see it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use zeroize::Zeroizing;

use crate::error::{AttestError, Result};
use crate::key::SecretKey;

/// The keyring service name for real identities.
pub const SERVICE: &str = "steward";

/// Environment variable naming a keyring namespace: entries go under `steward-<namespace>`.
pub const NAMESPACE_ENV: &str = "STEWARD_KEYRING_NAMESPACE";

/// Environment variable choosing the backend on Linux: `secret-service`, `keyutils`, or unset
/// (or empty) for automatic.
pub const BACKEND_ENV: &str = "STEWARD_KEYRING_BACKEND";

/// A keyring backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Secret Service over D-Bus (GNOME Keyring, KWallet); Linux.
    SecretService,
    /// The kernel user keyring (`@u`) through keyutils; Linux.
    UserKeyring,
    /// The platform's own store (macOS Keychain, Windows Credential Manager).
    Native,
}

impl Backend {
    /// The backend's name, as output and errors show it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::SecretService => "Secret Service",
            Backend::UserKeyring => "kernel keyutils, user keyring",
            Backend::Native if cfg!(target_os = "macos") => "macOS Keychain",
            Backend::Native if cfg!(target_os = "windows") => "Windows Credential Manager",
            Backend::Native => "none on this platform",
        }
    }

    fn remedy(self) -> &'static str {
        match self {
            Backend::SecretService => {
                "start and unlock your Secret Service keyring (GNOME Keyring or KWallet; on a \
                 desktop, log in to it, e.g. with the Passwords and Keys app), or set \
                 STEWARD_KEYRING_BACKEND=keyutils to use the kernel user keyring (in memory: \
                 keys are lost at reboot)"
            }
            Backend::UserKeyring => {
                "check that the kernel offers key management to this process (`keyctl show @u` \
                 should list the user keyring; containers may block the keyctl system calls) \
                 and try again"
            }
            Backend::Native if cfg!(target_os = "macos") => {
                "unlock the login keychain (Keychain Access) and try again"
            }
            Backend::Native if cfg!(target_os = "windows") => {
                "check that Credential Manager is available to this account and try again"
            }
            Backend::Native => {
                "Steward has no keyring backend for this platform; keys cannot be created here"
            }
        }
    }

    /// What to do when the store answered but refused access (locked, prompt dismissed).
    fn locked_remedy(self) -> &'static str {
        match self {
            Backend::SecretService => {
                "unlock the Secret Service collection (GNOME Keyring: the login keyring, e.g. \
                 in the Passwords and Keys app or with `gnome-keyring-daemon --unlock`; \
                 KWallet: open the wallet) and try again"
            }
            other => other.remedy(),
        }
    }
}

/// The backend chosen for a store, or why none could be.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Choice {
    Ready(Backend),
    Unavailable {
        named: &'static str,
        problem: String,
        remedy: &'static str,
    },
}

impl Choice {
    /// From [`BACKEND_ENV`]; probes Secret Service when it matters.
    fn from_env(service: &str) -> Choice {
        let wanted = std::env::var(BACKEND_ENV).unwrap_or_default();
        Choice::for_request(wanted.trim(), service)
    }

    #[cfg(target_os = "linux")]
    fn for_request(wanted: &str, service: &str) -> Choice {
        match wanted {
            "" | "auto" => match secret_service_probe(service) {
                Ok(()) => Choice::Ready(Backend::SecretService),
                Err(_) => Choice::Ready(Backend::UserKeyring),
            },
            "secret-service" => match secret_service_probe(service) {
                Ok(()) => Choice::Ready(Backend::SecretService),
                Err(why) => Choice::Unavailable {
                    named: Backend::SecretService.name(),
                    problem: format!(
                        "was asked for ({BACKEND_ENV}=secret-service) but cannot be reached: {why}"
                    ),
                    remedy: Backend::SecretService.remedy(),
                },
            },
            "keyutils" => Choice::Ready(Backend::UserKeyring),
            other => Choice::unknown(other),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn for_request(wanted: &str, _service: &str) -> Choice {
        match wanted {
            "" | "auto" => Choice::Ready(Backend::Native),
            "secret-service" | "keyutils" => Choice::Unavailable {
                named: if wanted == "keyutils" {
                    Backend::UserKeyring.name()
                } else {
                    Backend::SecretService.name()
                },
                problem: format!("was asked for ({BACKEND_ENV}={wanted}) but exists only on Linux"),
                remedy: "unset STEWARD_KEYRING_BACKEND to use this platform's keyring",
            },
            other => Choice::unknown(other),
        }
    }

    fn unknown(other: &str) -> Choice {
        Choice::Unavailable {
            named: "none chosen",
            problem: format!("backend {other:?} ({BACKEND_ENV}) is not one Steward knows"),
            remedy: "set STEWARD_KEYRING_BACKEND to `secret-service` or `keyutils`, or unset it \
                     to choose automatically",
        }
    }
}

/// Whether Secret Service answers on the session bus: a search for an entry that does not
/// exist (no item matches, so nothing is unlocked and no prompt is shown). A locked store
/// still answers — it is chosen, and using it says to unlock it.
#[cfg(target_os = "linux")]
fn secret_service_probe(service: &str) -> std::result::Result<(), String> {
    use keyring::credential::CredentialApi;
    let probe = keyring::secret_service::SsCredential::new_with_target(None, service, ".probe")
        .map_err(|e| e.to_string())?;
    match probe.get_secret() {
        Ok(bytes) => {
            drop(Zeroizing::new(bytes));
            Ok(())
        }
        Err(keyring::Error::NoEntry)
        | Err(keyring::Error::NoStorageAccess(_))
        | Err(keyring::Error::Ambiguous(_)) => Ok(()),
        Err(keyring::Error::PlatformFailure(inner)) => Err(inner.to_string()),
        Err(_) => Err("an unexpected answer".into()),
    }
}

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
    choice: Choice,
}

impl Default for KeyStore {
    fn default() -> Self {
        KeyStore::new()
    }
}

impl KeyStore {
    /// The store for real identities (service `steward`).
    ///
    /// The backend comes from [`BACKEND_ENV`] (see the module docs); so for every constructor.
    pub fn new() -> KeyStore {
        KeyStore::for_service(SERVICE.to_string())
    }

    /// A store of its own, service `steward-<namespace>`.
    pub fn with_namespace(namespace: &str) -> KeyStore {
        KeyStore::for_service(format!("{SERVICE}-{namespace}"))
    }

    fn for_service(service: String) -> KeyStore {
        let choice = Choice::from_env(&service);
        KeyStore { service, choice }
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

    /// The backend in use, as output and errors name it (when none could be used, the one
    /// that was asked for; every operation then fails saying why).
    pub fn backend(&self) -> &'static str {
        match &self.choice {
            Choice::Ready(b) => b.name(),
            Choice::Unavailable { named, .. } => named,
        }
    }

    fn ready(&self) -> Result<Backend> {
        match &self.choice {
            Choice::Ready(b) => Ok(*b),
            Choice::Unavailable {
                named,
                problem,
                remedy,
            } => Err(AttestError::Keyring {
                backend: named,
                problem: problem.clone(),
                remedy: (*remedy).to_string(),
            }),
        }
    }

    /// Makes a new key for `identity` and stores it. Refuses when one exists unless
    /// `replace` (the caller records the old public key in the roster history first).
    pub fn create(&self, identity: &str, replace: bool) -> Result<SecretKey> {
        if !replace && self.exists(identity)? {
            return Err(AttestError::KeyExists {
                identity: identity.to_string(),
                backend: self.backend(),
            });
        }
        let key = SecretKey::generate();
        self.entry(identity)?
            .set_password(&key.seed_base64())
            .map_err(|e| self.keyring_error("could not store the key", e))?;
        Ok(key)
    }

    /// Loads `identity`'s key.
    pub fn load(&self, identity: &str) -> Result<SecretKey> {
        let stored = match self.entry(identity)?.get_password() {
            Ok(text) => Zeroizing::new(text),
            Err(keyring::Error::NoEntry) => return Err(self.no_key(identity)),
            Err(e) => return Err(self.keyring_error("could not read the key", e)),
        };
        let bytes = Zeroizing::new(STANDARD.decode(stored.as_bytes()).unwrap_or_default());
        let mut seed = Zeroizing::new([0u8; 32]);
        if bytes.len() != seed.len() {
            return Err(AttestError::Keyring {
                backend: self.backend(),
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
            Err(e) => Err(self.keyring_error("could not read the keyring", e)),
        }
    }

    /// Deletes `identity`'s key; `false` when there was none.
    pub fn delete(&self, identity: &str) -> Result<bool> {
        match self.entry(identity)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(self.keyring_error("could not delete the key", e)),
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
            Err(e) => return Err(self.keyring_error("could not read the identity index", e)),
        };
        serde_json::from_str(&text).map_err(|e| AttestError::Keyring {
            backend: self.backend(),
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
            .map_err(|e| self.keyring_error("could not store the identity index", e))
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
                Err(e) => return Err(self.keyring_error("could not delete the identity index", e)),
            }
        } else if all.len() != before {
            let text = serde_json::to_string(&all).unwrap_or_else(|_| "[]".into());
            self.entry(INDEX_ENTRY)?
                .set_password(&text)
                .map_err(|e| self.keyring_error("could not store the identity index", e))?;
        }
        Ok(deleted)
    }

    fn no_key(&self, identity: &str) -> AttestError {
        AttestError::NoKey {
            identity: identity.to_string(),
            service: self.service.clone(),
            backend: self.backend(),
        }
    }

    fn entry(&self, identity: &str) -> Result<keyring::Entry> {
        if identity.is_empty() || identity.chars().any(char::is_control) {
            return Err(AttestError::Keyring {
                backend: self.backend(),
                problem: format!("cannot name an entry {identity:?}"),
                remedy: "use a non-empty identity without control characters".into(),
            });
        }
        match self.ready()? {
            #[cfg(target_os = "linux")]
            Backend::SecretService => {
                let cred = keyring::secret_service::SsCredential::new_with_target(
                    None,
                    &self.service,
                    identity,
                )
                .map_err(|e| self.keyring_error("could not open an entry", e))?;
                Ok(keyring::Entry::new_with_credential(Box::new(cred)))
            }
            #[cfg(target_os = "linux")]
            Backend::UserKeyring => Ok(keyring::Entry::new_with_credential(Box::new(
                user_keyring::UserKeyring::new(&self.service, identity),
            ))),
            #[cfg(not(target_os = "linux"))]
            Backend::Native => keyring::Entry::new(&self.service, identity)
                .map_err(|e| self.keyring_error("could not open an entry", e)),
            other => Err(AttestError::Keyring {
                backend: other.name(),
                problem: "is not built into Steward for this platform".into(),
                remedy: other.remedy().into(),
            }),
        }
    }

    fn keyring_error(&self, what: &str, e: keyring::Error) -> AttestError {
        let backend = match &self.choice {
            Choice::Ready(b) => *b,
            Choice::Unavailable { .. } => Backend::Native,
        };
        keyring_error(backend, what, e)
    }

    /// Stores a secret that is not a signing key (the registry credential) under `name`,
    /// which must start with `secret:` so it can never collide with an identity.
    pub fn set_secret(&self, name: &str, secret: &str) -> Result<()> {
        self.secret_entry(name)?
            .set_password(secret)
            .map_err(|e| self.keyring_error("could not store the secret", e))
    }

    /// The secret stored under `name`, if any.
    pub fn secret(&self, name: &str) -> Result<Option<Zeroizing<String>>> {
        match self.secret_entry(name)?.get_password() {
            Ok(text) => Ok(Some(Zeroizing::new(text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.keyring_error("could not read the secret", e)),
        }
    }

    /// Deletes the secret under `name`; `false` when there was none.
    pub fn delete_secret(&self, name: &str) -> Result<bool> {
        match self.secret_entry(name)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(self.keyring_error("could not delete the secret", e)),
        }
    }

    fn secret_entry(&self, name: &str) -> Result<keyring::Entry> {
        if !name.starts_with("secret:") {
            return Err(AttestError::Keyring {
                backend: self.backend(),
                problem: format!("secret entry {name:?} does not start with \"secret:\""),
                remedy: "name secrets secret:<what>".into(),
            });
        }
        self.entry(name)
    }
}

/// Re-words a keyring error. Never formats `BadEncoding` (it holds the stored bytes) or
/// `Ambiguous` (it holds credentials).
fn keyring_error(backend: Backend, what: &str, e: keyring::Error) -> AttestError {
    let remedy = match &e {
        keyring::Error::NoStorageAccess(_) => backend.locked_remedy(),
        _ => backend.remedy(),
    };
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
        backend: backend.name(),
        problem,
        remedy: remedy.to_string(),
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

#[cfg(test)]
mod choice_tests {
    use super::*;

    #[test]
    fn an_unknown_backend_name_is_an_error_that_says_which_names_work() {
        let store = KeyStore {
            service: "steward-choice-test".into(),
            choice: Choice::for_request("files", "steward-choice-test"),
        };
        assert_eq!(store.backend(), "none chosen");
        let err = store
            .exists("ana@example.com")
            .expect_err("an unknown backend is an error")
            .to_string();
        assert!(
            err.contains("\"files\"") && err.contains("secret-service") && err.contains("keyutils"),
            "{err}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn keyutils_by_name_is_the_user_keyring_without_probing() {
        assert_eq!(
            Choice::for_request("keyutils", "steward-choice-test"),
            Choice::Ready(Backend::UserKeyring)
        );
    }
}
