#!/usr/bin/env bash
# SPEC §7 benchmarks. Prints one line per measurement; figures go to BENCHMARKS.md.
#   scripts/bench.sh            all (1M-line import, 10M-line refresh, sample refresh)
#   LINES=200000 scripts/bench.sh   a smaller import
set -euo pipefail
source "$(dirname "$0")/env.sh"
(cd "$REPO_ROOT" && cargo build "${CARGO_FLAGS[@]}" --examples)
bench="$CARGO_TARGET_DIR/release/examples/bench"
work="${BENCH_DIR:-$(mktemp -d)}"
lines="${LINES:-1000000}"
echo "# $(date -u +%F) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
[[ -f "$work/lines-$lines.xlsx" ]] || "$CLI_BIN" generate --lines "$lines" "$work/lines-$lines.xlsx" >/dev/null
echo "file: $(du -h "$work/lines-$lines.xlsx" | cut -f1) for $lines invoice lines"
# Read and import alternate, three times: this machine's speed drifts, so compare
# each import with the read just before it.
for run in 1 2 3; do
  "$bench" read "$work/lines-$lines.xlsx"
  "$bench" import "$work/lines-$lines.xlsx" "$work/import.duckdb"
done
rm -f "$work/sample.duckdb"
"$CLI_BIN" --db "$work/sample.duckdb" import "$REPO_ROOT/sample/stock_data.xlsx" >/dev/null
echo "sample (20,000 lines):"; "$bench" refresh "$work/sample.duckdb" 9
if [[ "${SKIP_10M:-}" != 1 ]]; then
  [[ -f "$work/10m.duckdb" ]] || "$bench" synth "$work/10m.duckdb" 10000000
  echo "10,000,000 lines:"; "$bench" refresh "$work/10m.duckdb" 7
fi
