//! [`Node`]: a Loki config as an ordered data tree, so the pass-through (`loki.config`) can be
//! merged into the generated config key by key, and the whole written with one quoting rule.
//!
//! Text cannot be merged deeply; a tree can. Its leaves are JSON scalars or [`Node::Helm`]
//! strings: text with Helm expressions in it (`dns+host:{{ .Values.memberlist.port | int }}`),
//! whose literal parts are quoted like every other string and whose expressions Helm fills.

use serde_json::{Map, Value};

/// A Loki config value.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A mapping, in the order its keys are written.
    Map(Vec<(String, Node)>),
    /// A list.
    List(Vec<Node>),
    /// A string, number, boolean or null.
    Scalar(Value),
    /// A value Helm computes at install time; see [`Part`].
    Helm(Vec<Part>),
}

/// A piece of a [`Node::Helm`] value.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Text written as is (quoted with the rest of the string).
    Lit(String),
    /// A Helm expression, without its braces: `.Values.memberlist.port | int`.
    Expr(String),
}

impl Node {
    /// An empty mapping.
    pub fn map() -> Self {
        Node::Map(Vec::new())
    }

    /// A string leaf.
    pub fn str(s: impl Into<String>) -> Self {
        Node::Scalar(Value::String(s.into()))
    }

    /// A Helm value made of literal text and expressions, alternately.
    pub fn helm(parts: Vec<Part>) -> Self {
        Node::Helm(parts)
    }

    /// A whole number a Helm expression yields (`{{ .Values.x | int }}`, written unquoted).
    pub fn helm_int(path: &str) -> Self {
        Node::Helm(vec![Part::Expr(format!("{path} | int"))])
    }

    /// Sets `key` of a mapping (replacing its value, or appending it); a no-op on other nodes.
    pub fn set(&mut self, key: &str, value: Node) -> &mut Self {
        if let Node::Map(entries) = self {
            match entries.iter().position(|(k, _)| k == key) {
                Some(i) => entries[i].1 = value,
                None => entries.push((key.to_owned(), value)),
            }
        }
        self
    }

    /// The mapping under `key`, created empty when missing (or when `key` holds a non-mapping).
    pub fn child(&mut self, key: &str) -> &mut Node {
        if !matches!(self.get(key), Some(Node::Map(_))) {
            self.set(key, Node::map());
        }
        match self {
            Node::Map(entries) => {
                let i = entries
                    .iter()
                    .position(|(k, _)| k == key)
                    .expect("just set");
                &mut entries[i].1
            }
            _ => unreachable!("child of a mapping only"),
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A JSON value (a model's pass-through) as a tree, keys in the order written.
    pub fn from_json(v: &Value) -> Self {
        match v {
            Value::Object(m) => Node::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), Node::from_json(v)))
                    .collect(),
            ),
            Value::Array(items) => Node::List(items.iter().map(Node::from_json).collect()),
            other => Node::Scalar(other.clone()),
        }
    }

    /// A JSON mapping as a tree.
    pub fn from_map(m: &Map<String, Value>) -> Self {
        Node::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), Node::from_json(v)))
                .collect(),
        )
    }

    /// Merges `other` into `self`, deeply: mappings merge key by key (new keys are appended in
    /// `other`'s order), anything else in `other` replaces what was there (a list is replaced
    /// whole, as Loki reads it).
    pub fn merge(&mut self, other: Node) {
        match (self, other) {
            (Node::Map(mine), Node::Map(theirs)) => {
                for (k, v) in theirs {
                    match mine.iter_mut().find(|(m, _)| *m == k) {
                        Some((_, slot)) => slot.merge(v),
                        None => mine.push((k, v)),
                    }
                }
            }
            (slot, other) => *slot = other,
        }
    }

    /// The tree as YAML lines indented by `indent` spaces, ending in a newline. Strings are
    /// JSON-quoted (no YAML reader takes one for a number, boolean or null, and nothing in
    /// them becomes structure); keys stay plain when they are plain identifiers.
    pub fn to_yaml(&self, indent: usize) -> String {
        let mut out = String::new();
        match self {
            Node::Map(entries) if !entries.is_empty() => emit_map(entries, indent, &mut out),
            Node::List(items) if !items.is_empty() => emit_list(items, indent, &mut out),
            other => {
                out.push_str(&" ".repeat(indent));
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
        out
    }
}

fn emit_map(entries: &[(String, Node)], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (k, v) in entries {
        let key = key_text(k);
        match v {
            Node::Map(child) if !child.is_empty() => {
                out.push_str(&format!("{pad}{key}:\n"));
                emit_map(child, indent + 2, out);
            }
            Node::List(items) if !items.is_empty() => {
                out.push_str(&format!("{pad}{key}:\n"));
                emit_list(items, indent + 2, out);
            }
            other => out.push_str(&format!("{pad}{key}: {}\n", inline(other))),
        }
    }
}

fn emit_list(items: &[Node], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Node::Map(entries) if !entries.is_empty() => {
                // `- first: x` then the other keys under it, two columns in.
                let mut body = String::new();
                emit_map(entries, indent + 2, &mut body);
                out.push_str(&format!("{pad}- {}", &body[indent + 2..]));
            }
            Node::List(inner) if !inner.is_empty() => {
                out.push_str(&format!("{pad}-\n"));
                emit_list(inner, indent + 2, out);
            }
            other => out.push_str(&format!("{pad}- {}\n", inline(other))),
        }
    }
}

/// A leaf, or an empty container, on one line.
fn inline(n: &Node) -> String {
    match n {
        Node::Map(_) => "{}".to_owned(),
        Node::List(_) => "[]".to_owned(),
        Node::Scalar(v) => scalar(v),
        Node::Helm(parts) => match parts.as_slice() {
            // A lone expression piped to `int` yields digits: written bare, read as a number.
            [Part::Expr(e)] if e.ends_with("| int") => format!("{{{{ {e} }}}}"),
            _ => {
                let mut s = String::from("\"");
                for p in parts {
                    match p {
                        Part::Lit(t) => {
                            let quoted = serde_json::to_string(t).expect("strings serialise");
                            s.push_str(&quoted[1..quoted.len() - 1]);
                        }
                        Part::Expr(e) => s.push_str(&format!("{{{{ {e} }}}}")),
                    }
                }
                s.push('"');
                s
            }
        },
    }
}

/// A scalar: strings JSON-quoted, numbers, booleans and null as JSON writes them.
fn scalar(v: &Value) -> String {
    serde_json::to_string(v).expect("scalars serialise")
}

/// A key: plain when it is a plain identifier, else JSON-quoted.
fn key_text(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !k.chars().next().is_some_and(|c| c.is_ascii_digit());
    if plain && !is_yaml11_word(k) {
        k.to_owned()
    } else {
        scalar(&Value::String(k.to_owned()))
    }
}

/// Words a YAML 1.1 reader takes for a boolean or null.
fn is_yaml11_word(k: &str) -> bool {
    matches!(
        k.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_mappings_deeply_and_replaces_the_rest() {
        let mut base = Node::from_json(&json!({"a": {"x": 1, "y": [1, 2]}, "b": "s"}));
        base.merge(Node::from_json(
            &json!({"a": {"y": [3], "z": true}, "c": {}}),
        ));
        assert_eq!(
            base,
            Node::from_json(&json!({"a": {"x": 1, "y": [3], "z": true}, "b": "s", "c": {}}))
        );
    }

    #[test]
    fn writes_yaml_with_quoted_strings_and_raw_helm_expressions() {
        let mut n = Node::map();
        n.child("memberlist")
            .set("bind_port", Node::helm_int(".Values.memberlist.port"))
            .set(
                "join_members",
                Node::List(vec![Node::helm(vec![
                    Part::Lit("dns+m.ns:".into()),
                    Part::Expr(".Values.memberlist.port | int".into()),
                ])]),
            );
        n.set("on", Node::str("1.0"));
        n.set(
            "configs",
            Node::from_json(&json!([{"from": "2024-04-01", "index": {"period": "24h"}}])),
        );
        assert_eq!(
            n.to_yaml(2),
            "  memberlist:\n    bind_port: {{ .Values.memberlist.port | int }}\n    join_members:\n      - \"dns+m.ns:{{ .Values.memberlist.port | int }}\"\n  \"on\": \"1.0\"\n  configs:\n    - from: \"2024-04-01\"\n      index:\n        period: \"24h\"\n"
        );
    }
}
