#!/usr/bin/env bash
# Test fixtures for the Chromium flows' fake core: what the real core answers about release
# records, rollback and the review inbox for `steward demo`. The demo's SRE, Tom Becker, is the
# person at the keyboard in the flows (see ../trust/generate.sh): his inbox; the co-pilot's
# release records (each verified); Tom rolling production back with an incident; then the
# records and the model as they stand after it; each demo version's waivers.
# Regenerate after changing release records or the inbox: cargo build -p steward-cli, then run
# this from anywhere. The demo's keys live in the kernel keyring under a namespace of this
# run's, deleted at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
steward=${STEWARD:-$here/../../../../target/debug/steward}
ws=$(mktemp -d)
source "$here/../fixtures.sh"
fixtures_begin rel "$ws"
run() { "$steward" --workspace "$ws/w" "$@"; }
# One of the demo's reviewers (their keys are in the namespace `<ns>-demo`).
as() { STEWARD_KEYRING_NAMESPACE="$ns-demo" STEWARD_IDENTITY="$1@companyos.example" run "${@:2}"; }
model=summarize-copilot

run demo >/dev/null
for v in 1.1.0-8 1.2.0-12 1.3.0-15 2.0.0-17; do run waivers $model@$v --json >"$here/waivers-${model}_$v.json"; done
as tom inbox --json >"$here/inbox-tom.json"
run release list $model --json >"$here/releases-$model.json"
as tom rollback $model --incident INC-2041 --reason "p99 latency doubled after the 1.1 rollout" --json >"$here/rollback-$model.json"
run release list $model --json >"$here/releases-$model-rolled-back.json"
run model show $model --json >"$here/model-$model-rolled-back.json"

# A model with no release record yet, a version with no waiver and a snapshot with no review
# (the flows' invented models and datasets), and a key that is not in the roster asking for
# its inbox.
e="$ws/e"
"$steward" --workspace "$e" init >/dev/null
"$steward" --workspace "$e" model add fraud-scorer --owner risk-ml >/dev/null
"$steward" --workspace "$e" release list fraud-scorer --json >"$here/releases-none.json"
printf 'weights' >"$ws/bundle.bin"
"$steward" --workspace "$e" version add fraud-scorer 1.2.0-3 --bundle "$ws/bundle.bin" >/dev/null
"$steward" --workspace "$e" waivers fraud-scorer@1.2.0-3 --json >"$here/waivers-none.json"
mkdir -p "$ws/data" && printf 'a,b\n1,2\n' >"$ws/data/train.csv"
"$steward" --workspace "$e" dataset snapshot "$ws/data" --name tickets --version 1 >/dev/null
"$steward" --workspace "$e" dataset reviews tickets@1 --json >"$here/dataset-reviews-none.json"
run key init --name "Ana López" --email ana@companyos.example >/dev/null
if run inbox --json >/dev/null 2>"$ws/not-member.txt"; then echo "expected a key outside the roster to have no inbox" >&2; exit 1; fi
sed -e 's/^error: //' "$ws/not-member.txt" | head -n 1 >"$here/inbox-not-member.txt"
