//! Walking the PATHs given to `lint`: in parallel, as git sees the tree.
//!
//! The `ignore` crate (ripgrep's walker) gives `.gitignore` semantics (nested files,
//! negation, anchoring, `.git/info/exclude`) and a work-stealing parallel walk; getting
//! either right by hand is most of a crate. See docs/design.md for its dependency weight.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use super::rules::FileOutcome;
use crate::diag::Diagnostic;
use crate::yaml::Location;

/// Files larger than this are skipped with a note: no config file is this big, and a large
/// generated or data file would only slow the scan.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A NUL byte in this many leading bytes marks a binary file, as git and ripgrep decide.
const BINARY_PROBE: usize = 8 * 1024;

/// Everything the walk saw.
#[derive(Debug, Default)]
pub struct Walked {
    pub outcomes: Vec<FileOutcome>,
    pub files_scanned: usize,
    pub binary_skipped: usize,
    /// Files and links left out, one sentence each (`path: skipped: ...`).
    pub notes: Vec<String>,
    /// Files or folders that could not be read: the run cannot vouch for them (exit 2).
    pub errors: Vec<Diagnostic>,
}

impl Walked {
    fn merge(&mut self, other: Walked) {
        self.outcomes.extend(other.outcomes);
        self.files_scanned += other.files_scanned;
        self.binary_skipped += other.binary_skipped;
        self.notes.extend(other.notes);
        self.errors.extend(other.errors);
    }
}

/// Per-thread results, merged into the shared total when the thread's visitor is dropped.
struct Local<'a> {
    acc: Walked,
    total: &'a Mutex<Walked>,
}

impl Drop for Local<'_> {
    fn drop(&mut self) {
        let acc = std::mem::take(&mut self.acc);
        if let Ok(mut t) = self.total.lock() {
            t.merge(acc);
        }
    }
}

/// A walk of `first` and `rest` as git sees the tree: `.gitignore` files honoured even
/// outside a git checkout, the user's global excludes not (results must not depend on the
/// machine), hidden files read, `.git` never.
pub fn walker(first: &Path, rest: &[PathBuf]) -> WalkBuilder {
    let mut builder = WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    builder
        .hidden(false)
        .require_git(false)
        .git_global(false)
        .filter_entry(|e| e.file_name() != ".git");
    builder
}

/// Walks `roots` on `threads` threads and runs `scan` on every text file.
///
/// `.gitignore` files are honoured even outside a git checkout (a tarball of the repository
/// lints the same), the user's global excludes are not (results must not depend on the
/// machine), hidden files are scanned (`.github/workflows` can hold a client address) but
/// `.git` is not, and symbolic links are followed with loops detected and skipped.
pub fn walk<F>(roots: &[PathBuf], threads: usize, scan: F) -> Walked
where
    F: Fn(&str, &[u8]) -> FileOutcome + Sync,
{
    let Some((first, rest)) = roots.split_first() else {
        return Walked::default();
    };
    let mut builder = walker(first, rest);
    builder.follow_links(true).threads(threads);
    let total = Mutex::new(Walked::default());
    builder.build_parallel().run(|| {
        let mut local = Local {
            acc: Walked::default(),
            total: &total,
        };
        let scan = &scan;
        Box::new(move |entry| {
            visit(entry, scan, &mut local.acc);
            WalkState::Continue
        })
    });
    let mut walked = total.into_inner().unwrap_or_else(|e| e.into_inner());
    walked.notes.sort();
    walked.errors.sort_by(|a, b| a.path.cmp(&b.path));
    walked
}

fn visit<F>(entry: Result<ignore::DirEntry, ignore::Error>, scan: &F, acc: &mut Walked)
where
    F: Fn(&str, &[u8]) -> FileOutcome,
{
    let entry = match entry {
        Ok(e) => e,
        Err(e) => {
            walk_error(&e, acc);
            return;
        }
    };
    if !entry.file_type().is_some_and(|t| t.is_file()) {
        return;
    }
    let path = display(entry.path());
    let size = match entry.metadata() {
        Ok(m) => m.len(),
        Err(e) => {
            walk_error(&e, acc);
            return;
        }
    };
    if size > MAX_FILE_BYTES {
        acc.notes.push(format!(
            "{path}: skipped: {:.1} MiB is larger than the {} MiB limit",
            size as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        ));
        return;
    }
    let bytes = match std::fs::read(entry.path()) {
        Ok(b) => b,
        Err(e) => {
            acc.errors.push(unreadable(&path, &e.to_string()));
            return;
        }
    };
    if memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PROBE)]).is_some() {
        acc.binary_skipped += 1;
        return;
    }
    acc.files_scanned += 1;
    acc.outcomes.push(scan(&path, &bytes));
}

/// Loops and unparsable ignore files are notes; anything else the walk could not read is an
/// error.
fn walk_error(e: &ignore::Error, acc: &mut Walked) {
    match classify(e) {
        Problem::Loop(path) => acc
            .notes
            .push(format!("{path}: skipped: symbolic link loop")),
        Problem::IgnoreFile => acc.notes.push(format!("note: {e}")),
        Problem::Io(path) => acc.errors.push(unreadable(&path, &e.to_string())),
    }
}

enum Problem {
    Loop(String),
    IgnoreFile,
    Io(String),
}

fn classify(e: &ignore::Error) -> Problem {
    use ignore::Error as E;
    match e {
        E::Loop { child, .. } => Problem::Loop(display(child)),
        E::WithPath { path, err } => match classify(err) {
            Problem::Io(p) if p.is_empty() => Problem::Io(display(path)),
            other => other,
        },
        E::WithDepth { err, .. } => classify(err),
        E::Partial(_) | E::Glob { .. } | E::WithLineNumber { .. } => Problem::IgnoreFile,
        _ => Problem::Io(String::new()),
    }
}

fn unreadable(path: &str, why: &str) -> Diagnostic {
    Diagnostic::error(path, Location::new(0, 0), format!("cannot read: {why}"))
}

/// The path as findings name it: as walked from the root the user gave, without `./`.
pub fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    s.replace('\\', "/")
}
