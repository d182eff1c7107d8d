#!/usr/bin/env bash
# Benchmark: `steward release verify` of a chain of 1,000 release records, release build,
# timed in-process, beside securesystemslib verifying the same envelopes' signatures alone.
#
# The CLI sets up a workspace with a signing key (kernel keyring, a namespace of this run's),
# a roster and a policy that gates nothing; crates/steward-api/examples/release_bench.rs then
# promotes one version to candidate and demotes it again until the model holds RECORDS signed
# records, and times `Workspace::release_list`, which verifies every record: its DSSE signature,
# its signer's roster standing when it signed, every digest it names against the store (bundle,
# config, datasets, document revisions, runs, approval and waiver envelopes), its gate report's
# digest, and the chain. The peer: securesystemslib (Envelope.verify with the public key) over
# the same exported envelopes, signatures only, timed inside Python (import excluded).
#
# Target (issue 10): the 1,000-record verify under 1 s.
#
# Usage: bash bench/release/run.sh [RECORDS] [RUNS]   (defaults 1000 and 7)
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/signer.sh
records=${1:-1000}
runs=${2:-7}
work=$(mktemp -d /tmp/steward-bench-release.XXXXXX)
export STEWARD_KEYRING_NAMESPACE="bench-release-$$" STEWARD_KEYRING_BACKEND=keyutils STEWARD_IDENTITY=bench@example.org
cleanup() {
  forget_namespace_keys
  rm -rf "$work"
}
py=${STEWARD_PYTHON:-$PWD/.venv/bin/python}
[ -x "$py" ] || { echo "no Python environment at $py: run 'source scripts/setup.sh && need_python'" >&2; exit 1; }

cargo build --release -q -p steward-cli -p steward-api --bin steward --example release_bench
steward="$PWD/target/release/steward"
bench="$PWD/target/release/examples/release_bench"
trap cleanup EXIT

ws="$work/ws"
signer_workspace "$steward" "$ws" "$work"
"$steward" --workspace "$ws" model add copilot --owner bench@example.org >/dev/null
"$steward" --workspace "$ws" version add copilot 1.0.0-1 --bundle-digest "sha256:$(printf '1%.0s' $(seq 64))" >/dev/null
"$steward" --workspace "$ws" key export -o "$work/key.json" >/dev/null

IFS=$'\t' read -r n median p99 min build <<<"$("$bench" "$ws" copilot@1.0.0-1 "$records" "$runs" "$work/envelopes")"

sslib=$("$py" - "$work/key.json" "$work/envelopes" "$runs" <<'PY'
import json, os, sys, time
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey
key = json.load(open(sys.argv[1]))
k = SSlibKey(key["keyid"], key["keytype"], key["scheme"], {"public": key["keyval"]["public"]})
files = sorted(os.listdir(sys.argv[2]))
texts = [open(os.path.join(sys.argv[2], f)).read() for f in files]
runs = int(sys.argv[3])
times = []
for _ in range(runs):
    t = time.perf_counter()
    for text in texts:
        Envelope.from_dict(json.loads(text)).verify([k], 1)
    times.append((time.perf_counter() - t) * 1e3)
times.sort()
print(f"{len(files)}\t{times[len(times)//2]:.1f}")
PY
)
IFS=$'\t' read -r sn smedian <<<"$sslib"

echo "release verify, $n records ($(date -u +%Y-%m-%d), load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
printf '%-58s %10s %10s\n' "" "median ms" "p99 ms"
printf '%-58s %10s %10s\n' "steward release verify (signatures, signers, digests, chain)" "$median" "$p99"
printf '%-58s %10s %10s\n' "securesystemslib Envelope.verify, signatures only ($sn)" "$smedian" ""
echo "building the chain: $build ms per record (promotion with gate, signature and record)"
awk -v m="$median" -v s="$smedian" 'BEGIN { printf "ratio steward / securesystemslib: %.2f; target < 1000 ms: %s\n", m / s, (m < 1000 ? "met" : "NOT met") }'
