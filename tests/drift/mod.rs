//! Drift: `portplan diff --chart` on hand-edited copies of a generated chart, and
//! `portplan gen --check` on edited output folders.

mod check;
mod diff;

use crate::common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// A temporary folder holding a copy of the reference model and `gen`'s output of it in
/// `gen/`; commands run inside it, so every path in their output is relative and stable.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let dir = temp_dir(&format!("drift-{name}"));
        std::fs::copy(
            root().join("portplan.yaml"),
            dir.path().join("portplan.yaml"),
        )
        .unwrap();
        let fx = Fixture { dir };
        let o = fx.run(&["gen", "--out", "gen"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        fx
    }

    fn run(&self, args: &[&str]) -> Output {
        portplan_in(self.dir.path(), args)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// A copy of the generated chart at `rel`.
    fn chart_copy(&self, rel: &str) -> PathBuf {
        let to = self.path(rel);
        copy_dir(&self.path("gen/loki-v3"), &to);
        to
    }

    fn tree(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        portplan::output::read_tree(&self.path(rel)).unwrap()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for (rel, bytes) in portplan::output::read_tree(from).unwrap() {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Replaces the first `from` in the file by `to`; the edit must apply.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The 1-based line of `path` that is exactly `line`.
fn line_of(path: &Path, line: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("{}: no line {line:?}", path.display()))
        + 1
}

/// The `-` and `+` lines of a JSON file entry's hunks, each with its line number on its
/// own side (old = the chart, new = generated), found by walking the hunks.
fn changed_lines(file: &Value) -> Vec<(char, usize, String)> {
    let mut out = Vec::new();
    for h in file["hunks"].as_array().unwrap() {
        let mut old = h["old_start"].as_u64().unwrap() as usize;
        let mut new = h["new_start"].as_u64().unwrap() as usize;
        for line in h["lines"].as_array().unwrap() {
            let line = line.as_str().unwrap();
            let (tag, text) = line.split_at(1);
            match tag {
                " " => {
                    old += 1;
                    new += 1;
                }
                "-" => {
                    out.push(('-', old, text.to_owned()));
                    old += 1;
                }
                "+" => {
                    out.push(('+', new, text.to_owned()));
                    new += 1;
                }
                _ => {}
            }
        }
    }
    out
}

fn json_of(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn file_entry<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no file {path} in {report:#}"))
}

/// Runs `diff --chart chart` as text, stat and JSON; each must exit 1. Returns the text
/// output (compared with `golden/drift/<golden>.txt`) and the JSON report.
fn drifted(fx: &Fixture, golden: &str) -> (String, Value) {
    let text = fx.run(&["diff", "--chart", "chart"]);
    assert_eq!(
        text.status.code(),
        Some(1),
        "{}{}",
        stdout(&text),
        stderr(&text)
    );
    assert!(!stdout(&text).contains('\x1b'), "no colour with NO_COLOR");
    assert_golden(&format!("drift/{golden}.txt"), &text.stdout);
    let stat = fx.run(&["diff", "--chart", "chart", "--stat"]);
    assert_eq!(stat.status.code(), Some(1));
    let json = fx.run(&["diff", "--chart", "chart", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report = json_of(&json);
    assert_eq!(report["summary"]["drift"], true);
    // The stat lists exactly the files the JSON does, with the same counts.
    let stat_out = stdout(&stat);
    for f in report["files"].as_array().unwrap() {
        let line = stat_out
            .lines()
            .find(|l| {
                l.trim_start()
                    .starts_with(&format!("{} ", f["path"].as_str().unwrap()))
            })
            .unwrap_or_else(|| panic!("{f} not in --stat:\n{stat_out}"));
        assert!(
            line.contains(&format!("+{} -{}", f["added"], f["removed"])),
            "{line}"
        );
    }
    assert_eq!(
        stat_out.lines().count(),
        report["files"].as_array().unwrap().len() + 1,
        "one line per file and the summary:\n{stat_out}"
    );
    (stdout(&text), report)
}
