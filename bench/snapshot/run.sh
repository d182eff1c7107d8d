#!/usr/bin/env bash
# Benchmark: snapshot a folder of ~10,000 files / ~2 GB with `steward dataset snapshot`,
# compared in the same run with `find … -type f -print0 | xargs -0 sha256sum`.
# Target: Steward faster than the coreutils pipeline on this 2-core machine.
#
# Usage: bash bench/snapshot/run.sh [FILES] [TOTAL_MB]     (defaults 10000 and 2048)
# Both commands read from the page cache (a warm-up run of each comes first), so the figures
# compare hashing and file handling, not the disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
files=${1:-10000}
total_mb=${2:-2048}
work=${BENCH_DIR:-$(mktemp -d /tmp/steward-bench-snapshot.XXXXXX)}
data="$work/data"
ws="$work/ws"

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
cargo build --release -q -p steward-cli
steward="$PWD/target/release/steward"

if [ ! -f "$data/.complete" ]; then
  echo "generating $files files, about $total_mb MB, in $data"
  python3 - "$data" "$files" "$total_mb" <<'PY'
import os, random, sys
root, n, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) * 1024 * 1024
rng = random.Random(7)
# Sizes vary from a few KB to a few MB, as real dataset shards do; they add up to `total`.
weights = [rng.paretovariate(1.5) for _ in range(n)]
scale = total / sum(weights)
block = os.urandom(4 << 20)
for i, w in enumerate(weights):
    size = max(1, int(w * scale))
    d = os.path.join(root, f"shard-{i // 500:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"part-{i:05d}.bin"), "wb") as f:
        f.write(i.to_bytes(8, "little"))  # every file differs
        left = size
        while left > 0:
            chunk = block[(i * 4099) % 4096 : (i * 4099) % 4096 + min(left, len(block) - 4096)]
            f.write(chunk)
            left -= len(chunk)
open(os.path.join(root, ".complete"), "w").close()
PY
fi
rm -f "$data/.complete.bak"
count=$(find "$data" -type f ! -name .complete | wc -l)
bytes=$(du -sb --exclude=.complete "$data" | cut -f1)
echo "dataset: $count files, $((bytes / 1024 / 1024)) MB; $(nproc) cores"

out="$work/results.json"
hyperfine --warmup 1 --runs 5 --export-json "$out" \
  --prepare "rm -rf '$ws' && '$steward' --workspace '$ws' init >/dev/null" \
  -n "steward dataset snapshot" "'$steward' --workspace '$ws' dataset snapshot '$data' --name bench --version v1 >/dev/null" \
  -n "find | xargs sha256sum" "find '$data' -type f -print0 | xargs -0 sha256sum >/dev/null"

python3 - "$out" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
s, c = r["steward dataset snapshot"], r["find | xargs sha256sum"]
print(f"steward dataset snapshot : {s['mean']:.3f} s ± {s['stddev']:.3f}")
print(f"find | xargs sha256sum   : {c['mean']:.3f} s ± {c['stddev']:.3f}")
verdict = "meets" if s["mean"] < c["mean"] else "MISSES"
print(f"steward is {c['mean'] / s['mean']:.2f}x the speed of the coreutils pipeline: {verdict} the target (faster)")
PY
echo "(data kept in $work; delete it when done)"
