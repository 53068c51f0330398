//! `diff --chart PATH -f values.yaml --rendered`: both sides rendered by Helm.
//!
//! The chart at PATH is rendered with the user's values files, the generated chart (from
//! [`crate::generate()`], written into a temporary folder that is removed afterwards) with
//! its own values, both as `helm template <release> <chart> --namespace <namespace>` with
//! the model's release and namespace, so that names computed from the release meet. Helm
//! is `--helm PATH`, else the first `helm` on `PATH`; without one the command stops with
//! exit 2 and says how to get it.

use std::path::{Path, PathBuf};

use crate::diag::Failure;
use crate::model::LoadedModel;

/// The Helm binary to run: `explicit`, else `helm` on `PATH` ([`crate::helm::binary`]).
pub fn find_helm(explicit: Option<&Path>) -> Result<PathBuf, Failure> {
    crate::helm::binary(explicit).map_err(|m| {
        let mut f = Failure::plain("helm", m.message);
        f.diagnostics[0].hint = Some(format!(
            "{}; without Helm, render both sides yourself and compare them with --manifests BEFORE AFTER",
            m.hint
        ));
        f
    })
}

/// `helm template RELEASE CHART --namespace NS [-f VALUES]...` ([`crate::helm::template`]):
/// the rendered stream, or the failure with what Helm printed.
pub fn template(
    helm: &Path,
    release: &str,
    chart: &Path,
    namespace: &str,
    values: &[PathBuf],
) -> Result<String, Failure> {
    let t = crate::helm::Template {
        chart,
        release,
        namespace,
        values,
    };
    crate::helm::template(helm, &t).map_err(|e| Failure::plain(&chart.display().to_string(), e))
}

/// A folder under the system's temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("portplan-rendered-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Generates the model's chart (with gen's template options) into a temporary folder and
/// renders it with Helm.
pub fn render_generated(
    lm: &LoadedModel,
    opts: &crate::generate::Options,
    helm: &Path,
) -> Result<String, Failure> {
    let generation = crate::generate(lm, opts);
    let generated = generation.result?;
    let dir = TempDir::new()
        .map_err(|e| Failure::plain("temporary folder", format!("cannot create: {e}")))?;
    for (path, bytes) in generated.files.iter() {
        let target = dir.0.join(path);
        let write = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, bytes));
        write.map_err(|e| {
            Failure::plain(&target.display().to_string(), format!("cannot write: {e}"))
        })?;
    }
    let plan = &generated.plan;
    template(
        helm,
        &plan.release,
        &dir.0.join(&plan.release),
        &plan.namespace,
        &[],
    )
}
