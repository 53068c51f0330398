//! An object as a reader compares it: a tree keyed the way people name the parts, and the
//! field-level changes between two such trees.
//!
//! Lists whose items have a `name` are keyed by it (ports, containers, env, volumes; a
//! volume claim template by `metadata.name`; a schema period by `from`), so a reordering is
//! no change and a renamed port is one. A container's `args`/`command` become a set of
//! flags with their values (`-target=all`, `-m 1024` and `--port=11211` alike). A
//! ConfigMap's or Secret's YAML data key (the Loki config among them) is parsed and
//! compared by key path; an nginx config is compared as its routes ([`super::nginx`]).
//! Lists of scalars compare as a whole.

use std::collections::BTreeMap;

use serde_json::Value;

use super::lokiconfig::data_texts;
use super::nginx;

/// One node of the comparison tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Leaf(Value),
    /// Children by path segment as shown: `.spec`, `[http-metrics]`, `["config.yaml"]`.
    Map(BTreeMap<String, Node>),
}

/// One field that differs; `None` on the side that lacks it.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// `spec.ports[http].port`, `data["config.yaml"].limits_config.max_concurrent_tail_requests`.
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// Whether the field is one a switch's reviewer reads first (ports, selectors, replicas,
    /// args, env, probes, claim templates, configs); the others are summarized.
    pub watched: bool,
}

/// The comparison tree of a normalized object of `kind`.
pub fn tree(kind: &str, obj: &Value) -> Node {
    let mut root = to_node(obj, "");
    if matches!(kind, "ConfigMap" | "Secret")
        && let Node::Map(m) = &mut root
    {
        let mut data = BTreeMap::new();
        for (key, text) in data_texts(kind, obj) {
            data.insert(segment(&key), text_node(&key, &text, kind == "Secret"));
        }
        m.remove(".stringData");
        if data.is_empty() {
            m.remove(".data");
        } else {
            m.insert(".data".into(), Node::Map(data));
        }
    }
    root
}

/// A data key's text: YAML data parsed, nginx configs as routes, other Secret values
/// hidden behind their size.
fn text_node(key: &str, text: &str, secret: bool) -> Node {
    if (key.ends_with(".yaml") || key.ends_with(".yml"))
        && let Ok(doc) = crate::yaml::parse_located(text)
        && doc.value.is_object()
    {
        return to_node(&doc.value, "");
    }
    if nginx::looks_like_nginx(text) {
        let r = nginx::routes(text);
        let mut m = BTreeMap::new();
        m.insert(
            ".listen".into(),
            Node::Leaf(Value::from(r.listen.join(", "))),
        );
        m.insert(
            ".location".into(),
            Node::Map(
                r.locations
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            format!("[{}]", quote_segment(&k)),
                            Node::Leaf(Value::from(v)),
                        )
                    })
                    .collect(),
            ),
        );
        return Node::Map(m);
    }
    if secret {
        return Node::Leaf(Value::from(format!(
            "(secret, {} bytes, hash {:016x})",
            text.len(),
            fnv(text)
        )));
    }
    Node::Leaf(Value::from(text))
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// `.key`, or `["a.b"]` when the key is not a plain word.
fn segment(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        format!(".{key}")
    } else {
        format!("[{}]", serde_json::to_string(key).unwrap_or_default())
    }
}

/// A list key as written inside `[...]`: plain when it has no `]`, spaces kept.
fn quote_segment(k: &str) -> String {
    if k.contains([']', '[', '"']) || k.is_empty() {
        serde_json::to_string(k).unwrap_or_default()
    } else {
        k.to_owned()
    }
}

fn to_node(v: &Value, key: &str) -> Node {
    match v {
        Value::Object(map) => Node::Map(
            map.iter()
                .map(|(k, v)| (segment(k), to_node(v, k)))
                .collect(),
        ),
        Value::Array(items) => {
            if matches!(key, "args" | "command") && items.iter().all(Value::is_string) {
                return flags(items);
            }
            if let Some(keys) = item_keys(items) {
                return Node::Map(
                    keys.into_iter()
                        .zip(items)
                        .map(|(k, item)| (format!("[{}]", quote_segment(&k)), to_node(item, "")))
                        .collect(),
                );
            }
            if items.iter().all(|i| !i.is_object() && !i.is_array()) {
                return Node::Leaf(v.clone());
            }
            Node::Map(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (format!("[{i}]"), to_node(item, "")))
                    .collect(),
            )
        }
        other => Node::Leaf(other.clone()),
    }
}

/// The keys of a list's items when each item names itself (`name`, `metadata.name`,
/// `from`) and no two share one.
fn item_keys(items: &[Value]) -> Option<Vec<String>> {
    if items.is_empty() {
        return None;
    }
    for field in ["/name", "/metadata/name", "/from"] {
        let keys: Option<Vec<String>> = items
            .iter()
            .map(|i| i.pointer(field).and_then(Value::as_str).map(str::to_owned))
            .collect();
        if let Some(keys) = keys {
            let mut sorted = keys.clone();
            sorted.sort();
            sorted.dedup();
            if sorted.len() == keys.len() {
                return Some(keys);
            }
        }
    }
    None
}

/// A command line as flags: `-a=1`, `--b 2` (the next item, when it is not a flag), `-c`;
/// an item that is not a flag and follows none is positional (`[#0]`).
fn flags(items: &[Value]) -> Node {
    let words: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
    let mut out = BTreeMap::new();
    let mut positional = 0;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w.starts_with('-') && w.len() > 1 {
            let (flag, value) = match w.split_once('=') {
                Some((f, v)) => (f.to_owned(), Value::from(v)),
                None => match w.split_once(' ') {
                    Some((f, v)) => (f.to_owned(), Value::from(v.trim())),
                    None => match words.get(i + 1) {
                        Some(next) if !next.starts_with('-') => {
                            i += 1;
                            (w.to_owned(), Value::from(*next))
                        }
                        _ => (w.to_owned(), Value::Bool(true)),
                    },
                },
            };
            out.insert(format!("[{}]", quote_segment(&flag)), Node::Leaf(value));
        } else {
            out.insert(format!("[#{positional}]"), Node::Leaf(Value::from(w)));
            positional += 1;
        }
        i += 1;
    }
    Node::Map(out)
}

/// The node back as a value, for showing a subtree one side lacks.
pub fn to_value(n: &Node) -> Value {
    match n {
        Node::Leaf(v) => v.clone(),
        // A command line shows as its flags.
        Node::Map(m)
            if !m.is_empty() && m.keys().all(|k| k.starts_with("[-") || k.starts_with("[#")) =>
        {
            Value::Array(
                m.iter()
                    .map(|(k, v)| {
                        let flag = &k[1..k.len() - 1];
                        match v {
                            Node::Leaf(Value::Bool(true)) => Value::from(flag),
                            Node::Leaf(Value::String(s)) if flag.starts_with('#') => {
                                Value::from(s.as_str())
                            }
                            other => Value::from(format!(
                                "{flag}={}",
                                super::breakers::shown(&to_value(other))
                            )),
                        }
                    })
                    .collect(),
            )
        }
        // A keyed list (`[name]` children) shows as the list it was.
        Node::Map(m)
            if !m.is_empty()
                && m.keys()
                    .all(|k| k.starts_with('[') && !k.starts_with("[\"")) =>
        {
            Value::Array(m.values().map(to_value).collect())
        }
        Node::Map(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let k = k.strip_prefix('.').unwrap_or(k).to_owned();
                    (k, to_value(v))
                })
                .collect(),
        ),
    }
}

/// Every field of `a` and `b` (trees of one object kind) that differs, in path order.
pub fn changes(kind: &str, a: &Node, b: &Node) -> Vec<Change> {
    let mut out = Vec::new();
    walk(kind, a, b, String::new(), &mut out);
    out
}

fn join(path: &str, seg: &str) -> String {
    if path.is_empty() {
        seg.strip_prefix('.').unwrap_or(seg).to_owned()
    } else {
        format!("{path}{seg}")
    }
}

fn walk(kind: &str, a: &Node, b: &Node, path: String, out: &mut Vec<Change>) {
    match (a, b) {
        (Node::Map(ma), Node::Map(mb)) => {
            let mut keys: Vec<&String> = ma.keys().chain(mb.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = join(&path, k);
                match (ma.get(k), mb.get(k)) {
                    (Some(x), Some(y)) => walk(kind, x, y, p, out),
                    (x, y) => out.push(Change {
                        watched: watched(kind, &p),
                        path: p,
                        before: x.map(to_value),
                        after: y.map(to_value),
                    }),
                }
            }
        }
        (x, y) if x != y => out.push(Change {
            watched: watched(kind, &path),
            path,
            before: Some(to_value(x)),
            after: Some(to_value(y)),
        }),
        _ => {}
    }
}

/// The fields a reviewer of a switch reads first, per kind; the rest of a Service's or a
/// workload's fields (and every object's labels and annotations) are "other".
pub fn watched(kind: &str, path: &str) -> bool {
    if path == "metadata.name" {
        return false;
    }
    match kind {
        "Service" => [
            "spec.ports",
            "spec.selector",
            "spec.trafficDistribution",
            "spec.type",
            "spec.clusterIP",
        ]
        .iter()
        .any(|p| path.starts_with(p)),
        "StatefulSet" | "Deployment" | "DaemonSet" | "ReplicaSet" => {
            if [
                "spec.replicas",
                "spec.selector",
                "spec.serviceName",
                "spec.volumeClaimTemplates",
            ]
            .iter()
            .any(|p| path.starts_with(p))
            {
                return true;
            }
            let Some((_, rest)) = path.split_once("ontainers[") else {
                return false;
            };
            let Some((_, field)) = rest.split_once("].") else {
                return false;
            };
            [
                "args",
                "command",
                "env",
                "ports",
                "image",
                "readinessProbe",
                "livenessProbe",
                "startupProbe",
            ]
            .iter()
            .any(|f| {
                field
                    .strip_prefix(f)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
            })
        }
        _ => !path.starts_with("metadata."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compares_ports_by_name_and_args_as_flags() {
        let a = json!({"spec": {"ports": [{"name": "http", "port": 80}, {"name": "grpc", "port": 9095}],
                                "template": {"spec": {"containers": [{"name": "loki", "args": ["-target=all", "-m", "64", "-v"]}]}}}});
        let b = json!({"spec": {"ports": [{"name": "grpc", "port": 9095}, {"name": "http", "port": 8080}],
                                "template": {"spec": {"containers": [{"name": "loki", "args": ["-v", "-m 128", "-target=all"]}]}}}});
        let c = changes(
            "Deployment",
            &tree("Deployment", &a),
            &tree("Deployment", &b),
        );
        let paths: Vec<&str> = c.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "spec.ports[http].port",
                "spec.template.spec.containers[loki].args[-m]"
            ]
        );
        assert!(c[1].watched);
        assert_eq!(c[1].after, Some(json!("128")));
    }

    #[test]
    fn parses_config_data_by_key_path() {
        let a = json!({"data": {"config.yaml": "limits_config:\n  max_concurrent_tail_requests: 10\n"}});
        let b =
            json!({"data": {"config.yaml": "limits_config: {max_concurrent_tail_requests: 20}\n"}});
        let c = changes("ConfigMap", &tree("ConfigMap", &a), &tree("ConfigMap", &b));
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].path,
            "data[\"config.yaml\"].limits_config.max_concurrent_tail_requests"
        );
    }
}
