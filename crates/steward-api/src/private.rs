//! Workspace files are private to their owner: folders are created 0700 and files 0600
//! whatever the umask (a workspace holds unreleased model documents and evaluation evidence),
//! and a workspace that others can read is named in a warning.
//!
//! On systems without Unix permission bits these are plain creates and no warnings.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Creates `dir` and any missing parents; the ones created here are 0700.
pub(crate) fn create_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir)
}

fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    options.mode(0o600);
    options
}

/// Writes `bytes` to `path` (created 0600, or truncated if it exists).
pub(crate) fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = private_options().create(true).truncate(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates `path` empty and 0600 if it does not exist, so that SQLite (which gives its WAL and
/// shared-memory files the database file's permissions) never creates it under the umask.
pub(crate) fn touch(path: &Path) -> std::io::Result<()> {
    match private_options().create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Warnings for each of `paths` that exists and that the group or others may read.
pub(crate) fn exposure_warnings(paths: &[&Path]) -> Vec<String> {
    let mut out = Vec::new();
    #[cfg(unix)]
    for path in paths {
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                let fix = if meta.is_dir() { "700" } else { "600" };
                out.push(format!(
                    "{} can be read by other users (mode {mode:o}); run `chmod {fix} {}` to keep the workspace private",
                    path.display(),
                    path.display()
                ));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = paths;
    out
}
