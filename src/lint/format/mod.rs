//! Output formats of `portplan lint`: text for people, JSON for scripts, SARIF for code
//! scanning, GitHub workflow commands for pull-request annotations.

mod github;
mod json;
mod sarif;
mod text;

pub use github::{escape_data, escape_property, github};
pub use json::json;
pub use sarif::sarif;
pub use text::text;
