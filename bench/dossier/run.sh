#!/usr/bin/env bash
# Benchmark: `steward dossier summarize-copilot@1.1.0-8 --annex-iv -o FILE.pdf` (and .html) on
# the demo's production co-pilot, release build, the whole process timed (start, open the
# workspace, coverage against the eu-ai-act pack with its gate evaluation, release-record
# verification, layout, embedded fonts, write).
#
# Target (issue 13): the Annex IV PDF of the demo's production version under 1 s.
#
# Usage: bash bench/dossier/run.sh [RUNS]   (default 7)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-7}
work=$(mktemp -d /tmp/steward-bench-dossier.XXXXXX)
export STEWARD_KEYRING_NAMESPACE="bench-dossier-$$" STEWARD_KEYRING_BACKEND=keyutils
cleanup() {
  for id in $(keyctl rlist @u 2>/dev/null); do
    d=$(keyctl rdescribe "$id" 2>/dev/null) || continue
    case "${d#*;*;*;*;}" in steward-"$STEWARD_KEYRING_NAMESPACE"*) keyctl unlink "$id" @u >/dev/null 2>&1 || true ;; esac
  done
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p steward-cli --bin steward
steward="$PWD/target/release/steward"
ws="$work/ws"
"$steward" --workspace "$ws" demo >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for ext in pdf html; do
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$steward" --workspace "$ws" dossier summarize-copilot@1.1.0-8 --annex-iv -o "$work/annex.$ext" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  bytes=$(stat -c %s "$work/annex.$ext")
  med=$(printf '%s\n' "${times[@]}" | median)
  echo "annex-iv $ext: median ${med} ms over $runs runs (${times[*]} ms), $bytes bytes"
done
pages=$(pdfinfo "$work/annex.pdf" 2>/dev/null | awk '/^Pages/ {print $2}' || true)
[ -n "$pages" ] && echo "annex-iv pdf: $pages pages (pdfinfo)"
