//! SQL for Athena (Trino) and DuckDB that computes the report's per-port numbers.

use super::Options;
use super::format::Layout;
use crate::plan::Plan;

/// Athena DDL and query.
pub fn athena(_plan: &Plan, _layout: &Layout, _location: &str, _opts: &Options) -> String {
    String::new()
}

/// DuckDB query.
pub fn duckdb(_plan: &Plan, _layout: &Layout, _location: &str, _opts: &Options) -> String {
    String::new()
}
