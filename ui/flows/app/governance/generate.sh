#!/usr/bin/env bash
# Test fixtures for the Chromium flows' fake core: what the real core answers about
# governance. From `steward demo` (the built-in default policy): the policy in force, the gate
# of each demo version's next promotion and its production checklist; the policy editor's
# checks of three texts (the default, a broken edit, a valid edit), setting the edit as r1,
# then the policy, history and diff r0 → r1. From a second workspace holding the flows'
# invented models under ./bundle-only.toml (each promotion needs only a bundle): their gates,
# which pass, so the flows can still promote them.
# Regenerate after changing the gate or the policy: cargo build -p steward-cli, then run this
# from anywhere. The demo's keys live in the kernel keyring under a namespace of this run's,
# deleted at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
steward=${STEWARD:-$here/../../../../target/debug/steward}
ws=$(mktemp -d)
source "$here/../fixtures.sh"
fixtures_begin gov "$ws"
run() { "$steward" --workspace "$ws/w" "$@"; }
# `steward gate` exits 1 when the gate fails; the JSON is what we want either way.
gate() { "$steward" --workspace "$1" gate "$2" --to "$3" --json >"$here/gate-${2/@/_}-$3.json" || [[ $? -eq 1 ]]; }
checklist() { "$steward" --workspace "$1" checklist "$2" --json >"$here/checklist-${2/@/_}.json" || [[ $? -eq 1 ]]; }
# A policy check names the file it read; the studio checks text being edited, which the core
# names `(text)`.
check() { run policy check "$ws/$1" --json | sed -e "s|$ws/$1|(text)|g" >"$here/check-$2.json" || [[ ${PIPESTATUS[0]} -eq 1 ]]; }

run demo >/dev/null
run policy show --json >"$here/policy-show.json"
run policy history --json >"$here/policy-history.json"
gate "$ws/w" summarize-copilot@1.2.0-12 production
gate "$ws/w" summarize-copilot@1.3.0-15 canary
gate "$ws/w" summarize-copilot@1.1.0-8 production
for v in 1.2.0-12 1.3.0-15 1.1.0-8; do checklist "$ws/w" "summarize-copilot@$v"; done

# The editor: the default as shown, a broken edit, a valid edit (a stricter toxicity bound).
python3 -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["text"])' "$here/policy-show.json" >"$ws/default.toml"
sed -e '0,/^name = "default"/s//name = "default"\nowner = 3/' "$ws/default.toml" >"$ws/broken.toml"
sed -e '0,/^name = "default"/s//name = "companyos-strict"/' "$ws/default.toml" >"$ws/edited.toml"
cp "$ws/broken.toml" "$here/policy-broken.toml"
cp "$ws/edited.toml" "$here/policy-edited.toml"
check default.toml default
check broken.toml broken
check edited.toml edited
run policy set "$ws/edited.toml" -m "our own name for the policy" --json | sed -e "s|$ws/edited.toml|(text)|g" >"$here/policy-set.json"
run policy show --json >"$here/policy-show-r1.json"
run policy history --json >"$here/policy-history-r1.json"
run policy diff 0 1 --json >"$here/policy-diff-0-1.json"

# The flows' invented models, under a policy that only asks for a bundle.
f="$ws/f"
"$steward" --workspace "$f" init >/dev/null
# Promotions are signed release records: Ana's key and a roster with it as root.
"$steward" --workspace "$f" key init --name "Ana López" --email ana@companyos.example >/dev/null
"$steward" --workspace "$f" roster init >/dev/null
"$steward" --workspace "$f" policy set "$here/bundle-only.toml" -m "flows" >/dev/null
printf 'weights' >"$ws/bundle.bin"
"$steward" --workspace "$f" model add fraud-scorer --owner risk-ml >/dev/null
"$steward" --workspace "$f" model add support-triage --owner cx-ml >/dev/null
for mv in fraud-scorer:1.2.0-3:canary fraud-scorer:1.3.0-1:candidate support-triage:1.0.1-4:candidate; do
  IFS=: read -r m v stage <<<"$mv"
  "$steward" --workspace "$f" version add "$m" "$v" --bundle "$ws/bundle.bin" >/dev/null
  for s in candidate canary; do
    [[ $stage == candidate && $s == canary ]] && break
    "$steward" --workspace "$f" stage set "$m@$v" "$s" >/dev/null
  done
done
gate "$f" fraud-scorer@1.2.0-3 production
gate "$f" fraud-scorer@1.3.0-1 canary
gate "$f" support-triage@1.0.1-4 canary
for mv in fraud-scorer@1.2.0-3 fraud-scorer@1.3.0-1 support-triage@1.0.1-4; do checklist "$f" "$mv"; done
