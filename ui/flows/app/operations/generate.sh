#!/usr/bin/env bash
# Test fixtures for the Chromium flows' fake core: what the real core answers on the
# Operations screen for `steward demo`. The co-pilot's operations view (the same answer as the
# studio's `operations_view`, through `steward operations MODEL --json`), every guardrail chart
# it has windows for (light theme, `steward operations chart`), one review-queue label made
# with the keyboard's label (the first unlabelled item, "wrong") and the view after it, and a
# model with no operations (the empty state). The workspace path is replaced by `(workspace)`.
# Regenerate after changing the demo, the operations view or the chart: cargo build -p
# steward-cli, then run this from anywhere. The demo's keys live in the kernel keyring under a
# namespace of this run's, deleted at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
steward=${STEWARD:-$here/../../../../target/debug/steward}
ws=$(mktemp -d)
source "$here/../fixtures.sh"
fixtures_begin ops "$ws"
run() { "$steward" --workspace "$ws/w" "$@"; }
scrub() { sed -e "s|$ws/w|(workspace)|g"; }
model=summarize-copilot

run demo >/dev/null
rm -f "$here"/*.json
run operations "$model" --json | scrub >"$here/view-$model.json"
run operations ticket-router --json | scrub >"$here/view-ticket-router.json"
rules=$(node -e 'const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); for (const s of v.series) if (s.windows > 0) console.log(s.rule);' "$here/view-$model.json")
for rule in $rules; do
  run operations chart "$model" --rule "$rule" -o "$ws/chart.svg" --json | scrub >"$here/chart-$model-$rule-light.json"
done
item=$(node -e 'const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(v.queue.find((q) => q.label === null).id);' "$here/view-$model.json")
run queue label "$item" wrong --json | scrub >"$here/label-$item-wrong.json"
run operations "$model" --json | scrub >"$here/view-$model-labelled.json"
