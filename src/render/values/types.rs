//! The chart's values as types: each field's doc comment is its description in
//! values.schema.json and its comment in values.yaml, and its `#[schemars]` bounds are the
//! schema's.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

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
    /// The value of a Kubernetes `trafficDistribution` string (`None` for no value or an
    /// unknown one).
    pub(super) fn from_api(v: Option<&str>) -> Option<Self> {
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
