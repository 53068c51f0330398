//! JSON Schema violations of a located YAML document, in words and at `line:col`.
//!
//! Shared by `portplan validate` (any schema) and the model loader (the model's own schema),
//! so a model file gets the same messages whichever command reads it.

pub mod describe;
pub mod explain;

use jsonschema::Validator;
use serde::Serialize;
use serde_json::Value;

use crate::yaml::{Located, Location, token_at};

/// One schema violation, located in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// JSON pointer of the offending node (the missing key's mapping for `required`).
    pub pointer: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// The JSON Schema keyword that failed (`maximum`, `enum`, `additionalProperties`, ...).
    pub keyword: String,
}

impl Violation {
    pub fn location(&self) -> Location {
        Location::new(self.line, self.column)
    }
}

/// Every violation of `validator` (compiled from `document`) in `located`, in file order.
/// `blank` files (nothing but comments) point every violation at 1:1.
pub fn violations(
    validator: &Validator,
    document: &Value,
    located: &Located,
    source: &str,
    blank: bool,
) -> Vec<Violation> {
    let mut out: Vec<Violation> = validator
        .iter_errors(&located.value)
        .flat_map(|e| explain::explain(&e, document))
        .map(|f| {
            let at = if blank {
                Location::new(1, 1)
            } else if f.at_key {
                located.key_location(&f.pointer)
            } else {
                located.value_location(&f.pointer)
            };
            let mut message = f.message();
            if f.wants_quotes() {
                let token = token_at(source, at);
                if !token.is_empty() {
                    message.push_str(&format!(" (write \"{token}\" to keep it a string)"));
                }
            }
            Violation {
                message,
                pointer: f.pointer,
                line: at.line,
                column: at.column,
                keyword: f.keyword,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.line, a.column, &a.pointer, &a.message).cmp(&(b.line, b.column, &b.pointer, &b.message))
    });
    // Alternatives in a schema can report the same problem twice.
    out.dedup_by(|a, b| a.pointer == b.pointer && a.message == b.message);
    out
}
