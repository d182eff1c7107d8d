#!/usr/bin/env bash
# Test fixtures for the Chromium flows' fake core (flows/app/fake-sync.ts): what the real core
# answers the studio's registry-sync commands for `steward demo`, against a closed port and a
# real MLflow server. Every answer comes from crates/steward-api/examples/studio_sync.rs, which
# calls the same Workspace methods as src-tauri/src/sync.rs; the CLI only loads the demo and
# signs the rollbacks that make a conflict. Recorded, in order:
#   demo-*          the demo before any registry is set (every screen's shell status)
#   closed-*        a registry URL on a closed loopback port: the test's and the sync's error,
#                   every change waiting with its last error
#   online-*        the pinned MLflow server: URL, token login, test, the first sync (with its
#                   progress reports), the status and findings after it
#   ungoverned-*    `production` pointed at the experiment by hand through MLflow's REST API,
#                   then a sync: its findings; restored-*: the restore sync and after
#   conflict-*      a copy of the workspace signs its own rollback while the first pushes
#                   another, both edit the same line of a model card, and a record tag is
#                   forged: the copy's pull, findings and status, and the registry's side of
#                   the conflicting record, read back and verified
#   merge-*         the copy's three-way merge of the model card's two heads, a save of the
#                   marked text (refused), its composition with theirs for every conflict, the
#                   save; merged-*: the findings and status after
#   resolve-*       the copy keeps the registry's record for the first conflicting version;
#                   resolved-*: the findings and status after
# Regenerate after changing what a sync answers:
#   cargo build -p steward-cli -p steward-api --example studio_sync, then run this from anywhere.
# Needs the pinned MLflow ($STEWARD_MLFLOW_PYTHON, else the checkout's .venv-mlflow). Keys and
# the registry token live in the kernel keyring under a namespace of this run's, deleted at
# exit; the server is stopped by its process group id.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
steward=${STEWARD:-$root/target/debug/steward}
studio=${STUDIO_SYNC:-$root/target/debug/examples/studio_sync}
python=${STEWARD_MLFLOW_PYTHON:-$root/.venv-mlflow/bin/python}
for bin in "$steward" "$studio" "$python"; do
  [[ -x $bin ]] || { echo "generate.sh: no $bin (cargo build -p steward-cli -p steward-api --example studio_sync; MLflow: scripts/setup.sh need_mlflow)" >&2; exit 2; }
done
tmp=$(mktemp -d)
server=""
fixtures_before_cleanup() { [[ -z $server ]] || kill -- "-$server" 2>/dev/null; }
source "$here/../fixtures.sh"
fixtures_begin sync "$tmp"
export STEWARD_REGISTRY_ATTEMPTS=1 STEWARD_REGISTRY_TIMEOUT_MS=20000
cli() { local w=$1; shift; "$steward" --workspace "$w" "$@"; }
# A call of the studio's; a refused one (exit 1) is recorded too, as the {code, message} it sent.
call() {
  local w=$1 out=$2; shift 2
  local rc=0
  "$studio" "$w" "$@" >"$here/$out" || rc=$?
  [[ $rc -le 1 ]] || { echo "generate.sh: studio_sync $* exited $rc" >&2; exit 1; }
  echo "$out: $([[ $rc -eq 0 ]] && echo answered || echo refused)"
}
# The demo's model owner signs (the demo's people live in the namespace <ns>-demo).
as_owner() { STEWARD_KEYRING_NAMESPACE="$ns-demo" STEWARD_IDENTITY=priya@companyos.example cli "$@"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rest() {
  python3 - "$@" <<'PY'
import json, sys, urllib.parse, urllib.request
url, method, path = sys.argv[1:4]
body = sys.argv[4] if len(sys.argv) > 4 else None
req = urllib.request.Request(f"{url}/api/2.0/mlflow/{path}", method=method,
    data=body.encode() if body else None, headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(req, timeout=30).read().decode())
PY
}
number_of() { # registry version number of MODEL@VERSION, found by its steward.version tag
  rest "$url" GET "model-versions/search?filter=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "name='$1' and tags.\`steward.version\`='$2'")" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["model_versions"][0]["version"])'
}

a=$tmp/a
cli "$a" demo >/dev/null
call "$a" demo-settings.json settings
call "$a" demo-status.json status
call "$a" demo-findings.json findings

closed="http://127.0.0.1:$(free_port)"
call "$a" closed-settings.json set "$closed"
call "$a" closed-status-set.json status
call "$a" closed-test.json test
call "$a" closed-sync.json sync
call "$a" closed-status.json status
call "$a" closed-findings.json findings

port=$(free_port)
url="http://127.0.0.1:$port"
setsid "$python" -m mlflow server --host 127.0.0.1 --port "$port" --workers 1 \
  --backend-store-uri "sqlite:///$tmp/mlflow.db" --serve-artifacts --artifacts-destination "$tmp/artifacts" \
  >"$tmp/mlflow.log" 2>&1 &
server=$!
for _ in $(seq 1 360); do
  [[ $(curl -s "$url/health" 2>/dev/null || true) == OK ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/mlflow.log" >&2; exit 1; }
  sleep 0.5
done
[[ $(curl -s "$url/health") == OK ]] || { echo "generate.sh: mlflow not healthy after 180 s" >&2; exit 1; }

call "$a" online-settings.json set "$url"
call "$a" online-status-set.json status
STEWARD_REGISTRY_SECRET=fixture-token call "$a" online-login.json login
call "$a" online-test.json test
call "$a" online-sync.json sync
call "$a" online-status.json status
call "$a" online-findings.json findings

# Someone points production at the experiment by hand.
experiment=$(number_of summarize-copilot 2.0.0-17)
rest "$url" POST registered-models/alias "{\"name\": \"summarize-copilot\", \"alias\": \"production\", \"version\": \"$experiment\"}" >/dev/null
call "$a" ungoverned-sync.json sync
call "$a" ungoverned-findings.json findings
call "$a" ungoverned-settings.json settings
call "$a" ungoverned-status.json status
call "$a" restored-sync.json sync restore
call "$a" restored-findings.json findings
call "$a" restored-status.json status

# Two laptops roll back the same version with different records; and a record tag is forged.
b=$tmp/b
mkdir -p "$b" && chmod 700 "$b"
cp "$a/steward.db" "$b/steward.db"
as_owner "$a" rollback summarize-copilot --incident INC-7 --reason "p99 latency over budget" >/dev/null
card=summarize-copilot@1.3.0-15
edit_card() { # WORKSPACE NEW-TEMPERATURE: the same line, changed differently on each laptop
  cli "$1" doc show "$card" model-card --json | python3 -c 'import json, sys; sys.stdout.write(json.load(sys.stdin)["text"])' |
    sed "s/from 0.7 to 0.4 after/from 0.7 to $2 after/" >"$tmp/card-$2.md"
  cli "$1" doc save "$card" model-card "$tmp/card-$2.md" -m "temperature $2" >/dev/null
}
edit_card "$a" 0.3
call "$a" conflict-push.json sync push
as_owner "$b" rollback summarize-copilot --incident INC-7 --reason "rolled back from the second laptop" >/dev/null
edit_card "$b" 0.5
canary=$(number_of summarize-copilot 1.2.0-12)
rest "$url" POST model-versions/set-tag "{\"name\": \"summarize-copilot\", \"version\": \"$canary\", \"key\": \"steward.release_record_digest\", \"value\": \"sha256:$(printf 'ab%.0s' $(seq 32))\"}" >/dev/null
call "$b" conflict-sync.json sync pull
call "$b" conflict-findings.json findings
call "$b" conflict-settings.json settings
call "$b" conflict-status.json status
remote=$(python3 -c 'import json, sys; print(next(d["conflict"]["remote_sha256"] for d in json.load(open(sys.argv[1]))["conflicts"] if d["conflict"]["kind"] == "release-record"))' "$here/conflict-findings.json")
call "$b" conflict-remote.json remote summarize-copilot 1.0.0-3 "$remote"

call "$b" merge-view.json merge "$card" model-card
python3 -c 'import json, sys; sys.stdout.write(json.load(open(sys.argv[1]))["marked"])' "$here/merge-view.json" >"$tmp/marked.md"
call "$b" merge-save-marked.json merge-save "$card" model-card "$tmp/marked.md"
call "$b" merge-compose-theirs.json merge-compose "$card" model-card theirs
python3 -c 'import json, sys; sys.stdout.write(json.load(open(sys.argv[1])))' "$here/merge-compose-theirs.json" >"$tmp/merged.md"
call "$b" merge-save.json merge-save "$card" model-card "$tmp/merged.md"
call "$b" merged-findings.json findings
call "$b" merged-status.json status
settle=$(python3 -c 'import json, sys; print(next(d["conflict"]["version"] for d in json.load(open(sys.argv[1]))["conflicts"] if d["conflict"]["kind"] == "release-record"))' "$here/merged-findings.json")
call "$b" resolve-theirs.json resolve summarize-copilot "$settle" theirs
call "$b" resolved-findings.json findings
call "$b" resolved-status.json status
