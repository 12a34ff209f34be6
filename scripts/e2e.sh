#!/usr/bin/env bash
# Drives the real app window: Xvfb + tauri-driver + WebKitWebDriver; the native
# file dialogs and a drag from another X client are driven with xdotool.
# Screenshots go to artifacts/e2e/. Expects scripts/build.sh to have run.
set -euo pipefail
source "$(dirname "$0")/env.sh"
export PATH="$HOME/.cargo/bin:$PATH"
artifacts="$REPO_ROOT/artifacts/e2e"
rm -rf "$artifacts"; mkdir -p "$artifacts"
work=$(mktemp -d)
export COMPTOIR_DB="$work/e2e.duckdb"       # a fresh, empty store
export XDG_DATA_HOME="$work/data"           # the app's data dir (sample copy)
export WEBKIT_DISABLE_COMPOSITING_MODE=1    # blank windows under Xvfb otherwise
export NO_AT_BRIDGE=1
export COMPTOIR_APP="$APP_BIN"
export E2E_ARTIFACTS="$artifacts"
export E2E_PYTHON=/usr/bin/python3             # Debian's, with python3-gi (the drag source)
export E2E_EXPECTED_FIRST="$(grep -oP 'EXPECTED_TOP_WINNER: &str = "\K[^"]+' "$REPO_ROOT/core/tests/core/sample.rs")"

trap 'rm -rf "$work"' EXIT
dbus-run-session -- xvfb-run -a -s "-screen 0 1200x800x24" "$REPO_ROOT/scripts/e2e-under-x.sh"
