//! Printing drift: unified diffs and a summary as text, one line per file (`--stat`), or
//! JSON. Old is always the side on disk, new the generated side, so `+` lines are what the
//! model wants and `-` lines what is there now.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::chart::ChartDrift;
use super::check::OutputDrift;
use super::files::{FileDiff, Status};
use super::values::ValueDiff;
use crate::diag::Style;

/// Longest value shown inline in the text report; JSON has it whole.
const VALUE_WIDTH: usize = 60;

/// `portplan diff`: each file's diff, the values by key, and the summary; a clean chart
/// gets only the summary line.
pub fn chart_text(d: &ChartDrift, style: Style) -> String {
    let mut out = String::new();
    for f in &d.files {
        let theirs = in_dir(&d.chart, &f.path);
        let ours = format!("{}/{}", d.release, f.path);
        match f.status {
            Status::Changed if f.binary => out.push_str(&format!(
                "Binary files {theirs} (chart) and {ours} (generated) differ\n"
            )),
            Status::Changed => {
                let from = format!("(generated from {})", d.model_path);
                push_file_diff(&mut out, f, (&theirs, "(chart)"), (&ours, &from), style);
            }
            Status::OnlyInChart => out.push_str(&format!(
                "{} {theirs}\n",
                style.paint("1;31", "Only in chart:")
            )),
            Status::OnlyInModel => out.push_str(&format!(
                "{} {ours} (missing from {})\n",
                style.paint("1;32", "Only in model:"),
                d.chart
            )),
        }
    }
    if !d.values.is_empty() {
        if !d.files.is_empty() {
            out.push('\n');
        }
        out.push_str(&style.paint("1", "values.yaml by key (model vs chart):"));
        out.push('\n');
        let file = in_dir(&d.chart, "values.yaml");
        for v in &d.values {
            out.push_str(&format!(
                "{}: {}: {}\n",
                style.paint("1", &format!("{file}:{}:{}", v.line, v.column)),
                v.path,
                describe(v, style)
            ));
        }
    }
    if d.has_drift() {
        out.push('\n');
    }
    out.push_str(&chart_summary(d));
    out.push('\n');
    out
}

/// `portplan diff --stat`: one line per differing file, then the summary.
pub fn chart_stat(d: &ChartDrift, style: Style) -> String {
    let width = d
        .files
        .iter()
        .map(|f| f.path.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for f in &d.files {
        let counts = if f.binary {
            "binary".to_owned()
        } else {
            format!(
                "{} {}",
                style.paint("32", &format!("+{}", f.added)),
                style.paint("31", &format!("-{}", f.removed))
            )
        };
        let note = match f.status {
            Status::Changed => "",
            Status::OnlyInChart => " (only in chart)",
            Status::OnlyInModel => " (only in model)",
        };
        out.push_str(&format!(" {:<width$} | {counts}{note}\n", f.path));
    }
    out.push_str(&chart_summary(d));
    out.push('\n');
    out
}

/// `portplan diff --format json`.
pub fn chart_json(d: &ChartDrift) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        chart: &'a str,
        release: &'a str,
        model: &'a str,
        files: &'a [FileDiff],
        values: &'a [ValueDiff],
        summary: Summary,
    }
    crate::report::to_json(&Report {
        chart: &d.chart,
        release: &d.release,
        model: &d.model_path,
        files: &d.files,
        values: &d.values,
        summary: Summary::of(d),
    })
}

/// The counts behind the summary line, as JSON reports them.
#[derive(Debug, Serialize)]
struct Summary {
    drift: bool,
    /// Files in the generated chart.
    files_generated: usize,
    changed: usize,
    only_in_chart: usize,
    only_in_model: usize,
    /// Lines added and removed over the changed files.
    lines_added: usize,
    lines_removed: usize,
    /// Key paths of values.yaml that differ.
    values: usize,
}

impl Summary {
    fn of(d: &ChartDrift) -> Self {
        let count = |s: Status| d.files.iter().filter(|f| f.status == s).count();
        let changed = d.files.iter().filter(|f| f.status == Status::Changed);
        Summary {
            drift: d.has_drift(),
            files_generated: d.generated,
            changed: count(Status::Changed),
            only_in_chart: count(Status::OnlyInChart),
            only_in_model: count(Status::OnlyInModel),
            lines_added: changed.clone().map(|f| f.added).sum(),
            lines_removed: changed.map(|f| f.removed).sum(),
            values: d.values.len(),
        }
    }
}

fn chart_summary(d: &ChartDrift) -> String {
    if !d.has_drift() {
        return format!(
            "no drift: {} matches the model ({} files)",
            d.chart, d.generated
        );
    }
    let s = Summary::of(d);
    let mut parts = Vec::new();
    if s.changed > 0 {
        parts.push(format!(
            "{} changed (+{} -{})",
            plural(s.changed, "file"),
            s.lines_added,
            s.lines_removed
        ));
    }
    if s.only_in_chart > 0 {
        parts.push(format!("{} only in chart", plural(s.only_in_chart, "file")));
    }
    if s.only_in_model > 0 {
        parts.push(format!("{} only in model", plural(s.only_in_model, "file")));
    }
    if s.values > 0 {
        let verb = if s.values == 1 { "differs" } else { "differ" };
        parts.push(format!("{} {verb} in values.yaml", plural(s.values, "key")));
    }
    format!("drift: {}", parts.join(", "))
}

/// `gen --check`: each file `gen` would rewrite as a diff, the files it would add or
/// remove, and the summary; a clean folder gets only `DIR: up to date (N files)`.
pub fn check_text(dir: &Path, d: &OutputDrift, style: Style) -> String {
    let shown = dir.display().to_string();
    let mut out = String::new();
    for f in &d.files {
        let path = in_dir(&shown, &f.path);
        match f.status {
            Status::Changed if f.binary => out.push_str(&format!("Binary file {path} differs\n")),
            Status::Changed => {
                push_file_diff(
                    &mut out,
                    f,
                    (&path, "(on disk)"),
                    (&path, "(gen would write)"),
                    style,
                );
            }
            Status::OnlyInModel => out.push_str(&format!(
                "{} {path} (gen would write it)\n",
                style.paint("1;32", "Missing:")
            )),
            Status::OnlyInChart => out.push_str(&format!(
                "{} {path} (gen would remove it: a previous run wrote it, this one does not)\n",
                style.paint("1;31", "Stale:")
            )),
        }
    }
    if d.files.is_empty() {
        out.push_str(&format!("{shown}: up to date ({} files)\n", d.generated));
        return out;
    }
    let count = |s: Status| d.files.iter().filter(|f| f.status == s).count();
    out.push_str(&format!(
        "\n{shown}: out of date: {} changed, {} to add, {} to remove; run `portplan gen` with the same flags to update it\n",
        plural(count(Status::Changed), "file"),
        count(Status::OnlyInModel),
        count(Status::OnlyInChart),
    ));
    out
}

/// The `---`/`+++` lines and the hunks of one changed text file.
fn push_file_diff(
    out: &mut String,
    f: &FileDiff,
    old: (&str, &str),
    new: (&str, &str),
    style: Style,
) {
    out.push_str(&style.paint("1", &format!("--- {}\t{}", old.0, old.1)));
    out.push('\n');
    out.push_str(&style.paint("1", &format!("+++ {}\t{}", new.0, new.1)));
    out.push('\n');
    for h in &f.hunks {
        out.push_str(&style.paint("36", &h.range_line()));
        out.push('\n');
        for line in &h.lines {
            let painted = match line.as_bytes().first() {
                Some(b'-') => style.paint("31", line),
                Some(b'+') => style.paint("32", line),
                _ => line.clone(),
            };
            out.push_str(&painted);
            out.push('\n');
        }
    }
}

fn describe(v: &ValueDiff, style: Style) -> String {
    let shown = |x: &Option<Value>| x.as_ref().map_or_else(String::new, inline);
    match v.status {
        Status::Changed => format!(
            "{} (model) != {} (chart)",
            style.paint("32", &shown(&v.model)),
            style.paint("31", &shown(&v.chart))
        ),
        Status::OnlyInModel => {
            format!("only in the model: {}", style.paint("32", &shown(&v.model)))
        }
        Status::OnlyInChart => {
            format!("only in the chart: {}", style.paint("31", &shown(&v.chart)))
        }
    }
}

/// A value on one line: JSON (strings quoted, so `"4090"` and `4090` look different),
/// clipped to [`VALUE_WIDTH`] characters.
fn inline(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() <= VALUE_WIDTH {
        return s;
    }
    let mut clipped: String = s.chars().take(VALUE_WIDTH - 1).collect();
    clipped.push('…');
    clipped
}

fn in_dir(dir: &str, rel: &str) -> String {
    Path::new(dir).join(rel).display().to_string()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
