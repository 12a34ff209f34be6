#!/usr/bin/env bash
# Sets up, builds, loads the sample workbook into the store and opens Comptoir.
# The store is $COMPTOIR_DB, else the OS data directory (the CLI uses the same).
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build.sh"
echo "==> loading the sample workbook (re-importing it changes nothing)"
"$CLI_BIN" import "$REPO_ROOT/sample/stock_data.xlsx"
echo "==> starting Comptoir"
exec "$APP_BIN"
