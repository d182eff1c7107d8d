#!/usr/bin/env bash
# Benchmark: four writer processes on one workspace for DURATION seconds — document saves,
# stage changes, version adds and imports of 100,000-row CSV files — each a real `steward`
# command (release build). Reports per kind: operations, operations per second, failures, and
# the wait: each command's time under load minus the median time of the same command run
# alone in the same run (measured first), at p50 and p99. Target: 0 failures, p99 wait < 1 s.
#
# Usage: bash bench/concurrency/run.sh [DURATION_S]     (default 60)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-60}
work=${BENCH_DIR:-$(mktemp -d /tmp/steward-bench-concurrency.XXXXXX)}
cargo build --release -q -p steward-cli
export STEWARD_BIN="$PWD/target/release/steward" BENCH_WORK="$work" BENCH_DURATION="$duration"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - <<'PY'
import os, subprocess, time, statistics, multiprocessing as mp

bin_, work, duration = os.environ["STEWARD_BIN"], os.environ["BENCH_WORK"], float(os.environ["BENCH_DURATION"])
ws = os.path.join(work, "ws")
env = dict(os.environ, STEWARD_ACTOR="bench")

def steward(*args):
    t = time.perf_counter()
    r = subprocess.run([bin_, "--workspace", ws, *args], env=env, capture_output=True)
    return time.perf_counter() - t, r.returncode, r.stderr.decode(errors="replace")

def csv(path, seed, rows=100_000):
    with open(path, "w") as f:
        f.write("metric,value,slice\n")
        for i in range(rows):
            f.write(f"accuracy,0.{(i * 7 + seed) % 1000000:06d},region=r{i % 13}\n")

steward("init"); steward("model", "add", "m", "--owner", "o@x")
steward("version", "add", "m", "1.0.0-1"); steward("version", "add", "m", "1.0.0-2")

def op(kind, i):
    if kind == "save":
        p = os.path.join(work, f"card-{os.getpid()}-{i}.md")
        open(p, "w").write(f"---\nmodel_name: m\n---\n\n# Card\n\nedit {i}\n")
        return steward("doc", "save", "m@1.0.0-1", "model-card", p)
    if kind == "stage":
        return steward("stage", "set", "m@1.0.0-2", "candidate" if i % 2 == 0 else "experiment")
    if kind == "version":
        return steward("version", "add", "m", f"2.0.{os.getpid()}-{i}")
    p = os.path.join(work, f"run-{os.getpid()}-{i}.csv")
    csv(p, os.getpid() * 1000 + i)
    t, code, err = steward("eval", "import", "m@1.0.0-1", p, "--kind", "golden-set", "--suite", "g@1")
    os.remove(p)
    return t, code, err

SOLO = 5

def solo(kind):
    # Indexes 0..SOLO-1; the workers go on from SOLO, so the stage toggle stays in step.
    return statistics.median(op(kind, k)[0] for k in range(SOLO))

def worker(kind, baseline, q):
    out, i, end = [], SOLO, time.monotonic() + duration
    while time.monotonic() < end:
        t, code, err = op(kind, i)
        out.append((t - baseline, code, err.strip().splitlines()[-1] if code else ""))
        i += 1
    q.put((kind, out))

kinds = ["save", "stage", "version", "import"]
base = {k: solo(k) for k in kinds}
q = mp.Queue()
procs = [mp.Process(target=worker, args=(k, base[k], q)) for k in kinds]
for p in procs: p.start()
results = dict(q.get() for _ in procs)
for p in procs: p.join()

def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else 0.0
print(f"{'kind':8} {'alone':>9} {'ops':>5} {'ops/s':>7} {'fail':>5} {'wait p50':>9} {'wait p99':>9}")
for k in kinds:
    r = results[k]; waits = [max(0.0, w) for w, c, _ in r]; fails = [e for _, c, e in r if c]
    print(f"{k:8} {base[k]*1000:8.0f}ms {len(r):5d} {len(r)/duration:7.2f} {len(fails):5d} {pct(waits,.5)*1000:8.0f}ms {pct(waits,.99)*1000:8.0f}ms")
    for e in sorted(set(fails))[:3]: print("   failure:", e)
r = subprocess.run([bin_, "--workspace", ws, "audit", "verify", "--deep"], capture_output=True, text=True)
print("audit verify --deep:", (r.stdout + r.stderr).strip().replace("\n", "; "))
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
