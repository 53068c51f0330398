use schemars::{JsonSchema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::pod::pod_settings;
use super::scalars::*;
use super::{Clients, KubeVersion, Mode, SchemaPeriod, Stage, Storage};

/// One Loki deployment: the whole of `portplan.yaml`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "portplan model")]
pub struct Model {
    /// Helm release name; every Service is named `<release>-<component>`. A DNS-1035 label.
    pub release: ReleaseName,
    /// Namespace the chart is installed into. A DNS-1035 label.
    pub namespace: DnsLabel,
    /// Cluster DNS domain used in fully qualified Service names. Default `cluster.local`.
    #[serde(default)]
    pub cluster_domain: Option<ClusterDomain>,
    /// Lowest Kubernetes version the deployment must run on. Default `"1.31"`.
    #[serde(default)]
    pub kube_version: Option<KubeVersion>,
    /// Deployment mode: `monolithic` (alias `SingleBinary`), `simple-scalable` or `distributed`;
    /// the community chart's transitional `SingleBinary<->SimpleScalable` and
    /// `SimpleScalable<->Distributed` name a mode and its `transition`.
    pub mode: Stage,
    /// The mode this deployment is moving to: its workloads run beside `mode`'s and join the
    /// same ring, while the gateway and the clients stay with `mode`. A neighbour of `mode`
    /// only (monolithic <-> simple-scalable <-> distributed). Once they are ready, set `mode`
    /// to it and remove `transition`.
    #[serde(default)]
    pub transition: Option<Mode>,
    /// Port strategy. Default: `shared` (upstream's 3100/9095 for every component).
    #[serde(default)]
    pub ports: Option<PortLayout>,
    /// Loki's `auth_enabled`: multi-tenancy. Every client then sends a tenant
    /// (`X-Scope-OrgID`). Default `false` (everything is stored as tenant `fake`).
    #[serde(default)]
    pub auth_enabled: Option<bool>,
    /// Default `trafficDistribution` of every ClusterIP Service. Default `PreferClose`.
    #[serde(default)]
    pub traffic_distribution: Option<TrafficDistribution>,
    /// Per-component settings, keyed by component name (`distributor`, `read`, `single-binary`, ...).
    #[serde(default)]
    pub components: BTreeMap<String, ComponentSettings>,
    /// The nginx gateway in front of every mode.
    #[serde(default)]
    pub gateway: Option<GatewaySettings>,
    /// The memcached caches.
    #[serde(default)]
    pub caches: Option<Caches>,
    /// Memberlist (gossip ring) settings shared by all Loki pods.
    #[serde(default)]
    pub memberlist: Option<MemberlistSettings>,
    /// Loki `limits_config` settings, with Loki's own key names.
    #[serde(default)]
    pub limits: Option<Limits>,
    /// Per-tenant `limits_config` overrides (tenant ID -> limits, as in `limits`), written to
    /// Loki's runtime config file in a ConfigMap of its own, which Loki watches.
    #[serde(default)]
    #[schemars(extend("propertyNames" = tenants()))]
    pub overrides: BTreeMap<Tenant, Limits>,
    /// Loki settings beyond the typed keys.
    #[serde(default)]
    pub loki: Option<LokiSettings>,
    /// loki-canary, which writes and tails logs to prove the write and read paths work.
    #[serde(default)]
    pub canary: Option<CanarySettings>,
    /// Loki schema periods, oldest first. Default: one tsdb/v13 period from 2024-04-01.
    #[serde(default)]
    pub schema_config: Option<Vec<SchemaPeriod>>,
    /// Whether Loki accepts structured metadata (`limits_config.allow_structured_metadata`).
    /// Default `true`; needs a tsdb v13 schema period.
    #[serde(default)]
    pub structured_metadata: Option<bool>,
    /// Where Loki keeps chunks and indexes. Default (monolithic only): filesystem.
    #[serde(default)]
    pub storage: Option<Storage>,
    /// Clients outside the chart whose configs portplan generates.
    #[serde(default)]
    pub clients: Option<Clients>,
    /// Network zones (name -> CIDRs), exported with the port map for flow-log analysis.
    #[serde(default)]
    #[schemars(extend("propertyNames" = zone_names()))]
    pub zones: BTreeMap<ZoneName, Vec<Cidr>>,
    /// Availability-zone IDs (a flow log's `az-id`) -> zone names of `zones`: the zone of
    /// the capturing interface when an address is in none of the CIDRs (`portplan flows`).
    #[serde(default)]
    #[schemars(extend("propertyNames" = az_ids()))]
    pub zone_ids: BTreeMap<AzId, ZoneName>,
    /// `portplan flows` settings: the address ranges of clients outside the chart.
    #[serde(default)]
    pub flows: Option<FlowsSettings>,
    /// Container images. Defaults pin versions known to work together.
    #[serde(default)]
    pub images: Option<Images>,
    /// Prometheus monitoring: ServiceMonitors for every component and cache exporter.
    #[serde(default)]
    pub monitoring: Option<Monitoring>,
}

/// `portplan flows` settings.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowsSettings {
    /// Clients named by their addresses (Alloy agents, Grafana, a CI runner subnet): a flow
    /// whose client side is on no Loki port but in one of these CIDRs is an edge from that
    /// client (the longest prefix wins), not from `other`.
    #[serde(default)]
    pub clients: Vec<FlowClient>,
}

/// One client address range of `flows.clients`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowClient {
    /// The client's name in the report: a DNS-1035 label, neither a Loki component's name
    /// nor `other`.
    pub name: DnsLabel,
    /// Its addresses: pod, node-group or subnet CIDRs, IPv4 or IPv6.
    pub cidrs: Vec<Cidr>,
}

/// The schema of an availability-zone ID, for the `zoneIds` mapping's keys.
fn az_ids() -> serde_json::Value {
    let mut g = SchemaGenerator::default();
    serde_json::to_value(AzId::json_schema(&mut g)).unwrap_or_default()
}

/// The schema of a tenant ID, for the `overrides` mapping's keys.
fn tenants() -> serde_json::Value {
    let mut g = SchemaGenerator::default();
    serde_json::to_value(Tenant::json_schema(&mut g)).unwrap_or_default()
}

/// Loki settings beyond the typed keys.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LokiSettings {
    /// Loki configuration, with Loki's own key names, merged deeply into the generated config.
    /// Keys the Plan owns (ports, addresses, rings, storage, schema, limits) are refused with
    /// the model key to use; unknown keys are refused against Loki's configuration reference.
    #[serde(default)]
    pub config: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The schema of a zone's name, for the `zones` mapping's keys.
fn zone_names() -> serde_json::Value {
    let mut g = SchemaGenerator::default();
    serde_json::to_value(ZoneName::json_schema(&mut g)).unwrap_or_default()
}

/// How ports are assigned to components.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PortLayout {
    /// `shared`: every component on the same HTTP/gRPC ports (upstream's 3100/9095).
    /// `per-component`: HTTP and gRPC base + the component's slot, so a port names its component.
    #[serde(default)]
    pub strategy: Option<PortStrategy>,
    /// `shared` only: the HTTP port of every component. Default 3100.
    #[serde(default)]
    pub http: Option<Port>,
    /// `shared` only: the gRPC port of every component. Default 9095.
    #[serde(default)]
    pub grpc: Option<Port>,
    /// `per-component` only: HTTP port = httpBase + slot. Default 4100.
    #[serde(default)]
    pub http_base: Option<Port>,
    /// `per-component` only: gRPC port = grpcBase + slot. Default 4200.
    #[serde(default)]
    pub grpc_base: Option<Port>,
}

/// Port strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PortStrategy {
    Shared,
    PerComponent,
}

/// A Service's `spec.trafficDistribution`, or `None` to leave it unset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TrafficDistribution {
    /// Prefer endpoints in the client's zone (Kubernetes >= 1.30).
    PreferClose,
    /// Prefer endpoints in the same zone (Kubernetes >= 1.34).
    PreferSameZone,
    /// Prefer endpoints on the same node (Kubernetes >= 1.34).
    PreferSameNode,
    /// Leave `trafficDistribution` unset.
    None,
}

impl TrafficDistribution {
    /// Every value, in the order the schema lists them.
    pub const ALL: [TrafficDistribution; 4] = [
        TrafficDistribution::PreferClose,
        TrafficDistribution::PreferSameZone,
        TrafficDistribution::PreferSameNode,
        TrafficDistribution::None,
    ];

    /// The Kubernetes value, or `None` when the field is left unset.
    pub fn api_value(self) -> Option<&'static str> {
        match self {
            TrafficDistribution::PreferClose => Some("PreferClose"),
            TrafficDistribution::PreferSameZone => Some("PreferSameZone"),
            TrafficDistribution::PreferSameNode => Some("PreferSameNode"),
            TrafficDistribution::None => None,
        }
    }

    /// The value of a Kubernetes `trafficDistribution` string.
    pub fn from_api(s: &str) -> Option<Self> {
        match s {
            "PreferClose" => Some(TrafficDistribution::PreferClose),
            "PreferSameZone" => Some(TrafficDistribution::PreferSameZone),
            "PreferSameNode" => Some(TrafficDistribution::PreferSameNode),
            _ => None,
        }
    }

    /// The first Kubernetes minor version whose API accepts this value.
    pub fn min_kube(self) -> Option<KubeVersion> {
        match self {
            TrafficDistribution::PreferClose => Some(KubeVersion::new(1, 30)),
            TrafficDistribution::PreferSameZone | TrafficDistribution::PreferSameNode => {
                Some(KubeVersion::new(1, 34))
            }
            TrafficDistribution::None => None,
        }
    }
}

pod_settings! {
/// Settings of one Loki component.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ComponentSettings {
    /// Run this component. Only optional ones (query-scheduler, index-gateway, compactor, ruler) may be off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// `per-component` strategy: the slot added to the HTTP and gRPC bases.
    #[serde(default)]
    pub slot: Option<Slot>,
    /// Explicit HTTP port (overrides the strategy).
    #[serde(default)]
    pub http: Option<Port>,
    /// Explicit gRPC port (overrides the strategy).
    #[serde(default)]
    pub grpc: Option<Port>,
    /// Pod replicas (with `zoneAware`, across all zones).
    #[serde(default)]
    pub replicas: Option<Replicas>,
    /// Resource requests and limits.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// This component's Service `trafficDistribution`, overriding the default.
    #[serde(default)]
    pub traffic_distribution: Option<TrafficDistribution>,
    /// StatefulSets only: each pod's volume.
    #[serde(default)]
    pub persistence: Option<Persistence>,
    /// A HorizontalPodAutoscaler (distributor, querier, query-frontend, read): it owns the
    /// replica count, so `replicas` is not given with it.
    #[serde(default)]
    pub autoscaling: Option<Autoscaling>,
    /// The PodDisruptionBudget of a multi-replica component.
    #[serde(default)]
    pub pod_disruption_budget: Option<DisruptionBudget>,
    /// Ingester only: one StatefulSet per zone of `zones` (`ingester-zone-<x>`), Loki's
    /// zone-aware replication, node affinity to the zone.
    #[serde(default)]
    pub zone_aware: Option<bool>,
}
}

/// Each pod's PersistentVolumeClaim.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Persistence {
    /// The volume size, e.g. `50Gi`. Default `10Gi`.
    #[serde(default)]
    pub size: Option<MemoryQuantity>,
    /// The StorageClass; default: the cluster's default class.
    #[serde(default)]
    pub storage_class: Option<ObjectName>,
}

/// A HorizontalPodAutoscaler (`autoscaling/v2`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Autoscaling {
    /// Fewest replicas (at least 1).
    pub min_replicas: Replicas,
    /// Most replicas (at least `minReplicas`).
    pub max_replicas: Replicas,
    /// Target average CPU utilisation, percent of the requests.
    #[serde(default, rename = "targetCPUUtilizationPercentage")]
    pub target_cpu: Option<Percent>,
    /// Target average memory utilisation, percent of the requests.
    #[serde(default, rename = "targetMemoryUtilizationPercentage")]
    pub target_memory: Option<Percent>,
}

/// A PodDisruptionBudget (`policy/v1`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DisruptionBudget {
    /// Pods that may be evicted at once. Default 1. At least 1: 0 would block every drain.
    #[serde(default)]
    pub max_unavailable: Option<MaxUnavailable>,
}

/// Prometheus monitoring.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Monitoring {
    /// prometheus-operator ServiceMonitors (`monitoring.coreos.com/v1`).
    #[serde(default)]
    pub service_monitor: Option<ServiceMonitorSettings>,
}

/// The ServiceMonitors.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceMonitorSettings {
    /// Generate them. Default `true` when `serviceMonitor` is given.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Scrape interval, e.g. `30s`. Default: Prometheus' own.
    #[serde(default)]
    pub interval: Option<Duration>,
    /// Scrape timeout, below `interval`.
    #[serde(default)]
    pub scrape_timeout: Option<Duration>,
    /// Labels of the ServiceMonitors, e.g. the `release` a Prometheus selects.
    #[serde(default)]
    pub labels: BTreeMap<LabelKey, LabelValue>,
}

/// Kubernetes resource requests and limits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<ResourceList>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<ResourceList>,
}

/// CPU and memory quantities, in Kubernetes notation (`250m`, `1Gi`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceList {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuQuantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryQuantity>,
}

pod_settings! {
/// The nginx gateway.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GatewaySettings {
    /// HTTP port nginx listens on in its container (1024 or above: nginx runs as a non-root
    /// user). Default 8080 (`shared`) or 4080 (`per-component`).
    #[serde(default)]
    pub port: Option<Port>,
    /// Port of the gateway's Service, which clients dial; it forwards to `port`. Default:
    /// `port`. May be below 1024 (the community chart's gateway Service listens on 80).
    #[serde(default)]
    pub service_port: Option<Port>,
    #[serde(default)]
    pub replicas: Option<Replicas>,
    #[serde(default)]
    pub resources: Option<Resources>,
    #[serde(default)]
    pub traffic_distribution: Option<TrafficDistribution>,
    /// A HorizontalPodAutoscaler; `replicas` is not given with it.
    #[serde(default)]
    pub autoscaling: Option<Autoscaling>,
    /// The PodDisruptionBudget (with more than one replica).
    #[serde(default)]
    pub pod_disruption_budget: Option<DisruptionBudget>,
}
}

/// The two memcached caches.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Caches {
    /// The chunks cache.
    #[serde(default)]
    pub chunks: Option<CacheSettings>,
    /// The query results cache.
    #[serde(default)]
    pub results: Option<CacheSettings>,
}

pod_settings! {
/// One memcached cache.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CacheSettings {
    #[serde(default)]
    pub enabled: Option<bool>,
    /// memcached's listen port (`-p`), container port and Service port.
    #[serde(default)]
    pub port: Option<Port>,
    /// Memory for items, in MiB (`-m`).
    #[serde(default)]
    pub memory_mb: Option<MemoryMb>,
    /// Largest item memcached stores (`-I`), e.g. `5m`.
    #[serde(default)]
    pub max_item_size: Option<ItemSize>,
    /// Maximum simultaneous connections (`-c`).
    #[serde(default)]
    pub connection_limit: Option<ConnectionLimit>,
    /// Port of the Prometheus memcached-exporter sidecar.
    #[serde(default)]
    pub exporter_port: Option<Port>,
    #[serde(default)]
    pub replicas: Option<Replicas>,
    /// The PodDisruptionBudget (with more than one replica).
    #[serde(default)]
    pub pod_disruption_budget: Option<DisruptionBudget>,
}
}

/// Memberlist (gossip) settings.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberlistSettings {
    /// Gossip port on every Loki pod. Default 7946.
    #[serde(default)]
    pub port: Option<Port>,
}

/// `limits_config` settings, named as in Loki's configuration reference: every key of Loki's
/// `limits_config` is accepted. Those portplan reasons about are typed here; the rest
/// (`other`) are checked against Loki's reference by the Plan (`crate::loki::reference`), and
/// the schema lists them all (see [`limits_schema`]).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[schemars(transform = limits_schema)]
pub struct Limits {
    /// Maximum tail requests per tenant. Loki's default is 10; each loki-canary pod holds one.
    #[serde(default)]
    pub max_concurrent_tail_requests: Option<TailLimit>,
    /// How long logs are kept (`0s` = forever). Needs the compactor.
    #[serde(default)]
    pub retention_period: Option<Duration>,
    /// Per-tenant ingestion rate, MB/s (Loki's default 4).
    #[serde(default)]
    pub ingestion_rate_mb: Option<RateMb>,
    /// Per-tenant ingestion burst, MB (Loki's default 6).
    #[serde(default)]
    pub ingestion_burst_size_mb: Option<RateMb>,
    /// Queries a query-frontend schedules at once for a tenant (Loki's default 32).
    #[serde(default)]
    pub max_query_parallelism: Option<QueryParallelism>,
    /// Active streams per tenant per ingester, before replication (0: no limit).
    #[serde(default)]
    pub max_streams_per_user: Option<StreamLimit>,
    /// Queries are split into intervals of this length (Loki's default `1h`).
    #[serde(default)]
    pub split_queries_by_interval: Option<Duration>,
    /// The longest time range one query may cover (Loki's default `721h`).
    #[serde(default)]
    pub max_query_length: Option<Duration>,
    /// Every other `limits_config` key (`otlp_config`, `reject_old_samples`, ...), as written.
    #[serde(flatten)]
    #[schemars(skip)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// The schema of [`Limits`]: its typed keys, and every other key of Loki's `limits_config`
/// with the type its reference gives (one exact `patternProperties` entry each, so the typed
/// keys stay the documented ones); any other key is refused, as the Plan refuses it. Keys the
/// Plan owns (`allow_structured_metadata`) are left out.
fn limits_schema(schema: &mut schemars::Schema) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let typed: Vec<String> = obj
        .get("properties")
        .and_then(|p| p.as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let mut patterns = serde_json::Map::new();
    if let Some(block) = crate::loki::reference().block("limits_config") {
        for (path, kind) in block.paths() {
            let owned =
                crate::loki::owner_within("limits_config", &format!("limits_config.{path}"))
                    .is_some();
            if path.contains('.') || typed.iter().any(|t| t == path) || owned {
                continue;
            }
            patterns.insert(
                format!("^{path}$"),
                crate::loki::reference::type_schema(kind),
            );
        }
    }
    obj.insert("patternProperties".into(), patterns.into());
    obj.insert("additionalProperties".into(), false.into());
}

pod_settings! {
/// loki-canary.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CanarySettings {
    #[serde(default)]
    pub enabled: Option<bool>,
    /// `DaemonSet` (one pod per node, upstream's default) or `Deployment`.
    #[serde(default)]
    pub kind: Option<CanaryKind>,
    /// Deployment only: pod replicas.
    #[serde(default)]
    pub replicas: Option<Replicas>,
    /// How many canary pods run (for a DaemonSet, the node count). Each holds one tail request.
    #[serde(default)]
    pub expected_pods: Option<Count>,
    /// With `authEnabled`: the tenant the canary writes and tails as. Default `self-monitoring`.
    #[serde(default)]
    pub tenant: Option<Tenant>,
}
}

/// How loki-canary runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum CanaryKind {
    DaemonSet,
    Deployment,
}

/// Container images, `repository:tag`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Images {
    #[serde(default)]
    pub loki: Option<ImageRef>,
    #[serde(default)]
    pub gateway: Option<ImageRef>,
    #[serde(default)]
    pub memcached: Option<ImageRef>,
    #[serde(default)]
    pub memcached_exporter: Option<ImageRef>,
    #[serde(default)]
    pub canary: Option<ImageRef>,
}
