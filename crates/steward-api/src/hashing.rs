//! Streaming, parallel SHA-256 of files and folders, with progress and cancellation.
//!
//! Files are read in 1 MiB chunks (never whole), folders are hashed a file per core with
//! rayon, and progress is reported through a [`ProgressSink`] that the CLI draws as a bar and
//! the desktop shell forwards to the window as events.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use steward_domain::{ManifestEntry, Sha256Digest};

use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::Progress;

const CHUNK: usize = 1 << 20;
/// Report at least this often in bytes, so one large file still moves the bar.
const REPORT_EVERY: u64 = 16 << 20;

/// Receives progress reports; called from several threads.
pub trait ProgressSink: Sync {
    /// One report.
    fn report(&self, progress: &Progress);
}

/// A sink that drops every report.
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn report(&self, _: &Progress) {}
}

/// A cancellation flag shared between the caller and a running operation.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A fresh, un-cancelled flag.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// Asks the operation to stop at the next chunk.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether cancellation was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

fn io_error(path: &Path, what: &str, e: &std::io::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Io,
        format!("cannot {what} {}: {e}", path.display()),
    )
}

fn cancelled() -> ApiError {
    ApiError::new(ErrorCode::Cancelled, "cancelled; nothing was stored")
}

struct Counter<'a> {
    sink: &'a dyn ProgressSink,
    total_files: u32,
    total_bytes: u64,
    done_files: AtomicU64,
    done_bytes: AtomicU64,
    last_report: AtomicU64,
}

impl Counter<'_> {
    fn send(&self) {
        self.sink.report(&Progress {
            phase: "hashing".into(),
            done_files: u32::try_from(self.done_files.load(Ordering::Relaxed)).unwrap_or(u32::MAX),
            total_files: self.total_files,
            done_bytes: self.done_bytes.load(Ordering::Relaxed),
            total_bytes: self.total_bytes,
        });
    }

    fn add_bytes(&self, n: u64) {
        let done = self.done_bytes.fetch_add(n, Ordering::Relaxed) + n;
        let last = self.last_report.load(Ordering::Relaxed);
        if done >= last + REPORT_EVERY
            && self
                .last_report
                .compare_exchange(last, done, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.send();
        }
    }

    fn file_done(&self) {
        self.done_files.fetch_add(1, Ordering::Relaxed);
        self.send();
    }
}

/// Hashes `path`; with `expected` (device, inode), refuses a file that is not the one listed.
fn hash_stream(
    path: &Path,
    expected: Option<(u64, u64)>,
    counter: &Counter<'_>,
    cancel: &Cancel,
) -> Result<(Sha256Digest, u64)> {
    let (mut file, _) = crate::input::open_regular(path)?;
    if expected.is_some() {
        let meta = file.metadata().map_err(|e| io_error(path, "read", &e))?;
        if identity(&meta) != expected {
            return Err(ApiError::invalid(format!(
                "{} was replaced while it was being snapshotted; nothing was stored, try again",
                path.display()
            )));
        }
    }
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(cancelled());
        }
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(path, "read", &e)),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
        counter.add_bytes(n as u64);
    }
    Ok((Sha256Digest::from_bytes(hasher.finalize().into()), size))
}

/// Hashes one file. Refuses folders and missing files with the path in the message.
pub fn hash_file(
    path: &Path,
    sink: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<(Sha256Digest, u64)> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, "read", &e))?;
    crate::input::check_regular(path, &meta)?;
    let counter = Counter {
        sink,
        total_files: 1,
        total_bytes: meta.len(),
        done_files: AtomicU64::new(0),
        done_bytes: AtomicU64::new(0),
        last_report: AtomicU64::new(0),
    };
    let out = hash_stream(path, None, &counter, cancel)?;
    counter.file_done();
    Ok(out)
}

/// A file to hash in a snapshot: its relative `/` path, the path to open, its size and its
/// identity (device, inode) when listed, so a file swapped before it is read is noticed.
struct Listed {
    rel: String,
    path: PathBuf,
    size: u64,
    identity: Option<(u64, u64)>,
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Lists the files under `dir`, sorted by relative path. Nothing outside `dir` is ever read:
/// links are not followed by the walk; a link to a regular file inside the folder is hashed
/// as that file, and every other entry that is not a plain file or folder (a link leaving
/// the folder or to a folder, a FIFO, a socket, a device) refuses the snapshot, each one named.
fn list_files(dir: &Path) -> Result<Vec<Listed>> {
    let meta = std::fs::metadata(dir).map_err(|e| io_error(dir, "read", &e))?;
    if !meta.is_dir() {
        return Err(ApiError::invalid(format!(
            "{} is not a folder",
            dir.display()
        )));
    }
    let root = std::fs::canonicalize(dir).map_err(|e| io_error(dir, "read", &e))?;
    let mut files = Vec::new();
    let mut refused = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let path = e
                .path()
                .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
            ApiError::new(
                ErrorCode::Io,
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        let shown = crate::input::quote(&entry.path().to_string_lossy());
        let (path, meta) = if kind.is_symlink() {
            let target = match std::fs::canonicalize(entry.path()) {
                Ok(t) => t,
                Err(e) => {
                    refused.push(format!("{shown} is a broken link ({e})"));
                    continue;
                }
            };
            if !target.starts_with(&root) {
                refused.push(format!(
                    "{shown} is a link to {}, outside the folder",
                    crate::input::quote(&target.to_string_lossy())
                ));
                continue;
            }
            let meta = std::fs::metadata(&target).map_err(|e| io_error(&target, "read", &e))?;
            if !meta.is_file() {
                refused.push(format!(
                    "{shown} is a link to something that is not a regular file"
                ));
                continue;
            }
            (target, meta)
        } else {
            let meta = entry
                .metadata()
                .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot read {shown}: {e}")))?;
            if let Err(e) = crate::input::check_regular(entry.path(), &meta) {
                refused.push(e.message);
                continue;
            }
            (entry.path().to_path_buf(), meta)
        };
        let rel = entry.path().strip_prefix(dir).map_err(|_| {
            ApiError::new(
                ErrorCode::Internal,
                format!("{shown} is outside {}", dir.display()),
            )
        })?;
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        let Some(rel) = parts.map(|p| p.join("/")) else {
            refused.push(format!(
                "the file name {shown} is not valid UTF-8; rename it"
            ));
            continue;
        };
        files.push(Listed {
            rel,
            path,
            size: meta.len(),
            identity: identity(&meta),
        });
    }
    if !refused.is_empty() {
        return Err(ApiError::invalid(format!(
            "{} cannot be snapshotted as it is; nothing was stored. A snapshot holds only regular files inside the folder: {}",
            dir.display(),
            refused.join("; ")
        )));
    }
    if files.is_empty() {
        return Err(ApiError::invalid(format!(
            "{} holds no files to snapshot",
            dir.display()
        )));
    }
    Ok(files)
}

/// Hashes every file under `dir` in parallel and returns manifest entries sorted by path.
pub fn hash_dir(
    dir: &Path,
    sink: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<Vec<ManifestEntry>> {
    let files = list_files(dir)?;
    let counter = Counter {
        sink,
        total_files: u32::try_from(files.len()).unwrap_or(u32::MAX),
        total_bytes: files.iter().map(|f| f.size).sum(),
        done_files: AtomicU64::new(0),
        done_bytes: AtomicU64::new(0),
        last_report: AtomicU64::new(0),
    };
    counter.send();
    files
        .par_iter()
        .map(|f| {
            let (sha256, size) = hash_stream(&f.path, f.identity, &counter, cancel)?;
            counter.file_done();
            Ok(ManifestEntry {
                path: f.rel.clone(),
                size,
                sha256,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    struct Recorder(Mutex<Vec<Progress>>);
    impl ProgressSink for Recorder {
        fn report(&self, p: &Progress) {
            self.0.lock().expect("lock").push(p.clone());
        }
    }

    #[test]
    fn hashes_a_folder_with_progress() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("b.csv"), b"b").expect("write");
        std::fs::write(dir.path().join("sub/a.csv"), b"").expect("write");
        let rec = Recorder(Mutex::new(Vec::new()));
        let entries = hash_dir(dir.path(), &rec, &Cancel::new()).expect("hash");
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["b.csv", "sub/a.csv"]);
        assert_eq!(entries[0].sha256, Sha256Digest::of(b"b"));
        assert_eq!(entries[1].sha256, Sha256Digest::of(b""));
        let reports = rec.0.lock().expect("lock");
        let last = reports
            .iter()
            .max_by_key(|p| p.done_files)
            .expect("reported");
        assert_eq!(
            (last.done_files, last.total_files, last.total_bytes),
            (2, 2, 1)
        );
    }

    #[test]
    fn refuses_empty_folders_missing_paths_and_cancels() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = hash_dir(dir.path(), &NoProgress, &Cancel::new()).expect_err("empty");
        assert!(err.message.contains("holds no files"), "{err}");
        let missing = dir.path().join("nope");
        let err = hash_dir(&missing, &NoProgress, &Cancel::new()).expect_err("missing");
        assert!(err.message.contains("nope"), "{err}");
        let err = hash_file(dir.path(), &NoProgress, &Cancel::new()).expect_err("a folder");
        assert!(
            err.message
                .contains("is a folder; Steward reads only regular files"),
            "{err}"
        );
        std::fs::write(dir.path().join("x"), b"x").expect("write");
        let cancel = Cancel::new();
        cancel.cancel();
        let err = hash_dir(dir.path(), &NoProgress, &cancel).expect_err("cancelled");
        assert_eq!(err.code, ErrorCode::Cancelled);
    }
}
