#!/usr/bin/env bash
# Everything CI checks, in order: tools, formatting, lints, the committed chart, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# This script installs every tool the tests need, so none may be skipped as missing.
export CI="${CI:-true}"

tests/setup.sh
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
# The committed chart must be what gen writes today: the test that runs `portplan gen --check`
# (a diff when it is stale), first and alone. Not `cargo run`: that builds the crate once more,
# without the features the dev-dependencies turn on (tempfile: rustix's fs), for this one run.
cargo test --quiet --locked --test integration -- --exact generate::committed_chart_out_is_current

log=$(mktemp)
# gen's memo (src/output/memo.rs) in a folder of this run, not the user's ~/.cache.
PORTPLAN_CACHE_DIR=$(mktemp -d)
export PORTPLAN_CACHE_DIR
trap 'rm -f "$log"; rm -rf "$PORTPLAN_CACHE_DIR"' EXIT
status=0
cargo test --locked 2>&1 | tee "$log" || status=$?
# One closing line for the whole suite, summed over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "portplan tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
