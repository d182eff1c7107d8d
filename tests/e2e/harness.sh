# Sourced by tests/e2e/run.sh and bench/studio/run.sh: a private Xvfb display and tauri-driver
# (→ WebKitWebDriver) for the real studio. Background processes are started as plain `cmd &`
# so `$!` is the process to stop, and harness_stop stops exactly those PIDs.
#
#   harness_start LOGDIR     sets DISPLAY, E2E_PORT, XVFB_PID, DRIVER_PID
#   harness_stop

HARNESS_PORT="${E2E_PORT:-4444}"
HARNESS_NATIVE_PORT="${E2E_NATIVE_PORT:-4445}"
TAURI_DRIVER="${TAURI_DRIVER:-$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")}"
NATIVE_DRIVER="${NATIVE_DRIVER:-/usr/bin/WebKitWebDriver}"
XVFB_PID=""
DRIVER_PID=""

harness_check() {
  local tool
  for tool in "$TAURI_DRIVER" "$NATIVE_DRIVER" Xvfb node; do
    command -v "$tool" >/dev/null || {
      echo "harness: $tool not found (tauri-driver: cargo install tauri-driver --locked; apt: webkit2gtk-driver xvfb)" >&2
      return 2
    }
  done
}

harness_start() {
  local logs="$1" n=99 _
  harness_check || return
  # A display nobody uses.
  while [[ -e "/tmp/.X11-unix/X$n" || -e "/tmp/.X$n-lock" ]]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x900x24 -nolisten tcp >"$logs/xvfb.log" 2>&1 &
  XVFB_PID=$!
  export DISPLAY=":$n"
  for _ in $(seq 50); do [[ -e "/tmp/.X11-unix/X$n" ]] && break; sleep 0.1; done

  if (exec 3<>"/dev/tcp/127.0.0.1/$HARNESS_PORT") 2>/dev/null; then
    echo "harness: port $HARNESS_PORT is taken; set E2E_PORT (and E2E_NATIVE_PORT)" >&2
    return 2
  fi
  "$TAURI_DRIVER" --port "$HARNESS_PORT" --native-port "$HARNESS_NATIVE_PORT" \
    --native-driver "$NATIVE_DRIVER" >"$logs/driver.log" 2>&1 &
  DRIVER_PID=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$HARNESS_PORT") 2>/dev/null && break
    if ! kill -0 "$DRIVER_PID" 2>/dev/null; then
      echo "harness: tauri-driver exited:" >&2
      cat "$logs/driver.log" >&2
      return 2
    fi
    sleep 0.1
  done
  export E2E_PORT="$HARNESS_PORT" TAURI_DRIVER_PID="$DRIVER_PID"
}

harness_stop() {
  local pid
  for pid in $DRIVER_PID $XVFB_PID; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  DRIVER_PID=""
  XVFB_PID=""
  return 0
}
