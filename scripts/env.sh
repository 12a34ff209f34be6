# Sourced by the other scripts. One build directory per machine, outside the
# clone, shared by tests, benchmarks, the app and CI: DuckDB's C++ (~30 min on
# 2 cores) is compiled once and reused by every later run and fresh clone.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/comptoir/target}"
# Every cargo command uses the same profile, package set and features so that
# nothing is rebuilt between `test`, `build` and `bench`.
CARGO_FLAGS=(--release --workspace --locked)
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP_BIN="$CARGO_TARGET_DIR/release/comptoir-app"
CLI_BIN="$CARGO_TARGET_DIR/release/comptoir"
export REPO_ROOT APP_BIN CLI_BIN
