//! One file through every file rule.

use memchr::memmem;

use super::Finding;
use super::context::Context;
use super::manifest::read_manifest;
use super::rules::traffic_distribution_missing::Pending;
use super::rules::{
    client_port_drift, memcached_port_flag, mode_transition, probe_port_mismatch,
    traffic_distribution_missing,
};

/// What one file contributed.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub findings: Vec<Finding>,
    /// Services without trafficDistribution, to be settled once every helper is known.
    pub pending: Vec<Pending>,
    /// Helpers this file defines that set trafficDistribution.
    pub traffic_distribution_defines: Vec<String>,
}

/// The file rules with their prefilters, built once and shared by the scanning threads.
pub struct Scanner<'c> {
    ctx: &'c Context,
    containers: memmem::Finder<'static>,
    service: memmem::Finder<'static>,
    traffic: memmem::Finder<'static>,
}

impl<'c> Scanner<'c> {
    pub fn new(ctx: &'c Context) -> Self {
        Scanner {
            ctx,
            containers: memmem::Finder::new(b"ontainers:").into_owned(),
            service: memmem::Finder::new(b"Service").into_owned(),
            traffic: memmem::Finder::new(b"trafficDistribution").into_owned(),
        }
    }

    /// Runs every file rule that applies to `path` on its contents.
    pub fn scan(&self, path: &str, bytes: &[u8]) -> FileOutcome {
        let mut out = FileOutcome::default();
        let manifest = is_manifest_path(path)
            && (self.containers.find(bytes).is_some()
                || self.service.find(bytes).is_some()
                || self.traffic.find(bytes).is_some());
        let values = is_values_path(path);
        // Most files of a repository name no Service of the release and hold no manifest:
        // one memchr-accelerated search each decides that without any per-line work.
        let names_release = self.ctx.prefix().find(bytes).is_some();
        if !names_release && !manifest && !values {
            return out;
        }
        let text = String::from_utf8_lossy(bytes);
        if names_release {
            client_port_drift::check(path, &text, self.ctx, &mut out.findings);
        }
        if manifest {
            let m = read_manifest(&text);
            for doc in &m.documents {
                memcached_port_flag::check(path, doc, self.ctx, &mut out.findings);
                probe_port_mismatch::check(path, doc, &mut out.findings);
                if let Some(p) = traffic_distribution_missing::check(path, doc, self.ctx) {
                    out.pending.push(p);
                }
            }
            out.traffic_distribution_defines = m
                .traffic_distribution_defines
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
        }
        if values && let Some(chart) = mode_transition::chart_mode(&text) {
            mode_transition::check(path, &chart, self.ctx.plan.mode, &mut out.findings);
        }
        out
    }
}

/// YAML and Helm template files: where manifests are written.
fn is_manifest_path(path: &str) -> bool {
    [".yaml", ".yml", ".tpl"].iter().any(|e| path.ends_with(e))
}

/// A chart's values file.
fn is_values_path(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name == "values.yaml" || name == "values.yml"
}
