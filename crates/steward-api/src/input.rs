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
    let meta = std::fs::metadata(path).map_err(|e| io(path, &e))?;
    check_regular(path, &meta)?;
    let file = File::open(path).map_err(|e| io(path, &e))?;
    let meta = file.metadata().map_err(|e| io(path, &e))?;
    check_regular(path, &meta)?;
    Ok((file, meta.len()))
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

/// `text` for an error message, quoted short: the domain's one rule.
pub use steward_domain::eval::cell::quote;
