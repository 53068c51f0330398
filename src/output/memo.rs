//! gen's memo: what this build of portplan produced for exactly these inputs, so that `gen`
//! and `gen --check` on an output folder that is already up to date do not render at all.
//!
//! A memo entry is keyed by the digest of everything the output is a function of: the
//! build's source ([`BUILD`], from `build.rs`), the model's path as given (the generated
//! headers name it) and bytes, and the template folder's files with `--templates-only`.
//! It holds the digest of the output that inputs rendered to (every file and the manifest)
//! and what the run printed before writing (lint's notices). A run whose key has an entry
//! reads the output folder's manifest and the files it lists; when their digest is the
//! entry's, the folder is exactly what rendering would compare it with, so the result
//! ("up to date") is the one the full run gives. Anything else (no entry, an edited or
//! missing file, another style of notices) takes the full run, which then records the new
//! entry. The memo can only skip work, never change an answer.
//!
//! Where: `$PORTPLAN_CACHE_DIR`, else `$XDG_CACHE_HOME/portplan`, else
//! `$HOME/.cache/portplan`; `PORTPLAN_CACHE_DIR=` (empty) turns it off. A memo that cannot
//! be read or written is no memo: the run goes on without it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::manifest::{MANIFEST, Manifest};
use super::write::read_listed;
use crate::digest::Digest;
use crate::render::FileSet;

/// The digest of the source this binary was built from.
pub const BUILD: &str = env!("PORTPLAN_BUILD_DIGEST");

/// The memo key of one gen run's inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key(String);

/// What a run recorded for its key.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// The digest of the output ([`output_digest`]).
    pub output: String,
    /// How many files gen writes, the manifest not counted.
    pub files: usize,
    /// What the run printed before writing, and whether in colour.
    pub notices: String,
    pub color: bool,
}

/// The key of a run on the model at `model` (as the user gave it) with these template
/// options; `None` when an input cannot be read (the full run then reports why).
pub fn key(model: &Path, templates: Option<&Path>, templates_only: bool) -> Option<Key> {
    let mut d = Digest::new();
    d.field(BUILD.as_bytes());
    d.field(model.display().to_string().as_bytes());
    d.field(&std::fs::read(model).ok()?);
    d.field(&[u8::from(templates_only)]);
    if let Some(dir) = templates {
        d.field(dir.display().to_string().as_bytes());
        if holds_a_symlink(dir)? {
            // The renderer refuses a template folder with a symlink; that run must say so.
            return None;
        }
        for (rel, bytes) in super::read_tree(dir).ok()? {
            d.field(rel.as_bytes()).field(&bytes);
        }
    }
    Some(Key(d.hex()))
}

/// Whether a symlink is anywhere under `dir` (`None` when it cannot be read).
fn holds_a_symlink(dir: &Path) -> Option<bool> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).ok()? {
            let entry = entry.ok()?;
            let ft = entry.file_type().ok()?;
            if ft.is_symlink() {
                return Some(true);
            }
            if ft.is_dir() {
                stack.push(entry.path());
            }
        }
    }
    Some(false)
}

/// The digest of the output gen writes: its files and the manifest, by path.
pub fn output_digest(files: &FileSet, comment: &str) -> String {
    let manifest = Manifest::of(comment, files).to_json();
    let mut tree: Vec<(&str, &[u8])> = files.iter().collect();
    tree.push((MANIFEST, manifest.as_bytes()));
    digest_of(tree)
}

/// The digest of what `dir` holds of gen's output: the manifest and every file it lists;
/// `None` when there is no manifest or a listed file is missing.
pub fn digest_on_disk(dir: &Path) -> Option<String> {
    let manifest = Manifest::read(dir).ok()??;
    let paths = manifest.files.iter().map(String::as_str).chain([MANIFEST]);
    let tree = read_listed(dir, paths).ok()?;
    (tree.len() == manifest.files.len() + 1)
        .then(|| digest_of(tree.iter().map(|(p, b)| (p.as_str(), b.as_slice()))))
}

fn digest_of<'a>(tree: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut tree: Vec<_> = tree.into_iter().collect();
    tree.sort_unstable_by_key(|(p, _)| *p);
    let mut d = Digest::new();
    for (path, bytes) in tree {
        d.field(path.as_bytes()).field(bytes);
    }
    d.hex()
}

fn memo_dir() -> Option<PathBuf> {
    let env = |k| std::env::var_os(k).filter(|v| !v.is_empty());
    let base = match std::env::var_os("PORTPLAN_CACHE_DIR") {
        Some(v) if v.is_empty() => return None,
        Some(v) => PathBuf::from(v),
        None => env("XDG_CACHE_HOME")
            .map(|x| PathBuf::from(x).join("portplan"))
            .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".cache/portplan")))?,
    };
    Some(base.join("gen"))
}

/// The entry recorded for `key`, if any.
pub fn lookup(key: &Key) -> Option<Entry> {
    let text = std::fs::read(memo_dir()?.join(&key.0)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Records `entry` for `key`, replacing any earlier one in one step (a concurrent reader
/// sees the old entry or the new one). Best effort: a failure only means the next run
/// renders.
pub fn store(key: &Key, entry: &Entry) {
    let Some(dir) = memo_dir() else { return };
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(".{}.{}", key.0, std::process::id()));
    let text = serde_json::to_vec(entry).unwrap_or_default();
    if std::fs::write(&tmp, text).is_err() || std::fs::rename(&tmp, dir.join(&key.0)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// A recorded result that still holds for the folder `out`: the same notices style and
/// the folder holding exactly the recorded output.
pub fn still_holds(key: &Key, out: &Path, color: bool) -> Option<Entry> {
    let entry = lookup(key)?;
    (entry.color == color && digest_on_disk(out).as_deref() == Some(entry.output.as_str()))
        .then_some(entry)
}
