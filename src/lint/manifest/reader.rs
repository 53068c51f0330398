//! The indentation follower: one pass over a file's lines that keeps a stack of the keys and
//! sequence items it is inside, and records what the rules read (kinds, names, containers,
//! their args, ports and probes) with each value's position.

use super::line::{clean_value, flow_items, has_action, is_template_only, split_key};
use super::{Container, Document, PortDecl, ProbePort};
use crate::lint::position::location_in_line;

/// What an entry of the stack is: a mapping key or a sequence item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame<'a> {
    Key(&'a str),
    Item,
}

/// The reader's state between lines.
pub(super) struct Reader<'a> {
    text: &'a str,
    pub(super) documents: Vec<Document<'a>>,
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
    pub(super) fn new(text: &'a str) -> Self {
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
        if doc.kind.is_some() || !doc.containers.is_empty() {
            self.documents.push(doc);
        }
        self.stack.clear();
        self.block = None;
        self.container = None;
    }

    pub(super) fn finish(&mut self, end: usize) {
        self.end_document(end);
    }

    pub(super) fn line(&mut self, raw: &'a str, offset: usize, no: u32) {
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
                    at: location_in_line(line, no, col),
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
