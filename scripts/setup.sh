#!/usr/bin/env bash
# Installs what Steward needs on a fresh Debian machine with Rust, Node and Python, and does
# nothing when it is already there. Sourced by run.sh and test.sh; `need_*` functions are
# idempotent and quick when warm.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Debian packages: installs only the missing ones (apt-get update once, only if needed).
need_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building the desktop shell (Tauri 2 on WebKitGTK) needs.
need_desktop_build() {
  need_apt build-essential pkg-config curl wget file libwebkit2gtk-4.1-dev libxdo-dev libssl-dev \
    libayatana-appindicator3-dev librsvg2-dev
}

# What the UI and end-to-end tests need: a virtual display, the WebKit driver, Chromium.
need_test_tools() {
  need_apt xvfb xauth webkit2gtk-driver chromium fonts-dejavu-core
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    say "installing tauri-driver"
    cargo install tauri-driver --locked --version 2.1.0 --quiet
  fi
  export PATH="$HOME/.cargo/bin:$PATH"
}

# cargo-machete, which finds dependencies a crate's code no longer uses (pinned; about two
# minutes to build once, nothing on a warm run).
need_machete() {
  if ! command -v cargo-machete >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo-machete" ]; then
    say "installing cargo-machete"
    cargo install cargo-machete --locked --version 0.9.2 --quiet
  fi
  export PATH="$HOME/.cargo/bin:$PATH"
}

# `npm ci` in a folder when its node_modules is missing or older than its lock file.
need_npm() {
  local dir="$1"
  [ -f "$dir/package-lock.json" ] || return 0
  # A node_modules linked from another checkout is that checkout's install: `npm ci` through
  # the link would empty it for everyone using it.
  [ -L "$dir/node_modules" ] && return 0
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "npm ci in ${dir#"$ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The Python tools tests check our outputs with (huggingface_hub, fairlearn) and benchmarks
# compare against (pandas, matplotlib), in .venv; reinstalled when the requirements change.
need_python() {
  local req="$ROOT/tests/python/requirements.txt" venv="$ROOT/.venv"
  [ -f "$req" ] || return 0
  if [ ! -x "$venv/bin/python" ]; then
    say "creating the Python environment in .venv"
    python3 -m venv "$venv"
  fi
  if ! cmp -s "$req" "$venv/.requirements.installed"; then
    say "installing Python test tools"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    cp "$req" "$venv/.requirements.installed"
  fi
  export STEWARD_PYTHON="$venv/bin/python"
}

# A pinned MLflow server for the registry-sync tests, in .venv-mlflow (about 110 s and 850 MB
# cold, so it is cached and reinstalled only when its requirements change). Exports
# STEWARD_MLFLOW_PYTHON, the interpreter that runs `python -m mlflow server` and the
# MlflowClient checks.
need_mlflow() {
  local req="$ROOT/tests/python/mlflow-requirements.txt" venv="$ROOT/.venv-mlflow"
  [ -f "$req" ] || return 0
  if [ ! -x "$venv/bin/python" ]; then
    say "creating the MLflow environment in .venv-mlflow"
    python3 -m venv "$venv"
  fi
  if ! cmp -s "$req" "$venv/.requirements.installed"; then
    say "installing MLflow (about two minutes, once)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    cp "$req" "$venv/.requirements.installed"
  fi
  export STEWARD_MLFLOW_PYTHON="$venv/bin/python"
}
