//! `gen --check`: would `gen` change the output folder? Byte for byte, manifest included,
//! with `gen`'s own rules for which files in the folder are its business.

use std::path::Path;

use super::files::{FileDiff, Tree, compare};
use super::hunks::LineRule;
use crate::diag::Failure;
use crate::output::{MANIFEST, Manifest, read_listed};
use crate::render::FileSet;

/// How an output folder differs from what `gen` would write into it.
#[derive(Debug)]
pub struct OutputDrift {
    /// Paths relative to the folder. `only-in-model`: `gen` would write a missing file;
    /// `only-in-chart`: `gen` would remove a file its previous run wrote.
    pub files: Vec<FileDiff>,
    /// How many files `gen` writes, the manifest not counted (as `gen` reports).
    pub generated: usize,
}

/// Compares `dir` with `files` plus the manifest `gen` would write for them (`comment` is
/// its `$comment`). Files in `dir` that neither the previous manifest lists nor `gen`
/// generates are the user's and never drift. Reads only.
pub fn check_output(dir: &Path, files: &FileSet, comment: &str) -> Result<OutputDrift, Failure> {
    let shown = dir.display().to_string();
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::plain(&shown, "exists and is not a folder"));
    }
    let previous = Manifest::read(dir).map_err(|e| Failure::plain(&shown, e))?;
    let mut expected: Tree = files
        .iter()
        .map(|(p, b)| (p.to_owned(), b.to_vec()))
        .collect();
    expected.insert(
        MANIFEST.to_owned(),
        Manifest::of(comment, files).to_json().into_bytes(),
    );
    let ours = |p: &str| {
        expected.contains_key(p) || previous.as_ref().is_some_and(|m| m.files.contains(p))
    };
    // Only files that are ours are read: the folder may hold anything else.
    let listed: Vec<&str> = expected
        .keys()
        .map(String::as_str)
        .chain(
            previous
                .iter()
                .flat_map(|m| m.files.iter().map(String::as_str)),
        )
        .collect();
    let relevant: Tree = read_listed(dir, listed)
        .map_err(|e| Failure::plain(&shown, format!("cannot read: {e}")))?
        .into_iter()
        .filter(|(p, _)| ours(p))
        .collect();
    Ok(OutputDrift {
        files: compare(&relevant, &expected, LineRule::Exact),
        generated: files.len(),
    })
}
