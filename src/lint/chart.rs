//! Which files belong to a Loki chart: the chart a file lives in, decided once per folder.
//!
//! A Service template says little about whose it is: a fork builds names from
//! `{{ .Release.Name }}` or an include, and its text may never spell `loki`. The chart does:
//! its `Chart.yaml` `name`, or the folder it lives in (`charts/loki/`). Rules that must leave
//! other applications alone (`traffic-distribution-missing`) ask [`Charts::is_loki`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How many folders above a file are searched for its `Chart.yaml` (a chart's templates
/// are nested a few levels at most: `templates/distributor/service.yaml`).
const MAX_DEPTH: usize = 6;

/// Chart membership of folders, cached: the scanning threads share it.
#[derive(Debug, Default)]
pub struct Charts {
    /// Folder -> whether it is (inside) a Loki chart.
    known: Mutex<HashMap<PathBuf, bool>>,
}

impl Charts {
    /// Whether the file at `path` is part of a chart that is Loki's: the nearest folder above
    /// it with a `Chart.yaml` names a chart containing `loki`, or is itself named so.
    pub fn is_loki(&self, path: &str) -> bool {
        let Some(dir) = Path::new(path).parent() else {
            return false;
        };
        if let Some(known) = self.lookup(dir) {
            return known;
        }
        let verdict = chart_root(dir).is_some_and(|root| is_loki_chart(&root));
        if let Ok(mut known) = self.known.lock() {
            known.insert(dir.to_path_buf(), verdict);
        }
        verdict
    }

    fn lookup(&self, dir: &Path) -> Option<bool> {
        self.known.lock().ok()?.get(dir).copied()
    }
}

/// The nearest folder at or above `dir` holding a `Chart.yaml`.
fn chart_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .take(MAX_DEPTH)
        .find(|d| d.join("Chart.yaml").is_file())
        .map(Path::to_path_buf)
}

/// A chart whose `name` (or folder) says Loki.
fn is_loki_chart(root: &Path) -> bool {
    let says_loki = |s: &str| s.to_ascii_lowercase().contains("loki");
    if root
        .file_name()
        .is_some_and(|n| says_loki(&n.to_string_lossy()))
    {
        return true;
    }
    std::fs::read_to_string(root.join("Chart.yaml"))
        .ok()
        .and_then(|text| chart_name(&text).map(says_loki))
        .unwrap_or(false)
}

/// The top-level `name:` of a Chart.yaml.
fn chart_name(text: &str) -> Option<&str> {
    text.lines().find_map(|l| {
        let v = l.strip_prefix("name:")?;
        let v = v.split(" #").next().unwrap_or(v).trim();
        Some(v.trim_matches(['"', '\'']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(chart_name("apiVersion: v2\nname: loki\n"), Some("loki"));
        assert_eq!(
            chart_name("name: \"logging\" # the fork\n"),
            Some("logging")
        );
        assert_eq!(chart_name("  name: nested\n"), None);
    }
}
