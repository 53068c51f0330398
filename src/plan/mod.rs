//! The Plan: the model with every default filled and every cross-reference resolved.
//!
//! [`build_plan`] returns a `Plan` only when the model is consistent: ports are in range and
//! do not collide, names are valid DNS labels, and every address one component uses to reach
//! another is computed here, once. ([`resolve`] also returns a plan with collisions and
//! trafficDistribution problems set aside, so `lint` can report them as findings.)
//! Templates, rules and reports read the Plan, never the raw model.

mod checks;
mod presets;
mod quantity;
mod resolve;
mod summary;
pub mod topology;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::{CanaryKind, KubeVersion, Mode, PortStrategy, Resources};

pub use checks::port_location;
pub use presets::MEMCACHED_PORT;
pub use quantity::{Cpu, Memory};
pub use resolve::{Resolution, build_plan, into_plan, resolve};
pub use summary::{ResourceRow, ResourceSummary};

/// Everything resolved. Serialised as-is for `portplan plan --format json` and as the context
/// of every template.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// The model's path as given on the command line (characters outside `A-Za-z0-9._/-`
    /// replaced by `_`); generated headers name it.
    pub model_path: String,
    pub release: String,
    pub namespace: String,
    pub cluster_domain: String,
    pub kube_version: KubeVersion,
    /// The mode that serves: the gateway, the clients and every address follow it.
    pub mode: Mode,
    /// A transition to the neighbouring mode (`transition:`), whose workloads run too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transition: Option<TransitionPlan>,
    pub strategy: PortStrategy,
    /// `common.replication_factor`: 1 for a single ingester, else 3.
    pub replication_factor: u32,
    /// values.yaml key of the component that ingests (ingester, write, single-binary): the
    /// chart refuses fewer replicas than the replication factor.
    pub ingest_values_key: &'static str,
    /// Whether the ingesters run zone-aware (one StatefulSet per zone): Loki's ring then
    /// places each stream's copies in different zones.
    pub zone_aware: bool,
    /// The index stores the schema periods use, each once, in order.
    pub index_stores: Vec<&'static str>,
    /// The default `trafficDistribution` of ClusterIP Services; `None` when unset or when the
    /// Kubernetes version is too old for the field.
    pub traffic_distribution: Option<&'static str>,
    pub components: Vec<ComponentPlan>,
    pub gateway: GatewayPlan,
    pub caches: Vec<CachePlan>,
    pub memberlist: MemberlistPlan,
    pub canary: CanaryPlan,
    pub limits: LimitsPlan,
    /// Per-tenant `limits_config` overrides, by tenant ID (sorted).
    pub overrides: Vec<TenantLimits>,
    /// Where Loki reads the overrides (`runtime_config.file`); `None` without overrides.
    pub runtime_config: Option<RuntimeConfigPlan>,
    /// `loki.config`: Loki settings merged deeply into the generated config, as written
    /// (checked against Loki's reference, with no key the Plan owns).
    pub loki_config: serde_json::Map<String, serde_json::Value>,
    pub schema_config: Vec<PeriodPlan>,
    pub structured_metadata: bool,
    /// Loki's `auth_enabled` (multi-tenancy): every client carries a tenant.
    pub auth_enabled: bool,
    pub storage: StoragePlan,
    pub addresses: Addresses,
    pub clients: ClientsPlan,
    pub zones: Vec<ZonePlan>,
    /// `flows.clients`: clients named by address range in `portplan flows`, in model order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flow_clients: Vec<FlowClientPlan>,
    pub images: ImagesPlan,
    /// Every port, as `portplan ports` lists it.
    pub ports: Vec<PortEntry>,
    /// The flags each program's container gets from the Plan.
    pub owned_flags: Vec<OwnedFlags>,
    /// The ServiceAccount's cloud identity, static credentials.
    pub identity: IdentityPlan,
    pub monitoring: MonitoringPlan,
    /// Warnings found while resolving (the model is usable, but something was dropped).
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
}

/// A transition: both modes' workloads run and share one ring; the serving mode keeps the
/// gateway until the model switches.
#[derive(Clone, Debug, Serialize)]
pub struct TransitionPlan {
    /// The mode being moved to.
    pub to: Mode,
    /// The community chart's `deploymentMode` for this stage (`SingleBinary<->SimpleScalable`).
    pub chart_mode: String,
    /// The incoming set's components, in order.
    pub incoming: Vec<&'static str>,
    /// The serving set's components, removed by the next step.
    pub outgoing: Vec<&'static str>,
    /// What to do next, as one sentence ([`topology::next_step`]).
    pub next_step: String,
}

impl Plan {
    /// The stage on the migration path: the serving mode, and the transition's target.
    pub fn stage(&self) -> crate::model::Stage {
        crate::model::Stage {
            mode: self.mode,
            to: self.transition.as_ref().map(|t| t.to),
        }
    }
}

/// The Services in front of one workload.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceNames {
    /// ClusterIP Service, `<release>-<component>`.
    pub name: String,
    /// `<name>.<namespace>.svc.<cluster domain>`.
    pub fqdn: String,
    /// Headless Service for peer discovery, `<name>-headless`.
    pub headless: String,
    pub headless_fqdn: String,
}

/// One Loki workload.
#[derive(Clone, Debug, Serialize)]
pub struct ComponentPlan {
    /// Kebab-case name: `distributor`, `single-binary`, ...
    pub name: &'static str,
    /// Key in values.yaml: `distributor`, `singleBinary`, ...
    pub values_key: &'static str,
    /// Loki's `-target`.
    pub target: &'static str,
    /// Whether it runs ingesters (ingester, write, single-binary).
    pub ingests: bool,
    pub kind: WorkloadKind,
    /// Whether its pods join the memberlist gossip ring (they carry the memberlist label and
    /// listen on the gossip port).
    pub memberlist: bool,
    /// What it serves in this mode (push, query, tail, ...); nothing for a transition's
    /// incoming set.
    pub roles: Vec<topology::Role>,
    /// Whether it belongs to the set a transition adds (`transition:`): its pods join the
    /// ring, the gateway does not route to them yet.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub incoming: bool,
    pub replicas: u32,
    pub http_port: u16,
    pub grpc_port: u16,
    pub service: ServiceNames,
    pub resources: Resources,
    /// This Service's `trafficDistribution` (the default unless overridden).
    pub traffic_distribution: Option<&'static str>,
    /// The override as values.yaml carries it (`null` = use the default, `None` = unset).
    pub traffic_distribution_override: Option<&'static str>,
    pub slot: Option<u16>,
    /// The objects that run it: one, or one StatefulSet per zone for zone-aware ingesters.
    pub workloads: Vec<WorkloadPlan>,
    pub pod: PodPlan,
    /// StatefulSets only.
    pub persistence: Option<PersistencePlan>,
    /// The HorizontalPodAutoscaler that owns the replica count, when the model asks for one.
    pub autoscaling: Option<AutoscalingPlan>,
    /// `maxUnavailable` of its PodDisruptionBudget.
    pub max_unavailable: u32,
    /// Whether it has PodDisruptionBudgets: more than one replica (an autoscaler's
    /// `minReplicas`), or zone-aware (one per zone).
    pub disruption_budget: bool,
}

/// How a workload runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
}

impl std::fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
        })
    }
}

/// The nginx gateway.
#[derive(Clone, Debug, Serialize)]
pub struct GatewayPlan {
    /// nginx's listen port in the container (unprivileged).
    pub port: u16,
    /// The Service port clients dial; it forwards to `port`.
    pub service_port: u16,
    pub replicas: u32,
    pub service: ServiceNames,
    pub resources: Resources,
    pub traffic_distribution: Option<&'static str>,
    pub traffic_distribution_override: Option<&'static str>,
    /// nginx upstreams, one per Loki path family.
    pub upstreams: Vec<Upstream>,
    pub pod: PodPlan,
    pub autoscaling: Option<AutoscalingPlan>,
    pub max_unavailable: u32,
    /// Whether it has a PodDisruptionBudget (more than one replica).
    pub disruption_budget: bool,
}

/// Where the gateway proxies one family of paths.
#[derive(Clone, Debug, Serialize)]
pub struct Upstream {
    /// What the upstream serves: `write`, `read`, `tail`, `ruler`, `compactor`.
    pub role: &'static str,
    pub endpoint: Endpoint,
}

/// One memcached cache.
#[derive(Clone, Debug, Serialize)]
pub struct CachePlan {
    /// `chunks-cache` or `results-cache`.
    pub name: &'static str,
    /// `chunksCache` or `resultsCache`.
    pub values_key: &'static str,
    pub port: u16,
    pub exporter_port: u16,
    pub memory_mb: u32,
    pub max_item_size: String,
    pub connection_limit: u32,
    pub replicas: u32,
    /// A headless Service (`service.name`): Loki's client resolves every pod and hashes keys
    /// across them, so there is no ClusterIP and no trafficDistribution.
    pub service: ServiceNames,
    pub resources: Resources,
    pub pod: PodPlan,
    pub max_unavailable: u32,
    /// Whether it has a PodDisruptionBudget (more than one replica).
    pub disruption_budget: bool,
}

/// Memberlist: the gossip port and the headless Service every Loki pod joins through.
#[derive(Clone, Debug, Serialize)]
pub struct MemberlistPlan {
    pub port: u16,
    pub service: String,
    pub fqdn: String,
}

/// loki-canary: how it runs and how many pods (each holds one tail request).
#[derive(Clone, Debug, Serialize)]
pub struct CanaryPlan {
    pub enabled: bool,
    pub kind: CanaryKind,
    /// Deployment replicas (0 for a DaemonSet).
    pub replicas: u32,
    /// How many canary pods run: a Deployment's replicas, or a DaemonSet's `expectedPods`
    /// (its node count) when the model gives it. The one count the tail limit is held to.
    pub expected_pods: Option<u32>,
    /// The canary's tenant (`-tenant-id`) when auth is enabled.
    pub tenant: Option<String>,
    pub port: u16,
    pub resources: Resources,
    pub pod: PodPlan,
}

/// `limits_config` values rendered into the Loki config.
#[derive(Clone, Debug, Serialize)]
pub struct LimitsPlan {
    pub max_concurrent_tail_requests: u32,
    pub retention_period: Option<String>,
    /// Every other `limits` key, as written (checked against Loki's reference).
    pub config: serde_json::Map<String, serde_json::Value>,
}

/// One tenant's `limits_config` overrides, as written in `overrides`.
#[derive(Clone, Debug, Serialize)]
pub struct TenantLimits {
    pub tenant: String,
    pub limits: serde_json::Map<String, serde_json::Value>,
}

/// Loki's runtime config file: the ConfigMap that holds it and where every Loki pod mounts it.
#[derive(Clone, Debug, Serialize)]
pub struct RuntimeConfigPlan {
    /// The ConfigMap's name, `<release>-runtime`.
    pub config_map: String,
    /// The folder it is mounted at.
    pub mount_path: String,
    /// `runtime_config.file`: the file in that folder.
    pub file: String,
}

/// One `schema_config` period, defaults filled.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodPlan {
    pub from: String,
    pub store: &'static str,
    pub schema: &'static str,
    pub object_store: &'static str,
    pub index_prefix: String,
}

/// Chunk and rule storage.
#[derive(Clone, Debug, Serialize)]
pub struct StoragePlan {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub chunks_bucket: Option<String>,
    pub ruler_bucket: Option<String>,
    /// Azure storage account.
    pub account_name: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<String>,
}

/// A place one component (or client) connects to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// The component that listens there.
    pub component: &'static str,
    /// What the client writes before the host: `http://`, `dns+`, `dns:///`, or nothing.
    pub scheme: &'static str,
    /// The Service host name (FQDN) dialled.
    pub host: String,
    pub port: u16,
    /// The port's name on the container and Service.
    pub port_name: &'static str,
    /// Where Helm templates read the port: `.Values.queryFrontend.ports.grpc`.
    pub values_path: String,
    /// The address as the client writes it (`dns+host:port`, `http://host:port`, `host:port`).
    pub address: String,
}

impl Endpoint {
    /// The one constructor: the address is always `scheme + host + ":" + port`.
    pub fn new(
        component: &'static str,
        scheme: &'static str,
        host: &str,
        port: u16,
        port_name: &'static str,
        values_path: String,
    ) -> Self {
        Endpoint {
            component,
            scheme,
            host: host.to_owned(),
            port,
            port_name,
            values_path,
            address: format!("{scheme}{host}:{port}"),
        }
    }
}

/// Every address one component uses to reach another.
#[derive(Clone, Debug, Serialize)]
pub struct Addresses {
    /// memberlist `join_members`.
    pub memberlist_join: Endpoint,
    /// `frontend_worker.frontend_address` (when there is no scheduler).
    pub frontend: Option<Endpoint>,
    /// `frontend.scheduler_address` and `frontend_worker.scheduler_address`.
    pub scheduler: Option<Endpoint>,
    /// `index_gateway_client.server_address` (tsdb / boltdb-shipper).
    pub index_gateway: Option<Endpoint>,
    /// `common.compactor_grpc_address`.
    pub compactor: Option<Endpoint>,
    /// `frontend.tail_proxy_url`.
    pub tail_proxy: Option<Endpoint>,
    /// `chunk_store_config.chunk_cache_config.memcached_client.addresses`.
    pub chunks_cache: Option<Endpoint>,
    /// `query_range.results_cache.cache.memcached_client.addresses`.
    pub results_cache: Option<Endpoint>,
    /// Where pushes go without the gateway.
    pub push: Endpoint,
    /// Where queries go without the gateway.
    pub query: Endpoint,
    /// The gateway.
    pub gateway: Endpoint,
}

/// Clients outside the chart whose configs are generated.
#[derive(Clone, Debug, Serialize)]
pub struct ClientsPlan {
    pub alloy: Vec<AlloyPlan>,
    pub grafana: Vec<DatasourcePlan>,
}

/// One Alloy client: a `loki.write` component, or an OTLP pipeline.
#[derive(Clone, Debug, Serialize)]
pub struct AlloyPlan {
    pub name: String,
    /// The components' label: the name with `-` as `_`.
    pub label: String,
    pub via: &'static str,
    /// `loki` or `otlp`.
    pub protocol: &'static str,
    /// Where logs are sent: the push API, or Loki's OTLP logs path.
    pub url: String,
    /// `otlp` only: the OTLP exporter's base endpoint (`<address>/otlp`; the exporter adds
    /// `/v1/logs`, so it sends to `url`).
    pub otlp_endpoint: Option<String>,
    /// `otlp` only: the ports Alloy's OTLP receiver listens on, for the applications that
    /// send to it (OTLP's standard ports).
    pub otlp_receiver: Option<OtlpReceiverPlan>,
    pub endpoint: Endpoint,
    pub tenant: Option<String>,
    pub basic_auth: Option<BasicAuthPlan>,
    /// Alloy's `remote_timeout`, when the model sets it.
    pub timeout: Option<String>,
    /// `batch_size` and `batch_wait`, when set.
    pub batch_size: Option<String>,
    pub batch_wait: Option<String>,
    /// `min_backoff_period`, `max_backoff_period` and `max_backoff_retries`, when set.
    pub min_backoff: Option<String>,
    pub max_backoff: Option<String>,
    pub max_retries: Option<u32>,
}

/// Basic auth of a client: the user, and where the password is read from (exactly one).
#[derive(Clone, Debug, Serialize)]
pub struct BasicAuthPlan {
    pub username: String,
    pub password_file: Option<String>,
    pub password_env: Option<String>,
}

/// Where an Alloy OTLP receiver listens.
#[derive(Clone, Debug, Serialize)]
pub struct OtlpReceiverPlan {
    pub grpc_port: u16,
    pub http_port: u16,
    /// `0.0.0.0:<grpc_port>`, as the receiver's `grpc` block writes it.
    pub grpc_endpoint: String,
    /// `0.0.0.0:<http_port>`.
    pub http_endpoint: String,
}

impl OtlpReceiverPlan {
    /// A receiver on every address at these ports.
    pub fn new(grpc_port: u16, http_port: u16) -> Self {
        OtlpReceiverPlan {
            grpc_port,
            http_port,
            grpc_endpoint: format!("0.0.0.0:{grpc_port}"),
            http_endpoint: format!("0.0.0.0:{http_port}"),
        }
    }
}

/// One Grafana datasource.
#[derive(Clone, Debug, Serialize)]
pub struct DatasourcePlan {
    pub name: String,
    pub uid: String,
    pub via: &'static str,
    pub url: String,
    pub endpoint: Endpoint,
    pub tenant: Option<String>,
    pub is_default: bool,
    /// `jsonData.timeout` in seconds, when set.
    pub timeout: Option<u32>,
    /// `jsonData.maxLines`.
    pub max_lines: u32,
}

/// A network zone for flow-log analysis.
#[derive(Clone, Debug, Serialize)]
pub struct ZonePlan {
    pub name: String,
    pub cidrs: Vec<String>,
    /// The availability-zone IDs (`zoneIds`) that name this zone, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub az_ids: Vec<String>,
}

/// A client of `portplan flows` named by its address ranges (`flows.clients`).
#[derive(Clone, Debug, Serialize)]
pub struct FlowClientPlan {
    pub name: String,
    pub cidrs: Vec<String>,
}

/// Container images, `registry/repository:tag`.
#[derive(Clone, Debug, Serialize)]
pub struct ImagesPlan {
    pub loki: String,
    pub gateway: String,
    pub memcached: String,
    pub memcached_exporter: String,
    pub canary: String,
}

/// One row of the port map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PortEntry {
    /// `distributor`, `gateway`, `chunks-cache`, `memberlist`, ...
    pub component: &'static str,
    /// The port's name on the container and Service (`http-metrics`, `grpc`, ...).
    pub name: &'static str,
    pub port: u16,
    pub protocol: &'static str,
    /// The Service that exposes it.
    pub service: String,
    /// The Service's FQDN.
    pub fqdn: String,
    /// JSON pointer of the model key that set this port (or that chose the preset).
    #[serde(skip)]
    pub origin: String,
}

/// One workload's pod settings, defaults filled and checked against what the Plan owns;
/// values.yaml carries them under the workload's key.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PodPlan {
    pub node_selector: std::collections::BTreeMap<String, String>,
    pub tolerations: Vec<crate::model::pod::Toleration>,
    pub affinity: Option<crate::model::pod::Affinity>,
    /// The model's constraints, or the default zone spread.
    pub topology_spread_constraints: Vec<crate::model::pod::TopologySpreadConstraint>,
    pub priority_class_name: Option<String>,
    /// The chart's default with the model's fields over it.
    pub pod_security_context: crate::model::pod::PodSecurityContext,
    /// The main container's: the chart's default with the model's fields over it.
    pub security_context: crate::model::pod::SecurityContext,
    pub extra_args: Vec<String>,
    pub extra_env: Vec<crate::model::pod::EnvVar>,
    pub extra_volumes: Vec<crate::model::pod::Volume>,
    pub extra_volume_mounts: Vec<crate::model::pod::VolumeMount>,
    pub pod_annotations: std::collections::BTreeMap<String, String>,
    /// The model's pod labels, and the ones the cloud identity needs.
    pub pod_labels: std::collections::BTreeMap<String, String>,
    pub image_pull_secrets: Vec<crate::model::pod::LocalObjectReference>,
}

/// The flags one program's container gets from the Plan: the chart refuses an extra arg
/// that sets one, as the model does.
#[derive(Clone, Debug, Serialize)]
pub struct OwnedFlags {
    /// `loki`, `memcached`, `canary`: what `loki.extraArgs` is called with.
    pub program: &'static str,
    /// Flags the Plan sets (`-server.http-listen-port`, `-p`, ...).
    pub flags: &'static [&'static str],
    /// Flag name endings owned too (`listen-port`: every listen port is the Plan's).
    pub suffixes: &'static [&'static str],
}

/// One workload object of a component: the component itself, or one zone's StatefulSet of
/// zone-aware ingesters.
#[derive(Clone, Debug, Serialize)]
pub struct WorkloadPlan {
    /// Object name: `<release>-ingester`, `<release>-ingester-zone-a`.
    pub name: String,
    /// Zone-aware only: the zone's name in the model (`eu-west-1a`), its node affinity value.
    pub zone: Option<String>,
    /// Zone-aware only: the short name (`zone-a`): `-ingester.availability-zone`, the
    /// `portplan.io/zone` pod label and the object name's suffix.
    pub zone_label: Option<String>,
    /// 0-based position among the component's workloads (the replica split).
    pub index: usize,
}

/// Each StatefulSet pod's volume claim.
#[derive(Clone, Debug, Serialize)]
pub struct PersistencePlan {
    pub size: String,
    pub storage_class: Option<String>,
}

/// A HorizontalPodAutoscaler.
#[derive(Clone, Debug, Serialize)]
pub struct AutoscalingPlan {
    pub min_replicas: u32,
    pub max_replicas: u32,
    pub target_cpu: Option<u32>,
    pub target_memory: Option<u32>,
}

/// The ServiceAccount's cloud identity and the static credentials' Secret.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IdentityPlan {
    /// ServiceAccount annotations (`eks.amazonaws.com/role-arn`, ...).
    pub annotations: std::collections::BTreeMap<String, String>,
    /// Labels every Loki pod needs (`azure.workload.identity/use`).
    pub pod_labels: std::collections::BTreeMap<String, String>,
    /// s3 static credentials: env vars of every Loki container from this Secret.
    pub credentials_secret: Option<SecretEnvPlan>,
}

/// Environment variables from the keys of one Secret.
#[derive(Clone, Debug, Serialize)]
pub struct SecretEnvPlan {
    pub name: String,
    /// (env var, Secret key).
    pub env: Vec<(&'static str, String)>,
}

/// Prometheus ServiceMonitors.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MonitoringPlan {
    pub service_monitor: bool,
    pub interval: Option<String>,
    pub scrape_timeout: Option<String>,
    pub labels: std::collections::BTreeMap<String, String>,
    /// What the ServiceMonitors scrape: every Loki component's and cache exporter's metrics
    /// port, from the port map (the gateway's nginx serves no metrics).
    pub targets: Vec<ScrapeTarget>,
}

/// One ServiceMonitor: a Service and the port name it scrapes.
#[derive(Clone, Debug, Serialize)]
pub struct ScrapeTarget {
    pub component: &'static str,
    /// The scraped (ClusterIP or cache headless) Service.
    pub service: String,
    pub port_name: &'static str,
    /// Whether the component also has a headless Service with the same labels, which the
    /// ServiceMonitor must not select (each pod would be scraped twice).
    pub has_headless_twin: bool,
}
