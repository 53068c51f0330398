//! Output formats of `portplan lint`: text for people, JSON for scripts, SARIF for code
//! scanning, GitHub workflow commands for pull-request annotations; and the list of rules.

mod github;
mod json;
mod rules;
mod sarif;
mod text;

pub use github::{escape_data, escape_property, github};
pub use json::{json, json_failure};
pub use rules::rule_list;
pub use sarif::{sarif, sarif_failure};
pub use text::text;
