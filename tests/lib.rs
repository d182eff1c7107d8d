//! Helpers for the end-to-end journeys: run the real `steward` binary against a temporary
//! workspace and read what it printed.
//!
//! The binary is the one cargo built next to the test executable (`target/<profile>/steward`);
//! the test command builds it first (`cargo build -p steward-cli`).

use std::path::{Path, PathBuf};
use std::process::Command;

pub mod fault_proxy;
pub mod flag_engine;
pub mod mlflow;
pub mod registry;

/// The outcome of one `steward` run.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl From<std::process::Output> for Run {
    fn from(out: std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Standard output parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// A temporary workspace and the binary to drive it.
pub struct Steward {
    /// Holds the temporary folder for the test's lifetime.
    pub dir: tempfile::TempDir,
    bin: PathBuf,
    /// The keyring namespace of this workspace's signer, when it has one
    /// ([`Steward::with_signer`]); its key is forgotten on drop.
    signer_ns: Option<String>,
}

/// The identity [`Steward::with_signer`] signs as.
pub const SIGNER: &str = "releaser@example.org";

/// A policy that gates nothing: the lifecycle rules alone decide, and every promotion still
/// writes a signed release record. For journeys about the lifecycle, not the gate.
pub const LIFECYCLE_ONLY_POLICY: &str = r#"format = "steward.policy/v1"
name = "lifecycle-only"

[canary]
traffic_share_below_percent = 5.0
flagged_tenants_allowed = true
shadow_mode_required = true
min_duration_hours = 48
kpis = []

[stages]
"#;

impl Drop for Steward {
    fn drop(&mut self) {
        if let Some(ns) = &self.signer_ns {
            let _ = steward_attest::KeyStore::with_namespace(ns).forget(SIGNER);
        }
    }
}

/// The `steward` binary beside the running test executable.
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let bin = profile_dir.join(format!("steward{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo build -p steward-cli` first",
        bin.display()
    );
    bin
}

impl Steward {
    /// A fresh temporary folder (not yet a workspace).
    pub fn new() -> Steward {
        Steward {
            dir: tempfile::tempdir().expect("tempdir"),
            bin: binary(),
            signer_ns: None,
        }
    }

    /// A workspace whose person at the keyboard can sign release records: a key in a keyring
    /// namespace of its own (kernel keyutils), a roster with that key as root, and `policy`
    /// (TOML) in force. `test` names the namespace.
    pub fn with_signer(test: &str, policy: &str) -> Steward {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let mut s = Steward::new();
        s.signer_ns = Some(format!("test-{test}-{}-{nanos}", std::process::id()));
        s.ok(&["init"]);
        s.ok(&["key", "init", "--name", "Rel Easer", "--email", SIGNER]);
        s.ok(&["roster", "init"]);
        let file = s.path("policy.toml");
        std::fs::write(&file, policy).expect("write policy");
        s.ok(&[
            "policy",
            "set",
            &file.display().to_string(),
            "-m",
            "for this journey",
        ]);
        s
    }

    /// The keyring namespace of this workspace's signer ([`Steward::with_signer`]).
    pub fn signer_namespace(&self) -> Option<&str> {
        self.signer_ns.as_deref()
    }

    /// The workspace folder.
    pub fn workspace(&self) -> PathBuf {
        self.dir.path().join("ws")
    }

    /// The workspace database file.
    pub fn db(&self) -> PathBuf {
        self.workspace().join("steward.db")
    }

    /// A path inside the temporary folder, for inputs.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `steward --workspace WS args…`, ready to run.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.arg("--workspace")
            .arg(self.workspace())
            .args(args)
            .env("STEWARD_ACTOR", "journey-tester")
            .env_remove("STEWARD_WORKSPACE");
        if let Some(ns) = &self.signer_ns {
            cmd.env("STEWARD_KEYRING_NAMESPACE", ns)
                .env("STEWARD_KEYRING_BACKEND", "keyutils")
                .env("STEWARD_IDENTITY", SIGNER);
        }
        cmd
    }

    /// Runs `steward --workspace WS args…`.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = self.command(args).output().expect("run steward");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs `steward --workspace WS args…` from a shell that first runs `setup` (a umask, a
    /// ulimit such as `ulimit -v 1048576`, which bounds the memory it may take), as a user's
    /// shell would.
    pub fn in_shell(&self, setup: &str, args: &[&str]) -> Run {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("{setup}; exec \"$0\" \"$@\""))
            .arg(&self.bin)
            .args(["--workspace", &self.workspace().display().to_string()])
            .args(args)
            .env("STEWARD_ACTOR", "journey-tester")
            .env_remove("STEWARD_WORKSPACE")
            .output()
            .expect("run steward in a shell");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs `steward --workspace WS args…`, killing it (and failing the test) if it has not
    /// finished after `limit`: for inputs that could make a careless reader wait forever.
    pub fn run_or_hang(&self, args: &[&str], limit: std::time::Duration) -> Run {
        use std::io::Read;
        let mut child = self
            .command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start steward");
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if start.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!("steward {args:?} still ran after {limit:?}: it hangs");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let (mut stdout, mut stderr) = (String::new(), String::new());
        if let Some(mut o) = child.stdout.take() {
            let _ = o.read_to_string(&mut stdout);
        }
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        Run {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr,
        }
    }

    /// Runs `args` while a thread keeps appending `line` to `file` (every few milliseconds, until the
    /// run ends): a file edited while Steward imports it.
    pub fn run_while_appending(&self, args: &[&str], file: &Path, line: &str) -> Run {
        use std::io::Write;
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(file)
                    .expect("open to append");
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    f.write_all(line.as_bytes()).expect("append");
                    std::thread::sleep(std::time::Duration::from_millis(3));
                }
            });
            let run = self.run(args);
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            run
        })
    }

    /// Runs and insists on exit 0.
    pub fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(
            run.code, 0,
            "steward {args:?} failed: {}{}",
            run.stdout, run.stderr
        );
        run
    }

    /// Snapshots the folder `data` as `tickets@2026-11-01` (source `crm export`, licence
    /// `internal`, then the `provenance` arguments), insisting on exit 0; the snapshot as JSON.
    pub fn snapshot_tickets(&self, data: &Path, provenance: &[&str]) -> serde_json::Value {
        let folder = data.display().to_string();
        let mut args = vec![
            "dataset",
            "snapshot",
            &folder,
            "--name",
            "tickets",
            "--version",
            "2026-11-01",
            "--source",
            "crm export",
            "--license",
            "internal",
        ];
        args.extend_from_slice(provenance);
        args.push("--json");
        self.ok(&args).json()
    }

    /// Runs and insists on exit `code`, with `needle` in stderr.
    pub fn fails(&self, code: i32, args: &[&str], needle: &str) -> Run {
        let run = self.run(args);
        assert_eq!(
            run.code, code,
            "steward {args:?}: expected exit {code}: {}{}",
            run.stdout, run.stderr
        );
        assert!(
            run.stderr.contains(needle),
            "steward {args:?}: stderr lacks {needle:?}: {}",
            run.stderr
        );
        run
    }
}

impl Default for Steward {
    fn default() -> Self {
        Steward::new()
    }
}

/// The demo's reviewers' keys, forgotten on drop: a `steward demo` run with keyring namespace
/// `ns` makes them in `<ns>-demo` (see `steward_api::demo::keyring_namespace`).
pub struct DemoKeys(String);

impl DemoKeys {
    /// The keys a demo loaded under namespace `ns` makes.
    pub fn of(ns: &str) -> DemoKeys {
        DemoKeys(format!("{ns}-demo"))
    }
}

impl Drop for DemoKeys {
    fn drop(&mut self) {
        let store = steward_attest::KeyStore::with_namespace(&self.0);
        for who in ["priya", "diego", "hana", "amara", "tom"] {
            let _ = store.forget(&format!("{who}@companyos.example"));
        }
    }
}

impl Steward {
    /// `steward args…` on this workspace in kernel keyutils under namespace `ns` (a demo loaded
    /// so keeps its reviewers in `<ns>-demo`), acting as demo reviewer `who` (an email) when
    /// given.
    pub fn run_as(&self, ns: &str, who: Option<&str>, args: &[&str]) -> Run {
        let mut cmd = self.command(args);
        cmd.env("STEWARD_KEYRING_BACKEND", "keyutils");
        match who {
            None => cmd.env("STEWARD_KEYRING_NAMESPACE", ns),
            Some(w) => cmd
                .env("STEWARD_KEYRING_NAMESPACE", format!("{ns}-demo"))
                .env("STEWARD_IDENTITY", w),
        };
        let out = cmd.output().expect("run steward");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}
