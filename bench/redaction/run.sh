#!/usr/bin/env bash
# Benchmark: redaction of 100,000 feedback items, Steward's redactor beside scrubadub (PyPI,
# 2.0.1, its default Scrubber) on the same texts, in one run; then both tools' misses on a
# labelled sample (per kind: personal values left verbatim; counter-examples redacted).
#
# generate.py writes the items (ordinary words, emails, phone numbers in six spellings, Luhn-
# valid card numbers with and without separators, mod-97-valid IBANs grouped and compact,
# IPv4 and IPv6 addresses, and counter-examples: version strings, dates, times, order numbers,
# Luhn-failing 16-digit runs, amounts) and the labels of the first SAMPLE items. Steward's side
# is crates/steward-domain/examples/redact_bench.rs (release build, the default policy's
# redactor: the built-in detectors, the `api-key` pattern, the 512-token cut); scrubadub runs
# in a venv this script creates beside it (bench/redaction/.venv). Each side times its
# redaction loop alone, in its own process, reading and writing excluded.
#
# Usage: bash bench/redaction/run.sh [ITEMS] [SAMPLE] [RUNS]   (defaults 100000, 2000 and 3)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
items=${1:-100000}
sample=${2:-2000}
runs=${3:-3}
work=$(mktemp -d /tmp/steward-bench-redaction.XXXXXX)
trap 'rm -rf "$work"' EXIT

venv="$here/.venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import scrubadub' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'scrubadub==2.0.1'
fi
cargo build --release -q -p steward-domain --example redact_bench
bench="$PWD/target/release/examples/redact_bench"

python3 "$here/generate.py" "$work" "$items" "$sample"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo "items: $items ($(du -h "$work/items.jsonl" | cut -f1)), labelled sample: $sample"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
steward_times=() scrub_times=()
for _ in $(seq "$runs"); do
  steward_times+=("$("$bench" "$work/items.jsonl" "$work/steward.jsonl" | cut -f2)")
  scrub_times+=("$("$venv/bin/python" "$here/scrub.py" "$work/items.jsonl" "$work/scrubadub.jsonl" | cut -f2)")
done
s=$(printf '%s\n' "${steward_times[@]}" | median)
p=$(printf '%s\n' "${scrub_times[@]}" | median)
echo
echo "| tool | median of $runs (s) | items/s | runs (s) |"
echo "|---|---:|---:|---|"
awk -v s="$s" -v n="$items" -v r="${steward_times[*]}" 'BEGIN {printf "| Steward redactor (release) | **%.3f** | %.0f | %s |\n", s, n / s, r}'
awk -v s="$p" -v n="$items" -v r="${scrub_times[*]}" 'BEGIN {printf "| scrubadub 2.0.1 (Scrubber()) | %.3f | %.0f | %s |\n", s, n / s, r}'
awk -v a="$s" -v b="$p" 'BEGIN {printf "\nSteward is %.1f× faster.\n\n", b / a}'
python3 "$here/score.py" "$work/labels.jsonl" "Steward=$work/steward.jsonl" "scrubadub=$work/scrubadub.jsonl"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
