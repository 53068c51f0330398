//! Kubernetes manifests read as text, the way a chart's template source is written.
//!
//! Chart templates are not YAML until Helm renders them (`{{- if }}` blocks, `{{ .Values.x }}`
//! values, `include` lines), and rendering would need the chart's values, which a forked
//! chart in a GitOps repository may not even have. So the rules read the source itself: a
//! line-oriented pass that follows YAML's indentation (block mappings and sequences, which
//! is how every chart is written), skips lines that are only template actions, skips block
//! scalars, and collects what the rules need with each item's line and column. Anything it
//! does not understand it skips, so it never fails and never guesses a value.
//!
//! This file holds what the reader produces ([`Manifest`], [`Document`], [`Container`], ...);
//! `reader.rs` follows the indentation, `line.rs` reads one line's syntax, `defines.rs`
//! searches whole files for helper `define`s.

mod defines;
mod line;
mod reader;

use crate::yaml::Location;
use defines::{defines_with, mentions_outside_comments};
use reader::Reader;

/// A scalar as written: quotes and trailing comments removed, template text kept verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar<'a> {
    pub text: &'a str,
    /// Where the text (after an opening quote) starts.
    pub at: Location,
}

impl Scalar<'_> {
    /// Whether the value is (or contains) a Go-template action, so its value is unknown here.
    pub fn is_template(&self) -> bool {
        self.text.contains("{{")
    }

    /// The value as a port number, when it is a literal one.
    pub fn as_port(&self) -> Option<u16> {
        let t = self.text.trim();
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    }
}

/// One entry of a container's `ports`.
#[derive(Clone, Debug, Default)]
pub struct PortDecl<'a> {
    pub name: Option<Scalar<'a>>,
    pub container_port: Option<Scalar<'a>>,
}

/// A probe's `port` (under `httpGet`, `tcpSocket` or `grpc`).
#[derive(Clone, Debug)]
pub struct ProbePort<'a> {
    /// `readinessProbe`, `livenessProbe` or `startupProbe`.
    pub probe: &'a str,
    pub port: Scalar<'a>,
}

/// One entry of `containers` or `initContainers`.
#[derive(Clone, Debug)]
pub struct Container<'a> {
    /// Where the list item starts.
    pub at: Location,
    pub name: Option<Scalar<'a>>,
    pub image: Option<Scalar<'a>>,
    /// `command` then `args`, one scalar per list item.
    pub args: Vec<Scalar<'a>>,
    pub ports: Vec<PortDecl<'a>>,
    pub probes: Vec<ProbePort<'a>>,
}

/// One YAML document (the text between `---` lines).
#[derive(Clone, Debug, Default)]
pub struct Document<'a> {
    /// The top-level `kind`.
    pub kind: Option<Scalar<'a>>,
    /// `metadata.name`.
    pub name: Option<Scalar<'a>>,
    /// `type` under `spec` (`ClusterIP`, `ExternalName`, ...).
    pub service_type: Option<Scalar<'a>>,
    /// `clusterIP: None` appears (a headless Service), conditionally or not.
    pub headless: bool,
    /// Names passed to `include` or `template` in this document.
    pub includes: Vec<&'a str>,
    pub containers: Vec<Container<'a>>,
    /// The document's source text.
    pub text: &'a str,
}

impl Document<'_> {
    /// Whether `needle` appears on a line that is not a comment: as a key, or inside a
    /// template action (an `include` of a helper named after it).
    pub fn mentions(&self, needle: &str) -> bool {
        mentions_outside_comments(self.text, needle)
    }
}

/// What a file holds: its documents, and its text for the named templates it defines.
#[derive(Debug, Default)]
pub struct Manifest<'a> {
    pub documents: Vec<Document<'a>>,
    /// The whole file.
    pub text: &'a str,
}

impl<'a> Manifest<'a> {
    /// The names of the templates the file `define`s whose body mentions `needle`.
    pub fn defines_mentioning(&self, needle: &str) -> Vec<&'a str> {
        defines_with(self.text, needle)
    }
}

/// Reads a file's text into documents. Never fails: what it cannot follow it skips.
pub fn read_manifest(text: &str) -> Manifest<'_> {
    let mut reader = Reader::new(text);
    let mut offset = 0usize;
    let mut line_no = 0u32;
    while offset < text.len() {
        let end = memchr::memchr(b'\n', &text.as_bytes()[offset..])
            .map_or(text.len(), |i| offset + i + 1);
        line_no += 1;
        reader.line(&text[offset..end], offset, line_no);
        offset = end;
    }
    reader.finish(text.len());
    Manifest {
        documents: reader.documents,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_containers_of_a_template() {
        let text = "\
{{- define \"x.sts\" -}}
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .name }}
spec:
  template:
    spec:
      containers:
      - name: memcached
        image: memcached:1.6   # pinned
        args:
          - -m {{ .mem }}m
          - \"-u {{ .port }}\"
        command: [\"memcached\", '-v']
        ports:
          - containerPort: {{ .port }}
            name: client
        readinessProbe:
          tcpSocket:
            port: client
        {{- if .x }}
        livenessProbe:
          httpGet:
            port: 8080
        {{- end }}
      - name: exporter
        config: |
          containers:
            - name: ghost
{{- end }}
";
        let m = read_manifest(text);
        assert_eq!(m.documents.len(), 1);
        let d = &m.documents[0];
        assert_eq!(d.kind.as_ref().unwrap().text, "StatefulSet");
        assert_eq!(d.name.as_ref().unwrap().text, "{{ .name }}");
        assert_eq!(d.containers.len(), 2);
        let c = &d.containers[0];
        assert_eq!(c.name.as_ref().unwrap().text, "memcached");
        assert_eq!(c.image.as_ref().unwrap().text, "memcached:1.6");
        let args: Vec<_> = c.args.iter().map(|a| a.text).collect();
        assert_eq!(
            args,
            ["-m {{ .mem }}m", "-u {{ .port }}", "memcached", "-v"]
        );
        assert_eq!(c.args[1].at, Location::new(14, 14));
        assert_eq!(c.args[2].at, Location::new(15, 20));
        assert_eq!(c.args[3].at, Location::new(15, 33));
        assert_eq!(c.ports.len(), 1);
        assert_eq!(c.ports[0].name.as_ref().unwrap().text, "client");
        assert_eq!(
            c.ports[0].container_port.as_ref().unwrap().text,
            "{{ .port }}"
        );
        let probes: Vec<_> = c.probes.iter().map(|p| (p.probe, p.port.text)).collect();
        assert_eq!(
            probes,
            [("readinessProbe", "client"), ("livenessProbe", "8080")]
        );
        assert_eq!(d.containers[1].name.as_ref().unwrap().text, "exporter");
        assert!(d.containers[1].ports.is_empty());
    }

    #[test]
    fn skips_fields_no_rule_reads() {
        let text = "\
kind: Deployment
spec:
  containers:
  - name: app
    env:
    - name: NOT_A_CONTAINER
      value: x
    resources:
      limits: {cpu: 1}
    ports:
    - name: http
      containerPort: 8080
  - name: second
";
        let m = read_manifest(text);
        let c = &m.documents[0].containers;
        let names: Vec<_> = c.iter().map(|c| c.name.as_ref().unwrap().text).collect();
        assert_eq!(names, ["app", "second"]);
        assert_eq!(c[0].ports.len(), 1);
        assert_eq!(c[0].ports[0].name.as_ref().unwrap().text, "http");
    }

    #[test]
    fn services_and_defines() {
        let text = "\
apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  type: ClusterIP
  {{- include \"x.td\" . | nindent 2 }}
---
kind: Service
spec:
  clusterIP: \"None\"
---
# trafficDistribution in a comment does not count
kind: Service
spec:
  {{- with .Values.td }}
  trafficDistribution: {{ . }}
  {{- end }}
";
        let m = read_manifest(text);
        let d = &m.documents;
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].includes, ["x.td"]);
        assert_eq!(d[0].service_type.as_ref().unwrap().text, "ClusterIP");
        assert!(!d[0].headless && !d[0].mentions("trafficDistribution"));
        assert!(d[1].headless);
        assert!(d[2].mentions("trafficDistribution"));
        assert_eq!(d[2].kind.as_ref().unwrap().at, Location::new(14, 7));
        let defs = defines_with(
            "{{ define \"a\" }}x{{ end }}{{ define \"b\" }}trafficDistribution: y{{ end }}",
            "trafficDistribution",
        );
        assert_eq!(defs, ["b"]);
    }
}
