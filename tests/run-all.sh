#!/usr/bin/env bash
# Everything CI checks, in order: tools, formatting, lints, tests, and the committed chart.
set -euo pipefail
cd "$(dirname "$0")/.."

tests/setup.sh
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
# The committed chart must be what gen writes today (exit 1 and a diff when it is stale).
cargo run --quiet --locked -- gen --check
