//! `lint --render`: the charts among the PATHs rendered by Helm, so the file rules also see
//! what the values make of the templates.
//!
//! Read as source, a template that writes `trafficDistribution: {{ . }}` inside
//! `{{- with .Values.x.trafficDistribution }}` sets the field; rendered with the chart's
//! default (`""`), the Service has none. The community chart is such a case: two Services
//! lack the field in its source, four once rendered. Rendering needs the values the release
//! really runs with (`--values`), and the real Helm.
//!
//! Each template's rendering is scanned as a file of its own, named
//! `<chart> (rendered)/templates/...`: findings point at lines of the rendered text, which the
//! report keeps so the text output can show them.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::helm;
use crate::yaml::Location;

/// How to render.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// The Helm binary; `None` looks for `helm` on PATH.
    pub helm: Option<PathBuf>,
    /// `--values` files for every chart, merged in order.
    pub values: Vec<PathBuf>,
}

/// One template's rendering, as the scanner reads it.
#[derive(Clone, Debug)]
pub struct RenderedFile {
    /// `<chart folder> (rendered)/templates/...`.
    pub path: String,
    pub text: String,
}

/// Renders every chart under `paths` with `release` and `namespace`.
pub fn render_charts(
    paths: &[PathBuf],
    opts: &RenderOptions,
    release: &str,
    namespace: &str,
) -> Result<Vec<RenderedFile>, Vec<Diagnostic>> {
    let charts = charts_under(paths);
    if charts.is_empty() {
        return Ok(Vec::new());
    }
    let bin = helm::binary(opts.helm.as_deref()).map_err(|m| {
        let mut d = unplaced("--render", m.message);
        d.hint = Some(m.hint);
        vec![d]
    })?;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for chart in charts {
        let shown = crate::lint::walk::display(&chart);
        let t = helm::Template {
            chart: &chart,
            release,
            namespace,
            values: &opts.values,
        };
        match helm::template(&bin, &t) {
            Ok(stream) => files.extend(helm::by_source(&stream).into_iter().map(|r| {
                // `# Source:` starts with the chart's name; the folder may be named otherwise.
                let rest = r.source.split_once('/').map_or(r.source.as_str(), |x| x.1);
                RenderedFile {
                    path: format!("{shown} (rendered)/{rest}"),
                    text: r.text,
                }
            })),
            Err(e) => errors.push(unplaced(&shown, e)),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// An error with no position in a file.
fn unplaced(path: &str, message: String) -> Diagnostic {
    Diagnostic::error(path, Location::new(0, 0), message)
}

/// Folders holding a `Chart.yaml` under `paths`, outermost first: a chart's subcharts
/// (`charts/<name>/`) are rendered with it, not on their own.
fn charts_under(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    for root in paths {
        for entry in super::walk::walker(root, &[]).build().flatten() {
            if entry.file_name() == "Chart.yaml"
                && entry.file_type().is_some_and(|t| t.is_file())
                && let Some(dir) = entry.path().parent()
            {
                found.push(dir.to_path_buf());
            }
        }
    }
    found.sort();
    found.dedup();
    let mut outermost: Vec<PathBuf> = Vec::new();
    for dir in found {
        if !outermost.iter().any(|o| is_within(&dir, o)) {
            outermost.push(dir);
        }
    }
    outermost
}

fn is_within(dir: &Path, ancestor: &Path) -> bool {
    dir != ancestor && dir.starts_with(ancestor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subcharts_render_with_their_parent() {
        let tmp = std::env::temp_dir().join(format!("portplan-charts-{}", std::process::id()));
        for d in ["a", "a/charts/sub", "b"] {
            std::fs::create_dir_all(tmp.join(d)).unwrap();
            std::fs::write(tmp.join(d).join("Chart.yaml"), "name: x\n").unwrap();
        }
        let got = charts_under(std::slice::from_ref(&tmp));
        std::fs::remove_dir_all(&tmp).unwrap();
        assert_eq!(got, vec![tmp.join("a"), tmp.join("b")]);
    }
}
