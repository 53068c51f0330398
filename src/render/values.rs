//! The chart's values: typed (so values.schema.json comes from the same types with schemars),
//! built from the Plan, and written as a commented values.yaml whose comments are the schema's
//! descriptions — so the two cannot drift, and every key has a comment.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::model::{CanaryKind, Resources};
use crate::plan::Plan;

/// A Service's `spec.trafficDistribution`; `None` leaves it unset (per Service: although the
/// top level sets a default).
#[derive(Clone, Copy, Debug, Serialize, JsonSchema)]
pub enum TrafficDistributionValue {
    PreferClose,
    PreferSameZone,
    PreferSameNode,
    None,
}

impl TrafficDistributionValue {
    fn from_api(v: Option<&str>) -> Option<Self> {
        match v? {
            "PreferClose" => Some(Self::PreferClose),
            "PreferSameZone" => Some(Self::PreferSameZone),
            "PreferSameNode" => Some(Self::PreferSameNode),
            "None" => Some(Self::None),
            _ => None,
        }
    }
}

/// Container images, `registry/repository:tag`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImagesValues {
    /// Loki, for every Loki component.
    #[schemars(length(min = 1))]
    pub loki: String,
    /// nginx, for the gateway.
    #[schemars(length(min = 1))]
    pub gateway: String,
    /// memcached, for the caches.
    #[schemars(length(min = 1))]
    pub memcached: String,
    /// The Prometheus memcached exporter sidecar.
    #[schemars(length(min = 1))]
    pub memcached_exporter: String,
    /// loki-canary.
    #[schemars(length(min = 1))]
    pub canary: String,
}

/// Settings rendered into Loki's config file.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LokiValues {
    /// limits_config.max_concurrent_tail_requests. Each loki-canary pod holds one tail
    /// request: keep this above the number of canary pods.
    #[schemars(range(min = 0))]
    pub max_concurrent_tail_requests: u32,
}

/// Memberlist (gossip ring).
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemberlistValues {
    /// Gossip port on every Loki pod, the memberlist Service and the join address.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
}

/// The ServiceAccount of the Loki pods.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceAccountValues {
    /// Annotations, e.g. `eks.amazonaws.com/role-arn` for object storage access.
    pub annotations: BTreeMap<String, String>,
}

/// A Loki component's listen ports.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LokiPortsValues {
    /// HTTP port: container port `http-metrics`, Service port, probes, and every address that
    /// reaches this component over HTTP.
    #[schemars(range(min = 1, max = 65535))]
    pub http: u16,
    /// gRPC port: container port `grpc`, Service port, and every gRPC address of this component.
    #[schemars(range(min = 1, max = 65535))]
    pub grpc: u16,
}

/// Container resource requests and limits.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourcesValues {
    /// Requested resources (the scheduler reserves them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<BTreeMap<String, Quantity>>,
    /// Resource limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<BTreeMap<String, Quantity>>,
}

/// A Kubernetes quantity: `250m`, `1`, `512Mi`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Quantity(pub String);

impl JsonSchema for Quantity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Quantity".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A Kubernetes quantity: 250m, 1, 512Mi.",
            "anyOf": [
                { "type": "string", "pattern": "^[+]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$" },
                { "type": "number", "minimum": 0 }
            ]
        })
    }
}

/// A volume per pod for a StatefulSet.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PersistenceValues {
    /// Size of each pod's volume.
    pub size: Quantity,
    /// StorageClass of the volumes; null uses the cluster's default.
    pub storage_class: Option<String>,
}

/// One Loki component.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComponentValues {
    /// Pod replicas.
    #[schemars(range(min = 0))]
    pub replicas: u32,
    /// Listen ports.
    pub ports: LokiPortsValues,
    /// This component's Service trafficDistribution; null uses the top-level default, `None`
    /// leaves it unset.
    pub traffic_distribution: Option<TrafficDistributionValue>,
    /// Container resources; null removes them.
    pub resources: Option<ResourcesValues>,
    /// Volumes (StatefulSets only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistence: Option<PersistenceValues>,
}

/// The nginx gateway.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayValues {
    /// Pod replicas.
    #[schemars(range(min = 0))]
    pub replicas: u32,
    /// nginx listen port and container port `http-metrics` (1024 or above: nginx runs as a
    /// non-root user).
    #[schemars(range(min = 1024, max = 65535))]
    pub port: u16,
    /// The gateway Service's port, which clients dial; it forwards to `port`.
    #[schemars(range(min = 1, max = 65535))]
    pub service_port: u16,
    /// The gateway Service's trafficDistribution; null uses the top-level default, `None`
    /// leaves it unset.
    pub traffic_distribution: Option<TrafficDistributionValue>,
    /// Container resources; null removes them.
    pub resources: Option<ResourcesValues>,
}

/// One memcached cache.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CacheValues {
    /// Pod replicas.
    #[schemars(range(min = 0))]
    pub replicas: u32,
    /// memcached's port (`-p`), container port `client`, Service port and Loki's client address.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// memcached-exporter's port, container port `http-metrics`.
    #[schemars(range(min = 1, max = 65535))]
    pub exporter_port: u16,
    /// Item memory in MiB (`-m`).
    #[schemars(range(min = 16))]
    pub memory_mb: u32,
    /// Largest item (`-I`), e.g. `5m`.
    #[schemars(regex(pattern = r"^[1-9][0-9]*[km]?$"))]
    pub max_item_size: String,
    /// Maximum simultaneous connections (`-c`).
    #[schemars(range(min = 1))]
    pub connection_limit: u32,
    /// memcached container resources; null removes them.
    pub resources: Option<ResourcesValues>,
}

/// loki-canary.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CanaryValues {
    /// Pod replicas (Deployment only; a DaemonSet runs one pod per node).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub replicas: Option<u32>,
    /// Port of the canary's metrics endpoint, container port `http-metrics`.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// Container resources; null removes them.
    pub resources: Option<ResourcesValues>,
}

fn resources(r: &Resources) -> Option<ResourcesValues> {
    let list = |l: &Option<crate::model::ResourceList>| {
        l.as_ref().map(|l| {
            let mut m = BTreeMap::new();
            if let Some(c) = &l.cpu {
                m.insert("cpu".to_owned(), Quantity(c.to_string()));
            }
            if let Some(v) = &l.memory {
                m.insert("memory".to_owned(), Quantity(v.to_string()));
            }
            m
        })
    };
    Some(ResourcesValues {
        requests: list(&r.requests),
        limits: list(&r.limits),
    })
}

fn to_value<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).expect("values always serialise")
}

/// The chart's values, in the order values.yaml lists them.
pub fn values(plan: &Plan) -> Value {
    let mut m = Map::new();
    m.insert(
        "trafficDistribution".into(),
        to_value(TrafficDistributionValue::from_api(
            plan.traffic_distribution,
        )),
    );
    m.insert(
        "images".into(),
        to_value(ImagesValues {
            loki: plan.images.loki.clone(),
            gateway: plan.images.gateway.clone(),
            memcached: plan.images.memcached.clone(),
            memcached_exporter: plan.images.memcached_exporter.clone(),
            canary: plan.images.canary.clone(),
        }),
    );
    m.insert(
        "loki".into(),
        to_value(LokiValues {
            max_concurrent_tail_requests: plan.limits.max_concurrent_tail_requests,
        }),
    );
    m.insert(
        "memberlist".into(),
        to_value(MemberlistValues {
            port: plan.memberlist.port,
        }),
    );
    m.insert(
        "serviceAccount".into(),
        to_value(ServiceAccountValues {
            annotations: BTreeMap::new(),
        }),
    );
    for c in &plan.components {
        m.insert(
            c.values_key.into(),
            to_value(ComponentValues {
                replicas: c.replicas,
                ports: LokiPortsValues {
                    http: c.http_port,
                    grpc: c.grpc_port,
                },
                traffic_distribution: TrafficDistributionValue::from_api(
                    c.traffic_distribution_override,
                ),
                resources: resources(&c.resources),
                persistence: (c.kind == crate::plan::WorkloadKind::StatefulSet).then(|| {
                    PersistenceValues {
                        size: Quantity("10Gi".into()),
                        storage_class: None,
                    }
                }),
            }),
        );
    }
    let g = &plan.gateway;
    m.insert(
        "gateway".into(),
        to_value(GatewayValues {
            replicas: g.replicas,
            port: g.port,
            service_port: g.service_port,
            traffic_distribution: TrafficDistributionValue::from_api(
                g.traffic_distribution_override,
            ),
            resources: resources(&g.resources),
        }),
    );
    for c in &plan.caches {
        m.insert(
            c.values_key.into(),
            to_value(CacheValues {
                replicas: c.replicas,
                port: c.port,
                exporter_port: c.exporter_port,
                memory_mb: c.memory_mb,
                max_item_size: c.max_item_size.clone(),
                connection_limit: c.connection_limit,
                resources: resources(&c.resources),
            }),
        );
    }
    if plan.canary.enabled {
        m.insert(
            "canary".into(),
            to_value(CanaryValues {
                replicas: (plan.canary.kind == CanaryKind::Deployment)
                    .then_some(plan.canary.replicas),
                port: plan.canary.port,
                resources: resources(&plan.canary.resources),
            }),
        );
    }
    Value::Object(m)
}

/// values.schema.json (draft-07): exactly the keys this chart's templates read.
pub fn schema(plan: &Plan, comment: &str) -> Value {
    let mut generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut props = Map::new();
    described(
        &mut props,
        "trafficDistribution",
        "Default spec.trafficDistribution of every ClusterIP Service; null leaves it unset.".into(),
        generator.subschema_for::<Option<TrafficDistributionValue>>(),
    );
    described(
        &mut props,
        "images",
        "Container images.".into(),
        generator.subschema_for::<ImagesValues>(),
    );
    described(
        &mut props,
        "loki",
        "Settings rendered into Loki's config file.".into(),
        generator.subschema_for::<LokiValues>(),
    );
    described(
        &mut props,
        "memberlist",
        "Memberlist (gossip ring).".into(),
        generator.subschema_for::<MemberlistValues>(),
    );
    described(
        &mut props,
        "serviceAccount",
        "The ServiceAccount of the Loki pods.".into(),
        generator.subschema_for::<ServiceAccountValues>(),
    );
    let component = generator.subschema_for::<ComponentValues>().to_value();
    let persistence = generator.subschema_for::<PersistenceValues>().to_value();
    for c in &plan.components {
        // StatefulSets read `persistence` (their volume claim); Deployments have none.
        let volumes = if c.kind == crate::plan::WorkloadKind::StatefulSet {
            json!({ "required": ["persistence"], "properties": { "persistence": persistence } })
        } else {
            json!({ "not": { "required": ["persistence"] } })
        };
        props.insert(
            c.values_key.to_owned(),
            json!({
                "description": format!("The {} ({}).", c.name, c.kind),
                "allOf": [component, volumes],
            }),
        );
    }
    described(
        &mut props,
        "gateway",
        "The nginx gateway.".into(),
        generator.subschema_for::<GatewayValues>(),
    );
    for c in &plan.caches {
        described(
            &mut props,
            c.values_key,
            format!("The {} (memcached).", c.name),
            generator.subschema_for::<CacheValues>(),
        );
    }
    if plan.canary.enabled {
        described(
            &mut props,
            "canary",
            "loki-canary.".into(),
            generator.subschema_for::<CanaryValues>(),
        );
    }
    // trafficDistribution may be null ("unset"), and Helm drops null keys before it checks
    // the schema: requiring it would refuse the chart's own values.
    let required: Vec<Value> = props
        .keys()
        .filter(|k| *k != "trafficDistribution")
        .cloned()
        .map(Value::String)
        .collect();
    let mut definitions = generator.take_definitions(true);
    // Only the trafficDistribution values this cluster's API accepts.
    if let Some(Value::Array(values)) = definitions
        .get_mut("TrafficDistributionValue")
        .and_then(|d| d.get_mut("enum"))
    {
        values.retain(|v| {
            v == "None"
                || v.as_str()
                    .and_then(crate::model::TrafficDistribution::from_api)
                    .and_then(|td| td.min_kube())
                    .is_some_and(|min| plan.kube_version >= min)
        });
    }
    props.insert(
        "global".into(),
        json!({ "description": "Values a parent chart shares with its subcharts.", "type": "object" }),
    );
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$comment": comment,
        "title": format!("Values of the {} chart", plan.release),
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": props,
        "definitions": definitions,
    })
}

/// Adds a property with a description (draft-07 ignores keywords beside `$ref`, so a
/// referenced schema is wrapped in `allOf`).
fn described(
    props: &mut Map<String, Value>,
    key: &str,
    description: String,
    schema: schemars::Schema,
) {
    let mut s = schema.to_value();
    let obj = s.as_object_mut().expect("subschemas are objects");
    if obj.contains_key("$ref") {
        s = json!({ "description": description, "allOf": [s] });
    } else {
        obj.insert("description".into(), Value::String(description));
    }
    props.insert(key.to_owned(), s);
}

/// values.yaml: every key preceded by its description from `schema`, strings always quoted.
pub fn to_yaml(values: &Value, schema: &Value) -> String {
    let mut out = String::new();
    emit_map(
        values.as_object().expect("values are a mapping"),
        schema,
        schema,
        0,
        &mut out,
    );
    out
}

fn emit_map(
    map: &Map<String, Value>,
    schema: &Value,
    root: &Value,
    indent: usize,
    out: &mut String,
) {
    let pad = " ".repeat(indent);
    for (i, (key, value)) in map.iter().enumerate() {
        let sub = property_schema(schema, key, root);
        if indent == 0 && i > 0 {
            out.push('\n');
        }
        if let Some(d) = sub
            .as_ref()
            .and_then(|s| description(s, root))
            .or_else(|| fallback_description(key))
        {
            for (n, line) in wrap(&d, 96 - indent).iter().enumerate() {
                let mark = if n == 0 { "# -- " } else { "# " };
                out.push_str(&format!("{pad}{mark}{line}\n"));
            }
        }
        let key_text = scalar(&Value::String(key.clone()), true);
        match value {
            Value::Object(child) if !child.is_empty() => {
                out.push_str(&format!("{pad}{key_text}:\n"));
                let child_schema = sub.map(|s| resolve(&s, root)).unwrap_or(Value::Null);
                emit_map(child, &child_schema, root, indent + 2, out);
            }
            Value::Object(_) => out.push_str(&format!("{pad}{key_text}: {{}}\n")),
            other => out.push_str(&format!("{pad}{key_text}: {}\n", scalar(other, false))),
        }
    }
}

/// A scalar as YAML. Strings are JSON-quoted (valid YAML, and nothing in them can become YAML
/// structure); keys stay plain when they are plain identifiers.
fn scalar(v: &Value, key: bool) -> String {
    match v {
        Value::String(s)
            if key && !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            s.clone()
        }
        other => serde_json::to_string(other).expect("scalars serialise"),
    }
}

fn resolve(schema: &Value, root: &Value) -> Value {
    let mut s = schema.clone();
    for _ in 0..8 {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/definitions/");
            s = root["definitions"][name].clone();
        } else if let Some(inner) = s.get("allOf").and_then(|a| a.get(0)) {
            s = inner.clone();
        } else if let Some(alts) = s.get("anyOf").and_then(Value::as_array) {
            match alts.iter().find(|a| a.get("type") != Some(&json!("null"))) {
                Some(a) => s = a.clone(),
                None => break,
            }
        } else {
            break;
        }
    }
    s
}

fn property_schema(schema: &Value, key: &str, root: &Value) -> Option<Value> {
    let resolved = resolve(schema, root);
    resolved["properties"]
        .get(key)
        .cloned()
        .or_else(|| match &resolved["additionalProperties"] {
            Value::Object(_) => Some(resolved["additionalProperties"].clone()),
            _ => None,
        })
}

fn description(schema: &Value, root: &Value) -> Option<String> {
    if let Some(d) = schema.get("description").and_then(Value::as_str) {
        return Some(d.to_owned());
    }
    resolve(schema, root)
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn fallback_description(key: &str) -> Option<String> {
    match key {
        "cpu" => Some("CPU, in cores (`1`) or millicores (`250m`).".into()),
        "memory" => Some("Memory, e.g. `512Mi`, `2Gi`.".into()),
        _ => None,
    }
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}
