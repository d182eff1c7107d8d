#!/usr/bin/env bash
# Test fixtures for the Chromium flows' fake core: what the real core answers about trust for
# the demo — identities (and a public key export), the roster (before and after a newcomer's key file is added), each
# demo version's approvals and review subject, a review packet, and the approvals after the
# SRE signs the canary and after a reviewer's offline approval of the candidate (signed from
# a packet, as the studio's packet screen does) is imported.
# Regenerate after changing the trust layer: cargo build -p steward-cli, then run this from
# anywhere. Keys live in the kernel keyring under a namespace of this run's, deleted at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
steward=${STEWARD:-$here/../../../../target/debug/steward}
ws=$(mktemp -d)
source "$here/../fixtures.sh"
fixtures_begin trust "$ws"
run() { "$steward" --workspace "$ws/w" "$@"; }
# One of the demo's reviewers (their keys are in the namespace `<ns>-demo`).
as() { STEWARD_KEYRING_NAMESPACE="$ns-demo" STEWARD_IDENTITY="$1@companyos.example" run "${@:2}"; }
canary=summarize-copilot@1.2.0-12
candidate=summarize-copilot@1.3.0-15
production=summarize-copilot@1.1.0-8

run demo >/dev/null
# A person with no identity yet: the error the core answers (its message), then creating one.
if run key show --json >/dev/null 2>"$ws/none.txt"; then echo "expected no identity in $ns" >&2; exit 1; fi
sed -e 's/^error: //' "$ws/none.txt" | head -n 1 >"$here/key-show-none.txt"
run key init --name "Ana López" --email ana@companyos.example --json >"$here/key-init.json"
mkdir -p "$ws/exports"
run key export -o "$ws/exports/ana@companyos.example.key.json" --json | sed -e "s|$ws/exports|/home/ana/exports|g" >"$here/key-export.json"
cp "$ws/exports/ana@companyos.example.key.json" "$ws/ana.json"

run roster show --json >"$here/roster.json"
for v in $production $canary $candidate; do
  run approvals "$v" --json >"$here/approvals-${v#*@}.json"
done
run review subject $production --to production --json >"$here/subject-1.1.0-8.json"
run review subject $canary --to production --json >"$here/subject-1.2.0-12.json"
run review subject $candidate --to canary --json >"$here/subject-1.3.0-15.json"
run review export $canary --to production -o "$here/packet-1.2.0-12.json" >/dev/null

# The SRE signs the canary in the workspace.
as tom key show --json >"$here/key-show.json"
as tom approve $canary --role sre --to production --comment "on-call runbook checked" --json >"$here/approve-1.2.0-12.json"
run approvals $canary --json >"$here/approvals-1.2.0-12-signed.json"

# Security signs the candidate offline from a packet; the approval file is imported.
run review export $candidate --to canary -o "$ws/packet.json" >/dev/null
cp "$ws/packet.json" "$here/packet-1.3.0-15.json"
as hana review sign "$ws/packet.json" --role security-privacy --comment "threat model reviewed" -o "$ws/hana.approval.json" --json |
  sed -e "s|$ws/packet.json|/home/ana/Downloads/summarize-copilot-1.3.0-15-canary.review.json|g" >"$here/review-sign.json"
run approval import "$ws/hana.approval.json" --for $candidate >/dev/null
run approvals $candidate --json >"$here/approvals-1.3.0-15-imported.json"
if run approval import "$ws/hana.approval.json" --for $canary >/dev/null 2>"$ws/replay.txt"; then echo "expected a replay to be refused" >&2; exit 1; fi
sed -e 's/^error: //' "$ws/replay.txt" | head -n 1 | sed -e "s|$ws/hana.approval.json|/home/ana/Downloads/hana.approval.json|g" >"$here/import-replayed.txt"

# The admin (the roster's root) adds the newcomer from their key file.
as priya roster add "$ws/ana.json" >/dev/null
run roster show --json >"$here/roster-added.json"
