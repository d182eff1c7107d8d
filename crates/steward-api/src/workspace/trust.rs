//! Trust operations: identities, the roster, approvals, review packets and audit seals.
//!
//! These gather evidence and call the domain's rules; they decide nothing themselves. The
//! roster is never stored as state: every read verifies each stored change's envelope
//! (the first against the root key it names, each later one against the keys the changes
//! before it introduced), checks that it links to the change before it, and folds it with
//! `Roster::apply`. A row nobody trusted signed stops the fold there, so a change inserted
//! with SQL is reported and not believed. Approvals are decided the same way on every read:
//! verify the envelope against the roster's keys, ask `Roster::may_sign`, compare the signed
//! review subject with the current one (`staleness`), and let `approval_state` say what that
//! means. Signing happens in `steward-attest` with the key from the OS keyring.

use std::collections::BTreeMap;
use std::path::Path;
use steward_store::clock::now;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use steward_attest::{
    self as attest, Envelope, IdentityRecord, KeyStore, PublicKey, Signer, Statement, Subject,
    TrustedKeys,
};
use steward_domain::trust::{
    approval_state, staleness, ApprovalState, ChangeKind as RosterOp, DatasetChecksum, Decision,
    DocumentRevision, EvaluationEvidence, KeyId, ReviewSubject, Role, Roster, RosterChange,
    SignaturePart, Verdict,
};
use steward_domain::{ModelName, Sha256Digest, Stage, Version};
use steward_store::{ApprovalRow, DocumentTarget, NewApproval, NewRosterChange, NewSeal};

use super::{parse, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::*;

/// The predicate type of a roster change.
pub const ROSTER_PREDICATE: &str = "https://steward.dev/roster-change/v1";
/// The predicate type of an approval.
pub const APPROVAL_PREDICATE: &str = "https://steward.dev/approval/v1";
/// The predicate type of an audit seal.
pub const SEAL_PREDICATE: &str = "https://steward.dev/audit-seal/v1";
/// The in-toto subject name of roster changes (its digest links each to the one before).
const ROSTER_SUBJECT: &str = "steward-roster";
/// The in-toto subject name of audit seals (its digest is the sealed entry's hash).
const AUDIT_SUBJECT: &str = "steward-audit-log";
/// Names the keyring entry that signs; default: the only identity in the keyring.
pub const IDENTITY_ENV: &str = "STEWARD_IDENTITY";
/// The format tag of a roster file.
const ROSTER_FORMAT: &str = "steward.roster/v1";
/// The format tag of a review packet.
const PACKET_FORMAT: &str = "steward.review-packet/v1";
/// Files read as envelopes, keys or rosters are small; anything larger is refused unread.
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// What a roster change's statement says.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RosterPredicate {
    seq: u64,
    change: RosterOp,
    /// Key id → raw public key (hex) for every key this change introduces.
    keys: BTreeMap<String, String>,
    signed_at: String,
}

/// Who signed, as the signer says (the verified key id must match).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct SignerInfo {
    pub(super) keyid: String,
    pub(super) name: String,
    pub(super) email: String,
}

/// What an approval's statement says.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ApprovalPredicate {
    role: Role,
    decision: Decision,
    comment: String,
    signer: SignerInfo,
    signed_at: String,
    target_stage: Stage,
    subject_digest: Sha256Digest,
    subject: ReviewSubject,
    roster_root: Option<String>,
}

/// What an audit seal's statement says.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SealPredicate {
    sealed_seq: i64,
    head_hash: String,
    signer: SignerInfo,
    sealed_at: String,
}

/// A roster file: the signed changes, in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RosterFile {
    format: String,
    root: String,
    root_fingerprint: String,
    changes: Vec<Envelope>,
}

/// The roster as far as its stored changes are trusted.
#[derive(Debug, Default)]
pub(super) struct TrustState {
    pub(super) roster: Option<Roster>,
    /// Every public key the trusted changes introduced (active or retired).
    pub(super) keys: TrustedKeys,
    /// Per trusted change: the sha256 of its signed payload, its time and its envelope.
    trusted: Vec<(Sha256Digest, String, Envelope)>,
    /// Why the first untrusted change is not trusted (nothing after it is read).
    problems: Vec<String>,
}

impl TrustState {
    pub(super) fn roster(&self) -> Result<&Roster> {
        self.roster.as_ref().ok_or_else(|| match self.problems.first() {
            Some(p) => ApiError::new(
                ErrorCode::Untrusted,
                format!("the workspace's roster is not trusted: {p}; import your team's roster file (`steward roster import FILE`) into a fresh workspace"),
            ),
            None => ApiError::new(
                ErrorCode::NotFound,
                "this workspace has no trust roster; `steward roster init` makes your key its root, or `steward roster import FILE` loads your team's",
            ),
        })
    }

    fn root_fingerprint(&self) -> Option<String> {
        self.roster.as_ref().map(|r| r.root().fingerprint())
    }

    pub(super) fn name_of(&self, keyid: &KeyId) -> String {
        self.roster
            .as_ref()
            .and_then(|r| r.member(keyid))
            .map_or_else(|| "unknown".to_string(), |m| m.name.clone())
    }
}

pub(super) fn untrusted(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Untrusted, message)
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Io,
        format!("cannot {what} {}: {e}", path.display()),
    )
}

fn read_small(path: &Path, what: &str) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| io_error("read", path, e))?;
    if !meta.is_file() {
        return Err(ApiError::invalid(format!(
            "{} is not a file; give the {what} file",
            path.display()
        )));
    }
    if meta.len() > MAX_FILE {
        return Err(ApiError::invalid(format!(
            "{} is {} bytes; a {what} file is at most {MAX_FILE} bytes",
            path.display(),
            meta.len()
        )));
    }
    std::fs::read(path).map_err(|e| io_error("read", path, e))
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| io_error("write", path, e))
}

pub(super) fn to_value<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

fn pretty<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn kebab<T: Serialize>(v: &T, tag: &str) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| match v {
            Value::String(s) => Some(s),
            Value::Object(o) => o.get(tag).and_then(Value::as_str).map(str::to_string),
            _ => None,
        })
        .unwrap_or_default()
}

pub(super) fn fingerprint_of(keyid: &str) -> String {
    keyid
        .parse::<KeyId>()
        .map(|k| k.fingerprint())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Identities (no workspace needed)

pub(super) fn keystore() -> KeyStore {
    KeyStore::from_env()
}

/// The identity that signs: `STEWARD_IDENTITY`, else the only one in the keyring.
pub(super) fn current_identity(ks: &KeyStore) -> Result<IdentityRecord> {
    let all = ks.identities()?;
    match std::env::var(IDENTITY_ENV).ok().filter(|v| !v.is_empty()) {
        Some(wanted) => all
            .into_iter()
            .find(|r| r.identity == wanted || r.email == wanted)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Keyring,
                    format!(
                        "{IDENTITY_ENV} names {wanted:?}, which has no key in the OS keyring ({}) under service {:?}; create it with `steward key init --name NAME --email {wanted}`",
                        ks.backend(),
                        ks.service()
                    ),
                )
            }),
        None => match <[IdentityRecord; 1]>::try_from(all) {
            Ok([one]) => Ok(one),
            Err(all) if all.is_empty() => Err(ApiError::new(
                ErrorCode::Keyring,
                format!(
                    "no identity in the OS keyring ({}) under service {:?}; create one with `steward key init --name NAME --email EMAIL`",
                    ks.backend(),
                    ks.service()
                ),
            )),
            Err(all) => Err(ApiError::new(
                ErrorCode::Keyring,
                format!(
                    "the keyring holds several identities ({}); set {IDENTITY_ENV} to the one that signs",
                    all.iter().map(|r| r.identity.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )),
        },
    }
}

pub(super) fn load_signer(ks: &KeyStore, who: &IdentityRecord) -> Result<Signer> {
    Ok(Signer::new(ks.load(&who.identity)?))
}

fn identity_view(ks: &KeyStore, who: &IdentityRecord, public: &PublicKey) -> IdentityView {
    IdentityView {
        identity: who.identity.clone(),
        name: who.name.clone(),
        email: who.email.clone(),
        keyid: public.keyid().to_string(),
        fingerprint: public.fingerprint(),
        public_key: public.hex(),
        keyring_service: ks.service().to_string(),
        backend: ks.backend().to_string(),
    }
}

pub(super) fn signer_info(who: &IdentityRecord, signer: &Signer) -> SignerInfo {
    SignerInfo {
        keyid: signer.keyid().to_string(),
        name: who.name.clone(),
        email: who.email.clone(),
    }
}

/// Creates the person's key in the OS keyring. With `replace`, the old key is replaced and,
/// when `ws` has a roster holding it, the rotation is signed by the old key and recorded.
pub fn key_init(req: &KeyInit, ws: Option<&Workspace>) -> Result<KeyInitResult> {
    let name = req.name.trim();
    let email = req.email.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "--name is empty; give the name your reviewers know you by",
        ));
    }
    let valid_email = email.contains('@')
        && !email.starts_with('@')
        && !email.ends_with('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid_email {
        return Err(ApiError::invalid(format!(
            "--email {email:?} is not an email address (name@example.org)"
        )));
    }
    let ks = keystore();
    let old = if req.replace && ks.exists(email)? {
        Some(Signer::new(ks.load(email)?))
    } else {
        None
    };
    let secret = ks.create(email, req.replace)?;
    let public = secret.public_key();
    drop(secret);
    let who = IdentityRecord {
        identity: email.to_string(),
        name: name.to_string(),
        email: email.to_string(),
    };
    ks.remember(&who)?;
    let mut rotation = None;
    if let (Some(old), Some(ws)) = (&old, ws) {
        let state = ws.trust_state()?;
        let member_active = state
            .roster
            .as_ref()
            .and_then(|r| r.member(old.keyid()))
            .is_some_and(|m| m.is_active());
        if member_active {
            let op = RosterOp::Rotate {
                old: old.keyid().clone(),
                new: public.keyid().clone(),
            };
            rotation = Some(ws.sign_roster_change(&state, old, op, &[&public])?);
        }
    }
    Ok(KeyInitResult {
        identity: identity_view(&ks, &who, &public),
        replaced: old.map(|o| o.keyid().to_string()),
        rotation: rotation.map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
    })
}

/// The identity that signs, with its public key.
pub fn key_show() -> Result<IdentityView> {
    let ks = keystore();
    let who = current_identity(&ks)?;
    let signer = load_signer(&ks, &who)?;
    Ok(identity_view(&ks, &who, signer.public_key()))
}

fn pem_path(path: &Path) -> std::path::PathBuf {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => path.with_extension("pem"),
        _ => {
            let mut p = path.as_os_str().to_owned();
            p.push(".pem");
            p.into()
        }
    }
}

/// Writes the public key as a securesystemslib key dictionary (with name and email) to
/// `path` and as PEM beside it (`.json` → `.pem`, else `path.pem`).
pub fn key_export(path: &Path) -> Result<KeyExportResult> {
    let ks = keystore();
    let who = current_identity(&ks)?;
    let signer = load_signer(&ks, &who)?;
    let public = signer.public_key().clone();
    drop(signer);
    let mut dict = public.to_sslib_dict();
    if let Some(o) = dict.as_object_mut() {
        o.insert("name".into(), Value::String(who.name.clone()));
        o.insert("email".into(), Value::String(who.email.clone()));
    }
    let pem = pem_path(path);
    write_file(path, &format!("{}\n", pretty(&dict)))?;
    write_file(&pem, &public.to_pem()?)?;
    Ok(KeyExportResult {
        json_file: path.display().to_string(),
        pem_file: pem.display().to_string(),
        keyid: public.keyid().to_string(),
        fingerprint: public.fingerprint(),
    })
}

/// A public key file: a securesystemslib dictionary (maybe with name and email) or a PEM.
fn read_key_file(path: &Path) -> Result<(PublicKey, Option<String>, Option<String>)> {
    let bytes = read_small(path, "public key")?;
    let text = String::from_utf8_lossy(&bytes);
    if text.contains("-----BEGIN") {
        return Ok((PublicKey::from_pem(&text)?, None, None));
    }
    let dict: Value = serde_json::from_str(&text).map_err(|e| {
        ApiError::invalid(format!(
            "{} is neither a PEM public key nor a securesystemslib key dictionary ({e}); export one with `steward key export -o FILE`",
            path.display()
        ))
    })?;
    let field = |f: &str| dict.get(f).and_then(Value::as_str).map(str::to_string);
    Ok((
        PublicKey::from_sslib_dict(&dict)?,
        field("name"),
        field("email"),
    ))
}

pub(super) fn read_envelope(path: &Path) -> Result<Envelope> {
    let bytes = read_small(path, "approval")?;
    Envelope::from_json(&bytes).map_err(|e| ApiError::invalid(format!("{}: {e}", path.display())))
}

/// Checks an approval envelope against one public key file alone.
pub fn approval_verify_with_key(file: &Path, key: &Path) -> Result<ApprovalCheck> {
    let env = read_envelope(file)?;
    let (public, _, _) = read_key_file(key)?;
    let keys = TrustedKeys::new([public]);
    let verified =
        attest::verify(&env, &keys).map_err(|e| untrusted(format!("{}: {e}", file.display())))?;
    let pred = read_approval(&verified.payload, &verified.keyid)
        .map_err(|e| untrusted(format!("{}: {e}", file.display())))?;
    Ok(check_view(
        &verified.keyid,
        &pred,
        format!("key {}", key.display()),
        None,
    ))
}

/// Reads a review packet, refusing one altered in transit: its subject must have the digest
/// it states, and every document must be there with the content the subject names.
fn read_packet(path: &Path) -> Result<(ReviewPacket, ReviewSubject)> {
    let bytes = read_small(path, "review packet")?;
    let packet: ReviewPacket = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::invalid(format!(
            "{} is not a review packet ({e}); make one with `steward review export`",
            path.display()
        ))
    })?;
    let refuse = |what: String| {
        untrusted(format!(
            "review packet {} was altered in transit: {what}; ask for a new packet",
            path.display()
        ))
    };
    if packet.format != PACKET_FORMAT {
        return Err(ApiError::invalid(format!(
            "{} has format {:?}; expected {PACKET_FORMAT:?}",
            path.display(),
            packet.format
        )));
    }
    let subject: ReviewSubject = serde_json::from_str(&packet.subject)
        .map_err(|e| refuse(format!("its subject does not parse ({e})")))?;
    let digest = subject.digest()?;
    if digest.to_string() != packet.subject_digest {
        return Err(refuse(format!(
            "its subject has digest {digest}, not the stated {}",
            packet.subject_digest
        )));
    }
    if format!("{}@{}", subject.model, subject.version) != packet.target
        || subject.target_stage != packet.target_stage
    {
        return Err(refuse("its target is not its subject's".into()));
    }
    for d in &subject.documents {
        let kind = kebab(&d.kind, "");
        let found = packet
            .documents
            .iter()
            .find(|p| p.kind == kind && p.of == d.of && p.revision == d.revision);
        let name = format!("{kind} r{}", d.revision);
        match found {
            None => return Err(refuse(format!("{name} is missing"))),
            Some(p) if Sha256Digest::of(p.content.as_bytes()) != d.sha256 => {
                return Err(refuse(format!(
                    "the text of {name} is not the text the subject names ({})",
                    d.sha256
                )))
            }
            Some(_) => {}
        }
    }
    Ok((packet, subject))
}

/// Opens a review packet to read, offline (no workspace, nothing signed or stored): the same
/// checks as signing it, so a packet altered in transit is refused with what failed.
pub fn review_open(packet: &Path) -> Result<ReviewPacket> {
    read_packet(packet).map(|(p, _)| p)
}

/// Signs the subject of a review packet, offline (no workspace): checks the packet, signs an
/// approval with the signing identity's key and writes the envelope to `out`, ready for
/// `steward approval import` in the workspace that made the packet.
pub fn review_sign(
    packet: &Path,
    role: Role,
    decision: Decision,
    comment: &str,
    out: &Path,
) -> Result<ApprovalCheck> {
    let (_, subject) = read_packet(packet)?;
    let ks = keystore();
    let who = current_identity(&ks)?;
    let signer = load_signer(&ks, &who)?;
    let pred = ApprovalPredicate {
        role,
        decision,
        comment: comment.trim().to_string(),
        signer: signer_info(&who, &signer),
        signed_at: now(),
        target_stage: subject.target_stage,
        subject_digest: subject.digest()?,
        subject: subject.clone(),
        roster_root: None,
    };
    let statement = Statement::new(
        vec![Subject::sha256(
            format!("{}@{}", subject.model, subject.version),
            subject.bundle_digest,
        )],
        APPROVAL_PREDICATE,
        to_value(&pred)?,
    );
    let env = attest::sign_statement(&statement, &signer)?;
    write_file(out, &format!("{}\n", env.to_json()))?;
    Ok(check_view(
        signer.keyid(),
        &pred,
        format!("packet {}", packet.display()),
        None,
    ))
}

fn check_view(
    keyid: &KeyId,
    pred: &ApprovalPredicate,
    against: String,
    verdict: Option<String>,
) -> ApprovalCheck {
    ApprovalCheck {
        keyid: keyid.to_string(),
        fingerprint: keyid.fingerprint(),
        against,
        target: format!("{}@{}", pred.subject.model, pred.subject.version),
        target_stage: pred.target_stage,
        role: pred.role,
        decision: pred.decision,
        subject_digest: pred.subject_digest.to_string(),
        roster_verdict: verdict,
    }
}

/// Reads a verified approval payload, refusing one that contradicts itself.
fn read_approval(payload: &[u8], keyid: &KeyId) -> std::result::Result<ApprovalPredicate, String> {
    let statement = Statement::from_payload(payload).map_err(|e| e.to_string())?;
    if statement.predicate_type != APPROVAL_PREDICATE {
        return Err(format!(
            "the signed statement is a {:?}, not an approval ({APPROVAL_PREDICATE})",
            statement.predicate_type
        ));
    }
    let pred: ApprovalPredicate = serde_json::from_value(statement.predicate)
        .map_err(|e| format!("the signed approval predicate is not readable: {e}"))?;
    let digest = pred.subject.digest().map_err(|e| e.to_string())?;
    if digest != pred.subject_digest {
        return Err(format!(
            "the signed subject digest {} is not the digest of the signed subject ({digest})",
            pred.subject_digest
        ));
    }
    let bundle = pred.subject.bundle_digest.hex();
    if !statement
        .subject
        .iter()
        .any(|s| s.digest.get("sha256") == Some(&bundle))
    {
        return Err("the statement's subject is not the reviewed bundle".into());
    }
    if pred.signer.keyid != keyid.as_str() {
        return Err(format!(
            "the predicate names signer {}, but key {keyid} signed it",
            pred.signer.keyid
        ));
    }
    if pred.target_stage != pred.subject.target_stage {
        return Err("the predicate's target stage is not the subject's".into());
    }
    Ok(pred)
}

// ---------------------------------------------------------------------------------------
// The roster fold

fn roster_link(prev: Option<&Sha256Digest>, op: &RosterOp) -> Option<Sha256Digest> {
    match (prev, op) {
        (Some(p), _) => Some(*p),
        (None, RosterOp::Init { root, .. }) => root.as_str().parse().ok(),
        (None, _) => None,
    }
}

/// The keys a change must introduce, by id.
fn introduced(op: &RosterOp) -> Vec<&KeyId> {
    match op {
        RosterOp::Init { root, .. } => vec![root],
        RosterOp::AddMember { keyid, .. } => vec![keyid],
        RosterOp::Rotate { new, .. } => vec![new],
        _ => vec![],
    }
}

fn predicate_keys(pred: &RosterPredicate) -> std::result::Result<Vec<PublicKey>, String> {
    let mut out = Vec::new();
    for id in introduced(&pred.change) {
        let hex_text = pred
            .keys
            .get(id.as_str())
            .ok_or_else(|| format!("it introduces key {id} without its public key"))?;
        let mut raw = [0u8; 32];
        if hex_text.len() != 64 {
            return Err(format!("the public key of {id} is not 64 hex digits"));
        }
        for (i, chunk) in hex_text.as_bytes().chunks(2).enumerate() {
            let pair = std::str::from_utf8(chunk).unwrap_or("zz");
            raw[i] = u8::from_str_radix(pair, 16)
                .map_err(|_| format!("the public key of {id} is not hex"))?;
        }
        let key = PublicKey::from_bytes(&raw).map_err(|e| e.to_string())?;
        if key.keyid() != id {
            return Err(format!(
                "the public key given for {id} has key id {}",
                key.keyid()
            ));
        }
        out.push(key);
    }
    Ok(out)
}

/// Verifies one change against the state so far; on success returns it with its keys.
fn verify_change(
    env: &Envelope,
    seq: u64,
    state: &TrustState,
) -> std::result::Result<(RosterChange, Vec<PublicKey>, Sha256Digest, String), String> {
    let verified = if seq == 1 {
        // The first change names its own root key; it must be signed by exactly that key.
        let payload = env.unverified_payload().map_err(|e| e.to_string())?;
        let statement = Statement::from_payload(&payload).map_err(|e| e.to_string())?;
        let pred: RosterPredicate = serde_json::from_value(statement.predicate)
            .map_err(|e| format!("its predicate is not a roster change: {e}"))?;
        if !matches!(pred.change, RosterOp::Init { .. }) {
            return Err("the first change of a roster must be init by its root key".into());
        }
        let keys = TrustedKeys::new(predicate_keys(&pred)?);
        attest::verify(env, &keys).map_err(|e| e.to_string())?
    } else {
        attest::verify(env, &state.keys).map_err(|e| match e.signature_part() {
            Some(SignaturePart::Keyid) => {
                format!("{e} (the signer is not a key of this roster's trusted changes)")
            }
            _ => e.to_string(),
        })?
    };
    let statement = Statement::from_payload(&verified.payload).map_err(|e| e.to_string())?;
    if statement.predicate_type != ROSTER_PREDICATE {
        return Err(format!(
            "it is a {:?} statement, not a roster change",
            statement.predicate_type
        ));
    }
    let pred: RosterPredicate = serde_json::from_value(statement.predicate)
        .map_err(|e| format!("its predicate is not a roster change: {e}"))?;
    if pred.seq != seq {
        return Err(format!(
            "it is signed as change {}, stored as change {seq}",
            pred.seq
        ));
    }
    let link = roster_link(state.trusted.last().map(|t| &t.0), &pred.change)
        .ok_or_else(|| "it does not link to a previous change".to_string())?;
    let linked = statement.subject.len() == 1
        && statement.subject[0].name == ROSTER_SUBJECT
        && statement.subject[0].digest.get("sha256") == Some(&link.hex());
    if !linked {
        return Err(format!(
            "it does not follow change {} of this roster (it was signed for another roster or another place in it)",
            seq - 1
        ));
    }
    let keys = predicate_keys(&pred)?;
    let change = RosterChange {
        seq,
        signer: verified.keyid,
        kind: pred.change,
    };
    Ok((
        change,
        keys,
        Sha256Digest::of(&verified.payload),
        pred.signed_at,
    ))
}

/// Folds envelopes (in order) into the roster, stopping at the first untrusted one.
fn fold(
    envelopes: impl IntoIterator<Item = (u64, std::result::Result<Envelope, String>)>,
) -> TrustState {
    let mut state = TrustState::default();
    for (seq, env) in envelopes {
        let env = match env {
            Ok(env) => env,
            Err(e) => {
                state
                    .problems
                    .push(format!("roster change {seq} is not trusted: {e}"));
                break;
            }
        };
        let (change, keys, digest, signed_at) = match verify_change(&env, seq, &state) {
            Ok(v) => v,
            Err(e) => {
                state
                    .problems
                    .push(format!("roster change {seq} is not trusted: {e}"));
                break;
            }
        };
        let folded = match state.roster.take() {
            None => Roster::init(&change),
            Some(mut r) => {
                let before = r.clone();
                match r.apply(&change) {
                    Ok(()) => Ok(r),
                    Err(e) => {
                        state.roster = Some(before);
                        Err(e)
                    }
                }
            }
        };
        match folded {
            Ok(r) => {
                state.roster = Some(r);
                for k in keys {
                    state.keys.insert(k);
                }
                state.trusted.push((digest, signed_at, env));
            }
            Err(refusal) => {
                state.problems.push(refusal.to_string());
                break;
            }
        }
    }
    state
}

fn change_summary(op: &RosterOp, roster: &Roster) -> String {
    let who = |k: &KeyId| {
        roster.member(k).map_or_else(
            || k.fingerprint(),
            |m| format!("{} ({})", m.name, k.fingerprint()),
        )
    };
    match op {
        RosterOp::Init { root, name, email } => format!(
            "initialised the roster with root {name} <{email}> ({})",
            root.fingerprint()
        ),
        RosterOp::AddMember { keyid, name, email } => {
            format!("added {name} <{email}> ({})", keyid.fingerprint())
        }
        RosterOp::Grant { keyid, role } => format!("granted {role} to {}", who(keyid)),
        RosterOp::Revoke { keyid, role } => format!("revoked {role} from {}", who(keyid)),
        RosterOp::GrantAdmin { keyid } => format!("made {} a roster admin", who(keyid)),
        RosterOp::RevokeAdmin { keyid } => format!("revoked admin from {}", who(keyid)),
        RosterOp::RevokeKey { keyid } => format!("revoked the key of {}", who(keyid)),
        RosterOp::Rotate { old, new } => {
            format!("rotated {} to key {}", who(old), new.fingerprint())
        }
    }
}

fn roster_view(state: &TrustState) -> Result<RosterView> {
    let roster = state.roster()?;
    let members = roster
        .members()
        .map(|m| MemberView {
            keyid: m.keyid.to_string(),
            fingerprint: m.keyid.fingerprint(),
            name: m.name.clone(),
            email: m.email.clone(),
            roles: m.roles.iter().copied().collect(),
            admin: m.admin,
            active: m.is_active(),
            retired: m.retired.as_ref().map(|r| match r {
                steward_domain::trust::Retirement::Revoked { seq } => {
                    format!("revoked at change {seq}")
                }
                steward_domain::trust::Retirement::Rotated { seq, new } => {
                    format!("rotated to {} at change {seq}", new.fingerprint())
                }
            }),
            added: u32::try_from(m.added).unwrap_or(u32::MAX),
        })
        .collect();
    let history = roster
        .history()
        .iter()
        .zip(&state.trusted)
        .map(|(c, (_, signed_at, _))| RosterChangeView {
            seq: u32::try_from(c.seq).unwrap_or(u32::MAX),
            op: kebab(&c.kind, "op"),
            summary: change_summary(&c.kind, roster),
            signer: c.signer.to_string(),
            signer_name: state.name_of(&c.signer),
            signed_at: signed_at.clone(),
        })
        .collect();
    Ok(RosterView {
        root: roster.root().to_string(),
        root_fingerprint: roster.root().fingerprint(),
        members,
        history,
        problems: state.problems.clone(),
    })
}

/// Finds a roster key by its full id, a unique prefix of at least 8 hex digits, or its
/// fingerprint.
fn resolve_key(text: &str, roster: &Roster) -> Result<KeyId> {
    let wanted: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if wanted.len() < 8 || !wanted.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::invalid(format!(
            "{text:?} is not a key id; give at least 8 hex digits of one (`steward roster show` lists them)"
        )));
    }
    let found: Vec<&KeyId> = roster
        .members()
        .map(|m| &m.keyid)
        .filter(|k| k.as_str().starts_with(&wanted))
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no key in the roster starts with {wanted}; add it first (`steward roster add KEYFILE`)"),
        )),
        _ => Err(ApiError::invalid(format!(
            "{wanted} matches {} roster keys; give more digits",
            found.len()
        ))),
    }
}

// ---------------------------------------------------------------------------------------
// Approvals

/// An approval as decided now.
struct Decided {
    state: ApprovalState,
    pred: Option<ApprovalPredicate>,
    keyid: String,
    reasons: Vec<String>,
}

pub(super) fn state_name(state: &ApprovalState) -> String {
    kebab(state, "state")
}

impl Workspace {
    pub(super) fn trust_state(&self) -> Result<TrustState> {
        let rows = self.store.roster_changes()?;
        Ok(fold(rows.into_iter().map(|r| {
            (
                r.seq,
                Envelope::from_json(r.envelope.as_bytes()).map_err(|e| e.to_string()),
            )
        })))
    }

    /// Signs `op` as the roster's next change, checks that the fold accepts it, stores it.
    pub(super) fn sign_roster_change(
        &self,
        state: &TrustState,
        signer: &Signer,
        op: RosterOp,
        new_keys: &[&PublicKey],
    ) -> Result<u64> {
        if let Some(p) = state.problems.first() {
            return Err(untrusted(format!(
                "the roster cannot change while a stored change is untrusted: {p}"
            )));
        }
        let seq = state.trusted.len() as u64 + 1;
        let link = roster_link(state.trusted.last().map(|t| &t.0), &op).ok_or_else(|| {
            ApiError::new(
                ErrorCode::Refused,
                "the roster has no changes; run `steward roster init` first",
            )
        })?;
        let change = RosterChange {
            seq,
            signer: signer.keyid().clone(),
            kind: op.clone(),
        };
        match &state.roster {
            None => Roster::init(&change).map(drop),
            Some(r) => r.clone().apply(&change),
        }
        .map_err(|e| ApiError::new(ErrorCode::Refused, e.to_string()))?;
        let pred = RosterPredicate {
            seq,
            change: op.clone(),
            keys: new_keys
                .iter()
                .map(|k| (k.keyid().to_string(), k.hex()))
                .collect(),
            signed_at: now(),
        };
        let statement = Statement::new(
            vec![Subject::sha256(ROSTER_SUBJECT, link)],
            ROSTER_PREDICATE,
            to_value(&pred)?,
        );
        let env = attest::sign_statement(&statement, signer)?;
        self.store.append_roster_change(
            &NewRosterChange {
                seq,
                envelope: &env.to_json(),
                signer: signer.keyid(),
                kind: &kebab(&op, "op"),
            },
            &self.actor,
        )?;
        Ok(seq)
    }

    /// Starts the workspace's roster with the signing identity's key as its root (an admin).
    pub fn roster_init(&self) -> Result<RosterView> {
        let state = self.trust_state()?;
        if let Some(r) = &state.roster {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "this workspace already has a roster (root {}); `steward roster show` lists it",
                    r.root().fingerprint()
                ),
            ));
        }
        let ks = keystore();
        let who = current_identity(&ks)?;
        let signer = load_signer(&ks, &who)?;
        let op = RosterOp::Init {
            root: signer.keyid().clone(),
            name: who.name.clone(),
            email: who.email.clone(),
        };
        let public = signer.public_key().clone();
        self.sign_roster_change(&state, &signer, op, &[&public])?;
        self.roster_show()
    }

    /// Signs one roster change with the signing identity's key.
    pub fn roster_edit(&self, edit: &RosterEdit) -> Result<RosterView> {
        let state = self.trust_state()?;
        let roster = state.roster()?;
        let mut added = None;
        let op = match edit {
            RosterEdit::Add { file } => {
                let path = Path::new(file);
                let (key, name, email) = read_key_file(path)?;
                let (Some(name), Some(email)) = (name, email) else {
                    return Err(ApiError::invalid(format!(
                        "{} has no name and email; add the member from the key file `steward key export` wrote (JSON)",
                        path.display()
                    )));
                };
                let op = RosterOp::AddMember {
                    keyid: key.keyid().clone(),
                    name,
                    email,
                };
                added = Some(key);
                op
            }
            RosterEdit::Grant { keyid, role } => RosterOp::Grant {
                keyid: resolve_key(keyid, roster)?,
                role: *role,
            },
            RosterEdit::Revoke { keyid, role } => RosterOp::Revoke {
                keyid: resolve_key(keyid, roster)?,
                role: *role,
            },
            RosterEdit::GrantAdmin { keyid } => RosterOp::GrantAdmin {
                keyid: resolve_key(keyid, roster)?,
            },
            RosterEdit::RevokeKey { keyid } => RosterOp::RevokeKey {
                keyid: resolve_key(keyid, roster)?,
            },
        };
        let ks = keystore();
        let who = current_identity(&ks)?;
        let signer = load_signer(&ks, &who)?;
        let keys: Vec<&PublicKey> = added.iter().collect();
        self.sign_roster_change(&state, &signer, op, &keys)?;
        self.roster_show()
    }

    /// Whether any roster change is stored (trusted or not).
    pub(crate) fn has_roster(&self) -> Result<bool> {
        Ok(!self.store.roster_changes()?.is_empty())
    }

    /// A roster of `people` in one go: the first is the root; everyone gets their role.
    /// For the demo, whose reviewers' keys are made at load and held in memory.
    pub(crate) fn roster_of(&self, people: &[(IdentityRecord, Signer, Role)]) -> Result<()> {
        let Some((root_who, root, _)) = people.first() else {
            return Ok(());
        };
        let mut state = self.trust_state()?;
        let op = RosterOp::Init {
            root: root.keyid().clone(),
            name: root_who.name.clone(),
            email: root_who.email.clone(),
        };
        self.sign_roster_change(&state, root, op, &[root.public_key()])?;
        for (who, signer, _) in &people[1..] {
            state = self.trust_state()?;
            let op = RosterOp::AddMember {
                keyid: signer.keyid().clone(),
                name: who.name.clone(),
                email: who.email.clone(),
            };
            self.sign_roster_change(&state, root, op, &[signer.public_key()])?;
        }
        for (_, signer, role) in people {
            state = self.trust_state()?;
            let op = RosterOp::Grant {
                keyid: signer.keyid().clone(),
                role: *role,
            };
            self.sign_roster_change(&state, root, op, &[])?;
        }
        Ok(())
    }

    /// The roster rebuilt from its verified changes.
    pub fn roster_show(&self) -> Result<RosterView> {
        roster_view(&self.trust_state()?)
    }

    /// Writes the roster's trusted changes to one file a team can share.
    pub fn roster_export(&self, path: &Path) -> Result<RosterView> {
        let state = self.trust_state()?;
        let view = roster_view(&state)?;
        let file = RosterFile {
            format: ROSTER_FORMAT.into(),
            root: view.root.clone(),
            root_fingerprint: view.root_fingerprint.clone(),
            changes: state.trusted.iter().map(|t| t.2.clone()).collect(),
        };
        write_file(path, &format!("{}\n", pretty(&file)))?;
        Ok(view)
    }

    /// Imports a roster file: every envelope is verified and the whole fold checked before
    /// anything is stored; a workspace with a roster only takes a file that extends it.
    pub fn roster_import(&self, path: &Path) -> Result<RosterView> {
        let bytes = read_small(path, "roster")?;
        let file: RosterFile = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::invalid(format!(
                "{} is not a roster file ({e}); export one with `steward roster export -o FILE`",
                path.display()
            ))
        })?;
        if file.format != ROSTER_FORMAT {
            return Err(ApiError::invalid(format!(
                "{} has format {:?}; expected {ROSTER_FORMAT:?}",
                path.display(),
                file.format
            )));
        }
        let incoming = fold(
            file.changes
                .iter()
                .enumerate()
                .map(|(i, e)| (i as u64 + 1, Ok(e.clone()))),
        );
        if let Some(p) = incoming.problems.first() {
            return Err(untrusted(format!(
                "{} is refused, nothing was imported: {p}",
                path.display()
            )));
        }
        let incoming_root = incoming.roster()?.root().clone();
        let current = self.trust_state()?;
        if let Some(p) = current.problems.first() {
            return Err(untrusted(format!(
                "this workspace's roster has an untrusted change ({p}); import into a fresh workspace"
            )));
        }
        if let Some(r) = &current.roster {
            if *r.root() != incoming_root {
                return Err(untrusted(format!(
                    "{} is a roster with root {}, but this workspace's root is {}; nothing was imported",
                    path.display(),
                    incoming_root.fingerprint(),
                    r.root().fingerprint()
                )));
            }
        }
        let common = current.trusted.len().min(incoming.trusted.len());
        if current.trusted[..common]
            .iter()
            .zip(&incoming.trusted[..common])
            .any(|(a, b)| a.0 != b.0)
        {
            return Err(untrusted(format!(
                "{} and this workspace's roster differ within their first {common} changes; nothing was imported",
                path.display()
            )));
        }
        let rows: Vec<(u64, String, KeyId, String)> = incoming
            .roster()?
            .history()
            .iter()
            .zip(&incoming.trusted)
            .skip(current.trusted.len())
            .map(|(c, t)| (c.seq, t.2.to_json(), c.signer.clone(), kebab(&c.kind, "op")))
            .collect();
        let new: Vec<NewRosterChange<'_>> = rows
            .iter()
            .map(|(seq, env, signer, kind)| NewRosterChange {
                seq: *seq,
                envelope: env,
                signer,
                kind,
            })
            .collect();
        if !new.is_empty() {
            self.store.append_roster_changes(&new, &self.actor)?;
        }
        self.roster_show()
    }

    /// What a reviewer of `model@version` going to `to` looks at, gathered now.
    pub(super) fn review_subject(
        &self,
        model: &ModelName,
        version: &Version,
        to: Stage,
    ) -> Result<ReviewSubject> {
        let row = self.store.version(model, version)?;
        let bundle = row.artifacts.bundle_digest.ok_or_else(|| {
            ApiError::invalid(format!(
                "{model}@{version} has no bundle digest; an approval signs the model bundle, so record the version with --bundle FILE or --bundle-digest sha256:HEX"
            ))
        })?;
        let linked = self.store.version_datasets(model, version)?;
        let mut documents: Vec<DocumentRevision> = self
            .store
            .documents(&DocumentTarget::Version(model.clone(), *version))?
            .into_iter()
            .map(|d| DocumentRevision {
                kind: d.kind,
                of: None,
                revision: d.head.meta.number,
                sha256: d.head.meta.sha256,
            })
            .collect();
        for d in &linked {
            for doc in self
                .store
                .documents(&DocumentTarget::Dataset(d.reference.clone()))?
            {
                documents.push(DocumentRevision {
                    kind: doc.kind,
                    of: Some(d.reference.to_string()),
                    revision: doc.head.meta.number,
                    sha256: doc.head.meta.sha256,
                });
            }
        }
        let evaluations = self
            .store
            .eval_runs(model, version)?
            .into_iter()
            .map(|r| EvaluationEvidence {
                id: r.id.to_string(),
                kind: r.kind.as_str().to_string(),
                evidence_digest: r.file_digest,
            })
            .collect();
        Ok(ReviewSubject {
            model: model.clone(),
            version: *version,
            target_stage: to,
            bundle_digest: bundle,
            config_digest: row.artifacts.config_digest,
            code_commit: row.artifacts.code_commit.map(|c| c.to_string()),
            datasets: linked
                .iter()
                .map(|d| DatasetChecksum {
                    name: d.reference.to_string(),
                    checksum: d.manifest_checksum,
                })
                .collect(),
            documents,
            evaluations,
            gate_report_digest: self.gate_subject_digest(model, version, to)?,
        }
        .normalized())
    }

    fn decide(
        &self,
        envelope: &str,
        state: &TrustState,
        model: &ModelName,
        version: &Version,
        current: &mut BTreeMap<Stage, std::result::Result<ReviewSubject, String>>,
    ) -> Decided {
        let invalid = |part: SignaturePart, reason: String, keyid: String| Decided {
            state: approval_state(Err(part), &Verdict::NotInRoster, false, vec![]),
            pred: None,
            keyid,
            reasons: vec![reason],
        };
        let env = match Envelope::from_json(envelope.as_bytes()) {
            Ok(env) => env,
            Err(e) => return invalid(SignaturePart::Payload, e.to_string(), String::new()),
        };
        let claimed = env
            .signatures
            .first()
            .map(|s| s.keyid.clone())
            .unwrap_or_default();
        let verified = match attest::verify(&env, &state.keys) {
            Ok(v) => v,
            Err(e) => {
                let part = e.signature_part().unwrap_or(SignaturePart::Payload);
                let unknown = part == SignaturePart::Keyid
                    && !claimed.is_empty()
                    && state.keys.get(&claimed).is_none();
                if unknown {
                    return Decided {
                        state: approval_state(Ok(()), &Verdict::NotInRoster, true, vec![]),
                        pred: None,
                        reasons: vec![format!(
                            "key {} is not in the roster{}",
                            fingerprint_of(&claimed),
                            state
                                .root_fingerprint()
                                .map(|f| format!(" (root {f})"))
                                .unwrap_or_default()
                        )],
                        keyid: claimed,
                    };
                }
                return invalid(part, e.to_string(), claimed);
            }
        };
        let pred = match read_approval(&verified.payload, &verified.keyid) {
            Ok(p) => p,
            Err(e) => return invalid(SignaturePart::Payload, e, claimed),
        };
        let verdict = state.roster.as_ref().map_or(Verdict::NotInRoster, |r| {
            r.may_sign(&verified.keyid, pred.role)
        });
        let same_version = pred.subject.model == *model && pred.subject.version == *version;
        let mut reasons = Vec::new();
        let changes = if same_version {
            let cur = current.entry(pred.target_stage).or_insert_with(|| {
                self.review_subject(model, version, pred.target_stage)
                    .map_err(|e| e.message)
            });
            match cur {
                Ok(cur) => staleness(&pred.subject, cur),
                Err(e) => {
                    reasons.push(format!("the current subject cannot be gathered: {e}"));
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        let st = approval_state(Ok(()), &verdict, same_version, changes);
        let fpr = verified.keyid.fingerprint();
        match (&st, &verdict) {
            (ApprovalState::Stale { changes }, _) => {
                reasons.extend(changes.iter().map(ToString::to_string))
            }
            (ApprovalState::WrongVersion, _) => reasons.push(format!(
                "signed for {}@{}, not {model}@{version}: an approval counts only for the version it was signed for",
                pred.subject.model, pred.subject.version
            )),
            (ApprovalState::NotInRoster, _) => {
                reasons.push(format!("key {fpr} is not in the roster"))
            }
            (ApprovalState::RoleNotGranted, _) => reasons.push(format!(
                "key {fpr} ({}) does not hold the role {}",
                state.name_of(&verified.keyid),
                pred.role
            )),
            (ApprovalState::RevokedKey, Verdict::Revoked { seq }) => reasons.push(format!(
                "key {fpr} ({}) was revoked at roster change {seq}",
                state.name_of(&verified.keyid)
            )),
            _ => {}
        }
        Decided {
            state: st,
            pred: Some(pred),
            keyid: verified.keyid.to_string(),
            reasons,
        }
    }

    fn approval_view(
        &self,
        row: &ApprovalRow,
        state: &TrustState,
        model: &ModelName,
        version: &Version,
        current: &mut BTreeMap<Stage, std::result::Result<ReviewSubject, String>>,
    ) -> ApprovalView {
        let d = self.decide(&row.envelope, state, model, version, current);
        let keyid: Option<KeyId> = d.keyid.parse().ok();
        ApprovalView {
            id: u32::try_from(row.id).unwrap_or(u32::MAX),
            target_stage: d.pred.as_ref().map(|p| p.target_stage),
            role: d.pred.as_ref().map(|p| p.role),
            decision: d.pred.as_ref().map(|p| p.decision),
            comment: d
                .pred
                .as_ref()
                .map(|p| p.comment.clone())
                .unwrap_or_default(),
            signer_fingerprint: fingerprint_of(&d.keyid),
            signer_name: keyid
                .as_ref()
                .map_or_else(|| "unknown".into(), |k| state.name_of(k)),
            signer: d.keyid,
            signed_at: d
                .pred
                .as_ref()
                .map(|p| p.signed_at.clone())
                .unwrap_or_default(),
            subject_digest: d
                .pred
                .as_ref()
                .map(|p| p.subject_digest.to_string())
                .unwrap_or_default(),
            counts: d.state.counts(),
            state: state_name(&d.state),
            reasons: d.reasons,
            imported: row.imported,
        }
    }

    /// Signs an approval of `model@version` for a stage with the signing identity's key.
    pub fn approve(&self, req: &ApproveRequest) -> Result<ApprovalView> {
        let ks = keystore();
        let who = current_identity(&ks)?;
        let signer = load_signer(&ks, &who)?;
        self.approve_as(req, &who, &signer)
    }

    /// [`Workspace::approve`] signed by `signer` (the demo's reviewers sign this way).
    pub(crate) fn approve_as(
        &self,
        req: &ApproveRequest,
        who: &IdentityRecord,
        signer: &Signer,
    ) -> Result<ApprovalView> {
        let model: ModelName = parse(&req.model)?;
        let version: Version = parse(&req.version)?;
        let subject = self.review_subject(&model, &version, req.to)?;
        let digest = subject.digest()?;
        let state = self.trust_state()?;
        let roster = state.roster()?;
        match roster.may_sign(signer.keyid(), req.role) {
            Verdict::Allowed => {}
            verdict => {
                let why = match verdict {
                    Verdict::NotInRoster => "is not in this workspace's roster".to_string(),
                    Verdict::Revoked { seq } => format!("was revoked at roster change {seq}"),
                    _ => format!("does not hold the role {}", req.role),
                };
                return Err(untrusted(format!(
                    "your key {} ({}) {why}, so it may not sign for {}; ask a roster admin to run `steward roster grant {} {}` (roster root {})",
                    signer.keyid().fingerprint(),
                    who.name,
                    req.role,
                    &signer.keyid().as_str()[..16],
                    req.role,
                    roster.root().fingerprint()
                )));
            }
        }
        let pred = ApprovalPredicate {
            role: req.role,
            decision: req.decision,
            comment: req.comment.trim().to_string(),
            signer: signer_info(who, signer),
            signed_at: now(),
            target_stage: req.to,
            subject_digest: digest,
            subject: subject.clone(),
            roster_root: Some(roster.root().to_string()),
        };
        let statement = Statement::new(
            vec![Subject::sha256(
                format!("{model}@{version}"),
                subject.bundle_digest,
            )],
            APPROVAL_PREDICATE,
            to_value(&pred)?,
        );
        let env = attest::sign_statement(&statement, signer)?;
        let signer_keyid = signer.keyid().clone();
        let row = self.store.add_approval(
            &NewApproval {
                model: &model,
                version: &version,
                target_stage: req.to,
                role: req.role,
                decision: req.decision,
                signer: &signer_keyid,
                subject_digest: &digest,
                envelope: &env.to_json(),
                signed_at: &pred.signed_at,
                imported: false,
            },
            &self.actor,
        )?;
        Ok(self.approval_view(&row, &state, &model, &version, &mut BTreeMap::new()))
    }

    /// A version's approvals, each with its state decided now.
    pub fn approvals(&self, model: &str, version: &str) -> Result<ApprovalsView> {
        let name: ModelName = parse(model)?;
        let version: Version = parse(version)?;
        let rows = self.store.approvals(&name, &version)?;
        let state = self.trust_state()?;
        let mut current = BTreeMap::new();
        Ok(ApprovalsView {
            model: name.to_string(),
            version: version.to_string(),
            roster_root_fingerprint: state.root_fingerprint(),
            approvals: rows
                .iter()
                .map(|r| self.approval_view(r, &state, &name, &version, &mut current))
                .collect(),
        })
    }

    /// The sign-offs a gate to `target` reads: each stored approval for that stage whose
    /// decision is approve, with the state the trust rules give it now (current, stale, not in
    /// the roster, revoked, …; only current ones count in the gate).
    pub(crate) fn gate_approvals(
        &self,
        model: &ModelName,
        version: &Version,
        target: Stage,
    ) -> Result<Vec<steward_domain::gate::Signature>> {
        let rows = self.store.approvals(model, version)?;
        let wanted: Vec<&ApprovalRow> = rows
            .iter()
            .filter(|r| r.target_stage == target && r.decision == Decision::Approve)
            .collect();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let state = self.trust_state()?;
        let mut current = BTreeMap::new();
        let mut out = Vec::with_capacity(wanted.len());
        for r in wanted {
            let d = self.decide(&r.envelope, &state, model, version, &mut current);
            // A row whose signer cannot even be named is shown by `approvals` as invalid; it
            // can never count, so the gate's "missing signature" is the truthful reading.
            let Ok(keyid) = r.signer_keyid.parse::<KeyId>() else {
                continue;
            };
            out.push(steward_domain::gate::Signature {
                role: r.role,
                keyid,
                state: d.state,
                envelope_digest: r.envelope_sha256,
            });
        }
        Ok(out)
    }

    /// Checks an approval file against this workspace's roster.
    pub fn approval_verify(&self, file: &Path) -> Result<ApprovalCheck> {
        let env = read_envelope(file)?;
        let state = self.trust_state()?;
        let roster = state.roster()?;
        let verified = attest::verify(&env, &state.keys).map_err(|e| {
            untrusted(format!(
                "{}: {e} (checked against the roster with root {})",
                file.display(),
                roster.root().fingerprint()
            ))
        })?;
        let pred = read_approval(&verified.payload, &verified.keyid)
            .map_err(|e| untrusted(format!("{}: {e}", file.display())))?;
        let verdict = kebab(&roster.may_sign(&verified.keyid, pred.role), "verdict");
        Ok(check_view(
            &verified.keyid,
            &pred,
            format!("roster {}", roster.root().fingerprint()),
            Some(verdict),
        ))
    }

    /// Imports an approval file: its signature, its signer's role in the roster, its version
    /// (`expected`, when given, must be the one it was signed for) and its subject (it must
    /// be current) are checked before it is stored.
    pub fn approval_import(
        &self,
        file: &Path,
        expected: Option<(&str, &str)>,
    ) -> Result<ApprovalView> {
        let env = read_envelope(file)?;
        let state = self.trust_state()?;
        let roster = state.roster()?;
        let verified = attest::verify(&env, &state.keys).map_err(|e| {
            let unknown = e.signature_part() == Some(SignaturePart::Keyid);
            let hint = if unknown {
                "; the signer is not in this workspace's roster: ask an admin to add their key"
            } else {
                ""
            };
            untrusted(format!(
                "{} is refused, nothing was stored: {e}{hint} (roster root {})",
                file.display(),
                roster.root().fingerprint()
            ))
        })?;
        let pred = read_approval(&verified.payload, &verified.keyid)
            .map_err(|e| untrusted(format!("{} is refused: {e}", file.display())))?;
        let (model, version) = match expected {
            Some((m, v)) => (parse::<ModelName>(m)?, parse::<Version>(v)?),
            None => (pred.subject.model.clone(), pred.subject.version),
        };
        if pred.subject.model != model || pred.subject.version != version {
            return Err(untrusted(format!(
                "{} was signed for {}@{}, not {model}@{version}; an approval counts only for the version it was signed for, nothing was stored",
                file.display(),
                pred.subject.model,
                pred.subject.version
            )));
        }
        match roster.may_sign(&verified.keyid, pred.role) {
            Verdict::Allowed => {}
            verdict => {
                return Err(untrusted(format!(
                    "{} is refused: key {} ({}) may not sign for {} ({}); nothing was stored",
                    file.display(),
                    verified.keyid.fingerprint(),
                    state.name_of(&verified.keyid),
                    pred.role,
                    kebab(&verdict, "verdict")
                )))
            }
        }
        let current = self.review_subject(&model, &version, pred.target_stage)?;
        let changes = staleness(&pred.subject, &current);
        if !changes.is_empty() {
            return Err(ApiError::new(
                ErrorCode::Refused,
                format!(
                    "{} is stale, nothing was stored: {}; send the reviewer a new packet (`steward review export`)",
                    file.display(),
                    changes
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ));
        }
        let row = self.store.add_approval(
            &NewApproval {
                model: &model,
                version: &version,
                target_stage: pred.target_stage,
                role: pred.role,
                decision: pred.decision,
                signer: &verified.keyid,
                subject_digest: &pred.subject_digest,
                envelope: &env.to_json(),
                signed_at: &pred.signed_at,
                imported: true,
            },
            &self.actor,
        )?;
        Ok(self.approval_view(&row, &state, &model, &version, &mut BTreeMap::new()))
    }

    /// Writes the newest approval of `model@version` for `role` (and `to`, when given) to a file.
    pub fn approval_export(
        &self,
        model: &str,
        version: &str,
        role: Role,
        to: Option<Stage>,
        path: &Path,
    ) -> Result<ApprovalView> {
        let name: ModelName = parse(model)?;
        let version: Version = parse(version)?;
        let rows = self.store.approvals(&name, &version)?;
        let row = rows
            .iter()
            .rev()
            .find(|r| r.role == role && to.is_none_or(|s| r.target_stage == s))
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    format!("{name}@{version} has no approval for the role {role}; sign one with `steward approve {name}@{version} --role {role} --to STAGE`"),
                )
            })?;
        write_file(path, &format!("{}\n", row.envelope))?;
        let state = self.trust_state()?;
        Ok(self.approval_view(row, &state, &name, &version, &mut BTreeMap::new()))
    }

    /// What an approval of `model@version` for `to` signs now, item by item, with its digest.
    pub fn review_subject_view(
        &self,
        model: &str,
        version: &str,
        to: Stage,
    ) -> Result<ReviewSubjectView> {
        let name: ModelName = parse(model)?;
        let ver: Version = parse(version)?;
        let subject = self.review_subject(&name, &ver, to)?;
        Ok(ReviewSubjectView {
            target: format!("{name}@{ver}"),
            target_stage: to,
            subject_digest: subject.digest()?.to_string(),
            items: subject_items(&subject),
        })
    }

    /// Writes one self-contained review packet for `model@version` going to `to`.
    pub fn review_export(
        &self,
        model: &str,
        version: &str,
        to: Stage,
        path: &Path,
    ) -> Result<ReviewPacket> {
        let name: ModelName = parse(model)?;
        let ver: Version = parse(version)?;
        let subject = self.review_subject(&name, &ver, to)?;
        let mut documents = Vec::new();
        for d in &subject.documents {
            let target = match &d.of {
                None => DocumentTarget::Version(name.clone(), ver),
                Some(of) => DocumentTarget::Dataset(parse(of)?),
            };
            let rev = self.store.revision(&target, d.kind, d.revision)?;
            documents.push(PacketDocument {
                kind: kebab(&d.kind, ""),
                of: d.of.clone(),
                revision: d.revision,
                sha256: d.sha256.to_string(),
                content: rev.content,
            });
        }
        let items = subject_items(&subject);
        let approvals = self.approvals(model, version)?;
        let envelopes = self
            .store
            .approvals(&name, &ver)?
            .into_iter()
            .map(|r| r.envelope)
            .collect();
        let packet = ReviewPacket {
            format: PACKET_FORMAT.into(),
            target: format!("{name}@{ver}"),
            target_stage: to,
            subject_digest: subject.digest()?.to_string(),
            subject: String::from_utf8_lossy(&subject.canonical_bytes()?).into_owned(),
            items,
            roster_root_fingerprint: approvals.roster_root_fingerprint.clone(),
            documents,
            evaluations: self.eval_list(model, version)?,
            approvals: approvals.approvals,
            envelopes,
        };
        write_file(path, &format!("{}\n", pretty(&packet)))?;
        Ok(packet)
    }

    /// Signs the audit chain's head with the signing identity's key.
    pub fn audit_seal(&self) -> Result<SealView> {
        let state = self.trust_state()?;
        let roster = state.roster()?;
        let ks = keystore();
        let who = current_identity(&ks)?;
        let signer = load_signer(&ks, &who)?;
        if !roster.member(signer.keyid()).is_some_and(|m| m.is_active()) {
            return Err(untrusted(format!(
                "your key {} is not an active member of this workspace's roster (root {}); only a roster member can seal the audit log",
                signer.keyid().fingerprint(),
                roster.root().fingerprint()
            )));
        }
        let (seq, hash) = self
            .store
            .audit_head()?
            .ok_or_else(|| ApiError::invalid("the audit log is empty; there is nothing to seal"))?;
        let pred = SealPredicate {
            sealed_seq: seq,
            head_hash: hash.clone(),
            signer: signer_info(&who, &signer),
            sealed_at: now(),
        };
        let statement = Statement::new(
            vec![Subject {
                name: AUDIT_SUBJECT.into(),
                digest: BTreeMap::from([("sha256".to_string(), hash.clone())]),
            }],
            SEAL_PREDICATE,
            to_value(&pred)?,
        );
        let env = attest::sign_statement(&statement, &signer)?;
        self.store.add_seal(
            &NewSeal {
                sealed_seq: seq,
                head_hash: &hash,
                signer: signer.keyid(),
                envelope: &env.to_json(),
            },
            &self.actor,
        )?;
        Ok(SealView {
            sealed_seq: u32::try_from(seq).unwrap_or(u32::MAX),
            head_hash: hash,
            signer: signer.keyid().to_string(),
            signer_name: who.name,
            signer_fingerprint: signer.keyid().fingerprint(),
        })
    }

    /// Checks every seal: its signature by a roster key, and that the entry it sealed still
    /// has the sealed hash. `None` when nothing is sealed.
    pub(super) fn seal_check(&self) -> Result<Option<SealCheck>> {
        let seals = self.store.seals()?;
        if seals.is_empty() {
            return Ok(None);
        }
        let state = self.trust_state()?;
        let mut problems = Vec::new();
        let mut newest = None;
        for seal in &seals {
            let checked = Envelope::from_json(seal.envelope.as_bytes())
                .map_err(|e| e.to_string())
                .and_then(|env| attest::verify(&env, &state.keys).map_err(|e| e.to_string()))
                .and_then(|v| {
                    let st = Statement::from_payload(&v.payload).map_err(|e| e.to_string())?;
                    if st.predicate_type != SEAL_PREDICATE {
                        return Err("it is not an audit seal".to_string());
                    }
                    let pred: SealPredicate = serde_json::from_value(st.predicate)
                        .map_err(|e| format!("its predicate is not readable: {e}"))?;
                    let names_head = st
                        .subject
                        .iter()
                        .any(|s| s.digest.get("sha256") == Some(&pred.head_hash));
                    if !names_head {
                        return Err("its subject is not the sealed hash".into());
                    }
                    Ok((v.keyid, pred))
                });
            let (keyid, pred) = match checked {
                Ok(ok) => ok,
                Err(e) => {
                    problems.push(format!(
                        "seal {} (of entry {}) is not trusted: {e}",
                        seal.id, seal.sealed_seq
                    ));
                    continue;
                }
            };
            let who = format!(
                "{} ({}) at {}",
                state.name_of(&keyid),
                keyid.fingerprint(),
                pred.sealed_at
            );
            match self.store.audit_hash_at(pred.sealed_seq)? {
                Some(h) if h == pred.head_hash => {
                    newest = Some(SealView {
                        sealed_seq: u32::try_from(pred.sealed_seq).unwrap_or(u32::MAX),
                        head_hash: pred.head_hash,
                        signer: keyid.to_string(),
                        signer_name: state.name_of(&keyid),
                        signer_fingerprint: keyid.fingerprint(),
                    });
                }
                Some(h) => problems.push(format!(
                    "entry {} has hash {h}, but {who} sealed it as {}: the audit log was rewritten; restore the workspace from a backup",
                    pred.sealed_seq, pred.head_hash
                )),
                None => problems.push(format!(
                    "entry {}, sealed by {who}, is gone: the audit log was truncated or rewritten; restore the workspace from a backup",
                    pred.sealed_seq
                )),
            }
        }
        Ok(Some(SealCheck {
            seals: u32::try_from(seals.len()).unwrap_or(u32::MAX),
            newest,
            problems,
        }))
    }
}

fn subject_items(s: &ReviewSubject) -> Vec<SubjectItem> {
    let item = |kind: &str, name: String, digest: String| SubjectItem {
        kind: kind.into(),
        name,
        digest,
    };
    let mut out = vec![item(
        "bundle",
        format!("{}@{}", s.model, s.version),
        s.bundle_digest.to_string(),
    )];
    if let Some(c) = &s.config_digest {
        out.push(item("config", "config".into(), c.to_string()));
    }
    if let Some(c) = &s.code_commit {
        out.push(item("code commit", "commit".into(), c.clone()));
    }
    for d in &s.datasets {
        out.push(item("dataset", d.name.clone(), d.checksum.to_string()));
    }
    for d in &s.documents {
        let kind = kebab(&d.kind, "");
        let name = match &d.of {
            Some(of) => format!("{kind} of {of} r{}", d.revision),
            None => format!("{kind} r{}", d.revision),
        };
        out.push(item("document", name, d.sha256.to_string()));
    }
    for e in &s.evaluations {
        out.push(item(
            "evidence",
            format!("{} run {}", e.kind, e.id),
            e.evidence_digest.to_string(),
        ));
    }
    if let Some(g) = &s.gate_report_digest {
        out.push(item(
            "gate report",
            format!("gate to {}", s.target_stage),
            g.to_string(),
        ));
    }
    out
}

/// The roster a roster file (`steward roster export`) describes, every change verified, for
/// checks that run without a workspace (`steward admit`). A file with any untrusted change is
/// refused whole.
pub(super) fn trust_state_from_file(path: &Path) -> Result<TrustState> {
    let bytes = read_small(path, "roster")?;
    let file: RosterFile = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::invalid(format!(
            "{} is not a roster file ({e}); export one with `steward roster export -o FILE`",
            path.display()
        ))
    })?;
    if file.format != ROSTER_FORMAT {
        return Err(ApiError::invalid(format!(
            "{} has format {:?}; expected {ROSTER_FORMAT:?}",
            path.display(),
            file.format
        )));
    }
    let state = fold(
        file.changes
            .iter()
            .enumerate()
            .map(|(i, e)| (i as u64 + 1, Ok(e.clone()))),
    );
    if let Some(p) = state.problems.first() {
        return Err(untrusted(format!("{} is refused: {p}", path.display())));
    }
    state.roster()?;
    Ok(state)
}
