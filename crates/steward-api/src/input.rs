//! Reading files a person names: only regular files, never more than a limit, and values
//! quoted back in error messages only as a short prefix.
//!
//! A FIFO would block a read forever and a device (`/dev/zero`) never ends, so every file is
//! checked before it is opened (`stat` does not block on a FIFO) and again through the open
//! handle (in case it was swapped in between). Size limits are enforced on the bytes actually
//! read, not on what the metadata claims.

use std::fs::{File, FileType, Metadata};
use std::io::Read;
use std::path::Path;

use crate::error::{ApiError, ErrorCode, Result};

/// The longest record (CSV line) or single value (JSON string or number) an import accepts.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// What kind of thing `t` is, for a refusal.
fn kind_of(t: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Refuses anything but a regular file, naming what it is.
pub(crate) fn check_regular(path: &Path, meta: &Metadata) -> Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    Err(ApiError::invalid(format!(
        "{} is {}; Steward reads only regular files",
        path.display(),
        kind_of(&meta.file_type())
    )))
}

fn io(path: &Path, e: &std::io::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Io,
        format!("cannot read {}: {e}", path.display()),
    )
}

/// Opens `path` for reading if it is a regular file; returns the file and its size.
pub(crate) fn open_regular(path: &Path) -> Result<(File, u64)> {
    let (file, meta) = open_regular_meta(path)?;
    Ok((file, meta.len()))
}

/// [`open_regular`] with the file's metadata as it was when opened, for
/// [`unchanged_while_read`].
pub(crate) fn open_regular_meta(path: &Path) -> Result<(File, Metadata)> {
    let meta = std::fs::metadata(path).map_err(|e| io(path, &e))?;
    check_regular(path, &meta)?;
    let file = File::open(path).map_err(|e| io(path, &e))?;
    let meta = file.metadata().map_err(|e| io(path, &e))?;
    check_regular(path, &meta)?;
    Ok((file, meta))
}

/// Refuses a file that changed while it was read: its size or modification time now differ
/// from `opened` (its metadata when it was opened), or the whole file was `read` (when given)
/// and that many bytes arrived where it held another number. An import that streams a file someone is still writing would otherwise
/// store a mix of two versions under a digest of neither whole file.
pub(crate) fn unchanged_while_read(
    path: &Path,
    file: &File,
    opened: &Metadata,
    read: Option<u64>,
) -> Result<()> {
    let now = file.metadata().map_err(|e| io(path, &e))?;
    let same_time = match (opened.modified(), now.modified()) {
        (Ok(a), Ok(b)) => a == b,
        _ => true,
    };
    if now.len() == opened.len() && read.is_none_or(|r| r == opened.len()) && same_time {
        return Ok(());
    }
    Err(ApiError::invalid(format!(
        "{} changed while Steward was reading it ({} bytes when opened, {} now{}); nothing was imported: import it again once it is complete",
        path.display(),
        opened.len(),
        now.len(),
        read.map(|r| format!(", {r} read")).unwrap_or_default()
    )))
}

/// Reads all of the regular file `path`, refusing it with `too_big(bytes seen)` once more than
/// `limit` bytes arrive, whatever its metadata said.
pub(crate) fn read_limited(
    path: &Path,
    limit: u64,
    too_big: impl Fn(u64) -> ApiError,
) -> Result<Vec<u8>> {
    let (file, size) = open_regular(path)?;
    if size > limit {
        return Err(too_big(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io(path, &e))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Hashes (sha256) and counts what passes through, so an import's digest costs no second
/// pass over its file.
pub(crate) struct HashingReader<R> {
    inner: R,
    hasher: sha2::Sha256,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: sha2::Sha256::default(),
            bytes: 0,
        }
    }

    /// Bytes read so far.
    pub(crate) fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// The lowercase hex sha256 of what was read so far.
    pub(crate) fn hex(&mut self) -> String {
        use sha2::Digest;
        use std::fmt::Write;
        let digest = std::mem::take(&mut self.hasher).finalize();
        let mut out = String::with_capacity(64);
        for b in digest {
            let _ = write!(out, "{b:02x}");
        }
        out
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// `text` for an error message, quoted short: the domain's one rule.
pub use steward_domain::eval::cell::quote;
