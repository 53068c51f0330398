//! `portplan lint`: the incident classes, caught in the model, in existing charts and in
//! client configs anywhere in a repository.
//!
//! Model rules read the model and its [`crate::plan::Resolution`] (the Plan as far as it
//! resolves, with collisions and unsupported trafficDistribution values kept apart, so they
//! become findings instead of stopping the run). File rules read the files under the PATHs
//! as text: chart templates are checked as source, not rendered. Each rule lives in
//! [`rules`], one file per rule, and has a page under `docs/lint/`; [`rules::ALL`] lists
//! them all once, and this module runs whatever it lists.

mod chart;
mod context;
mod finding;
pub mod format;
pub mod manifest;
mod position;
mod render;
mod rule;
pub mod rules;
mod scan;
mod template_scan;
mod walk;

use std::path::PathBuf;

pub use context::Context;
pub use finding::Finding;
pub use render::RenderOptions;
pub use rules::{RuleInfo, Target};
pub use walk::MAX_FILE_BYTES;

use crate::diag::{Diagnostic, Failure, Severity};
use crate::model::LoadedModel;
use crate::plan::{Resolution, resolve};
use rules::{Deferred, mode_transition};

/// What to lint besides the model.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Files and folders to walk.
    pub paths: Vec<PathBuf>,
    /// An existing chart's values file, for `mode-transition`.
    pub chart_values: Option<PathBuf>,
    /// Scanning threads; `None` uses every available core.
    pub threads: Option<usize>,
    /// `--render`: also scan the charts among the PATHs as Helm renders them.
    pub render: Option<RenderOptions>,
}

/// The result of a run.
#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by path, line, column and rule.
    pub findings: Vec<Finding>,
    /// Things left out, for stderr (`path: skipped: ...`).
    pub notes: Vec<String>,
    /// Files or folders that could not be read: the run is incomplete (exit 2).
    pub errors: Vec<Diagnostic>,
    /// Warnings about the model that belong to no rule.
    pub model_warnings: Vec<Diagnostic>,
    pub files_scanned: usize,
    pub binary_skipped: usize,
    /// `--render`: each rendered template's path (as findings name it) and text, for the
    /// snippets of the text output.
    pub rendered: Vec<(String, String)>,
}

impl Report {
    pub fn errors_found(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings_found(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity() == s).count()
    }
}

/// Lints the model and, when given, files under `opts.paths`.
///
/// Fails (exit 2) when the model cannot be resolved for reasons no rule covers, when a PATH
/// does not exist, or when `--chart-values` cannot be read or says nothing about a mode.
pub fn lint(lm: &LoadedModel, opts: &Options) -> Result<Report, Failure> {
    lint_resolved(lm, &resolve(lm), opts)
}

/// [`lint`] on the model's resolution the caller has already made (`gen` resolves once, for
/// lint's model rules and for its Plan).
pub fn lint_resolved(
    lm: &LoadedModel,
    res: &Resolution,
    opts: &Options,
) -> Result<Report, Failure> {
    if !res.errors.is_empty() {
        return Err(Failure::new(res.errors.clone(), Some(lm.source.clone())));
    }
    let mut findings = Vec::new();
    for rule in rules::model_rules() {
        rule.check(res, &mut findings);
    }

    let mut report = Report {
        model_warnings: res.plan.warnings.clone(),
        ..Report::default()
    };
    let ctx = Context::new(res.plan.clone(), &lm.path);
    if let Some(values) = &opts.chart_values {
        chart_values(values, &ctx, &mut findings)?;
    }
    for p in &opts.paths {
        if let Err(e) = std::fs::metadata(p) {
            return Err(Failure::plain(
                &p.display().to_string(),
                format!("cannot read: {e}"),
            ));
        }
    }
    if !opts.paths.is_empty() {
        let threads = opts.threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        let scanner = scan::Scanner::new(&ctx);
        let walked = walk::walk(&opts.paths, threads, |path, bytes| {
            scanner.scan(path, bytes)
        });
        let mut deferred = Deferred::default();
        for o in walked.outcomes {
            findings.extend(o.findings);
            deferred.merge(o.deferred);
        }
        report.errors = walked.errors;
        if let Some(r) = &opts.render {
            match render::render_charts(&opts.paths, r, &ctx.plan.release, &ctx.plan.namespace) {
                Ok(files) => {
                    for f in files {
                        let o = scanner.scan(&f.path, f.text.as_bytes());
                        findings.extend(o.findings);
                        deferred.merge(o.deferred);
                        report.files_scanned += 1;
                        report.rendered.push((f.path, f.text));
                    }
                }
                Err(e) => report.errors.extend(e),
            }
        }
        scanner.finish(deferred, &mut findings);
        report.notes = walked.notes;
        report.files_scanned = walked.files_scanned;
        report.binary_skipped = walked.binary_skipped;
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // `--chart-values` may name a file the walk reads too.
    findings.dedup();
    report.findings = findings;
    Ok(report)
}

/// Every file rule on one file's contents, as a `portplan lint` run over that file alone
/// reports them (a Service without trafficDistribution is settled against the helpers that
/// same file defines). `path` decides which rules apply (`.yaml`, `.tpl`, `values.yaml`).
pub fn scan_file(ctx: &Context, path: &str, bytes: &[u8]) -> Vec<Finding> {
    let scanner = scan::Scanner::new(ctx);
    let o = scanner.scan(path, bytes);
    let mut findings = o.findings;
    scanner.finish(o.deferred, &mut findings);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

/// `--chart-values FILE`: the mode the existing chart runs.
fn chart_values(path: &PathBuf, ctx: &Context, out: &mut Vec<Finding>) -> Result<(), Failure> {
    let shown = walk::display(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::plain(&shown, format!("cannot read the chart values: {e}")))?;
    let chart = match mode_transition::chart_mode(&text) {
        Some(Ok(chart)) => chart,
        Some(Err(unknown)) => {
            let accepted: Vec<&str> = crate::model::Stage::deployment_modes().collect();
            let d = crate::diag::Diagnostic::error(
                &shown,
                unknown.at,
                format!(
                    "`deploymentMode: {}` is none of the modes the chart accepts ({})",
                    unknown.written,
                    accepted.join(", ")
                ),
            );
            let d = match unknown.suggestion {
                Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                None => d,
            };
            return Err(Failure::new(vec![d], Some(text)));
        }
        None => {
            let mut f = Failure::plain(
                &shown,
                "no top-level `deploymentMode` and not a values.yaml generated by portplan: the chart's mode is unknown",
            );
            f.diagnostics[0].hint = Some(
                "pass the values file of the release as installed (the official chart's values have `deploymentMode`)"
                    .into(),
            );
            return Err(f);
        }
    };
    mode_transition::check_chart(&shown, &chart, ctx.plan.stage(), out);
    Ok(())
}
