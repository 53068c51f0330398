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
    /// Annotations: the cloud identity of `storage.identity` in the model
    /// (`eks.amazonaws.com/role-arn`, ...).
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

/// A workload's pod settings, as Kubernetes spells them. Ports, selector labels and the
/// flags, env vars and volumes the chart sets are not among them: an extra arg that sets
/// one fails the install.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodValues {
    /// Node labels the pods must run on.
    pub node_selector: BTreeMap<String, String>,
    /// Tolerations of the pods.
    pub tolerations: Vec<crate::model::pod::Toleration>,
    /// Affinity of the pods (zone-aware ingesters: pod affinity and preferred node affinity;
    /// each zone's required node affinity is the chart's).
    pub affinity: Option<crate::model::pod::Affinity>,
    /// Topology spread constraints; without a labelSelector a constraint counts this
    /// workload's own pods.
    pub topology_spread_constraints: Vec<crate::model::pod::TopologySpreadConstraint>,
    /// The pods' PriorityClass; null for none.
    pub priority_class_name: Option<String>,
    /// The pod securityContext (non-root).
    pub pod_security_context: crate::model::pod::PodSecurityContext,
    /// The main container's securityContext.
    pub security_context: crate::model::pod::SecurityContext,
    /// Flags appended to the main container's args.
    pub extra_args: Vec<String>,
    /// Environment variables of the main container.
    pub extra_env: Vec<crate::model::pod::EnvVar>,
    /// Volumes added to the pod.
    pub extra_volumes: Vec<crate::model::pod::Volume>,
    /// Mounts of extraVolumes in the main container.
    pub extra_volume_mounts: Vec<crate::model::pod::VolumeMount>,
    /// Annotations of the pods.
    pub pod_annotations: BTreeMap<String, String>,
    /// Labels of the pods, besides the chart's own.
    pub pod_labels: BTreeMap<String, String>,
    /// Secrets for pulling the images.
    pub image_pull_secrets: Vec<crate::model::pod::LocalObjectReference>,
}

/// The HorizontalPodAutoscaler (autoscaling/v2) the model asked for: it owns the replica
/// count, so the workload has no `replicas`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutoscalingValues {
    /// Fewest replicas.
    #[schemars(range(min = 1))]
    pub min_replicas: u32,
    /// Most replicas.
    #[schemars(range(min = 1))]
    pub max_replicas: u32,
    /// Target average CPU utilisation, percent of the requests; null for none.
    #[serde(rename = "targetCPUUtilizationPercentage")]
    #[schemars(range(min = 1))]
    pub target_cpu: Option<u32>,
    /// Target average memory utilisation, percent of the requests; null for none.
    #[serde(rename = "targetMemoryUtilizationPercentage")]
    #[schemars(range(min = 1))]
    pub target_memory: Option<u32>,
}

/// The PodDisruptionBudget (policy/v1) of a workload with more than one replica
/// (zone-aware ingesters: one per zone).
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisruptionBudgetValues {
    /// Pods that may be evicted at once (at least 1: 0 blocks every drain).
    #[schemars(range(min = 1))]
    pub max_unavailable: u32,
}

/// prometheus-operator ServiceMonitors.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MonitoringValues {
    /// One ServiceMonitor per Loki component and cache exporter (needs the
    /// monitoring.coreos.com/v1 CRDs).
    pub service_monitor: ServiceMonitorValues,
}

/// The ServiceMonitors' settings.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceMonitorValues {
    /// Create the ServiceMonitors.
    pub enabled: bool,
    /// Scrape interval (`30s`); null for Prometheus' default.
    #[schemars(regex(
        pattern = r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"
    ))]
    pub interval: Option<String>,
    /// Scrape timeout; null for Prometheus' default.
    #[schemars(regex(
        pattern = r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"
    ))]
    pub scrape_timeout: Option<String>,
    /// Labels of the ServiceMonitors (the ones a Prometheus selects).
    pub labels: BTreeMap<String, String>,
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
    /// The HorizontalPodAutoscaler (when the model has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<AutoscalingValues>,
    /// The PodDisruptionBudget.
    pub pod_disruption_budget: DisruptionBudgetValues,
    #[serde(flatten)]
    pub pod: PodValues,
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
    /// The HorizontalPodAutoscaler (when the model has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<AutoscalingValues>,
    /// The PodDisruptionBudget.
    pub pod_disruption_budget: DisruptionBudgetValues,
    #[serde(flatten)]
    pub pod: PodValues,
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
    /// The PodDisruptionBudget.
    pub pod_disruption_budget: DisruptionBudgetValues,
    #[serde(flatten)]
    pub pod: PodValues,
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
    #[serde(flatten)]
    pub pod: PodValues,
}
