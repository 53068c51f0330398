//! Comparing a chart folder (a committed copy, or a hand-edited fork) with the chart the
//! model generates: file by file, and values.yaml key by key.

use std::path::Path;

use super::files::{FileDiff, Tree, compare};
use super::hunks::LineRule;
use super::provenance::recorded_model;
use super::values::{ValueDiff, compare_values};
use crate::diag::Failure;
use crate::output::read_tree;
use crate::plan::Plan;
use crate::render::{Source, render_from};
use crate::yaml::parse_located;

const VALUES: &str = "values.yaml";

/// How a chart folder differs from the generated chart.
#[derive(Debug)]
pub struct ChartDrift {
    /// The chart folder as the user named it.
    pub chart: String,
    /// The chart's name: the generated chart is the `<release>/` part of `gen`'s output.
    pub release: String,
    /// The model path the comparison rendered under (the one the chart records, when it
    /// records one; see [`super::provenance`]).
    pub model_path: String,
    /// Paths relative to the chart folder; old = the chart, new = generated.
    pub files: Vec<FileDiff>,
    /// values.yaml key by key; empty when either side has no values.yaml.
    pub values: Vec<ValueDiff>,
    /// How many files the generated chart has.
    pub generated: usize,
}

impl ChartDrift {
    /// Whether anything differs.
    pub fn has_drift(&self) -> bool {
        !self.files.is_empty() || !self.values.is_empty()
    }
}

/// Renders the plan (with `templates` overlaid, as `gen` does) and compares its chart with
/// the folder `chart`. Errors: a missing or unreadable folder, a folder without Chart.yaml,
/// a values.yaml that is not YAML, a render failure.
pub fn compare_chart(
    plan: &Plan,
    templates: Source<'_>,
    chart: &Path,
) -> Result<ChartDrift, Failure> {
    let shown = chart.display().to_string();
    let on_disk = read_chart(chart, &plan.release)?;

    let mut plan = plan.clone();
    if let Some(recorded) = recorded_model(&on_disk) {
        plan.model_path = recorded;
    }
    let rendered = render_from(&plan, templates).map_err(|e| {
        let at = templates
            .folder()
            .map_or(plan.model_path.clone(), |t| t.display().to_string());
        Failure::plain(&at, e)
    })?;
    let prefix = format!("{}/", plan.release);
    let generated: Tree = rendered
        .iter()
        .filter_map(|(p, b)| Some((p.strip_prefix(&prefix)?.to_owned(), b.to_vec())))
        .collect();

    let files = compare(&on_disk, &generated, LineRule::IgnoreHeader);
    let values = match (generated.get(VALUES), on_disk.get(VALUES)) {
        (Some(model), Some(theirs)) => {
            let model = std::str::from_utf8(model).expect("rendered text is UTF-8");
            let model = parse_located(model)
                .map_err(|e| Failure::plain(&format!("generated {VALUES}"), e.to_string()))?;
            let path = chart.join(VALUES).display().to_string();
            let theirs = parse_chart_values(&path, theirs)?;
            compare_values(&model.value, &theirs)
        }
        _ => Vec::new(),
    };
    Ok(ChartDrift {
        chart: shown,
        release: plan.release.clone(),
        model_path: plan.model_path.clone(),
        files,
        values,
        generated: generated.len(),
    })
}

/// The chart's files; a missing folder, a file, or a folder without Chart.yaml is an error
/// (a wrong path would otherwise show as every file missing).
fn read_chart(chart: &Path, release: &str) -> Result<Tree, Failure> {
    let shown = chart.display().to_string();
    let meta = std::fs::metadata(chart).map_err(|e| {
        let msg = if e.kind() == std::io::ErrorKind::NotFound {
            "no such folder".to_owned()
        } else {
            format!("cannot read: {e}")
        };
        Failure::plain(&shown, msg)
    })?;
    if !meta.is_dir() {
        return Err(Failure::plain(&shown, "is not a folder"));
    }
    let tree = read_tree(chart).map_err(|e| Failure::plain(&shown, format!("cannot read: {e}")))?;
    if !tree.contains_key("Chart.yaml") {
        let mut f = Failure::plain(&shown, "is not a Helm chart: it has no Chart.yaml");
        if tree.contains_key(&format!("{release}/Chart.yaml")) {
            let inner = chart.join(release).display().to_string();
            f.diagnostics[0].hint = Some(format!(
                "this looks like gen's output folder; the chart is --chart {inner}"
            ));
        }
        return Err(f);
    }
    Ok(tree)
}

fn parse_chart_values(path: &str, bytes: &[u8]) -> Result<crate::yaml::Located, Failure> {
    let text = crate::yaml::decode_utf8(path, bytes.to_vec(), "the file")
        .map_err(|d| Failure::new(vec![d], None))?;
    parse_located(&text).map_err(|e| {
        Failure::new(
            vec![crate::yaml::yaml_error(path, &text, &e)],
            Some(text.clone()),
        )
    })
}
