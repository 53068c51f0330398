//! The self-contained HTML report.

use super::report::Report;

/// The page.
pub fn page(_r: &Report) -> String {
    String::new()
}
