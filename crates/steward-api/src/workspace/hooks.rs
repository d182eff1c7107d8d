//! The per-model hook command: run after each change of the traffic dial, with the release
//! record behind the change (or the change alone) as JSON on its standard input, so a team's
//! cache or deploy tooling can act on the new serving epoch. A run is bounded in time
//! (killed at its timeout) and output (the first [`OUTPUT_LIMIT`] bytes are kept, the rest
//! read and dropped), and its outcome is recorded with the change. The change never waits on
//! or depends on the hook: it is stored before the hook starts, and a hook that fails, hangs
//! or cannot start is recorded as such.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use steward_attest::{Envelope, Statement};
use steward_domain::ModelName;
use steward_store::HookRunRow;

use super::{parse, Workspace};
use crate::error::{ApiError, Result};
use crate::wire::{HookRunView, TrafficHookSet, TrafficHookView};

/// Output kept per run, in bytes.
pub const OUTPUT_LIMIT: usize = 4096;
/// The default timeout, seconds.
pub const DEFAULT_TIMEOUT_S: u64 = 10;
/// The longest timeout a hook may have, seconds.
pub const MAX_TIMEOUT_S: u64 = 300;

/// Reads all of `r`, keeping the first `limit` bytes.
fn drain_bounded(mut r: impl Read, limit: usize) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = limit.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
    kept
}

/// What a run ended with.
pub(crate) struct RunOutcome {
    pub outcome: &'static str,
    pub exit_code: Option<i32>,
    pub output: String,
    pub elapsed_ms: u64,
}

/// Runs `command` through `sh -c` with `input` on standard input, for at most `timeout`.
pub(crate) fn run_hook(command: &str, input: &[u8], timeout: Duration) -> RunOutcome {
    let started = Instant::now();
    let elapsed = |s: Instant| u64::try_from(s.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group, so a timeout kills what the hook started too (`sleep 30 &`,
    // a pipeline), not only the shell.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return RunOutcome {
                outcome: "not-started",
                exit_code: None,
                output: format!("could not start `sh -c {command}`: {e}"),
                elapsed_ms: elapsed(started),
            }
        }
    };
    // Standard input from its own thread: a hook that never reads must not block us.
    let stdin = child.stdin.take();
    let payload = input.to_vec();
    std::thread::spawn(move || {
        if let Some(mut s) = stdin {
            let _ = s.write_all(&payload);
        }
    });
    let (tx, rx) = mpsc::channel::<(u8, Vec<u8>)>();
    for (n, pipe) in [
        (
            0u8,
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
        (
            1u8,
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let kept = pipe.map_or_else(Vec::new, |p| drain_bounded(p, OUTPUT_LIMIT));
            let _ = tx.send((n, kept));
        });
    }
    drop(tx);
    let deadline = started + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() >= deadline => {
                kill_group(child.id());
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => break None,
        }
    };
    // The readers end when the pipes close; a grandchild holding them open is not waited on
    // beyond a short grace.
    let mut parts: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    let grace = Instant::now() + Duration::from_millis(500);
    for _ in 0..2 {
        let left = grace.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((n, kept)) => parts[usize::from(n)] = kept,
            Err(_) => break,
        }
    }
    let mut all = parts[0].clone();
    all.extend_from_slice(&parts[1]);
    all.truncate(OUTPUT_LIMIT);
    let output = String::from_utf8_lossy(&all).into_owned();
    let elapsed_ms = elapsed(started);
    match status {
        None => RunOutcome {
            outcome: "timed-out",
            exit_code: None,
            output,
            elapsed_ms,
        },
        Some(s) => RunOutcome {
            outcome: if s.success() { "ok" } else { "failed" },
            exit_code: s.code(),
            output,
            elapsed_ms,
        },
    }
}

/// Kills the process group `pgid` (the hook's shell and everything it started), through the
/// shell's own `kill` (`kill -9 -PGID`: dash reads `-s KILL -PGID` and `--` as options).
fn kill_group(pgid: u32) {
    #[cfg(unix)]
    {
        let _ = Command::new("sh")
            .arg("-c")
            .arg(format!("kill -9 -{pgid}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

fn hook_view(r: &HookRunRow) -> HookRunView {
    HookRunView {
        epoch: u32::try_from(r.epoch).unwrap_or(u32::MAX),
        command: r.command.clone(),
        outcome: r.outcome.clone(),
        exit_code: r.exit_code,
        output: r.output.clone(),
        elapsed_ms: u32::try_from(r.elapsed_ms).unwrap_or(u32::MAX),
        at: r.at.clone(),
    }
}

impl Workspace {
    /// Sets a model's hook command (`sh -c COMMAND`, at most `timeout_s` seconds), or removes
    /// it when the command is empty.
    pub fn traffic_hook_set(&self, req: &TrafficHookSet) -> Result<TrafficHookView> {
        let model: ModelName = parse(&req.model)?;
        self.store.model(&model)?;
        let command = req.command.trim();
        if command.chars().any(|c| c.is_control() && c != '\t') {
            return Err(ApiError::invalid(
                "--command holds a control character (a newline?); give one shell command line",
            ));
        }
        let timeout_s = req.timeout_s.unwrap_or(DEFAULT_TIMEOUT_S as u32);
        if timeout_s == 0 || u64::from(timeout_s) > MAX_TIMEOUT_S {
            return Err(ApiError::invalid(format!(
                "--timeout {timeout_s} is out of range: give 1 to {MAX_TIMEOUT_S} seconds"
            )));
        }
        self.store
            .set_traffic_hook(&model, command, u64::from(timeout_s) * 1000, &self.actor)?;
        self.traffic_hook_show(model.as_str())
    }

    /// A model's hook and its runs.
    pub fn traffic_hook_show(&self, model: &str) -> Result<TrafficHookView> {
        let model: ModelName = parse(model)?;
        self.store.model(&model)?;
        let hook = self.store.traffic_hook(&model)?;
        Ok(TrafficHookView {
            model: model.to_string(),
            command: hook.as_ref().map(|h| h.command.clone()),
            timeout_s: hook
                .as_ref()
                .map(|h| u32::try_from(h.timeout_ms / 1000).unwrap_or(u32::MAX)),
            runs: self
                .store
                .hook_runs(&model)?
                .iter()
                .map(hook_view)
                .collect(),
        })
    }

    /// What a hook reads: the change and, when a release record is behind it, the record's
    /// signed statement (its predicate is the release record) and envelope digest.
    fn hook_input(&self, model: &ModelName, change: &Value, release: Option<&str>) -> Value {
        let record = release.and_then(|sha| {
            let rows = self.store.release_records(model).ok()?;
            let row = rows
                .into_iter()
                .find(|r| r.envelope_sha256.to_string() == sha)?;
            let env = Envelope::from_json(row.envelope.as_bytes()).ok()?;
            let payload = env.unverified_payload().ok()?;
            let st = Statement::from_payload(&payload).ok()?;
            serde_json::to_value(st).ok()
        });
        json!({
            "format": "steward.traffic-hook/v1",
            "model": model.as_str(),
            "change": change,
            "release_sha256": release,
            "release_record": record,
        })
    }

    /// Runs the model's hook after change `change_id`, and records the outcome. Never fails
    /// the change: a hook that cannot run or be recorded is reported on standard error by the
    /// caller's log only.
    pub(super) fn run_traffic_hook(
        &self,
        model: &ModelName,
        change_id: i64,
        change: &Value,
        release: Option<&str>,
    ) {
        let Ok(Some(hook)) = self.store.traffic_hook(model) else {
            return;
        };
        let input = self.hook_input(model, change, release);
        let bytes = serde_json::to_vec(&input).unwrap_or_default();
        let out = run_hook(
            &hook.command,
            &bytes,
            Duration::from_millis(hook.timeout_ms),
        );
        let row = HookRunRow {
            change_id,
            epoch: 0,
            command: hook.command.clone(),
            outcome: out.outcome.to_string(),
            exit_code: out.exit_code,
            output: out.output,
            elapsed_ms: out.elapsed_ms,
            at: String::new(),
        };
        if let Err(e) = self.store.add_hook_run(model, &row, &self.actor) {
            eprintln!("steward: the hook run after traffic change {change_id} of {model} could not be recorded: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hooks_are_bounded_and_their_outcome_kept() {
        // (case, command, timeout ms, outcome, output contains)
        let cases: [(&str, &str, u64, &str, &str); 5] = [
            ("reads stdin", "cat", 5000, "ok", "\"epoch\""),
            ("fails", "echo nope >&2; exit 3", 5000, "failed", "nope"),
            ("hangs", "sleep 30", 300, "timed-out", ""),
            ("ignores stdin", "true", 5000, "ok", ""),
            (
                "floods",
                "yes steward | head -c 1000000",
                10000,
                "ok",
                "steward",
            ),
        ];
        for (case, cmd, ms, outcome, contains) in cases {
            let out = run_hook(cmd, b"{\"epoch\":3}", Duration::from_millis(ms));
            assert_eq!(out.outcome, outcome, "{case}: {}", out.output);
            assert!(out.output.contains(contains), "{case}: {}", out.output);
            assert!(out.output.len() <= OUTPUT_LIMIT, "{case}");
        }
        let hung = run_hook("sleep 30", b"", Duration::from_millis(200));
        assert!(
            hung.elapsed_ms < 5000,
            "a hung hook is killed at its timeout"
        );
        assert_eq!(
            run_hook("exit 0", b"", Duration::from_secs(5)).exit_code,
            Some(0)
        );
    }

    /// Whether `pid` still runs (a zombie waiting for its reaper does not).
    fn running(pid: &str) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rsplit_once(") ")
                .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X'))
        })
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_timeout_kills_what_the_hook_started_too() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pidfile = dir.path().join("pid");
        let cmd = format!("sleep 30 & echo $! > '{}'; wait", pidfile.display());
        let out = run_hook(&cmd, b"", Duration::from_millis(500));
        assert_eq!(out.outcome, "timed-out", "{}", out.output);
        let pid = std::fs::read_to_string(&pidfile).expect("the hook wrote its child's pid");
        let pid = pid.trim();
        let gone = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(20));
            !running(pid)
        });
        assert!(
            gone,
            "the hook's background `sleep` (pid {pid}) outlived its timeout"
        );
    }
}
