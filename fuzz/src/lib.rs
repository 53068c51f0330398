//! The fuzz targets' code. `targets` is shared with `tests/fuzz_regressions.rs`, which
//! includes that file, so a saved input is replayed through exactly the code that found it;
//! `shape` (the structured target's `arbitrary` input) stays here, so the main crate never
//! depends on `arbitrary`.

pub mod shape;
mod targets;

pub use targets::*;

/// A model built from the fuzzer's bytes, as YAML text, through gen and validate (see
/// [`structured_text`] for what it asserts).
pub fn structured(model: &shape::Model) {
    static CHECKED: std::sync::Once = std::sync::Once::new();
    CHECKED.call_once(shape::check_dictionaries);
    structured_text(&model.to_yaml());
}
