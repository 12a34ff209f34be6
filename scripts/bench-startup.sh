#!/usr/bin/env bash
# App start → first screen, N cold starts (default 10) under Xvfb with a fresh
# D-Bus session each, on a store holding the sample. The app logs (with
# COMPTOIR_LOG_STARTUP=1) the process's age when the page that draws the first
# screen has loaded; prints each figure, then the median and the worst.
#   scripts/bench-startup.sh [N]
set -euo pipefail
source "$(dirname "$0")/env.sh"
runs="${1:-10}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export COMPTOIR_DB="$work/store.duckdb"
"$CLI_BIN" import "$REPO_ROOT/sample/stock_data.xlsx" >/dev/null 2>&1
export COMPTOIR_LOG_STARTUP=1
figures=()
for _ in $(seq 1 "$runs"); do
  log="$work/start.log"
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- timeout 6 "$APP_BIN" >"$log" 2>&1 || true
  ms=$(grep -oP 'first screen drawn \(page loaded\) \K[0-9]+' "$log" || echo "none")
  figures+=("$ms")
  echo "first screen: $ms ms"
done
printf '%s\n' "${figures[@]}" | grep -v none | sort -n | awk '{a[NR]=$1} END {if (NR) printf "median %d ms, worst %d ms over %d starts\n", a[int((NR+1)/2)], a[NR], NR}'
