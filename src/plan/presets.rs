//! What each deployment mode fills in when the model leaves a setting out.
//!
//! Sized like the official chart's examples: enough for a real workload in distributed mode,
//! small enough for a laptop cluster in monolithic mode.

use crate::model::scalars::{CpuQuantity, MemoryQuantity};
use crate::model::{CanaryKind, Component, Mode, ResourceList, Resources, TrafficDistribution};

pub const SHARED_HTTP: u16 = 3100;
pub const SHARED_GRPC: u16 = 9095;
pub const PER_COMPONENT_HTTP_BASE: u16 = 4100;
pub const PER_COMPONENT_GRPC_BASE: u16 = 4200;
pub const SHARED_GATEWAY: u16 = 8080;
pub const PER_COMPONENT_GATEWAY: u16 = 4080;
/// memcached's own default port: where it listens without `-p`.
pub const MEMCACHED_PORT: u16 = 11211;
pub const PER_COMPONENT_CHUNKS_CACHE: u16 = 4090;
pub const PER_COMPONENT_RESULTS_CACHE: u16 = 4091;
pub const MEMCACHED_EXPORTER_PORT: u16 = 9150;
pub const MEMBERLIST_PORT: u16 = 7946;
pub const CANARY_PORT: u16 = 3500;
/// OTLP's standard ports (gRPC, HTTP), where an Alloy OTLP receiver listens.
pub const OTLP_GRPC_PORT: u16 = 4317;
pub const OTLP_HTTP_PORT: u16 = 4318;
/// Loki's path for OTLP logs; the OTLP exporter is given the part before `/v1/logs`.
pub const OTLP_BASE_PATH: &str = "/otlp";
/// Loki's push API.
pub const PUSH_PATH: &str = "/loki/api/v1/push";
pub const CLUSTER_DOMAIN: &str = "cluster.local";
pub const KUBE_VERSION: (u32, u32) = (1, 31);
/// Loki's own default for `max_concurrent_tail_requests`.
pub const TAIL_LIMIT: u32 = 10;
/// The default `trafficDistribution` of every ClusterIP Service.
pub const TRAFFIC_DISTRIBUTION: TrafficDistribution = TrafficDistribution::PreferClose;
pub const SCHEMA_FROM: &str = "2024-04-01";
pub const INDEX_PREFIX: &str = "loki_index_";

pub const IMAGE_LOKI: &str = "docker.io/grafana/loki:3.5.7";
pub const IMAGE_GATEWAY: &str = "docker.io/nginxinc/nginx-unprivileged:1.29-alpine";
pub const IMAGE_MEMCACHED: &str = "docker.io/library/memcached:1.6.39-alpine";
pub const IMAGE_MEMCACHED_EXPORTER: &str = "docker.io/prom/memcached-exporter:v0.15.3";
pub const IMAGE_CANARY: &str = "docker.io/grafana/loki-canary:3.5.7";

/// Requests and a memory limit. The presets are constants of this file, held to the
/// quantity rules by the presets test; a value that broke them would be left out, not panic.
pub fn resources(cpu: &str, memory: &str, memory_limit: &str) -> Resources {
    Resources {
        requests: Some(ResourceList {
            cpu: CpuQuantity::new(cpu).ok(),
            memory: MemoryQuantity::new(memory).ok(),
        }),
        limits: Some(ResourceList {
            cpu: None,
            memory: MemoryQuantity::new(memory_limit).ok(),
        }),
    }
}

/// Replicas and resources of a Loki component in a mode.
pub fn component(mode: Mode, c: Component) -> (u32, Resources) {
    use Component::*;
    match (mode, c) {
        (_, SingleBinary) => (1, resources("500m", "1Gi", "2Gi")),
        (_, Write) => (3, resources("500m", "1Gi", "2Gi")),
        (_, Read) => (3, resources("500m", "1Gi", "2Gi")),
        (_, Backend) => (3, resources("250m", "512Mi", "1Gi")),
        (_, Distributor) => (3, resources("500m", "512Mi", "1Gi")),
        (_, Ingester) => (3, resources("1", "2Gi", "4Gi")),
        (_, Querier) => (3, resources("500m", "1Gi", "2Gi")),
        (_, QueryFrontend) => (2, resources("250m", "256Mi", "512Mi")),
        (_, QueryScheduler) => (2, resources("100m", "128Mi", "256Mi")),
        (_, IndexGateway) => (2, resources("250m", "512Mi", "1Gi")),
        (_, Compactor) => (1, resources("250m", "512Mi", "1Gi")),
        (_, Ruler) => (1, resources("250m", "512Mi", "1Gi")),
    }
}

/// Whether an optional component runs when the model does not say.
pub fn enabled_by_default(c: Component) -> bool {
    c != Component::Ruler
}

pub fn gateway_replicas(mode: Mode) -> u32 {
    match mode {
        Mode::Monolithic => 1,
        _ => 2,
    }
}

pub fn gateway_resources() -> Resources {
    resources("100m", "128Mi", "256Mi")
}

/// Memory (MiB) of the chunks and results caches.
pub fn cache_memory(mode: Mode) -> (u32, u32) {
    match mode {
        Mode::Monolithic => (1024, 256),
        Mode::SimpleScalable => (4096, 512),
        Mode::Distributed => (8192, 1024),
    }
}

/// The memcached container's requests and limits: item memory plus 20% for connections and
/// the slab allocator's overhead, as the official chart sizes it.
pub fn cache_resources(memory_mb: u32) -> Resources {
    let mib = memory_mb.saturating_add(memory_mb.div_ceil(5));
    let m = format!("{mib}Mi");
    resources("100m", &m, &m)
}

pub const CACHE_MAX_ITEM_SIZE: (&str, &str) = ("2m", "5m");
pub const CACHE_CONNECTION_LIMIT: u32 = 16384;

/// The canary's tenant when auth is enabled (the official chart's self-monitoring tenant).
pub const CANARY_TENANT: &str = "self-monitoring";
pub const CANARY_KIND: CanaryKind = CanaryKind::DaemonSet;

pub fn canary_resources() -> Resources {
    resources("10m", "32Mi", "64Mi")
}
