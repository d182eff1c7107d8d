#!/usr/bin/env bash
# Runs Steward: builds the UI and the desktop studio, then opens it on the demo workspace
# (loaded on first start). Without a display it says so and shows the demo through the CLI.
#   STEWARD_WORKSPACE=DIR scripts/run.sh    opens another workspace folder
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

workspace="${STEWARD_WORKSPACE:-$HOME/.local/share/steward/demo}"

if [ -d src-tauri ] && [ -f ui/package.json ]; then
  need_desktop_build
  need_npm "$ROOT/ui"
  say "building the UI"
  (cd ui && npm run --silent build)
  say "building the studio (the first build takes several minutes)"
  cargo build -q -p steward-desktop
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    say "no display here (DISPLAY is unset): run this from a desktop session, or under xvfb-run"
  else
    say "opening the studio on $workspace"
    exec target/debug/steward-studio --workspace "$workspace" --demo
  fi
fi

cargo build -q -p steward-cli
if ! target/debug/steward --workspace "$workspace" model list >/dev/null 2>&1; then
  target/debug/steward --workspace "$workspace" demo
fi
target/debug/steward --workspace "$workspace" model list
