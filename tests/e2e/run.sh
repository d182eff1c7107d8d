#!/usr/bin/env bash
# The real-app suite: Xvfb + tauri-driver + WebKitWebDriver + the debug steward-studio.
#
#   bash tests/e2e/run.sh
#
# Builds what is missing: the UI (ui/dist, via `npm ci && npm run build`) only when absent, the
# debug binary always (`cargo build -p steward-desktop`, seconds when up to date; set
# E2E_SKIP_BUILD=1 to use target/debug/steward-studio as is). Needs tauri-driver on PATH
# (`cargo install tauri-driver --locked`), WebKitWebDriver, Xvfb. Screenshots of every main
# screen go to artifacts/screenshots/. Exits non-zero when any check fails.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PORT="${E2E_PORT:-4444}"
NATIVE_PORT="${E2E_NATIVE_PORT:-4445}"
TAURI_DRIVER="${TAURI_DRIVER:-$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")}"
NATIVE_DRIVER="${NATIVE_DRIVER:-/usr/bin/WebKitWebDriver}"

for tool in "$TAURI_DRIVER" "$NATIVE_DRIVER" Xvfb node; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool not found; see tests/e2e/README.md" >&2; exit 2; }
done

if [[ "${E2E_SKIP_BUILD:-0}" != 1 ]]; then
  if [[ ! -f "$ROOT/ui/dist/index.html" ]]; then
    echo "e2e: building the UI (ui/dist is missing)" >&2
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund && npm run build)
  fi
  echo "e2e: cargo build -p steward-desktop" >&2
  (cd "$ROOT" && cargo build -p steward-desktop)
fi
export STUDIO_BIN="${STUDIO_BIN:-$ROOT/target/debug/steward-studio}"
[[ -x "$STUDIO_BIN" ]] || { echo "e2e: no binary at $STUDIO_BIN" >&2; exit 2; }
[[ -d "$HERE/node_modules/webdriverio" ]] || (cd "$HERE" && npm ci --no-audit --no-fund)

WORK="$(mktemp -d -t steward-e2e.XXXXXX)"
XVFB_PID=""
DRIVER_PID=""
cleanup() {
  local rc=$?
  set +e
  for pid in $DRIVER_PID $XVFB_PID; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [[ $rc -eq 0 ]]; then rm -rf "$WORK"; else echo "e2e: kept $WORK (workspace, driver.log, xvfb.log)" >&2; fi
  exit $rc
}
trap cleanup EXIT INT TERM

# A display nobody uses.
DISPLAY_NUM=99
while [[ -e "/tmp/.X11-unix/X$DISPLAY_NUM" || -e "/tmp/.X$DISPLAY_NUM-lock" ]]; do DISPLAY_NUM=$((DISPLAY_NUM + 1)); done
Xvfb ":$DISPLAY_NUM" -screen 0 1280x900x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
export DISPLAY=":$DISPLAY_NUM"
for _ in $(seq 50); do [[ -e "/tmp/.X11-unix/X$DISPLAY_NUM" ]] && break; sleep 0.1; done

"$TAURI_DRIVER" --port "$PORT" --native-port "$NATIVE_PORT" --native-driver "$NATIVE_DRIVER" >"$WORK/driver.log" 2>&1 &
DRIVER_PID=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  kill -0 "$DRIVER_PID" 2>/dev/null || { echo "e2e: tauri-driver exited; see $WORK/driver.log" >&2; cat "$WORK/driver.log" >&2; exit 2; }
  sleep 0.1
done

export E2E_PORT="$PORT"
# Stage changes and audit entries name who acted; the driver's environment may have no USER.
export STEWARD_ACTOR="${STEWARD_ACTOR:-e2e}"
export E2E_WORKSPACE="$WORK/workspace"
mkdir -p "$ROOT/artifacts/screenshots"
cd "$HERE"
node --test --test-reporter=spec --test-concurrency=1 journey.test.js
