//! File-level comparison: which files differ, and which exist on one side only.
//!
//! The two sides are the files on disk (a chart folder, or `gen`'s output folder) and the
//! files the model generates. Both are maps from a `/`-separated relative path to bytes.

use std::collections::BTreeMap;

use serde::Serialize;

use super::hunks::{Hunk, LineRule, diff_lines};

/// Files by relative path, as [`crate::output::read_tree`] returns them.
pub type Tree = BTreeMap<String, Vec<u8>>;

/// How one path differs. "Chart" is the side on disk, "model" the generated side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Changed,
    OnlyInChart,
    OnlyInModel,
}

/// One path that differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileDiff {
    pub path: String,
    pub status: Status,
    /// Either side is not UTF-8 text: there are no hunks, only the fact that it differs.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub binary: bool,
    /// Lines only the generated side has (every line of a file only in the model).
    pub added: usize,
    /// Lines only the disk side has (every line of a file only in the chart).
    pub removed: usize,
    /// Unified-diff hunks, old = on disk, new = generated; empty unless `changed`.
    pub hunks: Vec<Hunk>,
}

/// Every path that differs between `on_disk` and `generated`, in path order. A file equal
/// under `rule` is not listed.
pub fn compare(on_disk: &Tree, generated: &Tree, rule: LineRule) -> Vec<FileDiff> {
    let mut paths: Vec<&String> = on_disk.keys().chain(generated.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|path| match (on_disk.get(path), generated.get(path)) {
            (Some(old), Some(new)) => changed(path, old, new, rule),
            (Some(old), None) => Some(one_side(path, Status::OnlyInChart, old)),
            (None, Some(new)) => Some(one_side(path, Status::OnlyInModel, new)),
            (None, None) => None,
        })
        .collect()
}

fn changed(path: &str, old: &[u8], new: &[u8], rule: LineRule) -> Option<FileDiff> {
    if old == new {
        return None;
    }
    let (Ok(old_text), Ok(new_text)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else {
        return Some(FileDiff {
            path: path.to_owned(),
            status: Status::Changed,
            binary: true,
            added: 0,
            removed: 0,
            hunks: Vec::new(),
        });
    };
    let d = diff_lines(old_text, new_text, rule);
    (!d.is_empty()).then(|| FileDiff {
        path: path.to_owned(),
        status: Status::Changed,
        binary: false,
        added: d.added,
        removed: d.removed,
        hunks: d.hunks,
    })
}

fn one_side(path: &str, status: Status, bytes: &[u8]) -> FileDiff {
    let text = std::str::from_utf8(bytes).ok();
    let lines = text.map_or(0, |t| t.split_inclusive('\n').count());
    let (added, removed) = match status {
        Status::OnlyInModel => (lines, 0),
        _ => (0, lines),
    };
    FileDiff {
        path: path.to_owned(),
        status,
        binary: text.is_none(),
        added,
        removed,
        hunks: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(entries: &[(&str, &str)]) -> Tree {
        entries
            .iter()
            .map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn lists_changed_and_one_sided_files_in_path_order() {
        let disk = tree(&[
            ("a.yaml", "x: 1\n"),
            ("b.yaml", "same\n"),
            ("z.txt", "1\n2\n"),
        ]);
        let generated = tree(&[
            ("a.yaml", "x: 2\n"),
            ("b.yaml", "same\n"),
            ("c.yaml", "new\n"),
        ]);
        let d = compare(&disk, &generated, LineRule::Exact);
        let got: Vec<(&str, Status, usize, usize)> = d
            .iter()
            .map(|f| (f.path.as_str(), f.status, f.added, f.removed))
            .collect();
        assert_eq!(
            got,
            [
                ("a.yaml", Status::Changed, 1, 1),
                ("c.yaml", Status::OnlyInModel, 1, 0),
                ("z.txt", Status::OnlyInChart, 0, 2),
            ]
        );
    }

    #[test]
    fn non_utf8_files_differ_without_hunks() {
        let disk: Tree = [("b.bin".to_owned(), vec![0xff, 0x00])].into();
        let generated: Tree = [("b.bin".to_owned(), vec![0xfe])].into();
        let d = compare(&disk, &generated, LineRule::Exact);
        assert!(d[0].binary && d[0].hunks.is_empty());
    }
}
