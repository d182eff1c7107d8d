//! flagd's own evaluation engine (`@openfeature/flagd-core`, installed in `tests/flagd` by the
//! test command) over a flag file Steward wrote: the journeys check what a real OpenFeature
//! provider serves, not what Steward says it wrote.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// How many targeting keys (`user-0` … `user-9999`) each evaluation resolves.
pub const KEYS: u32 = 10_000;

/// flagd's answer for flag `flag` in `file`: `counts` (how many of [`KEYS`] targeting keys
/// resolve to each variant), `tenant` (the variant a context with that tenant gets) and
/// `metadata` (the flag's).
pub fn evaluate(file: &Path, flag: &str, tenant: &str) -> Value {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("flagd");
    assert!(
        dir.join("node_modules/@openfeature/flagd-core").is_dir(),
        "tests/flagd has no node_modules: the test command installs @openfeature/flagd-core there"
    );
    let out = Command::new("node")
        .current_dir(&dir)
        .arg("evaluate.mjs")
        .arg(file)
        .args([flag, &KEYS.to_string(), tenant])
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "flagd: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("flagd answer")
}

/// The percentage of [`KEYS`] that `answer` routes to `variant`.
pub fn share(answer: &Value, variant: &str) -> f64 {
    let n = answer["counts"][variant].as_u64().unwrap_or(0);
    f64::from(u32::try_from(n).unwrap_or(u32::MAX)) * 100.0 / f64::from(KEYS)
}
