#!/usr/bin/env bash
# Sets up and runs every test: Rust (core + shell), UI unit tests, and the
# end-to-end test driving the real window under Xvfb.
set -euo pipefail
source "$(dirname "$0")/env.sh"
start=$(date +%s)
"$REPO_ROOT/scripts/setup.sh" --test
"$REPO_ROOT/scripts/build.sh"

echo "==> lints: rustfmt, clippy (warnings are errors), TypeScript strict"
(cd "$REPO_ROOT" && cargo fmt --all --check)
(cd "$REPO_ROOT" && cargo clippy "${CARGO_FLAGS[@]}" --all-targets -- -D warnings)
(cd "$REPO_ROOT/ui" && npm run lint --silent)

echo "==> Online Retail figures re-derived independently (Python decimal) = expected.json"
python3 "$REPO_ROOT/scripts/independent_report.py" --check

echo "==> Rust tests"
(cd "$REPO_ROOT" && cargo test "${CARGO_FLAGS[@]}")

echo "==> crash safety: 20 imports SIGKILLed at random moments (RELIABILITY.md)"
(cd "$REPO_ROOT" && cargo build "${CARGO_FLAGS[@]}" --examples)
crash_dir=$(mktemp -d)
"$CARGO_TARGET_DIR/release/examples/bench" crash "$crash_dir/work" 20 20000
echo "==> hostile corpus: 40 files, each a sentence within 5 s, the child capped at 256 MB"
"$CARGO_TARGET_DIR/release/examples/bench" hostile "$crash_dir/hostile" | tail -1
rm -rf "$crash_dir"

echo "==> UI unit tests"
(cd "$REPO_ROOT/ui" && npm test --silent)

echo "==> end-to-end test (tauri-driver + WebKitWebDriver under Xvfb)"
"$REPO_ROOT/scripts/e2e.sh"

echo "==> the .deb builds and its binaries start"
deb=$("$REPO_ROOT/scripts/package-deb.sh" | tail -1)
unpacked=$(mktemp -d)
dpkg-deb -x "$deb" "$unpacked"
"$unpacked/usr/bin/comptoir" --version
"$unpacked/usr/bin/comptoir" --db "$unpacked/check.duckdb" import "$REPO_ROOT/sample/stock_data.xlsx" >/dev/null
rm -rf "$unpacked"

echo "==> all tests passed in $(( ($(date +%s) - start) / 60 )) min"
