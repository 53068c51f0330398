//! Writing a FileSet to the output folder: all at once or not at all.

mod manifest;
pub mod memo;
mod swap;
mod write;

pub use manifest::{MANIFEST, Manifest};
pub use write::{WriteError, WriteReport, read_listed, read_tree, write_output};
