//! Every input a fuzzer crashed on (`tests/cases/fuzz/<target>/`), and the fuzzers' seeds
//! (`fuzz/seeds/<target>/`), replayed through the fuzz targets' own code
//! (fuzz/src/targets.rs, included here), so a fixed crash stays fixed without nightly Rust
//! or cargo-fuzz.
//!
//! The `structured` target's input is a model built by `arbitrary`, which the main crate does
//! not depend on; its cases and seeds are saved as the YAML text that model becomes (what
//! `cargo fuzz fmt structured FILE` prints), and replayed from the text on.

#[allow(dead_code)]
#[path = "../fuzz/src/targets.rs"]
mod targets;

mod common;
use common::root;

use std::path::PathBuf;

/// The files of `dir`, sorted; none when it does not exist.
fn inputs(dir: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    files
}

/// Runs `run` on each saved crash and seed of `target`; names the input that panics.
fn replay(target: &str, run: fn(&[u8])) {
    let seeds = inputs(&format!("fuzz/seeds/{target}"));
    assert!(!seeds.is_empty(), "fuzz/seeds/{target} has no seeds");
    let crashes = inputs(&format!("tests/cases/fuzz/{target}"));
    for path in crashes.iter().chain(&seeds) {
        let data = std::fs::read(path).unwrap();
        if let Err(panic) = std::panic::catch_unwind(|| run(&data)) {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("{}: {msg}", path.display());
        }
    }
    eprintln!(
        "{target}: {} crashes and {} seeds replayed",
        crashes.len(),
        seeds.len()
    );
}

#[test]
fn model_inputs() {
    replay("model", targets::model);
}

#[test]
fn scanner_inputs() {
    replay("scanner", targets::scanner);
}

#[test]
fn validate_inputs() {
    replay("validate", targets::validate);
}

#[test]
fn structured_inputs() {
    replay("structured", |data| {
        let text = std::str::from_utf8(data).expect("a structured case is YAML text");
        targets::structured_text(text);
    });
}

#[test]
fn parquet_inputs() {
    replay("parquet", targets::parquet);
}
