#!/usr/bin/env bash
# Runs every test: formatting, lints, the Rust suites (unit, store, CLI journeys, shell),
# the UI's type check, lint, component tests and Chromium flows, and the WebDriver
# end-to-end run of the real studio. Installs what it needs first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
# A test run builds once; incremental caches only cost disk (11 GB on a warm tree here).
export CARGO_INCREMENTAL=0

have_desktop=0
[ -d src-tauri ] && have_desktop=1
have_ui=0
[ -f ui/package.json ] && have_ui=1

[ $have_desktop = 1 ] && need_desktop_build
[ $have_ui = 1 ] && { need_test_tools; need_npm "$ROOT/ui"; }
[ -f tests/e2e/package.json ] && need_npm "$ROOT/tests/e2e"
# flagd's own evaluation engine reads the flag files the traffic journey writes.
[ -f tests/flagd/package.json ] && need_npm "$ROOT/tests/flagd"
# huggingface_hub and fairlearn check our exports and fairness maths from the Rust tests;
# securesystemslib verifies our DSSE envelopes.
need_python
# A pinned MLflow server (3.17.2, in .venv-mlflow) for the registry-sync journeys.
need_mlflow
# keyctl runs the keyring test's second process in a session keyring of its own.
need_apt keyutils
# gnome-keyring, dbus-run-session and secret-tool run the Secret Service test in a D-Bus
# session of its own.
need_apt gnome-keyring dbus libsecret-tools
# pdftotext reads the Annex IV PDF back in the compliance journeys.
need_apt poppler-utils

say "cargo fmt --check"
cargo fmt --all -- --check

say "cargo machete (no unused dependencies)"
need_machete
cargo machete

if [ $have_ui = 1 ]; then
  # The shell embeds ui/dist at compile time, so the UI is built before any cargo build.
  say "UI build"
  (cd ui && npm run --silent build)
fi

say "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

say "cargo test"
# The CLI journeys run the real binary: build it first.
cargo build -q -p steward-cli
cargo test --workspace --quiet 2>&1 | tee "$ROOT/target/cargo-test.log"

if [ $have_ui = 1 ]; then
  say "UI type check, lint, component tests"
  (cd ui && npm run --silent typecheck && npm run --silent lint && npm run --silent test)
  say "UI flows in headless Chromium"
  (cd ui && npm run --silent flows)
fi

if [ -x tests/e2e/run.sh ] || [ -f tests/e2e/run.sh ]; then
  say "end to end: the real studio through WebDriver"
  cargo build -q -p steward-desktop
  bash tests/e2e/run.sh
fi

say "all tests passed"
