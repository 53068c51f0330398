//! The imported model as portplan.yaml text: the schema modeline, a header naming the
//! sources, and above each value the `file:line:col` and value path it came from.
//!
//! Every string is written double-quoted (JSON's escapes are YAML's), so no YAML 1.1 or 1.2
//! reader can take `"on"`, `"1.31"` or `"None"` for anything but a string.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Carried, Imported};
use crate::yaml::pointer_token;

/// The top-level keys in the order docs/model.md lists them; any other key follows.
const ORDER: &[&str] = &[
    "release",
    "namespace",
    "clusterDomain",
    "kubeVersion",
    "mode",
    "transition",
    "ports",
    "authEnabled",
    "trafficDistribution",
    "components",
    "gateway",
    "caches",
    "memberlist",
    "limits",
    "canary",
    "schemaConfig",
    "structuredMetadata",
    "storage",
    "clients",
    "zones",
    "zoneIds",
    "flows",
    "images",
];

/// The model text; `sources` names the files as given, `release_note` says where the release
/// name came from when no value did.
pub fn model_text(imported: &Imported, sources: &[String], release_note: &str) -> String {
    let mut out = String::from("# yaml-language-server: $schema=portplan.schema.json\n");
    out.push_str("#\n");
    out.push_str(&format!(
        "# Imported by portplan from {}",
        if sources.is_empty() {
            "the chart's values".to_owned()
        } else {
            sources.join(", ")
        }
    ));
    match &imported.base {
        Some(b) if !sources.contains(b) => out.push_str(&format!(" (merged on {b}).\n")),
        _ => out.push_str(".\n"),
    }
    out.push_str(
        "# Only what differs from portplan's presets is written; `portplan import` lists what was\n# not carried. Check with `portplan plan -m THIS_FILE`; `portplan schema --out\n# portplan.schema.json` writes the schema the modeline names, for editors.\n",
    );
    let comments: BTreeMap<&str, &Carried> = imported
        .carried
        .iter()
        .filter(|c| c.note.is_none())
        .map(|c| (c.pointer.as_str(), c))
        .collect();
    let root = imported.model.as_object().cloned().unwrap_or_default();
    let mut ordered = Map::new();
    for k in ORDER {
        if let Some(v) = root.get(*k) {
            ordered.insert((*k).to_owned(), v.clone());
        }
    }
    for (k, v) in &root {
        if !ordered.contains_key(k) {
            ordered.insert(k.clone(), v.clone());
        }
    }
    // Components in the order the mode lists them.
    if let Some(Value::Object(cs)) = ordered.get_mut("components") {
        let mut entries: Vec<(String, Value)> = std::mem::take(cs).into_iter().collect();
        entries.sort_by_key(|(name, _)| crate::model::Component::from_name(name));
        cs.extend(entries);
    }
    let mut w = Writer {
        comments,
        out,
        release_note,
    };
    w.map(&ordered, "", 0);
    w.out
}

struct Writer<'a> {
    comments: BTreeMap<&'a str, &'a Carried>,
    out: String,
    release_note: &'a str,
}

impl Writer<'_> {
    fn comment(&mut self, pointer: &str, indent: usize) {
        let pad = " ".repeat(indent);
        if (pointer == "/release" || pointer == "/namespace")
            && !self.comments.contains_key(pointer)
        {
            let what = &pointer[1..];
            self.out
                .push_str(&format!("{pad}# {what}: {}\n", self.release_note));
            return;
        }
        // A list's own comment names the leaves under it, once.
        let Some(c) = self.comments.get(pointer) else {
            return;
        };
        let default = if c.given {
            ""
        } else {
            " (the chart's default)"
        };
        self.out
            .push_str(&format!("{pad}# from {} {}{default}\n", c.origin, c.from));
        if let Some(via) = &c.via {
            self.out.push_str(&format!("{pad}#   which feeds {via}\n"));
        }
    }

    fn map(&mut self, m: &Map<String, Value>, at: &str, indent: usize) {
        let pad = " ".repeat(indent);
        for (k, v) in m {
            let pointer = format!("{at}/{}", pointer_token(k));
            self.comment(&pointer, indent);
            let key = scalar(&Value::String(k.clone()), true);
            match v {
                Value::Object(inner) if !inner.is_empty() => {
                    self.out.push_str(&format!("{pad}{key}:\n"));
                    self.map(inner, &pointer, indent + 2);
                }
                Value::Array(items) if !items.is_empty() => {
                    self.out.push_str(&format!("{pad}{key}:\n"));
                    self.list(items, &pointer, indent + 2);
                }
                other => self
                    .out
                    .push_str(&format!("{pad}{key}: {}\n", scalar(other, false))),
            }
        }
    }

    fn list(&mut self, items: &[Value], at: &str, indent: usize) {
        let pad = " ".repeat(indent);
        for (i, item) in items.iter().enumerate() {
            let pointer = format!("{at}/{i}");
            self.comment(&pointer, indent);
            match item {
                Value::Object(m) if !m.is_empty() => {
                    // `- key: value`, the rest of the mapping under it.
                    let mut first = true;
                    for (k, v) in m {
                        let child = format!("{pointer}/{}", pointer_token(k));
                        let lead = if first {
                            format!("{pad}- ")
                        } else {
                            format!("{pad}  ")
                        };
                        first = false;
                        let key = scalar(&Value::String(k.clone()), true);
                        match v {
                            Value::Object(inner) if !inner.is_empty() => {
                                self.out.push_str(&format!("{lead}{key}:\n"));
                                self.map(inner, &child, indent + 4);
                            }
                            Value::Array(inner) if !inner.is_empty() => {
                                self.out.push_str(&format!("{lead}{key}:\n"));
                                self.list(inner, &child, indent + 4);
                            }
                            other => self
                                .out
                                .push_str(&format!("{lead}{key}: {}\n", scalar(other, false))),
                        }
                    }
                }
                other => self
                    .out
                    .push_str(&format!("{pad}- {}\n", scalar(other, false))),
            }
        }
    }
}

/// A scalar as YAML: strings double-quoted (keys only when they need it), the rest as JSON.
fn scalar(v: &Value, key: bool) -> String {
    match v {
        Value::String(s) => {
            let plain = key
                && !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                && !matches!(
                    s.to_ascii_lowercase().as_str(),
                    "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
                );
            if plain {
                s.clone()
            } else {
                serde_json::to_string(s).expect("a string serialises")
            }
        }
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}
