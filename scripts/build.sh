#!/usr/bin/env bash
# Builds the UI, then the CLI and the desktop app (one cargo invocation).
set -euo pipefail
source "$(dirname "$0")/env.sh"
echo "==> building the UI"
(cd "$REPO_ROOT/ui" && npm run build --silent)
echo "==> building comptoir and comptoir-app (target dir: $CARGO_TARGET_DIR)"
(cd "$REPO_ROOT" && cargo build "${CARGO_FLAGS[@]}")
