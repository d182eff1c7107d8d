#!/usr/bin/env bash
# Benchmark: push RECORDS signed release records (each its model version with every steward.*
# tag, its envelope, and each model's candidate alias) to one fresh MLflow server, three ways,
# in one run, on the same input:
#   (a) `steward sync --push`, the whole process (start, gather and verify the records, plan
#       against the registry, apply);
#   (b) a Python script using MlflowClient for the same mapping (bench/sync/mlflowclient.py);
#   (c) the minimal request sequence for that mapping over one keep-alive http.client
#       connection (bench/sync/minimal.py): the server's limit.
# (b) and (c) replay what (a) put in the registry (read back by export.py) under other model
# names, so the three send the same tags, envelopes and aliases; their time excludes Python's
# start and imports. Requests are counted from the server's access log. The server is warmed
# up first (bench/sync/warmup.py: its first few hundred requests are much slower).
#
# Targets (issue 11): Steward >= 10x MlflowClient and >= 0.8x the minimal sequence.
#
# Usage: bash bench/sync/run.sh [MODELS] [VERSIONS]   (defaults 5 and 100: 500 records)
# STEWARD_BENCH_PROFILE=debug uses the debug build instead of building a release one.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/signer.sh
models=${1:-5}
versions=${2:-100}
records=$((models * versions))
profile=${STEWARD_BENCH_PROFILE:-release}
mpy=${STEWARD_MLFLOW_PYTHON:-$PWD/.venv-mlflow/bin/python}
[ -x "$mpy" ] || { echo "no MLflow environment at $mpy: run 'source scripts/setup.sh && need_mlflow'" >&2; exit 1; }
work=$(mktemp -d /tmp/steward-bench-sync.XXXXXX)
export STEWARD_KEYRING_NAMESPACE="bench-sync-$$" STEWARD_KEYRING_BACKEND=keyutils STEWARD_IDENTITY=bench@example.org
server=""
cleanup() {
  [ -n "$server" ] && kill -- "-$server" 2>/dev/null || true
  forget_namespace_keys
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$profile" = release ]; then
  cargo build --release -q -p steward-cli -p steward-tests --bin steward --bin steward-records
else
  cargo build -q -p steward-cli -p steward-tests --bin steward --bin steward-records
fi
steward="$PWD/target/$profile/steward"
generate="$PWD/target/$profile/steward-records"

port=$("$mpy" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
# setsid makes the server lead its own process group (stopped whole in cleanup).
setsid "$mpy" -m mlflow server --host 127.0.0.1 --port "$port" --workers 1 \
  --backend-store-uri "sqlite:///$work/mlflow.db" --serve-artifacts --artifacts-destination "$work/artifacts" \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 360); do
  [ "$(curl -s "$url/health" || true)" = OK ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
[ "$(curl -s "$url/health" || true)" = OK ] || { echo "mlflow not healthy after 180 s" >&2; exit 1; }
requests() { grep -cE '"(GET|POST|PUT|PATCH|DELETE) /api/' "$work/server.log" || true; }

ws="$work/ws"
signer_workspace "$steward" "$ws" "$work"
"$generate" "$ws" "$models" "$versions" >"$work/generated.json"
"$steward" --workspace "$ws" registry set "$url" >/dev/null

"$mpy" bench/sync/warmup.py "$url" 300

now() { date +%s.%N; }
before=$(requests)
t0=$(now)
"$steward" --workspace "$ws" sync --push --json >"$work/a.json"
t1=$(now)
a_time=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
a_req=$(( $(requests) - before ))
a_self=$("$mpy" -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["requests"], r["versions_created"])' "$work/a.json")

"$mpy" bench/sync/export.py "$url" rec- "$work/input.json" >/dev/null

before=$(requests)
b_time=$(MLFLOW_TRACKING_URI="$url" "$mpy" bench/sync/mlflowclient.py "$work/input.json" py- 2>"$work/b.err") || { cat "$work/b.err" >&2; exit 1; }
b_req=$(( $(requests) - before ))

before=$(requests)
c_time=$("$mpy" bench/sync/minimal.py "$work/input.json" min- "$url")
c_req=$(( $(requests) - before ))

# The three registries hold the same: versions and envelopes per contender.
"$mpy" - "$url" "$models" "$versions" <<'PY'
import json, sys, urllib.parse, urllib.request
base, models, versions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def get(route, **q):
    return json.load(urllib.request.urlopen(base + route + "?" + urllib.parse.urlencode(q)))
for prefix in ("rec-", "py-rec-", "min-rec-"):
    total = 0
    for m in range(1, models + 1):
        name = f"{prefix}{m:02d}"
        vs = get("/api/2.0/mlflow/model-versions/search", filter=f"name='{name}'", max_results=10000)["model_versions"]
        assert len(vs) == versions, (name, len(vs))
        full = get("/api/2.0/mlflow/registered-models/get", name=name)["registered_model"]
        assert [a["alias"] for a in full.get("aliases", [])] == ["candidate"], full
        total += len(vs)
    assert total == models * versions
PY

echo "registry sync, $records release records in $models models ($(date -u +%Y-%m-%d), $profile build, load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, MLflow $("$mpy" -c 'import mlflow; print(mlflow.__version__)'))"
printf '%-52s %9s %9s %12s\n' "" "wall s" "requests" "per record"
row() { printf '%-52s %9s %9s %12s\n' "$1" "$2" "$3" "$(awk -v r="$3" -v n="$records" 'BEGIN { printf "%.2f", r / n }')"; }
row "(a) steward sync --push (whole process)" "$a_time" "$a_req"
row "(b) MlflowClient, same mapping (pushing only)" "$b_time" "$b_req"
row "(c) minimal sequence, http.client (pushing only)" "$c_time" "$c_req"
echo "steward's own count (requests, versions created): $a_self"
awk -v a="$a_time" -v b="$b_time" -v c="$c_time" 'BEGIN {
  printf "steward vs MlflowClient: %.2fx (target >= 10x: %s)\n", b / a, (b / a >= 10 ? "met" : "NOT met")
  printf "steward vs minimal: %.2fx (target >= 0.8x: %s)\n", c / a, (c / a >= 0.8 ? "met" : "NOT met")
}'
