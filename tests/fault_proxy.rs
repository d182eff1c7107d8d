//! A fault proxy of our own on loopback, between Steward and a real MLflow server: it forwards
//! HTTP and, on a seeded schedule, drops connections, answers 5xx, loses answers the server
//! already gave, or stalls past the client's timeout.
//!
//! Every budget is finite so a sync always ends: at most [`Faults::budget`] faults, none after
//! [`Faults::until`], each stall at most [`Faults::stall`]. Request `n` (counted from 0 in
//! arrival order) gets the fault `schedule(seed, n)` says, so a seed reproduces a run's
//! schedule (with one client sending one request at a time, exactly).
//!
//! One request per connection: the proxy forwards with `Connection: close` and answers with it,
//! so a client's pooled connection never outlives the request it carried. Requests are read
//! with a bounded head (64 KiB) and body (16 MiB); answers are bounded too (64 MiB).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// The connection is closed before the request is forwarded: nothing happened.
    Drop,
    /// `503 Service Unavailable` without forwarding: nothing happened.
    Unavailable,
    /// Forwarded and answered by the server, then `502 Bad Gateway` instead of its answer.
    BadGateway,
    /// Forwarded and answered by the server, then the connection is closed unanswered.
    LostAnswer,
    /// Forwarded and answered by the server, then held for [`Faults::stall`] (past the
    /// client's timeout) and closed unanswered.
    Stall,
}

impl Fault {
    /// Every fault, in schedule order.
    pub const ALL: [Fault; 5] = [
        Fault::Drop,
        Fault::Unavailable,
        Fault::BadGateway,
        Fault::LostAnswer,
        Fault::Stall,
    ];

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Drop => "drop",
            Fault::Unavailable => "503",
            Fault::BadGateway => "502-after-forward",
            Fault::LostAnswer => "lost-answer",
            Fault::Stall => "stall",
        }
    }
}

/// The schedule and its bounds.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    /// The schedule's seed.
    pub seed: u64,
    /// The share of requests that get a fault, in [0, 1].
    pub rate: f64,
    /// At most this many faults in all.
    pub budget: usize,
    /// How long a stall holds the answer (make it longer than the client's timeout).
    pub stall: Duration,
    /// No fault after this long from the start.
    pub until: Duration,
}

/// splitmix64: a small, well-mixed generator, enough for a seeded schedule.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The fault request `n` gets under `seed` at `rate` (before the budget and time bounds).
pub fn schedule(seed: u64, rate: f64, n: usize) -> Option<Fault> {
    let r = splitmix64(seed ^ splitmix64(n as u64));
    let unit = (r >> 11) as f64 / (1u64 << 53) as f64;
    if unit >= rate {
        return None;
    }
    Some(Fault::ALL[(splitmix64(r) % Fault::ALL.len() as u64) as usize])
}

#[derive(Default)]
struct Counts {
    requests: AtomicUsize,
    faults: AtomicUsize,
    by_kind: Mutex<std::collections::BTreeMap<Fault, usize>>,
    log: Mutex<Vec<String>>,
}

/// A running proxy; stopped when dropped.
pub struct FaultProxy {
    /// Its root URL, `http://127.0.0.1:PORT`.
    pub url: String,
    counts: Arc<Counts>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;
const MAX_ANSWER: usize = 64 * 1024 * 1024;
const MAX_CONNECTIONS: usize = 64;
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(60);

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str, faults: Faults) -> FaultProxy {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fault proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy address"));
        let counts = Arc::new(Counts::default());
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let open = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (counts, stop) = (counts.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(client) = stream else { continue };
                    if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                        let _ = client.shutdown(Shutdown::Both);
                        continue;
                    }
                    let n = counts.requests.fetch_add(1, Ordering::SeqCst);
                    let fault = if started.elapsed() < faults.until {
                        schedule(faults.seed, faults.rate, n).filter(|_| {
                            counts
                                .faults
                                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |f| {
                                    (f < faults.budget).then_some(f + 1)
                                })
                                .is_ok()
                        })
                    } else {
                        None
                    };
                    let (counts, stop, open, upstream) =
                        (counts.clone(), stop.clone(), open.clone(), upstream.clone());
                    open.fetch_add(1, Ordering::SeqCst);
                    std::thread::spawn(move || {
                        let what = serve(client, &upstream, fault, faults.stall, &stop);
                        if let Some(f) = fault {
                            *counts
                                .by_kind
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .entry(f)
                                .or_default() += 1;
                            counts
                                .log
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .push(format!("#{n} {}: {what}", f.name()));
                        }
                        open.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            })
        };
        FaultProxy {
            url,
            counts,
            stop,
            thread: Some(thread),
        }
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.counts.requests.load(Ordering::SeqCst)
    }

    /// Faults injected so far, by kind.
    pub fn injected(&self) -> std::collections::BTreeMap<&'static str, usize> {
        self.counts
            .by_kind
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(f, n)| (f.name(), *n))
            .collect()
    }

    /// Each fault with the request it hit, in the order they finished.
    pub fn log(&self) -> Vec<String> {
        self.counts
            .log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads one request: head (with `Connection: close` put in) and body.
fn read_request(client: &mut TcpStream) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err("request head over 64 KiB".into());
        }
        let n = client.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("client closed before a whole head".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut length = 0usize;
    let mut lines: Vec<&str> = Vec::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("transfer-encoding:") {
            return Err("chunked request bodies are not supported".into());
        }
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().map_err(|_| "bad content-length")?;
        }
        if lower.starts_with("connection:") || lower.starts_with("keep-alive:") {
            continue;
        }
        lines.push(line);
    }
    if length > MAX_BODY {
        return Err("request body over 16 MiB".into());
    }
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = client.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("client closed before the whole body".into());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    out.extend_from_slice(&body);
    Ok(out)
}

/// Sends `request` upstream and reads the whole answer (the server closes: `Connection: close`).
fn forward(upstream: &str, request: &[u8]) -> Result<Vec<u8>, String> {
    let addr = upstream
        .parse()
        .map_err(|e| format!("upstream {upstream}: {e}"))?;
    let mut s =
        TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(UPSTREAM_TIMEOUT))
        .map_err(|e| e.to_string())?;
    s.write_all(request).map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    s.take(MAX_ANSWER as u64)
        .read_to_end(&mut answer)
        .map_err(|e| e.to_string())?;
    Ok(answer)
}

fn canned(status: &str) -> Vec<u8> {
    let body = format!("fault proxy: {status}");
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves one connection under `fault`; says what happened.
fn serve(
    mut client: TcpStream,
    upstream: &str,
    fault: Option<Fault>,
    stall: Duration,
    stop: &AtomicBool,
) -> String {
    let _ = client.set_read_timeout(Some(Duration::from_secs(30)));
    let request = match read_request(&mut client) {
        Ok(r) => r,
        Err(e) => {
            let _ = client.write_all(&canned("400 Bad Request"));
            return format!("refused the request: {e}");
        }
    };
    let line = String::from_utf8_lossy(&request[..request.len().min(120)])
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    match fault {
        Some(Fault::Drop) => {
            let _ = client.shutdown(Shutdown::Both);
            return format!("{line}: dropped before forwarding");
        }
        Some(Fault::Unavailable) => {
            let _ = client.write_all(&canned("503 Service Unavailable"));
            return format!("{line}: 503 before forwarding");
        }
        _ => {}
    }
    let answer = match forward(upstream, &request) {
        Ok(a) => a,
        Err(e) => {
            let _ = client.write_all(&canned("502 Bad Gateway"));
            return format!("{line}: upstream failed: {e}");
        }
    };
    match fault {
        Some(Fault::BadGateway) => {
            let _ = client.write_all(&canned("502 Bad Gateway"));
            format!("{line}: forwarded, answered 502")
        }
        Some(Fault::LostAnswer) => {
            let _ = client.shutdown(Shutdown::Both);
            format!("{line}: forwarded, answer lost")
        }
        Some(Fault::Stall) => {
            let until = Instant::now() + stall;
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = client.shutdown(Shutdown::Both);
            format!(
                "{line}: forwarded, held {} ms, answer lost",
                stall.as_millis()
            )
        }
        _ => {
            let _ = client.write_all(&answer);
            String::from("forwarded")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_seeded_and_keeps_its_rate() {
        let a: Vec<Option<Fault>> = (0..2000).map(|n| schedule(7, 0.1, n)).collect();
        let b: Vec<Option<Fault>> = (0..2000).map(|n| schedule(7, 0.1, n)).collect();
        assert_eq!(a, b, "the same seed gives the same schedule");
        let c: Vec<Option<Fault>> = (0..2000).map(|n| schedule(8, 0.1, n)).collect();
        assert_ne!(a, c, "another seed gives another schedule");
        let faults = a.iter().flatten().count();
        assert!((140..=260).contains(&faults), "about 10%: {faults}");
        for f in Fault::ALL {
            assert!(a.contains(&Some(f)), "{f:?} is scheduled");
        }
        assert_eq!((0..500).filter_map(|n| schedule(7, 0.0, n)).count(), 0);
    }
}
