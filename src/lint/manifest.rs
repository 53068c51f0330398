//! Kubernetes manifests read as text, the way a chart's template source is written.
//!
//! Chart templates are not YAML until Helm renders them (`{{- if }}` blocks, `{{ .Values.x }}`
//! values, `include` lines), and rendering would need the chart's values, which a forked
//! chart in a GitOps repository may not even have. So the rules read the source itself: a
//! line-oriented pass that follows YAML's indentation (block mappings and sequences, which
//! is how every chart is written), skips lines that are only template actions, skips block
//! scalars, and collects what the rules need with each item's line and column. Anything it
//! does not understand it skips, so it never fails and never guesses a value.

use memchr::memmem;

use super::template_scan::{Class, Quotes, TemplateScan};
use crate::yaml::Location;

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
    /// `trafficDistribution` appears on a line that is not a comment: as a key, or as part of
    /// a template action such as an `include` of a helper named after it.
    pub mentions_traffic_distribution: bool,
    /// Names passed to `include` or `template` in this document.
    pub includes: Vec<&'a str>,
    pub containers: Vec<Container<'a>>,
    /// The document's source text.
    pub text: &'a str,
}

/// What a file holds: its documents and the named templates it defines.
#[derive(Debug, Default)]
pub struct Manifest<'a> {
    pub documents: Vec<Document<'a>>,
    /// `define`d template names whose body mentions `trafficDistribution`.
    pub traffic_distribution_defines: Vec<&'a str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame<'a> {
    Key(&'a str),
    Item,
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
        traffic_distribution_defines: defines_with(text, "trafficDistribution"),
    }
}

struct Reader<'a> {
    text: &'a str,
    documents: Vec<Document<'a>>,
    doc: Document<'a>,
    doc_start: usize,
    /// `(column, frame)`, outermost first.
    stack: Vec<(usize, Frame<'a>)>,
    /// Inside a block scalar, or a subtree no rule reads, whose key sits at this column.
    block: Option<usize>,
    /// Stack depth of the current container's list item.
    container: Option<usize>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Reader {
            text,
            documents: Vec::new(),
            doc: Document::default(),
            doc_start: 0,
            stack: Vec::new(),
            block: None,
            container: None,
        }
    }

    fn end_document(&mut self, end: usize) {
        let mut doc = std::mem::take(&mut self.doc);
        doc.text = &self.text[self.doc_start..end];
        doc.mentions_traffic_distribution =
            mentions_outside_comments(doc.text, "trafficDistribution");
        if doc.kind.is_some() || !doc.containers.is_empty() {
            self.documents.push(doc);
        }
        self.stack.clear();
        self.block = None;
        self.container = None;
    }

    fn finish(&mut self, end: usize) {
        self.end_document(end);
    }

    fn line(&mut self, raw: &'a str, offset: usize, no: u32) {
        let line = raw.trim_end_matches(['\n', '\r']);
        let indent = line
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count();
        let rest = &line[indent..];
        if rest.is_empty() {
            return;
        }
        if indent == 0 && (rest == "---" || rest.starts_with("--- ") || rest == "...") {
            self.end_document(offset);
            self.doc_start = offset + raw.len();
            return;
        }
        if let Some(col) = self.block {
            if indent > col {
                return;
            }
            self.block = None;
        }
        if rest.starts_with('#') {
            return;
        }
        if has_action(rest) {
            self.scan_actions(rest);
            if is_template_only(rest) {
                return;
            }
        }
        self.structure(line, indent, no);
    }

    /// Notes the templates a line's actions include.
    fn scan_actions(&mut self, rest: &'a str) {
        for verb in ["include \"", "template \""] {
            let mut from = 0;
            while let Some(i) = rest[from..].find(verb) {
                let start = from + i + verb.len();
                match rest[start..].find('"') {
                    Some(len) => {
                        self.doc.includes.push(&rest[start..start + len]);
                        from = start + len;
                    }
                    None => break,
                }
            }
        }
    }

    fn structure(&mut self, line: &'a str, indent: usize, no: u32) {
        let mut col = indent;
        let mut rest = &line[indent..];
        // Sequence items: `- x`, possibly nested (`- - x`).
        let mut item_value: Option<(&'a str, usize)> = None;
        while rest == "-" || rest.starts_with("- ") {
            self.pop_for_item(col);
            let parent = self.stack.last().map(|(_, f)| *f);
            let port_entry = self.in_container_list("ports");
            self.stack.push((col, Frame::Item));
            if matches!(parent, Some(Frame::Key("containers" | "initContainers"))) {
                self.container = Some(self.stack.len() - 1);
                self.doc.containers.push(Container {
                    at: location(line, no, col),
                    name: None,
                    image: None,
                    args: Vec::new(),
                    ports: Vec::new(),
                    probes: Vec::new(),
                });
            } else if port_entry && let Some(c) = self.doc.containers.last_mut() {
                c.ports.push(PortDecl::default());
            }
            let skip = rest[1..].bytes().take_while(|b| *b == b' ').count();
            col += 1 + skip;
            rest = &rest[1 + skip..];
            if rest.is_empty() {
                return;
            }
            item_value = Some((rest, col));
        }
        match split_key(rest) {
            Some((key, value, value_off)) => {
                if item_value.is_none() {
                    self.pop_for_key(col);
                }
                self.on_key(key, value, col + value_off, line, no);
                if value.starts_with(['|', '>']) || self.uninteresting(key) {
                    self.block = Some(col);
                }
                self.stack.push((col, Frame::Key(key)));
            }
            None => {
                if let Some((text, at)) = item_value {
                    self.on_item_scalar(text, line, no, at);
                }
            }
        }
    }

    /// A container's field no rule reads (`env`, `resources`, `volumeMounts`, ...): its
    /// subtree is skipped like a block scalar, which is most of a workload's lines.
    fn uninteresting(&self, key: &str) -> bool {
        self.container.is_some_and(|d| self.stack.len() == d + 1)
            && !matches!(
                key,
                "name"
                    | "image"
                    | "args"
                    | "command"
                    | "ports"
                    | "readinessProbe"
                    | "livenessProbe"
                    | "startupProbe"
            )
    }

    fn pop_for_key(&mut self, col: usize) {
        while self.stack.last().is_some_and(|(c, _)| *c >= col) {
            self.stack.pop();
        }
        self.container_still_open();
    }

    /// A `- ` at column `col` ends deeper frames and the previous item at that column, but
    /// not a key at that column: `containers:` followed by `- name:` at the same indent is
    /// the compact sequence style.
    fn pop_for_item(&mut self, col: usize) {
        while let Some((c, f)) = self.stack.last() {
            if *c > col || (*c == col && *f == Frame::Item) {
                self.stack.pop();
            } else {
                break;
            }
        }
        self.container_still_open();
    }

    fn container_still_open(&mut self) {
        if let Some(d) = self.container
            && self.stack.len() <= d
        {
            self.container = None;
        }
    }

    /// The keys between the current container's item and the line (exclusive).
    fn container_path(&self) -> Option<&[(usize, Frame<'a>)]> {
        self.container.map(|d| &self.stack[d + 1..])
    }

    /// Whether the stack ends inside `containers[].<key>` (before the new item is pushed).
    fn in_container_list(&self, key: &str) -> bool {
        matches!(self.container_path(), Some([(_, Frame::Key(k))]) if *k == key)
    }

    /// Records what a `key: value` line says, when the rules need it. Values are cleaned
    /// and located only for the keys that matter: most lines of a manifest are not read.
    fn on_key(&mut self, key: &'a str, raw: &'a str, col: usize, line: &'a str, no: u32) {
        let value = || clean_value(raw, line, no, col);
        if let Some(d) = self.container {
            let Some(c) = self.doc.containers.last_mut() else {
                return;
            };
            match (&self.stack[d + 1..], key) {
                ([], "name") => c.name = value(),
                ([], "image") => c.image = value(),
                ([], "args" | "command") => {
                    if raw.starts_with('[')
                        && let Some(v) = value()
                    {
                        c.args.extend(flow_items(&v, line, no));
                    }
                }
                ([(_, Frame::Key("ports")), (_, Frame::Item)], "name") => {
                    if let Some(p) = c.ports.last_mut() {
                        p.name = value();
                    }
                }
                ([(_, Frame::Key("ports")), (_, Frame::Item)], "containerPort") => {
                    if let Some(p) = c.ports.last_mut() {
                        p.container_port = value();
                    }
                }
                (
                    [
                        (
                            _,
                            Frame::Key(
                                probe @ ("readinessProbe" | "livenessProbe" | "startupProbe"),
                            ),
                        ),
                        ..,
                    ],
                    "port",
                ) => {
                    if let Some(port) = value() {
                        c.probes.push(ProbePort { probe, port });
                    }
                }
                _ => {}
            }
            return;
        }
        match (self.stack.as_slice(), key) {
            ([], "kind") => {
                if let Some(v) = value() {
                    self.doc.kind = Some(v);
                }
            }
            ([(_, Frame::Key("metadata"))], "name") => self.doc.name = value(),
            ([(_, Frame::Key("spec"))], "type") => self.doc.service_type = value(),
            (_, "clusterIP") if value().is_some_and(|v| v.text == "None") => {
                self.doc.headless = true;
            }
            _ => {}
        }
    }

    fn on_item_scalar(&mut self, text: &'a str, line: &'a str, no: u32, col: usize) {
        let Some(path) = self.container_path() else {
            return;
        };
        // The item frame itself is the last entry: `args: [item]`.
        if let [(_, Frame::Key("args" | "command")), (_, Frame::Item)] = path
            && let Some(v) = clean_value(text, line, no, col)
            && let Some(c) = self.doc.containers.last_mut()
        {
            c.args.push(v);
        }
    }
}

/// Whether a line has a template action (`{{`) in it.
fn has_action(rest: &str) -> bool {
    let b = rest.as_bytes();
    memchr::memchr_iter(b'{', b).any(|i| b.get(i + 1) == Some(&b'{'))
}

/// Whether `needle` occurs in `text` on a line that is not a comment.
fn mentions_outside_comments(text: &str, needle: &str) -> bool {
    memmem::find_iter(text.as_bytes(), needle.as_bytes()).any(|i| {
        let start = memchr::memrchr(b'\n', &text.as_bytes()[..i]).map_or(0, |n| n + 1);
        !text[start..i].trim_start().starts_with('#')
    })
}

/// Whether a line holds nothing but template actions (`{{- if .x }}`, `{{- include ... }}`).
fn is_template_only(rest: &str) -> bool {
    rest.starts_with("{{")
        && TemplateScan::new(rest, Quotes::Plain).all(|(i, c, class)| {
            // Whitespace as `str::trim` sees it; a character's continuation bytes follow
            // its first.
            class != Class::Text
                || (c & 0xC0) == 0x80
                || rest[i..].chars().next().is_some_and(char::is_whitespace)
        })
}

/// Splits `key: value` at the first `:` followed by a space or the end of the line, outside
/// quotes and template actions. Returns the unquoted key, the raw value and the value's
/// byte offset in `rest`.
fn split_key(rest: &str) -> Option<(&str, &str, usize)> {
    let b = rest.as_bytes();
    for (i, c, class) in TemplateScan::new(rest, Quotes::AtStart) {
        if class != Class::Text {
            continue;
        }
        if c == b'#' && (i == 0 || b[i - 1] == b' ') {
            return None;
        }
        if c == b':' && (i + 1 == b.len() || b[i + 1] == b' ') {
            let key = unquote(rest[..i].trim_end());
            if key.is_empty() || key.contains("{{") {
                return None;
            }
            let after = &rest[i + 1..];
            let lead = after.len() - after.trim_start().len();
            return Some((key, after.trim_start(), i + 1 + lead));
        }
    }
    None
}

fn unquote(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// A value without its trailing comment and quotes, located at its first character.
fn clean_value<'a>(value: &'a str, line: &'a str, no: u32, col: usize) -> Option<Scalar<'a>> {
    let v = strip_comment(value).trim_end();
    if v.is_empty() {
        return None;
    }
    let b = v.as_bytes();
    let (text, shift) = if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0]
    {
        (&v[1..v.len() - 1], 1)
    } else {
        (v, 0)
    };
    Some(Scalar {
        text,
        at: location(line, no, col + shift),
    })
}

/// Cuts a ` # comment`, outside quotes and template actions.
fn strip_comment(v: &str) -> &str {
    let b = v.as_bytes();
    TemplateScan::new(v, Quotes::AtWordStart)
        .find(|&(i, c, class)| class == Class::Text && c == b'#' && (i == 0 || b[i - 1] == b' '))
        .map_or(v, |(i, _, _)| &v[..i])
}

/// The items of a flow sequence `[a, "b", '{{ c }}']`, each located.
fn flow_items<'a>(v: &Scalar<'a>, line: &'a str, no: u32) -> Vec<Scalar<'a>> {
    let Some(inner) = v.text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return Vec::new();
    };
    // Byte column of `inner` in the line.
    let base = byte_col(line, v.at) + 1;
    let mut out = Vec::new();
    let mut push = |from: usize, to: usize| {
        let piece = &inner[from..to];
        let lead = piece.len() - piece.trim_start().len();
        if let Some(s) = clean_value(piece.trim(), line, no, base + from + lead) {
            out.push(s);
        }
    };
    let mut scan = TemplateScan::new(inner, Quotes::Anywhere);
    let mut start = 0;
    for (i, c, class) in scan.by_ref() {
        if class == Class::Text && c == b',' {
            push(start, i);
            start = i + 1;
        }
    }
    // The last item has no comma; an unclosed string or action drops it.
    if scan.in_text() {
        push(start, inner.len());
    }
    out
}

/// The byte index in `line` of a 1-based character column.
fn byte_col(line: &str, at: Location) -> usize {
    line.char_indices()
        .nth(at.column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i)
}

/// 1-based line and character column of byte index `col` in `line`.
fn location(line: &str, no: u32, col: usize) -> Location {
    let col = col.min(line.len());
    let chars = line.as_bytes()[..col]
        .iter()
        .filter(|b| (**b & 0xC0) != 0x80)
        .count();
    Location::new(no, chars as u32 + 1)
}

/// Names of the `define`d templates in `text` whose body mentions `needle`. A body runs to
/// the next `define`: helper files are sequences of defines, so that is where one ends.
fn defines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    let finder = memmem::Finder::new(b"define \"");
    let starts: Vec<usize> = finder.find_iter(text.as_bytes()).collect();
    let mut out = Vec::new();
    for (i, &s) in starts.iter().enumerate() {
        let name_start = s + "define \"".len();
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        // The name ends before the next define starts: `define "a define "b"` names no
        // template `a define `, and its quote is not this define's.
        let Some(len) = text[name_start..end].find('"') else {
            continue;
        };
        let body = &text[name_start + len..end];
        if body.contains(needle) {
            out.push(&text[name_start..name_start + len]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_define_without_its_closing_quote_ends_at_the_next_define() {
        // Found by the scanner fuzzer: the name's quote was searched past the next define,
        // and the body slice started after its end.
        let text = "{{ define \"a {{ define \"b\" }}trafficDistribution{{ end }}";
        assert_eq!(defines_with(text, "trafficDistribution"), vec!["b"]);
    }

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
        assert!(!d[0].headless && !d[0].mentions_traffic_distribution);
        assert!(d[1].headless);
        assert!(d[2].mentions_traffic_distribution);
        assert_eq!(d[2].kind.as_ref().unwrap().at, Location::new(14, 7));
        let defs = defines_with(
            "{{ define \"a\" }}x{{ end }}{{ define \"b\" }}trafficDistribution: y{{ end }}",
            "trafficDistribution",
        );
        assert_eq!(defs, ["b"]);
    }

    #[test]
    fn keys_and_comments() {
        assert_eq!(split_key("a: b"), Some(("a", "b", 3)));
        assert_eq!(split_key("\"a\":  b"), Some(("a", "b", 6)));
        assert_eq!(split_key("a:"), Some(("a", "", 2)));
        assert_eq!(split_key("http://x:1"), None);
        assert_eq!(split_key("--addr=:{{ .p }}"), None);
        assert_eq!(split_key("{{ .a }}: b"), None);
        assert_eq!(strip_comment("1 # x"), "1 ");
        assert_eq!(strip_comment("\"a # b\""), "\"a # b\"");
        assert!(is_template_only("{{- if .x }}"));
        assert!(is_template_only("{{- include \"a\" . }} {{ end }}"));
        assert!(!is_template_only("{{ .x }}: y"));
    }
}
