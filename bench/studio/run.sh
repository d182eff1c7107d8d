#!/usr/bin/env bash
# Cold start and memory of the studio on a 10,000-model workspace.
#
#   bash bench/studio/run.sh            # debug build (target/debug/steward-studio)
#   BENCH_PROFILE=release bash bench/studio/run.sh   # builds and measures the release build
#
# Makes the workspace once with `steward --workspace DIR demo --scale 10000` (kept under
# target/bench-studio/ and reused), then launches the studio BENCH_RUNS times (default 5)
# through tauri-driver under Xvfb and prints the start times and the memory of the last launch.
# Assumes ui/dist is built. Needs what tests/e2e/run.sh needs. The environment reaches the app
# (through tauri-driver): without a GPU render node the studio turns WebKit's compositing off
# itself (src-tauri/src/rendering.rs), and `WEBKIT_DISABLE_COMPOSITING_MODE=0 bash
# bench/studio/run.sh` measures WebKit with its GL compositor on llvmpipe instead.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
source "$ROOT/tests/e2e/harness.sh"
harness_check

PROFILE="${BENCH_PROFILE:-debug}"
SCALE="${BENCH_SCALE:-10000}"
cargo_flags=()
[[ "$PROFILE" == release ]] && cargo_flags=(--release)
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$ROOT" && cargo build "${cargo_flags[@]}" -p steward-desktop -p steward-cli)
fi
export STUDIO_BIN="$ROOT/target/$PROFILE/steward-studio"
STEWARD="$ROOT/target/$PROFILE/steward"
[[ -x "$STEWARD" ]] || STEWARD="$ROOT/target/debug/steward"
[[ -x "$STUDIO_BIN" && -x "$STEWARD" ]] || { echo "bench: build steward-studio and steward first" >&2; exit 2; }
[[ -d "$ROOT/tests/e2e/node_modules/webdriverio" ]] || (cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund)

export BENCH_WORKSPACE="$ROOT/target/bench-studio/workspace-$SCALE"
if [[ ! -f "$BENCH_WORKSPACE/.complete" ]]; then
  rm -rf "$BENCH_WORKSPACE"
  echo "bench: steward demo --scale $SCALE (once; reused afterwards)" >&2
  "$STEWARD" --workspace "$BENCH_WORKSPACE" demo --scale "$SCALE" >&2
  touch "$BENCH_WORKSPACE/.complete"
fi

LOGS="$(mktemp -d -t steward-bench.XXXXXX)"
cleanup() {
  local rc=$?
  set +e
  harness_stop
  if [[ $rc -eq 0 ]]; then rm -rf "$LOGS"; else echo "bench: kept $LOGS" >&2; fi
  exit $rc
}
trap cleanup EXIT INT TERM
harness_start "$LOGS"

# The studio's own choice (src-tauri/src/rendering.rs): WebKit's variable when set, else
# compositing off where there is no GPU render node (GL would be llvmpipe).
if [[ -n "${WEBKIT_DISABLE_COMPOSITING_MODE+set}" ]]; then
  compositing="$([[ "$WEBKIT_DISABLE_COMPOSITING_MODE" == 0 ]] && echo on || echo off) (WEBKIT_DISABLE_COMPOSITING_MODE=$WEBKIT_DISABLE_COMPOSITING_MODE)"
elif compgen -G '/dev/dri/renderD*' >/dev/null; then
  compositing="on (a GPU render node)"
else
  compositing="off (no GPU render node: the studio turns it off)"
fi
echo "profile:   $PROFILE ($(nproc) cores, $(uname -sr)); WebKit compositing: $compositing"
# Start times are only comparable on an idle machine: say how busy it was.
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) before the first launch"
node "$HERE/measure.js"
