#!/usr/bin/env bash
# Benchmark: import and evaluate one week of minute-level online windows (issue 12), release
# CLI, whole process, beside pandas doing the same checks and evaluation on the same file.
#
# The file: METRICS metrics (default 50) for the canary and the production version, one value a
# minute for 7 days: 50 x 2 x 10,080 = 1,008,000 rows. The 50 are the 16 guardrail metrics
# that are not drift, then PSI per feature (`drift_psi:<feature>`) and per intent
# (`intent_mix_psi:<intent>`) as sub-metrics, which the default policy's drift and intent-mix
# guardrails watch. METRICS=25 gives the issue's ~500,000 rows (25 x 2 x 10,080 = 504,000).
# A p99 latency breach sits in the canary's last day, so the timed import also cuts the
# canary's traffic.
#
# Timed: `steward monitor import summarize-copilot week.csv` on the demo workspace (read,
# sha256, parse, window checks, every guardrail, the traffic cut, the rows stored) and, in the
# same run, pandas: read_csv, the same refusals (duplicates, gaps, negatives, NaN), and eight of
# the default policy's canary guardrails (bound and margin against production, by merge) —
# without storing anything, so it does less than Steward. Median of RUNS, each on a fresh
# copy of the workspace (the same file is refused twice).
#
# Target: Steward under 1 s.
#
# Usage: [METRICS=N] bash bench/guardrails/run.sh [RUNS]   (default 5 runs, 50 metrics)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
work=${BENCH_DIR:-$(mktemp -d /tmp/steward-bench-guardrails.XXXXXX)}
trap 'rm -rf "$work"' EXIT
python=${STEWARD_PYTHON:-python3}

cargo build --release -q -p steward-cli --bin steward
steward="$PWD/target/release/steward"
export STEWARD_KEYRING_BACKEND=keyutils STEWARD_KEYRING_NAMESPACE="bench-guardrails-$$"

"$steward" --workspace "$work/demo" demo >/dev/null
# The demo's own breach left the canary at 1%: ramp it, so the timed import has a cut to make.
"$steward" --workspace "$work/demo" traffic set summarize-copilot --canary 4 --reason bench >/dev/null

"$python" - "$work/week.csv" "${METRICS:-50}" <<'PY'
import sys, datetime as dt
path, count = sys.argv[1], int(sys.argv[2])
metrics = {
    "latency_p50_ms": 420.0, "latency_p95_ms": 1300.0, "latency_p99_ms": 1800.0,
    "timeout_rate": 0.002, "error_rate": 0.002, "saturation": 0.5, "tokens_per_request": 900.0,
    "cost_per_request_usd": 0.004, "block_rate": 0.01, "escalation_rate": 0.004, "pii_hits": 0.0,
    "acceptance_rate": 0.6, "assist_rate": 0.5, "task_success_rate": 0.7, "thumbs_up_ratio": 0.8,
    "override_rate": 0.05,
}
features = ["age", "tenure", "region", "plan", "seats", "language", "channel", "device",
            "ticket_len", "sentiment", "topic", "hour", "weekday", "priority", "product",
            "country", "segment", "browser", "prompt_len", "history_len"]
intents = ["billing", "refund", "login", "bug", "feature", "cancel", "upgrade", "invoice",
           "password", "export", "api", "sso", "privacy", "other"]
for f in features:
    metrics[f"drift_psi:{f}"] = 0.05
for i in intents:
    metrics[f"intent_mix_psi:{i}"] = 0.04
assert count <= len(metrics), f"at most {len(metrics)} metrics"
metrics = dict(list(metrics.items())[:count])
start = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
with open(path, "w") as f:
    f.write("timestamp,version,metric,value\n")
    for m in range(7 * 1440):
        at = (start + dt.timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for name, base in metrics.items():
            wob = ((m * 7919 + len(name) * 104729) % 1000) / 1000.0 - 0.5
            for version, k in (("1.1.0-8", 0.0), ("1.2.0-12", 1.0)):
                v = base * (1 + 0.02 * wob)
                if name == "latency_p99_ms" and k and m == 6 * 1440 + 600:
                    v = 2900.0
                f.write(f"{at},{version},{name},{v:.6g}\n")
PY
rows=$(($(wc -l < "$work/week.csv") - 1))
echo "file: $rows rows, $(du -h "$work/week.csv" | cut -f1)"

load_before=$(uptime | sed 's/.*load average: //')
times=()
for i in $(seq "$runs"); do
  rm -rf "$work/ws" && cp -r "$work/demo" "$work/ws"
  s=$(date +%s.%N)
  code=0
  "$steward" --workspace "$work/ws" monitor import summarize-copilot "$work/week.csv" >/dev/null || code=$?
  e=$(date +%s.%N)
  [ "$code" = 1 ] || { echo "expected the breach's exit 1, got $code"; exit 1; }
  times+=("$(echo "$e - $s" | bc)")
done
steward_median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
"$steward" --workspace "$work/ws" monitor summarize-copilot | head -3 || true

pandas_median=$("$python" - "$work/week.csv" "$runs" <<'PY'
import sys, time
import pandas as pd
path, runs = sys.argv[1], int(sys.argv[2])
rules = [  # (metric, max, margin, higher_is_better)
    ("latency_p99_ms", 2500.0, 0.2, False), ("latency_p95_ms", None, 0.2, False),
    ("latency_p50_ms", None, 0.25, False), ("error_rate", 0.02, 1.0, False),
    ("timeout_rate", 0.01, None, False), ("acceptance_rate", None, 0.05, True),
    ("task_success_rate", None, 0.05, True), ("pii_hits", 0.0, None, False),
]
out = []
for _ in range(runs):
    t = time.perf_counter()
    df = pd.read_csv(path)
    df["at"] = pd.to_datetime(df["timestamp"], utc=True)
    assert df["value"].notna().all() and (df["value"] >= 0).all()
    assert not df.duplicated(["version", "metric", "at"]).any()
    df = df.sort_values(["version", "metric", "at"])
    step = df.groupby(["version", "metric"])["at"].diff().dropna()
    assert (step == step.min()).all()
    c = df[df.version == "1.2.0-12"].merge(df[df.version == "1.1.0-8"], on=["metric", "at"], suffixes=("", "_p"))
    breaches = 0
    for metric, mx, margin, higher in rules:
        s = c[c.metric == metric]
        bad = pd.Series(False, index=s.index)
        if mx is not None:
            bad |= s.value > mx
        if margin is not None:
            bad |= (s.value < s.value_p * (1 - margin)) if higher else (s.value > s.value_p * (1 + margin))
        breaches += int(bad.any())
    out.append(time.perf_counter() - t)
out.sort()
print(f"{out[len(out) // 2]:.3f}")
PY
)
echo "load before the runs: $load_before"
echo "steward monitor import (release CLI, whole process, $rows rows): median ${steward_median}s of $runs (all: ${times[*]})"
echo "pandas read_csv + the same checks and bounds (in-process, no storing): median ${pandas_median}s of $runs"
