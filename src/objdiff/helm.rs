//! `diff --chart PATH -f values.yaml --rendered`: both sides rendered by Helm.
//!
//! The chart at PATH is rendered with the user's values files, the generated chart (from
//! [`crate::generate()`], written into a temporary folder that is removed afterwards) with
//! its own values, both as `helm template <release> <chart> --namespace <namespace>` with
//! the model's release and namespace, so that names computed from the release meet. Helm
//! is `--helm PATH`, else the first `helm` on `PATH`; without one the command stops with
//! exit 2 and says how to get it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diag::Failure;
use crate::model::LoadedModel;

/// The Helm binary to run: `explicit`, else `helm` on `PATH`.
pub fn find_helm(explicit: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(p) = explicit {
        if p.is_file() {
            return Ok(p.to_path_buf());
        }
        return Err(Failure::plain(
            &p.display().to_string(),
            "--helm: no such file",
        ));
    }
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("helm"))
            .find(|p| p.is_file())
    });
    found.ok_or_else(|| {
        let mut f = Failure::plain("helm", "--rendered needs Helm, and there is no `helm` on PATH");
        f.diagnostics[0].hint = Some(
            "install Helm 3 or 4 (https://helm.sh/docs/intro/install/), or name the binary with --helm PATH; without Helm, render both sides yourself and compare them with --manifests BEFORE AFTER".into(),
        );
        f
    })
}

/// `helm template RELEASE CHART --namespace NS [-f VALUES]...`: the rendered stream, or the
/// failure with what Helm printed.
pub fn template(
    helm: &Path,
    release: &str,
    chart: &Path,
    namespace: &str,
    values: &[PathBuf],
) -> Result<String, Failure> {
    let mut cmd = Command::new(helm);
    cmd.arg("template")
        .arg(release)
        .arg(chart)
        .arg("--namespace")
        .arg(namespace);
    for v in values {
        cmd.arg("--values").arg(v);
    }
    let shown = chart.display().to_string();
    let out = cmd.output().map_err(|e| {
        Failure::plain(&helm.display().to_string(), format!("cannot run Helm: {e}"))
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let mut f = Failure::plain(
            &shown,
            format!("helm template failed (exit {:?})", out.status.code()),
        );
        f.diagnostics[0].hint = Some(err.trim().to_owned());
        return Err(f);
    }
    String::from_utf8(out.stdout)
        .map_err(|_| Failure::plain(&shown, "helm template printed text that is not UTF-8"))
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

/// Generates the model's chart (with `templates` overlaid, as `gen --templates`) into a
/// temporary folder and renders it with Helm.
pub fn render_generated(
    lm: &LoadedModel,
    templates: Option<&Path>,
    helm: &Path,
) -> Result<String, Failure> {
    let opts = crate::generate::Options {
        templates: templates.map(Path::to_path_buf),
    };
    let generation = crate::generate(lm, &opts);
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
