//! Drift: how files on disk differ from what the model generates.
//!
//! Two questions. [`check::check_output`] (`gen --check`) asks whether `gen` would change an
//! output folder, byte for byte, manifest included. [`chart::compare_chart`] (`diff`) asks
//! how a chart folder — the committed chart, or a hand-edited fork of one — differs from the
//! chart the model generates: per file as unified diffs, and for values.yaml per key path.
//! [`report`] prints either, as text or JSON.

pub mod chart;
pub mod check;
pub mod files;
pub mod format;
pub mod hunks;
pub mod provenance;
pub mod values;
