#!/usr/bin/env bash
# Test fixtures for the Chromium flows' fake core: what the real core answers for the demo
# candidate (summarize-copilot@1.3.0-15) — runs, comparison, fairness per key, drift, and every
# chart in both themes. Regenerate after changing the charts or these reports: cargo build -p
# steward-cli, then run this from anywhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
steward=${STEWARD:-$here/../../../../target/debug/steward}
ws=$(mktemp -d)
trap 'rm -rf "$ws"' EXIT
run() { "$steward" --workspace "$ws" "$@"; }
run demo >/dev/null
m=summarize-copilot@1.3.0-15
run eval list $m --json >"$here/list.json"
run eval compare $m --json >"$here/compare.json"
for key in locale customer_tier segment; do run eval fairness $m --group $key --json >"$here/fairness-$key.json"; done
run eval drift $m --json >"$here/drift.json"
for kind in compare fairness latency kpi drift; do
  for theme in light dark; do
    if [ $theme = dark ]; then t=(--dark); else t=(); fi
    run eval chart $m --kind $kind "${t[@]}" -o "$here/$kind-$theme.svg" >/dev/null
  done
done
