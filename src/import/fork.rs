//! A fork's own port values, found in its templates.
//!
//! A fork of the community chart often renames its port values (`distributor.httpPort`
//! instead of the shared `loki.server.http_listen_port`). Import reads the fork's template
//! source with lint's reader ([`crate::lint::manifest`]: containers, their ports and args,
//! line by line, never rendered) and notes which `.Values` path feeds which container port
//! (`http-metrics`/`http`, `grpc`, memcached's `client`) or `-server.http-listen-port` /
//! `-server.grpc-listen-port` flag of which component. Each becomes a row like the table's.

use std::path::Path;

use super::table::{Expanded, Target, Transform};
use crate::diag::{Diagnostic, Location};
use crate::lint::manifest::read_manifest;
use crate::model::{Component, Stage};

/// Which port of which workload a value feeds.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Feeds {
    Loki(Component, PortKind),
    Gateway,
    Cache(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PortKind {
    Http,
    Grpc,
}

/// One value path found feeding a port.
#[derive(Clone, Debug)]
struct Found {
    value: String,
    feeds: Feeds,
    /// `templates/x.yaml:12:28 containerPort http-metrics`.
    via: String,
}

/// The port values a chart's templates read.
#[derive(Clone, Debug, Default)]
pub struct Fork {
    found: Vec<Found>,
}

impl Fork {
    /// Rows for the components `mode` runs (values the table already maps are left to it).
    pub fn rows(&self, mode: Stage) -> Vec<Expanded> {
        let known: Vec<String> = super::table::rows(mode)
            .into_iter()
            .map(|r| r.from)
            .collect();
        let mut out: Vec<Expanded> = Vec::new();
        for f in &self.found {
            if known.contains(&f.value) || out.iter().any(|r| r.from == f.value) {
                continue;
            }
            let pointer = match &f.feeds {
                Feeds::Loki(c, _) if !mode.runs(*c) => continue,
                Feeds::Loki(c, PortKind::Http) => format!("/components/{}/http", c.name()),
                Feeds::Loki(c, PortKind::Grpc) => format!("/components/{}/grpc", c.name()),
                Feeds::Gateway => "/gateway/port".to_owned(),
                Feeds::Cache(which) => format!("/caches/{which}/port"),
            };
            out.push(Expanded {
                from: f.value.clone(),
                to: Target::Model("", Transform::Same),
                pointer,
                via: Some(f.via.clone()),
            });
        }
        out
    }
}

/// Reads every template of the chart at `dir` (`templates/**/*.yaml|tpl`).
pub fn read_chart(dir: &Path) -> Result<Fork, Diagnostic> {
    let templates = dir.join("templates");
    if !dir.is_dir() {
        return Err(Diagnostic::error(
            &dir.display().to_string(),
            Location::new(1, 1),
            "--chart: not a folder",
        )
        .with_hint("pass the chart's folder, the one that holds Chart.yaml and templates/"));
    }
    let mut files = Vec::new();
    collect(&templates, &mut files);
    files.sort();
    let mut fork = Fork::default();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let rel = f.strip_prefix(dir).unwrap_or(&f).display().to_string();
        read_template(&rel, &text, &mut fork.found);
    }
    Ok(fork)
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "yaml" || x == "yml" || x == "tpl")
        {
            out.push(p);
        }
    }
}

/// The workload a document is for, from its name (`{{ include "loki.fullname" . }}-distributor`)
/// or, failing that, the template's path (`templates/distributor/deployment.yaml`).
fn workload(name: &str, rel: &str) -> Option<Workload> {
    for hay in [name, rel] {
        // Longest names first, so `query-frontend` is not taken for something shorter.
        let mut loki: Vec<Component> = Component::ALL.to_vec();
        loki.sort_by_key(|c| std::cmp::Reverse(c.name().len()));
        if hay.contains("chunks-cache") {
            return Some(Workload::Cache("chunks"));
        }
        if hay.contains("results-cache") {
            return Some(Workload::Cache("results"));
        }
        if hay.contains("gateway") && !hay.contains("index-gateway") {
            return Some(Workload::Gateway);
        }
        if let Some(c) = loki.into_iter().find(|c| hay.contains(c.name())) {
            return Some(Workload::Loki(c));
        }
    }
    None
}

enum Workload {
    Loki(Component),
    Gateway,
    Cache(&'static str),
}

/// The `.Values` paths a template text reads (`.Values.distributor.httpPort`, `$.Values.x`).
fn values_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(".Values.") {
        let tail = &rest[i + ".Values.".len()..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(tail.len());
        let path = tail[..end].trim_end_matches('.');
        if !path.is_empty() {
            out.push(path.to_owned());
        }
        rest = &tail[end..];
    }
    out
}

fn read_template(rel: &str, text: &str, out: &mut Vec<Found>) {
    let manifest = read_manifest(text);
    for doc in &manifest.documents {
        let name = doc.name.as_ref().map_or("", |n| n.text);
        let Some(w) = workload(name, rel) else {
            continue;
        };
        for c in &doc.containers {
            for p in &c.ports {
                let (Some(port), Some(pname)) = (&p.container_port, &p.name) else {
                    continue;
                };
                let feeds = match (&w, pname.text) {
                    (Workload::Loki(c), "http-metrics" | "http") => Feeds::Loki(*c, PortKind::Http),
                    (Workload::Loki(c), "grpc") => Feeds::Loki(*c, PortKind::Grpc),
                    (Workload::Gateway, "http-metrics" | "http") => Feeds::Gateway,
                    (Workload::Cache(which), "client") => Feeds::Cache(which),
                    _ => continue,
                };
                for v in values_paths(port.text) {
                    out.push(Found {
                        value: v,
                        feeds: feeds.clone(),
                        via: format!("{rel}:{} containerPort `{}`", port.at, pname.text),
                    });
                }
            }
            let Workload::Loki(comp) = w else { continue };
            for a in &c.args {
                let kind = if a.text.contains("-server.http-listen-port") {
                    PortKind::Http
                } else if a.text.contains("-server.grpc-listen-port") {
                    PortKind::Grpc
                } else {
                    continue;
                };
                for v in values_paths(a.text) {
                    out.push(Found {
                        value: v,
                        feeds: Feeds::Loki(comp, kind),
                        via: format!(
                            "{rel}:{} `{}`",
                            a.at,
                            a.text.split('=').next().unwrap_or("")
                        ),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_values_that_feed_ports() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include \"loki.fullname\" . }}-distributor
spec:
  template:
    spec:
      containers:
        - name: distributor
          args:
            - -target=distributor
            - -server.grpc-listen-port={{ .Values.distributor.grpcPort }}
          ports:
            - name: http-metrics
              containerPort: {{ .Values.distributor.httpPort }}
";
        let mut found = Vec::new();
        read_template("templates/distributor/deployment.yaml", text, &mut found);
        let got: Vec<(&str, &Feeds)> = found.iter().map(|f| (f.value.as_str(), &f.feeds)).collect();
        assert_eq!(
            got,
            [
                (
                    "distributor.httpPort",
                    &Feeds::Loki(Component::Distributor, PortKind::Http)
                ),
                (
                    "distributor.grpcPort",
                    &Feeds::Loki(Component::Distributor, PortKind::Grpc)
                ),
            ]
        );
        assert_eq!(
            found[0].via,
            "templates/distributor/deployment.yaml:15:30 containerPort `http-metrics`"
        );
        let fork = Fork { found };
        let rows = fork.rows(Stage::single(crate::model::Mode::Distributed));
        assert_eq!(rows[0].pointer, "/components/distributor/http");
        assert!(
            fork.rows(Stage::single(crate::model::Mode::Monolithic))
                .is_empty()
        );
    }
}
