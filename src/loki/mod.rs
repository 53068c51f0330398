//! Loki's own configuration: its reference (which keys exist, of which type), the keys the
//! Plan owns, and the config as a data tree the pass-through is merged into.
//!
//! The model gives Loki settings in Loki's own names (`limits`, `overrides`, `loki.config`);
//! the Plan checks them here against the reference of the image's Loki version, and render
//! builds the config as a [`tree::Node`] so they merge deeply into what the Plan generates.

pub mod owned;
pub mod reference;
pub mod tree;

pub use owned::{owner, owner_within};
pub use reference::{Problem, reference};
pub use tree::{Node, Part};
