#!/usr/bin/env bash
# Inside Xvfb and a D-Bus session (see e2e.sh): start tauri-driver, run the test.
set -euo pipefail
tauri-driver --port 4444 >"$E2E_ARTIFACTS/tauri-driver.log" 2>&1 &
driver=$!
trap 'kill $driver 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do (echo > /dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.2; done
cd "$REPO_ROOT/ui" && npm run e2e --silent
