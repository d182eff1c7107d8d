//! The reading thread: the file read once, hashed and counted as it goes, handed to the
//! parser in bounded chunks.

use super::*;

const CHUNK: usize = 256 << 10;

/// The parser's side of the reading thread: chunks arrive through a small bounded channel
/// (so at most a few chunks are in memory), already hashed, and go back through `spare` once
/// read, to be filled again without allocating (and faulting in) fresh memory.
pub(super) struct Chunks {
    rx: Receiver<std::io::Result<Vec<u8>>>,
    spare: SyncSender<Vec<u8>>,
    cur: Vec<u8>,
    pos: usize,
}

impl Chunks {
    /// The parser's end of the channels `read_and_hash` sends into and takes spares from.
    pub(super) fn new(rx: Receiver<std::io::Result<Vec<u8>>>, spare: SyncSender<Vec<u8>>) -> Self {
        Chunks {
            rx,
            spare,
            cur: Vec::new(),
            pos: 0,
        }
    }
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.cur.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    let done = std::mem::replace(&mut self.cur, chunk);
                    if done.capacity() > 0 {
                        // The reader may have stopped, or have spares enough: then it is freed.
                        let _ = self.spare.try_send(done);
                    }
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.cur.len() - self.pos);
        buf[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Reads `reader` to the end on its own thread, hashing and counting every byte and reporting
/// progress, so the digest costs the parser nothing. Stops early when the parser hangs up
/// (it failed) or the import is cancelled.
pub(super) fn read_and_hash<R: Read>(
    mut reader: R,
    tx: SyncSender<std::io::Result<Vec<u8>>>,
    spare: &Receiver<Vec<u8>>,
    total: u64,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> std::io::Result<(Sha256Digest, u64)> {
    let mut hasher = Sha256::new();
    let (mut bytes, mut last) = (0u64, 0u64);
    let report = |bytes: u64| {
        progress.report(&Progress {
            phase: "importing".into(),
            done_files: 0,
            total_files: 1,
            done_bytes: bytes,
            total_bytes: total.max(bytes),
        });
    };
    loop {
        if cancel.is_cancelled() {
            let _ = tx.send(Err(std::io::Error::other("cancelled")));
            return Err(std::io::Error::other("cancelled"));
        }
        let mut chunk = spare.try_recv().unwrap_or_default();
        chunk.resize(CHUNK, 0);
        let mut filled = 0;
        while filled < CHUNK {
            match reader.read(&mut chunk[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let kind = e.kind();
                    let text = e.to_string();
                    let _ = tx.send(Err(e));
                    return Err(std::io::Error::new(kind, text));
                }
            }
        }
        if filled == 0 {
            report(bytes);
            return Ok((Sha256Digest::from_bytes(hasher.finalize().into()), bytes));
        }
        chunk.truncate(filled);
        hasher.update(&chunk);
        bytes += filled as u64;
        if bytes >= last + REPORT_EVERY {
            last = bytes;
            report(bytes);
        }
        if tx.send(Ok(chunk)).is_err() {
            // The parser stopped; what it reported is the error that matters.
            return Err(std::io::Error::other("the parser stopped"));
        }
    }
}
