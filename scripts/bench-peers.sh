#!/usr/bin/env bash
# Issue 16 / SPEC §7: Comptoir's import against its peers, on the same input, in the same run,
# alternately, each as a whole process (wall time, peak RSS), medians; prints a markdown table
# and the ratios with their targets (PASS/FAIL).
#
#   scripts/bench-peers.sh          the 1,000,000-line workbook (`comptoir generate`): calamine's
#                                   bare read, comptoir import, polars, fastexcel, DuckDB read_xlsx,
#                                   pandas + openpyxl (each peer writes a DuckDB file)
#   scripts/bench-peers.sh csv      the 305 Online Retail CSV files: comptoir import of them all
#                                   vs DuckDB's own read_csv('by-day/*.csv') into a table
#
# Environment: LINES (workbook size, 1000000), ROUNDS (3), PANDAS_ROUNDS (1), SKIP_PANDAS=1,
# BENCH_DIR (keeps the generated workbook between runs), SKIP_BUILD=1, PEERS_UPGRADE=1 (reinstall
# the peers at their latest versions), STRICT=1 (exit 1 when a target is missed).
#
# The peers live in virtual environments under ~/.cache/comptoir/peers, made on the first run
# and reused: `latest` (fastexcel, polars, pandas, openpyxl, pyarrow, duckdb) and `duckdb-1.4.4`
# (duckdb==1.4.4 and duckdb-ext-excel, whose excel.duckdb_extension file is loaded with
# allow_unsigned_extensions). pip from PyPI is the only download; a package pip cannot install
# is reported and its peer skipped.
set -euo pipefail
source "$(dirname "$0")/env.sh"
mode="${1:-xlsx}"
[[ "$mode" == xlsx || "$mode" == csv ]] || { echo "usage: $0 [csv]" >&2; exit 2; }
peers="${PEERS_DIR:-$HOME/.cache/comptoir/peers}"
mkdir -p "$peers"

# venv NAME PACKAGE...: makes or reuses $peers/NAME; installs each package on its own so that
# one missing package does not take the others with it.
venv() {
  local name="$1" dir="$peers/$1"
  shift
  local spec="$*"
  if [[ -f "$dir/.installed" && "$(cat "$dir/.installed")" == "$spec" && "${PEERS_UPGRADE:-}" != 1 ]]; then
    return 0
  fi
  if [[ ! -x "$dir/bin/python" ]] && ! python3 -m venv "$dir"; then
    echo "could not make the virtual environment $dir: its peers are skipped" >&2
    return 0
  fi
  echo "==> installing into $dir: $spec" >&2
  local pkg missing=""
  for pkg in "$@"; do
    "$dir/bin/pip" install --quiet --disable-pip-version-check ${PEERS_UPGRADE:+--upgrade} "$pkg" >&2 || missing+=" $pkg"
  done
  if [[ -n "$missing" ]]; then
    echo "pip could not install:$missing (the peers that need it are skipped)" >&2
  else
    echo "$spec" >"$dir/.installed"
  fi
}
venv latest fastexcel polars pandas openpyxl pyarrow duckdb
[[ "$mode" == xlsx ]] && venv duckdb-1.4.4 duckdb==1.4.4 duckdb-ext-excel

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  (cd "$REPO_ROOT" && cargo build "${CARGO_FLAGS[@]}" --bin comptoir --examples)
fi

work="${BENCH_DIR:-}"
if [[ -z "$work" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/runs" "$work/bin"
# Measure copies of the binaries: a build started elsewhere during the run (the target
# directory is shared) cannot swap what is measured.
cp "$CLI_BIN" "$work/bin/comptoir"
cp "$CARGO_TARGET_DIR/release/examples/bench" "$work/bin/bench" 2>/dev/null || true
CLI_BIN="$work/bin/comptoir"

if [[ "$mode" == xlsx ]]; then
  lines="${LINES:-1000000}"
  file="$work/lines-$lines.xlsx"
  [[ -f "$file" ]] || "$CLI_BIN" generate --lines "$lines" "$file" >/dev/null
  pandas_rounds="${PANDAS_ROUNDS:-1}"
  [[ "${SKIP_PANDAS:-}" == 1 ]] && pandas_rounds=0
  echo "command: ${LINES:+LINES=$LINES }${ROUNDS:+ROUNDS=$ROUNDS }${PANDAS_ROUNDS:+PANDAS_ROUNDS=$PANDAS_ROUNDS }${SKIP_PANDAS:+SKIP_PANDAS=1 }scripts/bench-peers.sh"
  python3 "$REPO_ROOT/scripts/peers/harness.py" xlsx "$file" \
    --cli "$CLI_BIN" --bench "$work/bin/bench" \
    --py "$peers/latest/bin/python" --py144 "$peers/duckdb-1.4.4/bin/python" \
    --rounds "${ROUNDS:-3}" --pandas-rounds "$pandas_rounds" --work "$work/runs" ${STRICT:+--strict}
else
  # Online Retail's 305 days, from the zipped copy in the repository (CC BY 4.0,
  # see core/tests/data/online-retail/README.md).
  [[ -d "$work/by-day" ]] || python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$REPO_ROOT/core/tests/data/online-retail/by-day.zip" "$work"
  echo "command: ${ROUNDS:+ROUNDS=$ROUNDS }scripts/bench-peers.sh csv"
  python3 "$REPO_ROOT/scripts/peers/harness.py" csv "$work/by-day" \
    --cli "$CLI_BIN" --py "$peers/latest/bin/python" \
    --rounds "${ROUNDS:-3}" --work "$work/runs" ${STRICT:+--strict}
fi
