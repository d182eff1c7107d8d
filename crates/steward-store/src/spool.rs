//! The private spool file an import fills before it takes the write lock: anonymous, in the
//! workspace folder (so it lives on the same disk and under the same 0700 folder), readable
//! only by its owner and gone when dropped. Records are length-prefixed byte strings, so
//! memory holds one record whatever the file's size; the writer then reads them back in order
//! inside its one transaction.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::error::{Result, StoreError};

fn spool_error(e: std::io::Error) -> StoreError {
    StoreError::Spool(e.to_string())
}

/// Records being written.
pub(crate) struct Spool {
    out: BufWriter<File>,
    records: u64,
}

impl Spool {
    /// A new spool beside the database at `db`.
    pub(crate) fn beside(db: &Path) -> Result<Spool> {
        let folder = db.parent().unwrap_or(Path::new("."));
        let file = tempfile::tempfile_in(folder).map_err(spool_error)?;
        Ok(Spool {
            out: BufWriter::with_capacity(1 << 20, file),
            records: 0,
        })
    }

    /// Appends one record made of `parts`, in order.
    pub(crate) fn push(&mut self, parts: &[&[u8]]) -> Result<()> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let written = (|| -> std::io::Result<()> {
            self.out.write_all(&(len as u64).to_le_bytes())?;
            for p in parts {
                self.out.write_all(p)?;
            }
            Ok(())
        })();
        written.map_err(spool_error)?;
        self.records += 1;
        Ok(())
    }

    /// Records appended so far.
    pub(crate) fn records(&self) -> u64 {
        self.records
    }

    /// Flushes and rewinds for reading.
    pub(crate) fn rewind(self) -> Result<SpoolReader> {
        let mut file = self
            .out
            .into_inner()
            .map_err(|e| spool_error(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(spool_error)?;
        Ok(SpoolReader(BufReader::with_capacity(1 << 20, file)))
    }
}

/// Records being read back, in the order they were pushed.
pub(crate) struct SpoolReader(BufReader<File>);

impl SpoolReader {
    /// Reads the next record into `buf` (replacing what it held).
    pub(crate) fn next_into(&mut self, buf: &mut Vec<u8>) -> Result<()> {
        let mut len = [0u8; 8];
        self.0.read_exact(&mut len).map_err(spool_error)?;
        let len = usize::try_from(u64::from_le_bytes(len)).unwrap_or(usize::MAX);
        buf.clear();
        buf.resize(len, 0);
        self.0.read_exact(buf).map_err(spool_error)
    }
}
