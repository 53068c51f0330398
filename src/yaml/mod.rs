//! YAML reading with source positions.
//!
//! Every input portplan reads (models, values files, charts' values) goes through here, so
//! that any finding about a value can point at its `file:line:col`.

mod error;
pub(crate) mod located;

pub use crate::diag::Location;
pub use error::{token_at, yaml_error};
pub use located::{Located, parse_located, parse_located_with, parse_value_with, pointer_token};

/// Decodes a file's bytes, or says where the first byte that is not UTF-8 is.
pub fn decode_utf8(
    path: &str,
    bytes: Vec<u8>,
    what: &str,
) -> Result<String, crate::diag::Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
        let col = upto.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        crate::diag::Diagnostic::error(
            path,
            Location::new(line as u32, col as u32),
            format!("{what} is not valid UTF-8"),
        )
    })
}

/// How deep block and flow collections may nest.
pub const MAX_DEPTH: usize = 128;

/// Parsing limits (saphyr's defaults: 250,000 nodes, 1,000,000 events), plus deeper nesting
/// for real values files and a single document. Generous for real files, small enough that alias bombs and absurd nesting
/// fail fast with a clear message instead of exhausting memory.
pub fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_documents: 1,
        },
    }
}

/// [`options`] for a chart's values files as Helm reads them: a key given twice keeps its
/// last value (the community chart's own `distributed-values.yaml` has one), where a model
/// refuses it.
pub fn helm_values_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_documents: 1,
        },
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::LastWins,
    }
}
