#!/usr/bin/env bash
# Benchmark: `model list` on a workspace of 10,003 models (`steward demo --scale 10000`): a page
# of the list and searches (matching, matching one, matching nothing), release build.
#
# Two views, in the same run:
# - in-process (crates/steward-store/examples/list_bench.rs): `Store::models_page` — filter,
#   sort and page in SQL, text through the FTS5 trigram index — against the earlier way (every
#   model and version loaded, filtered and paged in Rust), median and p99 of RUNS;
# - the CLI as a user runs it (`steward model list … --json`, process start-up included),
#   median and p99 of CLI_RUNS.
#
# Usage: bash bench/list/run.sh [SCALE] [RUNS] [CLI_RUNS]   (defaults 10000, 200, 40)
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=${1:-10000}
runs=${2:-200}
cli_runs=${3:-40}
work=${BENCH_DIR:-$(mktemp -d /tmp/steward-bench-list.XXXXXX)}
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p steward-cli -p steward-store --bin steward --example list_bench
steward="$PWD/target/release/steward"
bench="$PWD/target/release/examples/list_bench"
ws="$work/ws"

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min); $(nproc) cores"
start=$(date +%s.%N)
"$steward" --workspace "$ws" demo --scale "$scale" >/dev/null
echo "demo --scale $scale: $(echo "$(date +%s.%N) - $start" | bc) s"
echo "models: $("$steward" --workspace "$ws" model list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
echo
echo "== in-process, $runs runs (the earlier way: at most 50) =="
"$bench" "$ws/steward.db" "$runs" | column -t -s $'\t'
echo
echo "== CLI, $cli_runs runs each (process start-up included) =="
python3 - "$steward" "$ws" "$cli_runs" <<'PY'
import subprocess, sys, time
steward, ws, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
cases = [
    ("first page (--limit 50)", ["--limit", "50"]),
    ("--search fraud --limit 50", ["--search", "fraud", "--limit", "50"]),
    ("--search perf-model-04242", ["--search", "perf-model-04242"]),
    ("--search pe --limit 50 (2 chars)", ["--search", "pe", "--limit", "50"]),
    ("--search no-such-model", ["--search", "no-such-model"]),
    ("--search fraud (all 1,250)", ["--search", "fraud"]),
]
def q(ms, p):
    ms = sorted(ms)
    return ms[round((len(ms) - 1) * p)]
print(f"{'case':32} {'p50 ms':>8} {'p99 ms':>8}")
for name, args in cases:
    cmd = [steward, "--workspace", ws, "model", "list", "--json", *args]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    ms = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        ms.append((time.perf_counter() - t) * 1000)
    print(f"{name:32} {q(ms, 0.5):8.2f} {q(ms, 0.99):8.2f}")
PY
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
