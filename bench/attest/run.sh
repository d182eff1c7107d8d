#!/usr/bin/env bash
# Verify 10,000 approval envelopes against a roster of five keys, in the same run:
#   Steward (steward-attest: JSON parse, base64, PAE, strict ed25519, in-toto statement parse;
#            crates/steward-attest/examples/verify_bench.rs, release build)
#   vs securesystemslib 1.6 (Envelope.from_dict + Envelope.verify with the five SSlibKeys,
#            timed inside Python, import time excluded).
# Both read the same envelopes.jsonl, signed once by `verify_bench gen`. Each figure is the
# median of RUNS runs. Target: Steward under 1 s.
#
# Usage: bash bench/attest/run.sh [N] [RUNS]   (defaults 10000 and 5)
# Needs the project's Python environment with securesystemslib (scripts/setup.sh), or
# STEWARD_PYTHON pointing at one.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10000}
runs=${2:-5}
work=${BENCH_DIR:-$(mktemp -d /tmp/steward-bench-attest.XXXXXX)}
mkdir -p "$work"
py=${STEWARD_PYTHON:-$PWD/.venv/bin/python}
[ -x "$py" ] || { echo "no Python environment at $py: run 'source scripts/setup.sh && need_python'" >&2; exit 1; }

cargo build --release -q -p steward-attest --example verify_bench
bench="$PWD/target/release/examples/verify_bench"
"$bench" gen "$work" "$n"
echo "input: $(wc -l < "$work/envelopes.jsonl") envelopes, $(($(stat -c %s "$work/envelopes.jsonl") / 1024)) KB; $(nproc) cores; load $(cut -d' ' -f1 /proc/loadavg)"

"$py" - "$bench" "$work" "$runs" <<'PY'
import json, statistics, subprocess, sys, time
bench, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

def sslib():
    t = time.perf_counter()
    keys = [SSlibKey(k["keyid"], k["keytype"], k["scheme"], {"public": k["keyval"]["public"]})
            for k in json.load(open(f"{work}/keys.json"))]
    n = 0
    with open(f"{work}/envelopes.jsonl") as f:
        for line in f:
            Envelope.from_dict(json.loads(line)).verify(keys, 1)
            n += 1
    return n, time.perf_counter() - t

s_times, p_times = [], []
for _ in range(runs):
    out = json.loads(subprocess.run([bench, "verify", work], check=True, capture_output=True, text=True).stdout)
    s_times.append(out["seconds"])
    n, secs = sslib()
    assert n == out["verified"], (n, out)
    p_times.append(secs)
s, p = statistics.median(s_times), statistics.median(p_times)
print(f"| verify {n:,} envelopes against a 5-key roster | Steward {s:.3f} s | securesystemslib {p:.3f} s | {p / s:.1f}x | target < 1 s: {'meets' if s < 1 else 'misses'} |")
PY
