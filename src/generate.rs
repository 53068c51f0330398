//! The gen pipeline as one call: a loaded model in, every file `portplan gen` writes out.
//!
//! `portplan gen`, `gen --check`, the fuzz targets and the tests all call [`generate`], so
//! what a fuzzer or a test proves about it is what the command does. Writing (or comparing
//! with an output folder) is left to the caller: it is the only part that touches the disk.
//!
//! The steps, in order: lint's model rules (an error-level finding, such as a config Loki
//! refuses or a tail limit below the canary pods, refuses the model: nothing is generated
//! that is known not to work), then the Plan ([`crate::plan::into_plan`] on the same
//! resolution lint read: the model is resolved once), then [`crate::render::render`] with
//! the template overrides.

use std::path::PathBuf;

use crate::diag::{Failure, Style};
use crate::lint;
use crate::model::LoadedModel;
use crate::plan::{Plan, Resolution, into_plan};
use crate::render::{FileSet, Source, header, render_from};

/// What `gen` takes besides the model.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A folder of Tera templates that override built-in ones at the same relative path, or
    /// add files (`gen --templates DIR`).
    pub templates: Option<PathBuf>,
    /// With `templates`: only the folder's files are written; it is the whole chart, and the
    /// built-in templates are there to include (`gen --templates DIR --templates-only`).
    pub templates_only: bool,
}

impl Options {
    /// Where the templates come from.
    pub fn source(&self) -> Source<'_> {
        Source::from_flags(self.templates.as_deref(), self.templates_only)
    }
}

/// A model that generated.
#[derive(Debug)]
pub struct Generated {
    /// The plan the files were rendered from.
    pub plan: Plan,
    /// Every file `gen` writes, the manifest excepted (the writer adds it).
    pub files: FileSet,
    /// The sentence every generated header carries (naming the model); the writer puts it in
    /// the manifest's `$comment` too.
    pub comment: String,
}

/// One run of the pipeline: what lint's model rules said, and the files or why there are
/// none.
#[derive(Debug)]
pub struct Generation {
    /// Lint's model rules on the model: its warnings and findings are shown whether or not
    /// the model generated (they say why it did not). Empty when the model did not resolve
    /// far enough for lint to run; `result` then holds the errors.
    pub lint: lint::Report,
    /// The rendered files, or the failure that stopped the run (exit status 2).
    pub result: Result<Generated, Failure>,
}

impl Generation {
    /// What `gen` prints before it writes or refuses: the model's warnings, then each finding
    /// of lint's model rules, as `portplan lint` prints them.
    pub fn notices(&self, lm: &LoadedModel, style: Style) -> String {
        let mut out = String::new();
        for w in &self.lint.model_warnings {
            out.push_str(&w.render(Some(&lm.source), style));
        }
        out.push_str(&lint::format::text(&self.lint, lm, style));
        out
    }
}

/// Runs the gen pipeline on a loaded model: lint's model rules, the plan, the render.
pub fn generate(lm: &LoadedModel, opts: &Options) -> Generation {
    let resolution = crate::plan::resolve(lm);
    let report = match lint::lint_resolved(lm, &resolution, &lint::Options::default()) {
        Ok(r) => r,
        Err(f) => {
            return Generation {
                lint: lint::Report::default(),
                result: Err(f),
            };
        }
    };
    let result = if report.errors_found() > 0 {
        let mut f = Failure::plain(
            &lm.path,
            "nothing generated: the model has the errors above",
        );
        f.diagnostics[0].hint = Some("`portplan lint` explains each rule (docs/lint/)".into());
        Err(f)
    } else {
        plan_and_render(lm, opts, resolution)
    };
    Generation {
        lint: report,
        result,
    }
}

fn plan_and_render(
    lm: &LoadedModel,
    opts: &Options,
    resolution: Resolution,
) -> Result<Generated, Failure> {
    let plan = into_plan(resolution, lm)?;
    let files = render_from(&plan, opts.source()).map_err(|e| {
        // A render error comes from a template: name the override folder when there is one.
        let at = opts
            .templates
            .as_ref()
            .map_or(lm.path.clone(), |p| p.display().to_string());
        Failure::plain(&at, e)
    })?;
    let comment = header::sentence(&plan.model_path);
    Ok(Generated {
        plan,
        files,
        comment,
    })
}
