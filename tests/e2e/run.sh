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
source "$HERE/harness.sh"
harness_check

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
cleanup() {
  local rc=$?
  set +e
  harness_stop
  if [[ $rc -eq 0 ]]; then rm -rf "$WORK"; else echo "e2e: kept $WORK (workspace, driver.log, xvfb.log)" >&2; fi
  exit $rc
}
trap cleanup EXIT INT TERM

# Stage changes and audit entries name who acted. The app inherits tauri-driver's
# environment, so this must be set before the driver starts.
export STEWARD_ACTOR="${STEWARD_ACTOR:-e2e}"
harness_start "$WORK"
export E2E_WORKSPACE="$WORK/workspace"
mkdir -p "$ROOT/artifacts/screenshots"
cd "$HERE"
node --test --test-reporter=spec --test-concurrency=1 journey.test.js
