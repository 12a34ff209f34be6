#!/usr/bin/env bash
# Fuzzes the import entry point (fuzz/fuzz_targets/import.rs) for N minutes
# (default 10): bytes → a file of each importable format → import_files (dry
# run) against a real store. A finding lands in fuzz/artifacts/import/; copy it
# into fuzz/regressions/ once fixed (the core tests replay that folder and the
# corpus). The corpus fuzz/corpus/import/ grows as coverage does and is
# minimised at the end. Needs the nightly toolchain and cargo-fuzz; its build
# directory is ~/.cache/comptoir/fuzz-target (a second DuckDB compile, once).
#   scripts/fuzz.sh [MINUTES]
set -euo pipefail
source "$(dirname "$0")/env.sh"
minutes="${1:-10}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
fuzz_target_dir="$HOME/.cache/comptoir/fuzz-target"
cd "$REPO_ROOT/fuzz"
mkdir -p "$REPO_ROOT/artifacts"
fuzz=(cargo +nightly fuzz)
flags=(-s none --target-dir "$fuzz_target_dir")
"${fuzz[@]}" build "${flags[@]}" import
# -timeout: an input that takes 10 s is a finding (files must answer within 5 s
# unfuzzed); -rss_limit_mb: so is a run that grows past 1 GB.
"${fuzz[@]}" run "${flags[@]}" import corpus/import -- \
  -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 2>&1 | tee "$REPO_ROOT/artifacts/fuzz.log" | grep -E "^#[0-9]+ +(pulse|DONE|NEW)|stat::|ERROR|panicked|Test unit written" | tail -40
"${fuzz[@]}" cmin "${flags[@]}" import corpus/import >/dev/null 2>&1
echo "corpus: $(ls corpus/import | wc -l) inputs, $(du -sh corpus/import | cut -f1)"
