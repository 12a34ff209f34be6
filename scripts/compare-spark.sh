#!/usr/bin/env bash
# "Beyond one machine": builds a store from the sample workbook and all 305 days
# of Online Retail, exports its lake, and checks that PySpark and DuckDB, reading
# the lake as it is, compute the same top-10 winners and client lifetime revenues
# as `comptoir report`. Heavy (PySpark, Java 17), so not part of the default run.
#   scripts/compare-spark.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"
(cd "$REPO_ROOT" && cargo build "${CARGO_FLAGS[@]}" --bins)
python3 -c "import pyspark, duckdb" 2>/dev/null || python3 -m pip install --quiet "pyspark==3.5.3" "duckdb==1.4.1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/store.duckdb"
"$CLI_BIN" --db "$db" import "$REPO_ROOT/sample/stock_data.xlsx" >/dev/null
# Online Retail's 305 days, from the zipped copy in the repository (CC BY 4.0,
# see core/tests/data/online-retail/README.md).
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$REPO_ROOT/core/tests/data/online-retail/by-day.zip" "$work"
"$CLI_BIN" --db "$db" import "$work"/by-day/*.csv >/dev/null
"$CLI_BIN" --db "$db" export-lake "$work/lake" >/dev/null
"$CLI_BIN" --db "$db" report --window all --json >"$work/report.json"
SPARK_LOCAL_IP=127.0.0.1 python3 "$REPO_ROOT/scripts/compare_engines.py" "$work/lake" "$work/report.json"
