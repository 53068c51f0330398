//! YAML reading with source positions.
//!
//! Every input portplan reads (models, values files, charts' values) goes through here, so
//! that any finding about a value can point at its `file:line:col`.

pub(crate) mod located;

pub use located::{Located, Location, parse_located};

/// Parsing limits (saphyr's defaults: 250,000 nodes, 1,000,000 events), plus deeper nesting
/// for real values files and a single document. Generous for real files, small enough that alias bombs and absurd nesting
/// fail fast with a clear message instead of exhausting memory.
pub fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 128,
            max_documents: 1,
        },
    }
}
