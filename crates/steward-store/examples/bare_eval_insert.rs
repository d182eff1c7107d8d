//! Benchmark peer for `bench/evals/run.sh`: the bare minimum a program must do to load a long
//! CSV of metric rows into SQLite one row per value — csv records, a number parse, one prepared
//! INSERT per row in one transaction — with none of Steward's checks, hashing, encoding or
//! audit. Steward's import is measured against this.
//!
//! Steward itself stores a run's rows as encoded chunks of 4,096 (`eval_row_chunks`), so it no
//! longer has a per-row table; this loop creates its own, `bare_eval_rows`, with the columns and
//! clustering Steward's per-row table had (WITHOUT ROWID, keyed by run and position, its run
//! referenced with a deferred foreign key), in the same workspace database, and records the run
//! in `eval_runs` as Steward does.
//!
//! Usage: cargo run --release -p steward-store --example bare_eval_insert -- DB CSV

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (db, file) = match args.as_slice() {
        [_, db, file] => (db, file),
        _ => return Err("usage: bare_eval_insert DB CSV".into()),
    };
    let start = Instant::now();
    let mut conn = rusqlite::Connection::open(db)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let tx = conn.transaction()?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS bare_eval_rows (
            run_id  INTEGER NOT NULL REFERENCES eval_runs (id) DEFERRABLE INITIALLY DEFERRED,
            seq     INTEGER NOT NULL,
            metric  TEXT NOT NULL,
            value   REAL NOT NULL,
            slice   TEXT NOT NULL DEFAULT '',
            ci_low  REAL,
            ci_high REAL,
            n       INTEGER,
            at      TEXT,
            variant TEXT,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID",
    )?;
    let version_id: i64 = tx.query_row("SELECT MIN(id) FROM versions", [], |r| r.get(0))?;
    let run_id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM eval_runs", [], |r| {
        r.get(0)
    })?;
    let mut rows = 0i64;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO bare_eval_rows (run_id, seq, metric, value, slice, ci_low, ci_high, n, at, variant) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let mut rdr = csv::Reader::from_path(file)?;
        let mut rec = csv::StringRecord::new();
        while rdr.read_record(&mut rec)? {
            let value: f64 = rec[1].parse()?;
            let n: Option<i64> = rec
                .get(3)
                .filter(|s| !s.is_empty())
                .map(str::parse)
                .transpose()?;
            stmt.execute(rusqlite::params![
                run_id,
                rows,
                &rec[0],
                value,
                rec.get(2).unwrap_or(""),
                None::<f64>,
                None::<f64>,
                n,
                None::<String>,
                None::<String>
            ])?;
            rows += 1;
        }
    }
    tx.execute(
        "INSERT INTO eval_runs (id, version_id, kind, suite_name, suite_version, imported_at, file_name, file_digest, file_bytes, format, row_count) VALUES (?1, ?2, 'golden-set', 'bench', 'v1', 'now', 'rows.csv', 'sha256:bare', 0, 'csv', ?3)",
        rusqlite::params![run_id, version_id, rows],
    )?;
    tx.commit()?;
    println!("{rows} rows in {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
