//! Reading a rendered manifest stream into objects.
//!
//! The inputs people have at hand when they ask "what does this switch change": `helm
//! template` output (a YAML stream, `---` between documents, `# Source:` comments), `kubectl
//! get -o yaml` of a namespace (one `kind: List` document, or `*List` kinds such as
//! `ServiceList`, whose `items` are the objects), and an Argo CD manifests dump (a JSON array
//! of objects, a YAML stream, or the API's `{"manifests": ["<json>", ...]}`). Each document
//! is parsed on its own, so an error names the line of the whole stream, and every bad
//! document of a file is reported in one run.

use serde_json::Value;

use super::object::{Defaults, Key, Object, Origin, cluster_scoped, group_of};
use crate::diag::{Diagnostic, Failure, Location};
use crate::yaml::{parse_located, yaml_error};

/// One document's text and the line of the stream it starts on.
struct Chunk<'a> {
    text: &'a str,
    first_line: u32,
}

/// Splits a YAML stream at its `---` (and `...`) lines.
fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut first_line = 1u32;
    let mut pos = 0usize;
    for (line_no, line) in (1u32..).zip(text.split_inclusive('\n')) {
        let bare = line.trim_end_matches(['\n', '\r']);
        let is_marker =
            bare == "---" || bare.starts_with("--- ") || bare.starts_with("---\t") || bare == "...";
        if is_marker {
            out.push(Chunk {
                text: &text[start..pos],
                first_line,
            });
            // `--- {a: 1}`: content on the marker line belongs to the next document.
            let rest = bare.strip_prefix("---").unwrap_or("").trim_start();
            if bare != "..." && !rest.is_empty() && !rest.starts_with('#') {
                start = pos + (line.len() - line.trim_start_matches('-').len());
                first_line = line_no;
            } else {
                start = pos + line.len();
                first_line = line_no + 1;
            }
        }
        pos += line.len();
    }
    out.push(Chunk {
        text: &text[start..],
        first_line,
    });
    out
}

/// Whether a document holds nothing but blank lines and comments (Helm renders those for
/// templates whose `if` was false).
fn is_empty_document(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

/// Reads every object of a stream named `file`. Errors: every document that is not YAML
/// (or JSON), every object without `apiVersion`, `kind` or `metadata.name`, and an object
/// given twice, each at its `file:line:col`.
pub fn read_stream(file: &str, text: &str, defaults: &Defaults) -> Result<Vec<Object>, Failure> {
    let mut raw: Vec<(Value, Location)> = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        read_json(file, text, &mut raw, &mut errors);
    } else {
        for chunk in split_documents(text) {
            if is_empty_document(chunk.text) {
                continue;
            }
            let offset = chunk.first_line - 1;
            match parse_located(chunk.text) {
                Ok(mut doc) => {
                    let value = std::mem::take(&mut doc.value);
                    let at = doc.value_location("");
                    let at = Location::new(at.line + offset, at.column);
                    push_items(file, value, at, &mut raw, &mut errors, &|i| {
                        let l = doc.value_location(&format!("/items/{i}"));
                        Location::new(l.line + offset, l.column)
                    });
                }
                Err(e) => {
                    let mut d = yaml_error(file, chunk.text, &e);
                    d.line += offset;
                    errors.push(d);
                }
            }
        }
    }
    let mut objects: Vec<Object> = Vec::new();
    for (value, at) in raw {
        match keyed(file, value, at, defaults) {
            Ok(o) => {
                if let Some(first) = objects.iter().find(|p| p.key == o.key) {
                    errors.push(
                        Diagnostic::error(
                            file,
                            at,
                            format!("{} is given twice in this stream", o.key.shown()),
                        )
                        .with_related(
                            file,
                            Location::new(first.origin.line, 1),
                            "first given here",
                        )
                        .with_hint(
                            "a stream holds each object once; is it two renders concatenated?",
                        ),
                    );
                } else {
                    objects.push(o);
                }
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(objects)
    } else {
        errors.sort_by_key(|d| (d.line, d.column));
        Err(Failure::new(errors, Some(text.to_owned())))
    }
}

/// A JSON document: an array of objects, a `List`, one object, or Argo CD's
/// `{"manifests": [...]}` whose items are objects or JSON text of objects.
fn read_json(
    file: &str,
    text: &str,
    raw: &mut Vec<(Value, Location)>,
    errors: &mut Vec<Diagnostic>,
) {
    let value: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
        Ok(v) => v,
        Err(e) => {
            errors.push(Diagnostic::error(
                file,
                Location::new(e.line() as u32, e.column() as u32),
                format!("not valid JSON: {}", strip_json_position(&e.to_string())),
            ));
            return;
        }
    };
    // JSON gives no positions per item; the document's first line stands for all.
    let at = Location::new(1, 1);
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut map) if map.get("manifests").is_some_and(Value::is_array) => {
            match map.remove("manifests") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            }
        }
        other => vec![other],
    };
    for (i, item) in items.into_iter().enumerate() {
        let item = match item {
            Value::String(s) => match serde_json::from_str::<Value>(&s) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(Diagnostic::error(
                        file,
                        at,
                        format!(
                            "manifests[{i}] is not JSON text of an object: {}",
                            strip_json_position(&e.to_string())
                        ),
                    ));
                    continue;
                }
            },
            v => v,
        };
        push_items(file, item, at, raw, errors, &|_| at);
    }
}

fn strip_json_position(s: &str) -> String {
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

/// An object, or the items of a `List` / `*List` (nested lists included).
fn push_items(
    file: &str,
    value: Value,
    at: Location,
    raw: &mut Vec<(Value, Location)>,
    errors: &mut Vec<Diagnostic>,
    item_at: &dyn Fn(usize) -> Location,
) {
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k == "List" || k.ends_with("List"))
        && value.get("items").is_some();
    if !is_list {
        if !value.is_null() {
            raw.push((value, at));
        }
        return;
    }
    let Value::Object(mut map) = value else {
        return;
    };
    match map.remove("items") {
        Some(Value::Array(items)) => {
            for (i, item) in items.into_iter().enumerate() {
                let item_loc = item_at(i);
                push_items(file, item, item_loc, raw, errors, &|_| item_loc);
            }
        }
        Some(Value::Null) => {}
        Some(_) => errors.push(Diagnostic::error(
            file,
            at,
            "a List whose `items` is not a sequence",
        )),
        None => {}
    }
}

/// The object's key, or why it has none.
/// A namespaced object without `metadata.namespace` gets the default one written in, as
/// the API server would hold it, so that it compares equal to the same object that says it.
fn keyed(
    file: &str,
    mut value: Value,
    at: Location,
    defaults: &Defaults,
) -> Result<Object, Diagnostic> {
    if !value.is_object() {
        return Err(Diagnostic::error(
            file,
            at,
            "expected a Kubernetes object (a mapping with apiVersion, kind and metadata)",
        ));
    }
    let text = |p: &str| value.pointer(p).and_then(Value::as_str).map(str::to_owned);
    let missing = |what: &str| {
        Diagnostic::error(file, at, format!("a Kubernetes object without `{what}`")).with_hint(
            "every manifest names apiVersion, kind and metadata.name; is this a values file?",
        )
    };
    let api_version = text("/apiVersion").ok_or_else(|| missing("apiVersion"))?;
    let kind = text("/kind").ok_or_else(|| missing("kind"))?;
    let name = text("/metadata/name").ok_or_else(|| missing("metadata.name"))?;
    let namespace = if cluster_scoped(&kind) {
        String::new()
    } else {
        text("/metadata/namespace").unwrap_or_else(|| defaults.namespace.clone())
    };
    if !namespace.is_empty()
        && let Some(Value::Object(meta)) = value.get_mut("metadata")
    {
        meta.insert("namespace".into(), Value::from(namespace.as_str()));
    }
    Ok(Object {
        key: Key {
            group: group_of(&api_version).to_owned(),
            kind,
            namespace,
            name,
        },
        value,
        origin: Origin {
            file: file.to_owned(),
            line: at.line,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Defaults {
        Defaults {
            namespace: "default".into(),
        }
    }

    #[test]
    fn reads_helm_streams_with_positions() {
        let text = "---\n# Source: a.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n# Source: empty.yaml\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n  namespace: x\n";
        let objs = read_stream("s.yaml", text, &defaults()).unwrap();
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[0].key.shown(), "Service default/a");
        assert_eq!(objs[0].origin.line, 3);
        assert_eq!(objs[1].key.group, "apps");
        assert_eq!(objs[1].key.namespace, "x");
        assert_eq!(objs[1].origin.line, 10);
    }

    #[test]
    fn unpacks_lists_and_json() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n  metadata: {name: r, namespace: ignored}\n";
        let objs = read_stream("l.yaml", text, &defaults()).unwrap();
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[0].origin.line, 4);
        assert_eq!(objs[1].key.shown(), "ClusterRole r");
        let json = r#"{"manifests": ["{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"}}"]}"#;
        assert_eq!(read_stream("j", json, &defaults()).unwrap().len(), 1);
    }

    #[test]
    fn locates_errors_in_the_whole_stream() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: [oops\n---\nkind: Service\n";
        let f = read_stream("s.yaml", text, &defaults()).unwrap_err();
        assert_eq!(f.diagnostics.len(), 2, "{f}");
        assert!(f.diagnostics[0].line >= 7, "{f}");
        assert_eq!(f.diagnostics[1].line, 9);
        assert!(f.diagnostics[1].message.contains("apiVersion"));
    }
}
