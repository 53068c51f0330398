//! portplan: one typed model of a Grafana Loki deployment, and everything derived from it.
//!
//! Data flows one way: [`model`] (what the user wrote) -> [`plan`] (everything resolved) ->
//! render / lint / drift -> output. The binary's `cli` layer only wires these together;
//! [`generate()`] is the whole of `portplan gen` short of writing, for the CLI, the fuzz
//! targets and the tests alike.

pub mod diag;
pub mod digest;
pub mod drift;
pub mod flows;
pub mod fsutil;
pub mod generate;
pub mod helm;
pub mod import;
pub mod lint;
pub mod loki;
pub mod model;
pub mod objdiff;
pub mod output;
pub mod plan;
pub mod render;
pub mod report;
pub mod schema_check;
pub mod suggest;
pub mod validate;
pub mod yaml;

pub use generate::generate;
