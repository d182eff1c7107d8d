#!/usr/bin/env bash
# Test fixtures for the Chromium flows' fake core: what the real core answers about compliance
# for `steward demo`. The packs in force; the coverage of the production co-pilot against each
# pack and of the candidate against the EU AI Act; the Annex IV file of the production version
# (HTML) and what its export answered, the written path replaced by `(file)` for the fake to
# fill in with the path picked in its save dialog.
# tests/tests/compliance.rs compares the coverage recordings with the core's answers and fails
# when they are stale. Regenerate after changing a pack, coverage or the Annex IV file:
# cargo build -p steward-cli, then run this from anywhere. The demo's keys live in the kernel
# keyring under a namespace of this run's, deleted at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
steward=${STEWARD:-$here/../../../../target/debug/steward}
ws=$(mktemp -d)
source "$here/../fixtures.sh"
fixtures_begin comply "$ws"
run() { "$steward" --workspace "$ws/w" "$@"; }

run demo >/dev/null
run pack list --json >"$here/packs.json"
for pack in eu-ai-act iso-42001 nist-ai-rmf; do
  run coverage summarize-copilot@1.1.0-8 --pack "$pack" --json >"$here/coverage-summarize-copilot_1.1.0-8-$pack.json"
done
run coverage summarize-copilot@1.3.0-15 --pack eu-ai-act --json >"$here/coverage-summarize-copilot_1.3.0-15-eu-ai-act.json"
run dossier summarize-copilot@1.1.0-8 --annex-iv -o "$ws/annex-iv.html" --json | sed -e "s|$ws/annex-iv.html|(file)|g" >"$here/annex-iv-summarize-copilot_1.1.0-8-html.json"
cp "$ws/annex-iv.html" "$here/annex-iv-summarize-copilot_1.1.0-8.html"
