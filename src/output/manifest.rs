//! The manifest: which files in the output folder `gen` wrote, so the next run removes
//! exactly those and nothing a user put beside them.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use crate::render::fileset::MANIFEST;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(rename = "$comment")]
    pub comment: String,
    /// Paths relative to the output folder, sorted.
    pub files: BTreeSet<String>,
}

impl Manifest {
    pub fn new(comment: String, files: impl IntoIterator<Item = String>) -> Self {
        Manifest {
            comment,
            files: files.into_iter().collect(),
        }
    }

    /// The manifest of `dir`: `Ok(None)` when there is none, an error when it is unreadable
    /// or not a portplan manifest (then nothing in the folder can be trusted as ours).
    pub fn read(dir: &Path) -> Result<Option<Manifest>, String> {
        let path = dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let m: Manifest = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a portplan manifest: {e}", path.display()))?;
        for f in &m.files {
            crate::render::fileset::check_relative_path(f)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(Some(m))
    }

    /// The manifest `gen` writes beside `files`: the writer and `gen --check` both use it, so
    /// a check compares with exactly the text a write would produce.
    pub fn of(comment: &str, files: &crate::render::FileSet) -> Self {
        Manifest::new(comment.to_owned(), files.paths().map(str::to_owned))
    }

    pub fn to_json(&self) -> String {
        crate::report::to_json(self)
    }
}
