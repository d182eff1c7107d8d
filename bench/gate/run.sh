#!/usr/bin/env bash
# Benchmark: the production gate of a version whose evaluation runs hold 1,000,000 rows against
# the same version with 100 rows, release build, timed in-process.
#
# Two workspaces set up alike through the release CLI: model gate-bench with 1.0.0-1 in
# production (its own small golden set) and 1.1.0-2 in canary with a golden set, a fairness
# audit and one online-KPI export of ROWS rows (latency samples, canary and production KPI
# series, per-locale selection rates, in the proportions of a real export), or of 100 rows.
# crates/steward-api/examples/gate_bench.rs opens each workspace and times only
# `Workspace::gate_evaluate(1.1.0-2 → production)`: median and p99 of RUNS calls. For context it
# also times what each gate did before run summaries were kept at import (every row decoded and
# summarised), median of 5.
#
# Targets (issue 10): the 1,000,000-row gate under 20 ms, and within 2x of the 100-row gate.
#
# Usage: bash bench/gate/run.sh [ROWS] [RUNS]   (defaults 1000000 and 50)
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
runs=${2:-50}
work=${BENCH_DIR:-$(mktemp -d /tmp/steward-bench-gate.XXXXXX)}
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p steward-cli -p steward-api --bin steward --example gate_bench
steward="$PWD/target/release/steward"
bench="$PWD/target/release/examples/gate_bench"

# An online-KPI export of N rows: 70% latency samples, 10% each of the canary and production
# acceptance-rate series (one point a minute), 10% per-locale selection rates.
kpis() {
  python3 - "$1" "$2" <<'PY'
import random, sys
path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
locales = ["en", "de", "fr", "es", "pt", "it", "nl", "ja"]
with open(path, "w") as f:
    f.write("metric,value,slice,n,timestamp,variant\n")
    for i in range(n):
        k = i % 10
        minute = f"2026-11-{18 + (i // 10) // 1440 % 10:02d}T{(i // 10) // 60 % 24:02d}:{(i // 10) % 60:02d}:00Z"
        if k < 7:
            f.write(f"latency_ms,{rng.lognormvariate(5.4, 0.35):.1f},,,,canary\n")
        elif k == 7:
            f.write(f"acceptance_rate,{0.6 + rng.gauss(0, 0.02):.4f},,,{minute},canary\n")
        elif k == 8:
            f.write(f"acceptance_rate,{0.57 + rng.gauss(0, 0.02):.4f},,,{minute},production\n")
        else:
            loc = locales[(i // 10) % len(locales)]
            f.write(f"selection_rate,{0.41 + rng.gauss(0, 0.01):.4f},locale={loc},{300 + i % 97},,\n")
PY
}

golden() {
  cat > "$1" <<CSV
metric,value,ci_low,ci_high,n
rouge_l,$2,,,1200
regression_blockers,0,,,
long_tail_accuracy,0.68,,,180
hallucination_rate,0.034,,,1200
CSV
}

setup() {
  local ws=$1 n=$2
  "$steward" --workspace "$ws" init >/dev/null
  "$steward" --workspace "$ws" model add gate-bench --owner ml-platform >/dev/null
  for v in 1.0.0-1 1.1.0-2; do
    "$steward" --workspace "$ws" version add gate-bench "$v" --bundle-digest "sha256:$(printf %s "$v" | sha256sum | cut -c1-64)" --commit 4f1c2e9 >/dev/null
  done
  golden "$work/golden-1.csv" 0.431
  golden "$work/golden-2.csv" 0.447
  printf 'metric,value,slice,n\nselection_rate,0.42,locale=en,300\nselection_rate,0.39,locale=es,300\n' > "$work/fairness.csv"
  "$steward" --workspace "$ws" eval import gate-bench@1.0.0-1 "$work/golden-1.csv" --kind golden-set --suite support-golden@2026-10 >/dev/null
  "$steward" --workspace "$ws" eval import gate-bench@1.1.0-2 "$work/golden-2.csv" --kind golden-set --suite support-golden@2026-10 >/dev/null
  "$steward" --workspace "$ws" eval import gate-bench@1.1.0-2 "$work/fairness.csv" --kind fairness-audit --suite support-fairness@2026-10 >/dev/null
  [ -f "$work/kpis-$n.csv" ] || kpis "$work/kpis-$n.csv" "$n"
  local start
  start=$(date +%s.%N)
  "$steward" --workspace "$ws" eval import gate-bench@1.1.0-2 "$work/kpis-$n.csv" --kind online-kpis --suite canary-traffic@2026-11 >/dev/null
  echo "import of $n KPI rows: $(printf '%.2f' "$(echo "$(date +%s.%N) - $start" | bc)") s" >&2
  for s in candidate canary production; do
    "$steward" --workspace "$ws" stage set gate-bench@1.0.0-1 "$s" --reason bench >/dev/null
  done
  for s in candidate canary; do
    "$steward" --workspace "$ws" stage set gate-bench@1.1.0-2 "$s" --reason bench >/dev/null
  done
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min); $(nproc) cores"
setup "$work/big" "$rows"
setup "$work/small" 100
big=$("$bench" "$work/big" gate-bench@1.1.0-2 production "$runs")
small=$("$bench" "$work/small" gate-bench@1.1.0-2 production "$runs")
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo
python3 - "$big" "$small" <<'PY'
import sys
lines = [a.split("\t") for a in sys.argv[1:]]
head = ("version holds", "gate p50 ms", "p99 ms", "min ms", "checks", "from rows ms")
print(f"{head[0]:>16} {head[1]:>12} {head[2]:>8} {head[3]:>8} {head[4]:>7} {head[5]:>13}")
for rows, p50, p99, lo, checks, earlier, _ in lines:
    print(f"{int(rows):>11,} rows {float(p50):>12.2f} {float(p99):>8.2f} {float(lo):>8.2f} {checks:>7} {float(earlier):>13.1f}")
b, s = float(lines[0][1]), float(lines[1][1])
print()
print(f"{int(lines[0][0]):,}-row gate {b:.2f} ms (target < 20 ms): {'met' if b < 20 else 'MISSED'}; "
      f"{b / s:.2f}x the {int(lines[1][0]):,}-row gate (target <= 2x): {'met' if b <= 2 * s else 'MISSED'}")
print("(from rows: what each gate did before summaries were kept at import, median of 5)")
PY
