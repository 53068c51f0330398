//! Strict validation of rendered manifests against the Kubernetes API schemas of one version,
//! by PyPI's `kubernetes-validate` (schemas 1.25..1.37; `--strict` rejects unknown fields).

use std::path::PathBuf;
use std::process::Command;

/// How to run kubernetes-validate: its script on `PATH`, else `python3 -m kubernetes_validate`.
pub struct Tool {
    program: PathBuf,
    prefix: &'static [&'static str],
}

/// kubernetes-validate, if installed.
pub fn tool() -> Option<Tool> {
    if let Some(program) = super::on_path("kubernetes-validate") {
        return Some(Tool {
            program,
            prefix: &[],
        });
    }
    let python = super::on_path("python3")?;
    let importable = Command::new(&python)
        .args(["-c", "import kubernetes_validate"])
        .output()
        .is_ok_and(|o| o.status.success());
    importable.then_some(Tool {
        program: python,
        prefix: &["-m", "kubernetes_validate"],
    })
}

/// Validates `files` (holding `documents` documents in all) against Kubernetes `version`
/// (`1.31.0`). Every document must be reported as passed: no error, no warning, none skipped.
pub fn validate(
    tool: &Tool,
    version: &str,
    files: &[PathBuf],
    documents: usize,
) -> Result<(), String> {
    let out = Command::new(&tool.program)
        .args(tool.prefix)
        .args(["--strict", "-k", version])
        .args(files)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tool.program.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let passed = text
        .lines()
        .filter(|l| l.contains(" passed for resource "))
        .count();
    let other: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains(" passed for resource "))
        .collect();
    if !out.status.success() || !other.is_empty() || passed != documents {
        return Err(format!(
            "kubernetes-validate --strict -k {version} exited {:?}, {passed} of {documents} documents passed:\n{}",
            out.status.code(),
            other.join("\n")
        ));
    }
    Ok(())
}
