//! Running the real Helm, for commands that need a chart rendered with its values
//! (`lint --render`): Helm's template engine and value merging are the ground truth, and
//! re-implementing either would be a second opinion that can disagree.
//!
//! Helm runs off any cluster (`helm template`, `KUBECONFIG=/dev/null`) and sees no
//! user-specific state beyond the binary: no kube context, no `HELM_NAMESPACE`, no debug
//! output mixed into the manifests.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The Helm binary to run: `--helm PATH` when given, else `helm` on `PATH`.
pub fn binary(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    on_path("helm").ok_or_else(|| {
        "Helm is needed to render the chart, and there is no `helm` on PATH: install Helm 3 or 4, or pass --helm PATH".to_owned()
    })
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// What `helm template` is asked to render.
#[derive(Clone, Debug)]
pub struct Template<'a> {
    pub chart: &'a Path,
    pub release: &'a str,
    pub namespace: &'a str,
    /// `--values` files, merged in order.
    pub values: &'a [PathBuf],
}

/// `helm template RELEASE CHART --namespace NS [--values F]...`: the rendered manifest
/// stream, or Helm's own message when it refuses.
pub fn template(helm: &Path, t: &Template<'_>) -> Result<String, String> {
    let mut cmd = Command::new(helm);
    cmd.arg("template")
        .arg(t.release)
        .arg(t.chart)
        .arg("--namespace")
        .arg(t.namespace);
    for v in t.values {
        cmd.arg("--values").arg(v);
    }
    let out = cmd
        .stdin(Stdio::null())
        .env("KUBECONFIG", "/dev/null")
        .env_remove("HELM_NAMESPACE")
        .env_remove("HELM_KUBECONTEXT")
        .env_remove("HELM_DEBUG")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", helm.display()))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "`helm template` refused {}: {}",
            t.chart.display(),
            shorten(msg.trim())
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "Helm wrote a manifest that is not UTF-8".into())
}

/// Helm's message, without the middle of a very long one: a failing `tpl` quotes the whole
/// template it evaluated, while the cause is at the end.
fn shorten(msg: &str) -> String {
    const KEEP: usize = 300;
    let chars: Vec<char> = msg.chars().collect();
    if chars.len() <= 2 * KEEP {
        return msg.to_owned();
    }
    let head: String = chars[..KEEP].iter().collect();
    let tail: String = chars[chars.len() - KEEP..].iter().collect();
    format!("{head} [...] {tail}")
}

/// One template's share of a rendered stream: the `# Source:` path Helm names
/// (`loki/templates/gateway/service.yaml`) and its documents, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub source: String,
    pub text: String,
}

/// Splits `helm template` output by its `# Source:` comments; documents of one template stay
/// together (a template may render several).
pub fn by_source(stream: &str) -> Vec<Rendered> {
    let mut out: Vec<Rendered> = Vec::new();
    let mut current: Option<usize> = None;
    for line in stream.split_inclusive('\n') {
        if let Some(source) = line.strip_prefix("# Source: ") {
            let source = source.trim_end().to_owned();
            let i = match out.iter().position(|r| r.source == source) {
                Some(i) => {
                    out[i].text.push_str("---\n");
                    i
                }
                None => {
                    out.push(Rendered {
                        source,
                        text: String::new(),
                    });
                    out.len() - 1
                }
            };
            current = Some(i);
            continue;
        }
        if line.trim_end() == "---" {
            continue;
        }
        if let Some(i) = current {
            out[i].text.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_by_source() {
        let stream = "---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/b.yaml\nkind: B\n---\n# Source: c/templates/a.yaml\nkind: A2\n";
        let r = by_source(stream);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].source, "c/templates/a.yaml");
        assert_eq!(r[0].text, "kind: A\n---\nkind: A2\n");
        assert_eq!(r[1].text, "kind: B\n");
    }
}
