//! What does not matter for a switch, in one place: every rule that drops or folds part of
//! an object before two objects are compared.
//!
//! A rendered object carries things that change with every chart release or every render
//! and say nothing about how the deployment behaves: the chart's name and version in labels,
//! config checksums that roll pods, the fields the API server fills in on a live object, and
//! the hash suffix a generator (kustomize's `configMapGenerator`) appends to a name. Were
//! they compared, every object of a switch would "differ", and the differences that break
//! something would drown. The rules, each with why (docs/drift.md lists them too):
//!
//! - labels [`CHART_LABELS`] (`helm.sh/chart`, `app.kubernetes.io/version`, ...): name the
//!   chart and its release, not the deployment; selectors keep every label, since a
//!   selector change is a change;
//! - annotations starting with [`DROPPED_ANNOTATION_PREFIXES`] (`checksum/`: a hash of
//!   a config whose content is compared itself; `kubectl.kubernetes.io/last-applied-...`,
//!   `meta.helm.sh/...`, `deployment.kubernetes.io/revision`: bookkeeping of a live object);
//! - [`SERVER_FIELDS`] of metadata, and `status`: filled in by the API server;
//! - a Service's allocated `clusterIP`/`clusterIPs` (but `None`, which makes it headless),
//!   and the Service fields the API server defaults ([`SERVICE_DEFAULTS`]) when they hold
//!   the default, so a `kubectl get` dump compares with a render;
//! - fields that hold what the API server would default them to ([`PROBE_DEFAULTS`],
//!   [`FIELD_DEFAULTS`], a port's `protocol: TCP`, a Service's `type: ClusterIP`,
//!   `imagePullPolicy: IfNotPresent` for a tagged image): a chart that spells the default
//!   and one that leaves it out deploy the same thing, and a `kubectl get` dump spells them
//!   all;
//! - `null`, `{}` and `[]` are the same as absent (templates render `annotations:` empty);
//! - numbers compare by value (`2` = `2.0`);
//! - a generated name's hash suffix ([`fold_name`]) on ConfigMaps and Secrets and on the
//!   references to them.

use serde_json::{Map, Value};

/// Labels that name the chart or its release rather than the deployment.
pub const CHART_LABELS: &[&str] = &[
    "helm.sh/chart",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
    "chart",
    "heritage",
];

/// Annotation prefixes that are hashes or bookkeeping.
pub const DROPPED_ANNOTATION_PREFIXES: &[&str] = &[
    "checksum/",
    "kubectl.kubernetes.io/last-applied-configuration",
    "kubectl.kubernetes.io/restartedAt",
    "meta.helm.sh/",
    "deployment.kubernetes.io/revision",
];

/// Metadata the API server fills in.
pub const SERVER_FIELDS: &[&str] = &[
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
];

/// Service fields and the value the API server defaults them to.
pub const SERVICE_DEFAULTS: &[(&str, &str)] = &[
    ("sessionAffinity", "None"),
    ("internalTrafficPolicy", "Cluster"),
    ("ipFamilyPolicy", "SingleStack"),
];

/// Probe fields and the value the API server defaults them to.
pub const PROBE_DEFAULTS: &[(&str, i64)] = &[
    ("timeoutSeconds", 1),
    ("periodSeconds", 10),
    ("successThreshold", 1),
    ("failureThreshold", 3),
];

/// Pod, container and workload fields (names found nowhere else in a manifest) and the
/// value the API server defaults them to.
pub const FIELD_DEFAULTS: &[(&str, DefaultValue)] = &[
    ("dnsPolicy", DefaultValue::Text("ClusterFirst")),
    ("restartPolicy", DefaultValue::Text("Always")),
    ("schedulerName", DefaultValue::Text("default-scheduler")),
    (
        "terminationMessagePath",
        DefaultValue::Text("/dev/termination-log"),
    ),
    ("terminationMessagePolicy", DefaultValue::Text("File")),
    ("terminationGracePeriodSeconds", DefaultValue::Number(30)),
    ("revisionHistoryLimit", DefaultValue::Number(10)),
    ("progressDeadlineSeconds", DefaultValue::Number(600)),
    ("enableServiceLinks", DefaultValue::Flag(true)),
];

/// A default value in [`FIELD_DEFAULTS`].
#[derive(Clone, Copy, Debug)]
pub enum DefaultValue {
    Text(&'static str),
    Number(i64),
    Flag(bool),
}

impl DefaultValue {
    fn is(self, v: &Value) -> bool {
        match self {
            DefaultValue::Text(s) => v.as_str() == Some(s),
            DefaultValue::Number(n) => v.as_f64() == Some(n as f64),
            DefaultValue::Flag(b) => v.as_bool() == Some(b),
        }
    }
}

/// The characters kustomize draws a name-hash suffix from (no vowels, no look-alikes).
const HASH_ALPHABET: &str = "bcdfghjklmnpqrstvwxz2456789";

/// `loki-config-7k2m9bt5hf` -> `loki-config`: a trailing `-` and 10 characters of the hash
/// alphabet, at least one a digit (so `-controller` or a plain word is kept).
pub fn fold_name(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((base, tail))
            if !base.is_empty()
                && tail.len() == 10
                && tail.chars().all(|c| HASH_ALPHABET.contains(c))
                && tail.chars().any(|c| c.is_ascii_digit()) =>
        {
            base
        }
        _ => name,
    }
}

/// Kinds whose names a generator suffixes with a content hash.
pub fn folds_name(kind: &str) -> bool {
    matches!(kind, "ConfigMap" | "Secret")
}

/// The object with every rule above applied.
pub fn normalize(kind: &str, value: &Value) -> Value {
    let mut v = value.clone();
    if let Value::Object(map) = &mut v {
        map.remove("status");
        if let Some(Value::Object(meta)) = map.get_mut("metadata") {
            for f in SERVER_FIELDS {
                meta.remove(*f);
            }
            if folds_name(kind)
                && let Some(Value::String(n)) = meta.get_mut("name")
            {
                *n = fold_name(n).to_owned();
            }
        }
        if kind == "Service"
            && let Some(Value::Object(spec)) = map.get_mut("spec")
        {
            if spec.get("clusterIP").and_then(Value::as_str) != Some("None") {
                spec.remove("clusterIP");
            }
            spec.remove("clusterIPs");
            spec.remove("ipFamilies");
            if spec.get("type").and_then(Value::as_str) == Some("ClusterIP") {
                spec.remove("type");
            }
            for (field, default) in SERVICE_DEFAULTS {
                if spec.get(*field).and_then(Value::as_str) == Some(*default) {
                    spec.remove(*field);
                }
            }
        }
    }
    clean(&mut v, None);
    v
}

/// Walks the value: drops chart labels and bookkeeping annotations under every `metadata`,
/// folds hash suffixes of references, normalizes numbers and drops empties.
fn clean(v: &mut Value, parent: Option<&str>) {
    match v {
        Value::Object(map) => {
            if parent == Some("metadata") {
                drop_metadata_noise(map);
            }
            if matches!(
                parent,
                Some(
                    "configMap" | "configMapRef" | "configMapKeyRef" | "secretRef" | "secretKeyRef"
                )
            ) && let Some(Value::String(n)) = map.get_mut("name")
            {
                *n = fold_name(n).to_owned();
            }
            if parent == Some("secret")
                && let Some(Value::String(n)) = map.get_mut("secretName")
            {
                *n = fold_name(n).to_owned();
            }
            drop_defaults(map, parent);
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                if let Some(child) = map.get_mut(&k) {
                    clean(child, Some(&k));
                    if is_empty(child) {
                        map.remove(&k);
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                clean(item, parent);
            }
            items.retain(|i| !i.is_null());
        }
        Value::Number(n) => {
            if let Some(f) = n.as_f64()
                && n.is_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *v = Value::from(f as i64);
            }
        }
        _ => {}
    }
}

/// Drops the fields of `map` (a child of `parent`) that hold the API server's default.
fn drop_defaults(map: &mut Map<String, Value>, parent: Option<&str>) {
    if matches!(
        parent,
        Some("readinessProbe" | "livenessProbe" | "startupProbe")
    ) {
        for (field, default) in PROBE_DEFAULTS {
            if map.get(*field).and_then(Value::as_f64) == Some(*default as f64) {
                map.remove(*field);
            }
        }
    }
    for (field, default) in FIELD_DEFAULTS {
        if map.get(*field).is_some_and(|v| default.is(v)) {
            map.remove(*field);
        }
    }
    if parent == Some("ports") && map.get("protocol").and_then(Value::as_str) == Some("TCP") {
        map.remove("protocol");
    }
    let tagged = |image: &str| {
        image.contains('@')
            || image
                .rsplit_once(':')
                .is_some_and(|(_, tag)| !tag.contains('/') && tag != "latest")
    };
    if matches!(parent, Some("containers" | "initContainers"))
        && map.get("imagePullPolicy").and_then(Value::as_str) == Some("IfNotPresent")
        && map.get("image").and_then(Value::as_str).is_some_and(tagged)
    {
        map.remove("imagePullPolicy");
    }
}

fn drop_metadata_noise(meta: &mut Map<String, Value>) {
    if let Some(Value::Object(labels)) = meta.get_mut("labels") {
        for l in CHART_LABELS {
            labels.remove(*l);
        }
    }
    if let Some(Value::Object(ann)) = meta.get_mut("annotations") {
        ann.retain(|k, _| !DROPPED_ANNOTATION_PREFIXES.iter().any(|p| k.starts_with(p)));
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn folds_generator_hashes_only() {
        assert_eq!(fold_name("loki-config-7k2m9bt5hf"), "loki-config");
        assert_eq!(fold_name("loki-controller"), "loki-controller");
        assert_eq!(fold_name("loki-bcdfghjklm"), "loki-bcdfghjklm");
    }

    #[test]
    fn drops_server_defaults_only_when_they_are_the_default() {
        let v = json!({"spec": {"containers": [{
            "name": "loki", "image": "grafana/loki:3.7.6", "imagePullPolicy": "IfNotPresent",
            "ports": [{"name": "http", "containerPort": 3100, "protocol": "TCP"},
                      {"name": "dns", "containerPort": 53, "protocol": "UDP"}],
            "readinessProbe": {"timeoutSeconds": 1, "periodSeconds": 30}}]}});
        let n = normalize("Pod", &v);
        assert_eq!(
            n,
            json!({"spec": {"containers": [{
                "name": "loki", "image": "grafana/loki:3.7.6",
                "ports": [{"name": "http", "containerPort": 3100},
                          {"name": "dns", "containerPort": 53, "protocol": "UDP"}],
                "readinessProbe": {"periodSeconds": 30}}]}})
        );
        let latest = json!({"spec": {"containers": [{"image": "loki:latest", "imagePullPolicy": "IfNotPresent"}]}});
        assert_eq!(normalize("Pod", &latest), latest);
    }

    #[test]
    fn drops_chart_labels_and_checksums_but_not_selectors() {
        let v = json!({
            "metadata": {"name": "a", "labels": {"helm.sh/chart": "loki-1", "app": "x"},
                          "annotations": null, "uid": "u"},
            "spec": {"selector": {"matchLabels": {"helm.sh/chart": "loki-1"}},
                     "template": {"metadata": {"annotations": {"checksum/config": "ab"}}},
                     "replicas": 2.0},
            "status": {"replicas": 1}
        });
        let n = normalize("Deployment", &v);
        assert_eq!(
            n,
            json!({"metadata": {"name": "a", "labels": {"app": "x"}},
                   "spec": {"selector": {"matchLabels": {"helm.sh/chart": "loki-1"}}, "replicas": 2}})
        );
    }
}
