//! Trust through the real `steward` binary: identities in the OS keyring, the roster, signed
//! approvals that go stale, tampering, strangers, revoked keys, raw-SQL rows, replays, the
//! private key nowhere on disk, securesystemslib verifying an exported approval, and a
//! sealed audit log whose re-chained rewrite is detected.
//!
//! Each test uses its own keyring namespace (`STEWARD_KEYRING_NAMESPACE`) and deletes the
//! keys it made when it ends, passed or failed.

use std::cell::RefCell;
use std::path::Path;
use std::process::Command;

use rusqlite::Connection;
use sha2::{Digest, Sha256};
use steward_attest::KeyStore;
use steward_tests::{Run, Steward};

/// A workspace, a keyring namespace of its own and everything the binary printed.
struct Team {
    s: Steward,
    ns: String,
    people: RefCell<Vec<String>>,
    printed: RefCell<String>,
}

impl Drop for Team {
    fn drop(&mut self) {
        let store = KeyStore::with_namespace(&self.ns);
        for who in self.people.borrow().iter() {
            let _ = store.forget(who);
        }
    }
}

const BUNDLE: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

impl Team {
    fn new(test: &str) -> Team {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let team = Team {
            s: Steward::new(),
            ns: format!("test-trust-{test}-{}-{nanos}", std::process::id()),
            people: RefCell::new(Vec::new()),
            printed: RefCell::new(String::new()),
        };
        team.s.ok(&["init"]);
        team
    }

    /// `steward` in workspace `ws` as `who` (an email; empty for no identity).
    fn run_in(&self, ws: &Path, who: &str, args: &[&str]) -> Run {
        let mut cmd = Command::new(steward_tests::binary());
        cmd.arg("--workspace")
            .arg(ws)
            .args(args)
            .env("STEWARD_ACTOR", "trust-tester")
            .env("STEWARD_KEYRING_NAMESPACE", &self.ns)
            // Pinned: on a desktop with a session bus, auto would pick Secret Service.
            .env("STEWARD_KEYRING_BACKEND", "keyutils")
            .env("STEWARD_IDENTITY", who)
            .env_remove("STEWARD_WORKSPACE");
        let out = cmd.output().expect("run steward");
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        let mut printed = self.printed.borrow_mut();
        printed.push_str(&run.stdout);
        printed.push_str(&run.stderr);
        run
    }

    /// `who` approves `target` for `to` as `role` and exports the envelope to `name` in the
    /// temporary folder; the file's path.
    fn approved_file(&self, who: &str, target: &str, role: &str, to: &str, name: &str) -> String {
        self.ok(who, &["approve", target, "--role", role, "--to", to]);
        let file = self.path(name);
        self.ok(
            who,
            &["approval", "export", target, "--role", role, "-o", &file],
        );
        file
    }

    fn run(&self, who: &str, args: &[&str]) -> Run {
        self.run_in(&self.s.workspace(), who, args)
    }

    fn ok(&self, who: &str, args: &[&str]) -> Run {
        let run = self.run(who, args);
        assert_eq!(
            run.code, 0,
            "steward {args:?} as {who}: {}{}",
            run.stdout, run.stderr
        );
        run
    }

    fn fails(&self, who: &str, args: &[&str], needle: &str) -> Run {
        let run = self.run(who, args);
        assert_eq!(
            run.code, 1,
            "steward {args:?} as {who}: expected exit 1: {}{}",
            run.stdout, run.stderr
        );
        assert!(
            run.stderr.contains(needle),
            "steward {args:?}: stderr lacks {needle:?}: {}",
            run.stderr
        );
        run
    }

    /// Creates `email`'s key; returns its key id.
    fn person(&self, name: &str, email: &str) -> String {
        self.people.borrow_mut().push(email.to_string());
        let run = self.ok(
            email,
            &["key", "init", "--name", name, "--email", email, "--json"],
        );
        run.json()["identity"]["keyid"]
            .as_str()
            .expect("keyid")
            .to_string()
    }

    /// Exports `email`'s public key to `<tmp>/<file>`; returns the path.
    fn export_key(&self, email: &str, file: &str) -> String {
        let path = self.s.path(file).display().to_string();
        self.ok(email, &["key", "export", "-o", &path]);
        path
    }

    fn path(&self, file: &str) -> String {
        self.s.path(file).display().to_string()
    }

    /// Maya (root, model owner) and Sam (SRE), with a model version to review.
    fn with_two(test: &str) -> (Team, String, String) {
        let t = Team::new(test);
        let maya = t.person("Maya Owner", MAYA);
        let sam = t.person("Sam Reliability", SAM);
        t.ok(MAYA, &["roster", "init"]);
        t.ok(MAYA, &["roster", "grant", &maya, "model-owner"]);
        let sam_key = t.export_key(SAM, "sam.json");
        t.ok(MAYA, &["roster", "add", &sam_key]);
        t.ok(MAYA, &["roster", "grant", &sam[..12], "sre"]);
        t.ok(
            MAYA,
            &["model", "add", "copilot", "--owner", "maya@example.org"],
        );
        t.ok(
            MAYA,
            &[
                "version",
                "add",
                "copilot",
                "1.0.0-1",
                "--bundle-digest",
                BUNDLE,
                "--commit",
                "abc1234",
            ],
        );
        t.ok(MAYA, &["doc", "new", "copilot@1.0.0-1", "model-card"]);
        (t, maya, sam)
    }

    fn approvals(&self, target: &str) -> serde_json::Value {
        self.ok(MAYA, &["approvals", target, "--json"]).json()
    }

    fn db(&self) -> Connection {
        Connection::open(self.s.db()).expect("raw open")
    }
}

const MAYA: &str = "maya@example.org";
const SAM: &str = "sam@example.org";
const EVE: &str = "eve@example.org";

fn states(v: &serde_json::Value) -> Vec<String> {
    v["approvals"]
        .as_array()
        .expect("approvals")
        .iter()
        .map(|a| a["state"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn two_reviewers_approve_and_an_edited_model_card_makes_their_approvals_stale() {
    let (t, maya, sam) = Team::with_two("journey");
    let roster = t.ok(MAYA, &["roster", "show", "--json"]).json();
    assert_eq!(roster["root"], maya.as_str());
    assert_eq!(roster["members"].as_array().map(Vec::len), Some(2));
    let shown = t.ok(MAYA, &["roster", "show"]).stdout;
    assert!(shown.contains("roster root: "), "{shown}");
    assert!(
        shown.contains("Sam Reliability <sam@example.org>  roles: sre"),
        "{shown}"
    );

    let signed = t.ok(
        MAYA,
        &[
            "approve",
            "copilot@1.0.0-1",
            "--role",
            "model-owner",
            "--to",
            "candidate",
            "--comment",
            "ready for candidate",
        ],
    );
    assert!(
        signed.stdout.contains("state: current"),
        "{}",
        signed.stdout
    );
    t.ok(
        SAM,
        &[
            "approve",
            "copilot@1.0.0-1",
            "--role",
            "sre",
            "--to",
            "candidate",
        ],
    );
    let listed = t.approvals("copilot@1.0.0-1");
    assert_eq!(states(&listed), ["current", "current"]);
    assert_eq!(listed["approvals"][1]["signer"], sam.as_str());
    assert_eq!(listed["approvals"][1]["signer_name"], "Sam Reliability");
    assert_eq!(listed["approvals"][0]["comment"], "ready for candidate");
    assert_eq!(listed["approvals"][0]["counts"], true);

    // Sam may not sign for a role he does not hold.
    t.fails(
        SAM,
        &[
            "approve",
            "copilot@1.0.0-1",
            "--role",
            "model-owner",
            "--to",
            "candidate",
        ],
        "does not hold the role model-owner",
    );

    let card = t.path("card.md");
    std::fs::write(
        &card,
        "---\nmodel_name: copilot\n---\n\n# Model card for copilot\n\nEdited after review.\n",
    )
    .expect("write card");
    t.ok(
        MAYA,
        &["doc", "save", "copilot@1.0.0-1", "model-card", &card],
    );
    let listed = t.approvals("copilot@1.0.0-1");
    assert_eq!(states(&listed), ["stale", "stale"]);
    assert_eq!(listed["approvals"][0]["counts"], false);
    let reasons = listed["approvals"][0]["reasons"].to_string();
    assert!(
        reasons.contains("model-card is at revision 2, signed at revision 1"),
        "{reasons}"
    );
    let table = t.ok(MAYA, &["approvals", "copilot@1.0.0-1"]).stdout;
    assert!(table.contains("stale"), "{table}");
    assert!(table.contains("model-card is at revision 2"), "{table}");

    // Signing again over the new revision is current again.
    t.ok(
        MAYA,
        &[
            "approve",
            "copilot@1.0.0-1",
            "--role",
            "model-owner",
            "--to",
            "candidate",
        ],
    );
    assert_eq!(
        states(&t.approvals("copilot@1.0.0-1")),
        ["stale", "stale", "current"]
    );

    // The packet holds the subject, the document at its revision and the approvals.
    let packet = t.path("packet.json");
    t.ok(
        MAYA,
        &[
            "review",
            "export",
            "copilot@1.0.0-1",
            "--to",
            "candidate",
            "-o",
            &packet,
        ],
    );
    let p: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&packet).expect("packet")).expect("json");
    assert_eq!(p["format"], "steward.review-packet/v1");
    assert_eq!(p["documents"][0]["revision"], 2);
    assert!(p["documents"][0]["content"]
        .as_str()
        .is_some_and(|c| c.contains("Edited after review")));
    assert_eq!(p["approvals"].as_array().map(Vec::len), Some(3));
    assert_eq!(p["approvals"][2]["subject_digest"], p["subject_digest"]);

    // A version without a bundle digest cannot be approved.
    t.ok(MAYA, &["version", "add", "copilot", "1.0.0-2"]);
    t.fails(
        MAYA,
        &[
            "approve",
            "copilot@1.0.0-2",
            "--role",
            "model-owner",
            "--to",
            "candidate",
        ],
        "has no bundle digest",
    );
}

fn tampered(env: &serde_json::Value, part: &str) -> serde_json::Value {
    let mut e = env.clone();
    match part {
        "payload-not-base64" => e["payload"] = "@@not base64@@".into(),
        "payload" => {
            let decoded = base64_decode(e["payload"].as_str().unwrap_or(""));
            let text = String::from_utf8(decoded)
                .expect("utf-8")
                .replace("\"approve\"", "\"reject\"");
            e["payload"] = base64_encode(text.as_bytes()).into();
        }
        "payloadType" => e["payloadType"] = "application/json".into(),
        "signature" => {
            let mut sig = base64_decode(e["signatures"][0]["sig"].as_str().unwrap_or(""));
            sig[0] ^= 1;
            e["signatures"][0]["sig"] = base64_encode(&sig).into();
        }
        "keyid" => e["signatures"][0]["keyid"] = "00".repeat(32).into(),
        _ => unreachable!(),
    }
    e
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = B64.iter().position(|b| *b == c).expect("base64") as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

#[test]
fn a_tampered_envelope_is_refused_naming_the_part() {
    let (t, _maya, _sam) = Team::with_two("tamper");
    let file = t.approved_file(
        MAYA,
        "copilot@1.0.0-1",
        "model-owner",
        "candidate",
        "approval.json",
    );
    let key = t.export_key(MAYA, "maya.json");
    let ok = t.ok(MAYA, &["approval", "verify", &file, "--key", &key]);
    assert!(ok.stdout.contains("ok: "), "{}", ok.stdout);
    let ok = t.ok(MAYA, &["approval", "verify", &file]);
    assert!(ok.stdout.contains("roster: allowed"), "{}", ok.stdout);

    let env: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("json");
    for (part, named) in [
        ("payload-not-base64", "invalid at its payload:"),
        ("payload", "invalid at its signature:"),
        ("payloadType", "invalid at its payloadType:"),
        ("signature", "invalid at its signature:"),
        ("keyid", "invalid at its keyid:"),
    ] {
        let bad = t.path(&format!("{part}.json"));
        std::fs::write(&bad, tampered(&env, part).to_string()).expect("write");
        t.fails(MAYA, &["approval", "verify", &bad, "--key", &key], named);
        t.fails(MAYA, &["approval", "verify", &bad], named);
        t.fails(MAYA, &["approval", "import", &bad], named);
    }
    // An altered payload says what an altered payload looks like.
    t.fails(
        MAYA,
        &["approval", "verify", &t.path("payload.json"), "--key", &key],
        "payloadType and payload",
    );

    // A stored envelope edited behind the triggers is listed as invalid, naming the part.
    let conn = t.db();
    conn.execute_batch("DROP TRIGGER approvals_immutable")
        .expect("drop trigger");
    conn.execute(
        "UPDATE approvals SET envelope = ?1",
        [tampered(&env, "payloadType").to_string()],
    )
    .expect("edit");
    drop(conn);
    let listed = t.approvals("copilot@1.0.0-1");
    assert_eq!(states(&listed), ["invalid-signature"]);
    assert!(listed["approvals"][0]["reasons"]
        .to_string()
        .contains("payloadType"));
}

#[test]
fn a_signer_outside_the_roster_is_refused_and_a_revoked_key_stops_counting() {
    let (t, _maya, sam) = Team::with_two("strangers");
    t.person("Eve Outsider", EVE);
    t.fails(
        EVE,
        &[
            "approve",
            "copilot@1.0.0-1",
            "--role",
            "sre",
            "--to",
            "candidate",
        ],
        "is not in this workspace's roster",
    );
    // Eve signs in a workspace of her own, where she granted herself the role.
    let other = Steward::new();
    let ws = other.workspace();
    let eve = |args: &[&str]| {
        let run = t.run_in(&ws, EVE, args);
        assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
        run
    };
    eve(&["init"]);
    eve(&["roster", "init"]);
    let eve_id = eve(&["key", "show", "--json"]).json()["keyid"]
        .as_str()
        .expect("keyid")
        .to_string();
    eve(&["roster", "grant", &eve_id, "sre"]);
    eve(&["model", "add", "copilot", "--owner", "eve@example.org"]);
    eve(&[
        "version",
        "add",
        "copilot",
        "1.0.0-1",
        "--bundle-digest",
        BUNDLE,
        "--commit",
        "abc1234",
    ]);
    eve(&["doc", "new", "copilot@1.0.0-1", "model-card"]);
    eve(&[
        "approve",
        "copilot@1.0.0-1",
        "--role",
        "sre",
        "--to",
        "candidate",
    ]);
    let file = t.path("eve-approval.json");
    eve(&[
        "approval",
        "export",
        "copilot@1.0.0-1",
        "--role",
        "sre",
        "-o",
        &file,
    ]);
    t.fails(
        MAYA,
        &["approval", "import", &file],
        "not in this workspace's roster",
    );
    assert_eq!(
        states(&t.approvals("copilot@1.0.0-1")),
        Vec::<String>::new()
    );

    // Only an admin changes the roster.
    t.fails(
        SAM,
        &["roster", "grant", &sam[..12], "model-owner"],
        "only a roster admin may change the roster",
    );

    // Sam's approval counts until his key is revoked.
    t.ok(
        SAM,
        &[
            "approve",
            "copilot@1.0.0-1",
            "--role",
            "sre",
            "--to",
            "candidate",
        ],
    );
    assert_eq!(states(&t.approvals("copilot@1.0.0-1")), ["current"]);
    t.ok(MAYA, &["roster", "revoke-key", &sam]);
    let listed = t.approvals("copilot@1.0.0-1");
    assert_eq!(states(&listed), ["revoked-key"]);
    assert!(listed["approvals"][0]["reasons"]
        .to_string()
        .contains("was revoked at roster change 5"));
    t.fails(
        SAM,
        &[
            "approve",
            "copilot@1.0.0-1",
            "--role",
            "sre",
            "--to",
            "candidate",
        ],
        "was revoked at roster change 5",
    );
    let shown = t.ok(MAYA, &["roster", "show"]).stdout;
    assert!(shown.contains("revoked at change 5"), "{shown}");

    // Eve's own roster rows copied into this database with SQL are not trusted.
    let theirs = Connection::open(other.db()).expect("open eve's db");
    let rows: Vec<(String, String, String)> = theirs
        .prepare("SELECT envelope, envelope_sha256, kind FROM roster_changes ORDER BY seq")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let conn = t.db();
    for (i, (env, digest, kind)) in rows.iter().enumerate() {
        conn.execute(
            "INSERT INTO roster_changes (seq, envelope, envelope_sha256, signer_keyid, kind, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'now')",
            (6 + i as i64, env, digest, &eve_id, kind),
        )
        .expect("raw insert");
    }
    drop(conn);
    let r = t.ok(MAYA, &["roster", "show", "--json"]).json();
    assert!(
        !r["members"].to_string().contains(&eve_id),
        "eve is not a member: {r}"
    );
    assert!(
        r["problems"][0]
            .as_str()
            .is_some_and(|p| p.starts_with("roster change 6 is not trusted")),
        "{r}"
    );
    let shown = t.ok(MAYA, &["roster", "show"]);
    assert!(
        shown.stderr.contains("roster change 6 is not trusted"),
        "{}",
        shown.stderr
    );
    t.fails(
        MAYA,
        &["approval", "import", &file],
        "not in this workspace's roster",
    );
    t.fails(
        MAYA,
        &["roster", "grant", &sam[..12], "sre"],
        "cannot change while a stored change is untrusted",
    );
}

#[test]
fn an_approval_replayed_onto_another_version_is_refused() {
    let (t, _maya, _sam) = Team::with_two("replay");
    // Same bundle and commit: only the version differs.
    t.ok(
        MAYA,
        &[
            "version",
            "add",
            "copilot",
            "1.0.1-2",
            "--bundle-digest",
            BUNDLE,
            "--commit",
            "abc1234",
        ],
    );
    let file = t.approved_file(
        MAYA,
        "copilot@1.0.0-1",
        "model-owner",
        "candidate",
        "approval.json",
    );
    t.fails(
        MAYA,
        &["approval", "import", &file, "--for", "copilot@1.0.1-2"],
        "was signed for copilot@1.0.0-1, not copilot@1.0.1-2",
    );
    // Importing it where it belongs is a duplicate.
    t.fails(MAYA, &["approval", "import", &file], "already stored");
    // Copied onto the other version with SQL, it is listed as a replay and does not count.
    let conn = t.db();
    conn.execute(
        "INSERT INTO approvals (version_id, target_stage, role, decision, signer_keyid, subject_digest, envelope, envelope_sha256, signed_at, imported, created_at)
         SELECT (SELECT v.id FROM versions v WHERE v.version = '1.0.1-2'), target_stage, role, decision, signer_keyid, subject_digest, envelope, envelope_sha256, signed_at, 1, created_at FROM approvals",
        [],
    )
    .expect("raw replay");
    drop(conn);
    let listed = t.approvals("copilot@1.0.1-2");
    assert_eq!(states(&listed), ["wrong-version"]);
    assert_eq!(listed["approvals"][0]["counts"], false);
    assert!(listed["approvals"][0]["reasons"]
        .to_string()
        .contains("signed for copilot@1.0.0-1, not copilot@1.0.1-2"));
}

/// The base64 seed the keyring holds for `identity` (read with keyctl, as any process of
/// the user could).
fn keyring_seed(ns: &str, identity: &str) -> String {
    let desc = format!("steward-{ns}:{identity}");
    let id = Command::new("keyctl")
        .args(["search", "@u", "user", &desc])
        .output()
        .expect("keyctl search");
    assert!(id.status.success(), "keyctl search {desc}");
    let id = String::from_utf8_lossy(&id.stdout).trim().to_string();
    let out = Command::new("keyctl")
        .args(["pipe", &id])
        .output()
        .expect("keyctl pipe");
    assert!(out.status.success(), "keyctl pipe {id}");
    String::from_utf8(out.stdout).expect("base64 text")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn private_key_bytes_appear_nowhere_in_the_workspace_or_the_output() {
    let (t, _maya, _sam) = Team::with_two("leak");
    t.ok(
        MAYA,
        &[
            "approve",
            "copilot@1.0.0-1",
            "--role",
            "model-owner",
            "--to",
            "candidate",
        ],
    );
    t.ok(MAYA, &["audit", "seal"]);
    t.ok(MAYA, &["key", "show"]);
    t.ok(MAYA, &["roster", "export", "-o", &t.path("roster.json")]);
    t.ok(
        MAYA,
        &[
            "review",
            "export",
            "copilot@1.0.0-1",
            "--to",
            "candidate",
            "-o",
            &t.path("p.json"),
        ],
    );
    for who in [MAYA, SAM] {
        let seed_b64 = keyring_seed(&t.ns, who);
        let seed = base64_decode(seed_b64.trim());
        assert_eq!(seed.len(), 32, "the keyring holds a 32-byte seed");
        let hex: String = seed.iter().map(|b| format!("{b:02x}")).collect();
        let upper = hex.to_uppercase();
        let needles: [&[u8]; 4] = [
            &seed,
            seed_b64.trim().as_bytes(),
            hex.as_bytes(),
            upper.as_bytes(),
        ];
        // Every file under the test folder: the workspace (database, WAL, drafts) and exports.
        for entry in walk(t.s.dir.path()) {
            let bytes = std::fs::read(&entry).expect("read");
            for n in needles {
                assert!(
                    !contains(&bytes, n),
                    "{who}'s key is in {}",
                    entry.display()
                );
            }
        }
        let printed = t.printed.borrow();
        for n in needles {
            assert!(!contains(printed.as_bytes(), n), "{who}'s key was printed");
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

const VERIFY_PY: &str = r#"
import json, sys
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

key = json.load(open(sys.argv[1]))
k = SSlibKey(key["keyid"], key["keytype"], key["scheme"], {"public": key["keyval"]["public"]})
env = Envelope.from_dict(json.load(open(sys.argv[2])))
verified = env.verify([k], 1)
assert list(verified) == [key["keyid"]], verified
statement = json.loads(env.payload)
print("verified", key["keyid"], statement["predicate"]["role"], statement["subject"][0]["name"])
"#;

#[test]
fn an_exported_approval_verifies_with_securesystemslib_and_the_public_key_alone() {
    let python = match std::env::var("STEWARD_PYTHON") {
        Ok(p) if !p.is_empty() => p,
        _ => panic!(
            "STEWARD_PYTHON is not set: run scripts/test.sh, which installs \
             tests/python/requirements.txt (securesystemslib) into .venv and sets it"
        ),
    };
    let (t, maya, _sam) = Team::with_two("sslib");
    let file = t.approved_file(
        MAYA,
        "copilot@1.0.0-1",
        "model-owner",
        "candidate",
        "approval.json",
    );
    let key = t.export_key(MAYA, "maya.pub.json");
    assert!(
        t.s.path("maya.pub.pem").is_file(),
        "PEM written beside the JSON"
    );
    let script = t.path("verify.py");
    std::fs::write(&script, VERIFY_PY).expect("write script");
    let out = Command::new(&python)
        .args([&script, &key, &file])
        .output()
        .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "securesystemslib refused: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("verified {maya} model-owner copilot@1.0.0-1")),
        "{stdout}"
    );
}

/// Rewrites audit entry `seq`'s actor and re-chains every entry after it, as someone with
/// the file and the (public) hashing rule could.
fn rechain(conn: &Connection, seq: i64) {
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit_log'")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("names");
    for name in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {name}"))
            .expect("drop trigger");
    }
    conn.execute(
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = ?1",
        [seq],
    )
    .expect("edit");
    let rows: Vec<(i64, String, String, String, String, String)> = conn
        .prepare("SELECT seq, at, actor, action, subject, detail FROM audit_log ORDER BY seq")
        .expect("prepare")
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let mut prev = "0".repeat(64);
    for (s, at, actor, action, subject, detail) in rows {
        let payload = serde_json::json!([s, at, actor, action, subject, detail, prev]);
        let hash = hex::encode(Sha256::digest(payload.to_string().as_bytes()));
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            (&prev, &hash, s),
        )
        .expect("rechain");
        prev = hash;
    }
}

#[test]
fn a_sealed_audit_log_detects_a_rechained_rewrite() {
    let (t, _maya, _sam) = Team::with_two("seal");
    let sealed = t.ok(MAYA, &["audit", "seal", "--json"]).json();
    let sealed_seq = sealed["sealed_seq"].as_i64().expect("seq");
    let ok = t.ok(MAYA, &["audit", "verify"]);
    assert!(ok.stdout.contains("seal ok: entry"), "{}", ok.stdout);
    t.ok(MAYA, &["audit", "verify", "--deep"]);

    let conn = t.db();
    rechain(&conn, 2);
    drop(conn);
    // The chain alone is consistent again, but the signed seal names the rewrite.
    let run = t.run(MAYA, &["audit", "verify", "--json"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let v = run.json();
    assert_eq!(v["first_broken"], serde_json::Value::Null, "{v}");
    assert_eq!(v["ok"], false);
    let problems = v["seal"]["problems"].to_string();
    assert!(
        problems.contains(&format!("entry {sealed_seq} has hash"))
            && problems.contains("the audit log was rewritten"),
        "{problems}"
    );
    let run = t.run(MAYA, &["audit", "verify"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("seal: entry"), "{}", run.stderr);
}

#[test]
fn the_demo_has_a_roster_of_five_and_a_newcomer_can_join_it() {
    let t = Team::new("demo");
    let demo_ns = format!("{}-demo", t.ns);
    // The demo's reviewers' keys live in `<namespace>-demo`; delete them when done.
    let _demo_keys = steward_tests::DemoKeys::of(&t.ns);
    let loaded = t.ok("", &["demo"]);
    assert!(loaded.stdout.contains(&demo_ns), "{}", loaded.stdout);
    let count = |v: &serde_json::Value, state: &str| {
        v["approvals"]
            .as_array()
            .map_or(0, |a| a.iter().filter(|x| x["state"] == state).count())
    };
    let production = t.approvals("summarize-copilot@1.1.0-8");
    assert_eq!(count(&production, "current"), 5, "{production}");
    let canary = t.approvals("summarize-copilot@1.2.0-12");
    assert_eq!(count(&canary, "current"), 4, "{canary}");
    let candidate = t.approvals("summarize-copilot@1.3.0-15");
    assert_eq!(states(&candidate), ["stale"]);
    assert!(candidate["approvals"][0]["reasons"]
        .to_string()
        .contains("model-card is at revision"));
    t.ok("", &["audit", "verify", "--deep"]);

    // A newcomer exports their key; the demo's root (Priya) adds them and grants a role.
    t.person("New Reviewer", "new@example.org");
    let key = t.export_key("new@example.org", "new.json");
    let as_priya = |args: &[&str]| {
        let mut cmd = t.s.command(args);
        cmd.env("STEWARD_KEYRING_NAMESPACE", &demo_ns)
            .env("STEWARD_IDENTITY", "priya@companyos.example");
        let out = cmd.output().expect("run");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    as_priya(&["roster", "add", &key]);
    let newcomer = t.ok("new@example.org", &["key", "show", "--json"]).json();
    let id = newcomer["keyid"].as_str().expect("keyid").to_string();
    as_priya(&["roster", "grant", &id, "sre"]);
    t.ok(
        "new@example.org",
        &[
            "approve",
            "summarize-copilot@1.2.0-12",
            "--role",
            "sre",
            "--to",
            "production",
        ],
    );
    let canary = t.approvals("summarize-copilot@1.2.0-12");
    assert_eq!(count(&canary, "current"), 5, "{canary}");
}

#[test]
fn replacing_a_key_needs_replace_and_the_roster_records_the_rotation() {
    let (t, maya, _sam) = Team::with_two("rotate");
    t.fails(
        MAYA,
        &["key", "init", "--name", "Maya Owner", "--email", MAYA],
        "already exists",
    );
    let run = t.ok(
        MAYA,
        &[
            "key",
            "init",
            "--name",
            "Maya Owner",
            "--email",
            MAYA,
            "--replace",
            "--json",
        ],
    );
    let r = run.json();
    assert_eq!(r["replaced"], maya.as_str());
    assert_eq!(r["rotation"], 5);
    let new = r["identity"]["keyid"].as_str().expect("keyid").to_string();
    let roster = t.ok(MAYA, &["roster", "show", "--json"]).json();
    let old = roster["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["keyid"] == maya.as_str())
        .expect("old key kept in the history")
        .clone();
    assert_eq!(old["active"], false);
    assert!(old["retired"]
        .as_str()
        .is_some_and(|s| s.starts_with("rotated to")));
    // The new key inherits the role and the admin right.
    t.ok(
        MAYA,
        &[
            "approve",
            "copilot@1.0.0-1",
            "--role",
            "model-owner",
            "--to",
            "candidate",
        ],
    );
    t.ok(MAYA, &["roster", "grant", &new, "product-ux"]);
}

#[test]
fn a_roster_file_moves_between_workspaces_and_an_altered_one_is_refused_whole() {
    let (t, maya, sam) = Team::with_two("roster-file");
    let file = t.path("roster.json");
    t.ok(MAYA, &["roster", "export", "-o", &file]);
    let other = Steward::new();
    let ws = other.workspace();
    let init = t.run_in(&ws, SAM, &["init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);

    // Altered in transit: one change's payload edited. Nothing is imported.
    let text = std::fs::read_to_string(&file).expect("read");
    let mut altered: serde_json::Value = serde_json::from_str(&text).expect("json");
    let payload = base64_decode(altered["changes"][3]["payload"].as_str().expect("payload"));
    let edited = String::from_utf8(payload)
        .expect("utf-8")
        .replace("\"sre\"", "\"model-owner\"");
    altered["changes"][3]["payload"] = base64_encode(edited.as_bytes()).into();
    let bad = t.path("altered.json");
    std::fs::write(&bad, altered.to_string()).expect("write");
    let run = t.run_in(&ws, SAM, &["roster", "import", &bad]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("roster change 4 is not trusted")
            && run.stderr.contains("nothing was imported"),
        "{}",
        run.stderr
    );
    let none = t.run_in(&ws, SAM, &["roster", "show"]);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("no trust roster"), "{}", none.stderr);

    // The file as exported is verified and stored whole; importing it again adds nothing.
    for _ in 0..2 {
        let run = t.run_in(&ws, SAM, &["roster", "import", &file]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.contains("4 verified changes"), "{}", run.stdout);
    }
    let theirs = t.run_in(&ws, SAM, &["roster", "show", "--json"]).json();
    assert_eq!(theirs["root"], maya.as_str());
    assert!(theirs["members"].to_string().contains(&sam));

    // A roster with another root is refused.
    t.person("Eve Outsider", EVE);
    let eve_ws = Steward::new();
    for args in [
        &["init"][..],
        &["roster", "init"],
        &["roster", "export", "-o", &t.path("eve.json")],
    ] {
        let run = t.run_in(&eve_ws.workspace(), EVE, args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    let run = t.run_in(&ws, SAM, &["roster", "import", &t.path("eve.json")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("but this workspace's root is"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_offline_reviewer_signs_a_packet_and_the_approval_comes_back() {
    let (t, _maya, sam) = Team::with_two("packet");
    let packet = t.path("packet.json");
    t.ok(
        MAYA,
        &[
            "review",
            "export",
            "copilot@1.0.0-1",
            "--to",
            "candidate",
            "-o",
            &packet,
        ],
    );
    // Sam has no copy of the workspace: only the packet and his key.
    let laptop = t.s.path("sams-laptop");
    let approval = t.path("sam-approval.json");
    let run = t.run_in(
        &laptop,
        SAM,
        &[
            "review",
            "sign",
            &packet,
            "--role",
            "sre",
            "--comment",
            "runbook is fine",
            "-o",
            &approval,
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!laptop.exists(), "signing a packet creates no workspace");
    let imported = t.ok(MAYA, &["approval", "import", &approval]);
    assert!(imported.stdout.contains("current"), "{}", imported.stdout);
    let listed = t.approvals("copilot@1.0.0-1");
    assert_eq!(states(&listed), ["current"]);
    assert_eq!(listed["approvals"][0]["signer"], sam.as_str());
    assert_eq!(listed["approvals"][0]["imported"], true);

    // A packet altered in transit is refused, naming what does not hold.
    let mut p: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&packet).expect("read")).expect("json");
    p["documents"][0]["content"] = "# A different card\n".into();
    let bad = t.path("altered-packet.json");
    std::fs::write(&bad, p.to_string()).expect("write");
    let run = t.run_in(
        &laptop,
        SAM,
        &[
            "review",
            "sign",
            &bad,
            "--role",
            "sre",
            "-o",
            &t.path("x.json"),
        ],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("altered in transit")
            && run
                .stderr
                .contains("the text of model-card r1 is not the text"),
        "{}",
        run.stderr
    );

    // An approval signed over an old packet is stale once the card changes: refused.
    let late = t.path("late.json");
    let run = t.run_in(
        &laptop,
        SAM,
        &[
            "review",
            "sign",
            &packet,
            "--role",
            "sre",
            "--decision",
            "request-changes",
            "-o",
            &late,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let card = t.path("card.md");
    std::fs::write(
        &card,
        "---\nmodel_name: copilot\n---\n\n# Card\n\nRevised.\n",
    )
    .expect("card");
    t.ok(
        MAYA,
        &["doc", "save", "copilot@1.0.0-1", "model-card", &card],
    );
    t.fails(
        MAYA,
        &["approval", "import", &late],
        "is stale, nothing was stored: model-card is at revision 2, signed at revision 1",
    );
}

#[test]
fn without_an_identity_signing_says_which_keyring_and_what_to_do_and_stores_nothing() {
    let (t, _maya, _sam) = Team::with_two("no-identity");
    let before = t.ok(MAYA, &["audit", "log", "--json"]).json();
    let mut cmd = t.s.command(&[
        "approve",
        "copilot@1.0.0-1",
        "--role",
        "sre",
        "--to",
        "candidate",
    ]);
    cmd.env("STEWARD_KEYRING_NAMESPACE", format!("{}-empty", t.ns))
        .env_remove("STEWARD_IDENTITY");
    let out = cmd.output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no identity in the OS keyring (kernel keyutils, user keyring)")
            && stderr.contains("steward key init --name NAME --email EMAIL"),
        "{stderr}"
    );
    // Two identities and none chosen: name them and say how to choose.
    let run = t.fails(
        "",
        &[
            "approve",
            "copilot@1.0.0-1",
            "--role",
            "sre",
            "--to",
            "candidate",
        ],
        "set STEWARD_IDENTITY",
    );
    assert!(
        run.stderr.contains(MAYA) && run.stderr.contains(SAM),
        "{}",
        run.stderr
    );
    assert_eq!(t.ok(MAYA, &["audit", "log", "--json"]).json(), before);
    assert_eq!(
        states(&t.approvals("copilot@1.0.0-1")),
        Vec::<String>::new()
    );
}

/// Builds `tests/support/nokeyring.c`, a launcher under which the keyring system calls fail.
fn no_keyring_launcher(dir: &Path) -> std::path::PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("support/nokeyring.c");
    let bin = dir.join("nokeyring");
    let built = Command::new("cc")
        .arg("-O1")
        .arg("-o")
        .arg(&bin)
        .arg(&src)
        .status()
        .expect("the C compiler (cc) is needed to build the keyring-blocking launcher");
    assert!(built.success(), "cc failed on {}", src.display());
    bin
}

#[test]
fn an_unavailable_keyring_is_a_clear_error_and_nothing_is_stored() {
    let team = Team::new("nokeyring");
    let launcher = no_keyring_launcher(team.s.dir.path());
    let entries = |t: &Team| {
        t.run("", &["audit", "log", "--json"])
            .json()
            .as_array()
            .map_or(0, Vec::len)
    };
    let before = entries(&team);
    let out = Command::new(&launcher)
        .arg(steward_tests::binary())
        .arg("--workspace")
        .arg(team.s.workspace())
        .args(["key", "init", "--name", "Ana", "--email", "ana@example.com"])
        .env("STEWARD_KEYRING_NAMESPACE", &team.ns)
        .env("STEWARD_KEYRING_BACKEND", "keyutils")
        .env("STEWARD_ACTOR", "trust-tester")
        .output()
        .expect("run under the launcher");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the OS keyring (kernel keyutils, user keyring)")
            && stderr.contains("unavailable"),
        "{stderr}"
    );
    assert!(
        stderr.contains("keyctl show @u"),
        "says what to do: {stderr}"
    );
    // Nothing was stored: not in the keyring, not in the workspace.
    let shown = team.run("", &["key", "show"]);
    assert_eq!(shown.code, 1, "{}", shown.stderr);
    assert!(shown.stderr.contains("no identity"), "{}", shown.stderr);
    assert_eq!(entries(&team), before);
}

/// The studio's Chromium flows replay what the core answered for the demo
/// (`ui/flows/app/trust/`, written by its `generate.sh`). When the core's answers change —
/// a state, a reason, a subject item — this fails until they are recorded again, so the
/// fake never shows a rule the core no longer has. Keys and times differ on every load and
/// are left out of the comparison.
#[test]
fn the_studio_recordings_are_what_the_core_answers_for_the_demo() {
    let t = Team::new("recordings");
    let _demo_keys = steward_tests::DemoKeys::of(&t.ns);
    t.ok("", &["demo"]);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/flows/app/trust");
    let recorded = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(name)).expect("recording");
        serde_json::from_str(&text).expect("recording is JSON")
    };
    fn stable(v: &serde_json::Value) -> serde_json::Value {
        // Keys are made afresh on every demo load, and the gate a subject holds reads the
        // dataset reviews those keys signed: digests over them differ from load to load.
        const VOLATILE: [&str; 6] = [
            "signer",
            "signer_fingerprint",
            "signed_at",
            "roster_root_fingerprint",
            "subject_digest",
            "gate_report_digest",
        ];
        let gate_item = v.get("kind").and_then(|k| k.as_str()) == Some("gate report");
        match v {
            serde_json::Value::Object(m) => m
                .iter()
                .filter(|(k, _)| !VOLATILE.contains(&k.as_str()))
                .filter(|(k, _)| !(gate_item && k.as_str() == "digest"))
                .map(|(k, v)| (k.clone(), stable(v)))
                .collect(),
            serde_json::Value::Array(a) => a.iter().map(stable).collect(),
            other => other.clone(),
        }
    }
    let stale = "is stale: run ui/flows/app/trust/generate.sh and commit the recordings";
    for (version, to) in [
        ("1.1.0-8", "production"),
        ("1.2.0-12", "production"),
        ("1.3.0-15", "canary"),
    ] {
        let target = format!("summarize-copilot@{version}");
        let now = t.approvals(&target);
        let file = format!("approvals-{version}.json");
        assert_eq!(stable(&now), stable(&recorded(&file)), "{file} {stale}");
        let subject = t
            .ok("", &["review", "subject", &target, "--to", to, "--json"])
            .json();
        let file = format!("subject-{version}.json");
        assert_eq!(stable(&subject), stable(&recorded(&file)), "{file} {stale}");
    }
}

/// Secret Service, in a D-Bus session of the test's own with GNOME Keyring unlocked in it and
/// a home of its own (so the keyring files go away with the test): with
/// `STEWARD_KEYRING_BACKEND` unset it is chosen and named, a second process loads the key,
/// and `secret-tool` finds the item under the `keyring` crate's attributes. Asked for by name
/// where no session bus is, it is an error naming it — not a fallback to keyutils.
#[test]
fn secret_service_is_chosen_when_a_session_bus_answers_and_never_silently_replaced() {
    let team = Team::new("secret-service");
    let home = team.s.dir.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    let service = format!("steward-{}", team.ns);
    let script = r#"
echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null || { echo "daemon-failed"; exit 90; }
"$STEWARD" --workspace "$WS" key init --name Ana --email ana@example.com; echo "init-rc=$?"
echo "--- show"
"$STEWARD" --workspace "$WS" key show; echo "show-rc=$?"
echo "--- search"
secret-tool search --all service "$SERVICE" 2>&1 | grep -v '^secret = '
echo "--- lookup"
secret-tool lookup service "$SERVICE" username ana@example.com target default application rust-keyring >/dev/null; echo "lookup-rc=$?"
secret-tool clear service "$SERVICE"
"$STEWARD" --workspace "$WS" key show >/dev/null 2>&1; echo "after-clear-rc=$?"
"#;
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script])
        .env_remove("STEWARD_KEYRING_BACKEND")
        .env("STEWARD", steward_tests::binary())
        .env("WS", team.s.workspace())
        .env("SERVICE", &service)
        .env("STEWARD_KEYRING_NAMESPACE", &team.ns)
        .env("STEWARD_ACTOR", "trust-tester")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("STEWARD_KEYRING_BACKEND")
        .env_remove("STEWARD_IDENTITY")
        .env_remove("STEWARD_WORKSPACE")
        .output()
        .expect(
            "dbus-run-session, gnome-keyring-daemon and secret-tool are needed \
             (apt-get install dbus gnome-keyring libsecret-tools; scripts/test.sh does it)",
        );
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let all = format!("{printed}\n{stderr}");
    assert!(out.status.success(), "the session script failed: {all}");
    let (init, rest) = printed.split_once("--- show").expect("init part");
    let (show, rest) = rest.split_once("--- search").expect("show part");
    let (search, lookup) = rest.split_once("--- lookup").expect("search part");
    assert!(init.contains("init-rc=0"), "{all}");
    assert!(
        init.contains(&format!("keyring:     Secret Service (service {service})")),
        "key init names Secret Service: {all}"
    );
    let keyid = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix("keyid:"))
            .map(|k| k.trim().to_string())
            .unwrap_or_else(|| panic!("no keyid in {text}"))
    };
    assert!(show.contains("show-rc=0"), "{all}");
    assert!(show.contains("Secret Service"), "{all}");
    assert_eq!(
        keyid(show),
        keyid(init),
        "the second process loads the key: {all}"
    );
    for attribute in [
        format!("attribute.service = {service}"),
        "attribute.username = ana@example.com".to_string(),
        "attribute.application = rust-keyring".to_string(),
    ] {
        assert!(
            search.contains(&attribute),
            "secret-tool finds {attribute}: {all}"
        );
    }
    assert!(
        search.contains("attribute.username = .identities"),
        "the identity index is an item too: {all}"
    );
    assert!(lookup.contains("lookup-rc=0"), "{all}");
    assert!(lookup.contains("after-clear-rc=1"), "{all}");
    // The seed never reached the output (secret-tool prints attributes on stderr and the
    // secret on stdout, whose `secret =` lines are filtered out; and
    // steward prints no key bytes).
    assert!(!all.contains("secret = "), "{all}");

    // Asked for by name where there is no session bus: exit 1, naming Secret Service and what
    // to do; and nothing went to the kernel keyring instead.
    let run = |backend: &str, args: &[&str]| {
        Command::new(steward_tests::binary())
            .arg("--workspace")
            .arg(team.s.workspace())
            .args(args)
            .env("STEWARD_KEYRING_BACKEND", backend)
            .env("STEWARD_KEYRING_NAMESPACE", &team.ns)
            .env("STEWARD_ACTOR", "trust-tester")
            .env("HOME", &home)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY")
            .env_remove("XDG_RUNTIME_DIR")
            .env_remove("STEWARD_IDENTITY")
            .env_remove("STEWARD_WORKSPACE")
            .output()
            .expect("run steward")
    };
    for args in [
        &["key", "show"][..],
        &["key", "init", "--name", "Ana", "--email", "ana@example.com"][..],
    ] {
        let out = run("secret-service", args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("the OS keyring (Secret Service)")
                && stderr.contains("STEWARD_KEYRING_BACKEND=secret-service")
                && stderr.contains("unlock"),
            "{args:?}: {stderr}"
        );
    }
    let out = run("keyutils", &["key", "show"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no identity in the OS keyring (kernel keyutils, user keyring)"),
        "nothing fell back to keyutils: {stderr}"
    );
    // An unknown backend name is an error too.
    let out = run("files", &["key", "show"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("\"files\"") && stderr.contains("STEWARD_KEYRING_BACKEND"),
        "{stderr}"
    );
}
