//! The chart's values: typed (so values.schema.json comes from the same types with schemars),
//! built from the Plan, and written as a commented values.yaml whose comments are the schema's
//! descriptions — so the two cannot drift, and every key has a comment.
//!
//! One concept per file: `types.rs` (what a value is, and its description), `mapping.rs`
//! (which values a plan has), `schema.rs` (values.schema.json) and `emit.rs` (values.yaml).

mod emit;
mod mapping;
mod schema;
mod types;

pub use emit::to_yaml;
pub use mapping::values;
pub use schema::schema;
pub use types::*;
