//! The one table of what import carries: a chart value path -> a model key, with the
//! transform between them, for every vocabulary import reads (the community chart's, 6.x and
//! 7.x-18.x names, and the values.yaml `gen` writes).
//!
//! A new model key is wired in with one row here. `{c}` in a row stands for each component
//! the mode runs: its values key in the source path (`queryFrontend`), its name in the model
//! pointer (`query-frontend`). Several rows may name one model key (the names of different
//! chart versions); when a file sets more than one, the later row in the table wins and the
//! others are listed as not carried.

use serde_json::Value;

use crate::model::{Component, Stage};

/// How a chart value becomes a model value. Type errors are left to the model, whose
/// message the not-carried list then shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transform {
    /// The value as it is.
    Same,
    /// A Kubernetes quantity: a number becomes its string (`1` -> `"1"`).
    Quantity,
    /// The default `trafficDistribution` of every Service: the chart's `""` (unset) is the
    /// model's `None`.
    TrafficDistribution,
    /// One Service's `trafficDistribution`: the chart's `""` inherits the default, so
    /// nothing is written.
    TrafficDistributionOverride,
    /// The single binary's replicas: the community chart runs one pod below 2 (`0`, its
    /// default, included) and the number given above.
    MonolithicReplicas,
    /// memcached's `maxItemMemory` in MB (`5`) as the model's `maxItemSize` (`"5m"`).
    MegabytesToItemSize,
    /// The chart's `loki.schemaConfig.configs` as the model's `schemaConfig`.
    SchemaPeriods,
    /// `kubeVersionOverride` (`v1.34.2`, `1.34`) as the model's `kubeVersion` (`"1.34"`);
    /// `""` leaves it to the cluster (nothing written).
    KubeVersion,
    /// A Kubernetes value as a whole (a mapping or a list: `nodeSelector`, `tolerations`,
    /// `affinity`...), as the model spells it too; `{}` writes nothing. One holding a Helm template (`{{ ... }}`,
    /// as the community chart's default affinity does) is the chart's to render: refused.
    Whole,
    /// A HorizontalPodAutoscaler: gen's `{minReplicas, maxReplicas, target*}`, or the
    /// community chart's with `enabled` (`false`: nothing written); custom metrics and
    /// `behavior` are not modelled yet.
    Autoscaling,
}

/// Where a row's value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A model key (JSON pointer, camelCase as in portplan.yaml).
    Model(&'static str, Transform),
    /// A value the Plan derives (JSON pointer into `portplan plan --format json`): carried
    /// when the chart's value is the Plan's, else listed with both.
    Derived(&'static str),
}

/// One row: source paths (alternative spellings, dotted) -> target.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub from: &'static str,
    pub to: Target,
}

const fn model(from: &'static str, to: &'static str) -> Row {
    Row {
        from,
        to: Target::Model(to, Transform::Same),
    }
}

const fn with(from: &'static str, to: &'static str, t: Transform) -> Row {
    Row {
        from,
        to: Target::Model(to, t),
    }
}

const fn derived(from: &'static str, plan: &'static str) -> Row {
    Row {
        from,
        to: Target::Derived(plan),
    }
}

use Transform::*;

/// Rows for the whole deployment.
pub const GLOBAL: &[Row] = &[
    with("kubeVersionOverride", "/kubeVersion", KubeVersion),
    // Ports every Loki component shares (the community chart has one pair for all).
    model("loki.server.http_listen_port", "/ports/http"),
    model("loki.server.grpc_listen_port", "/ports/grpc"),
    model("loki.auth_enabled", "/authEnabled"),
    derived(
        "loki.commonConfig.replication_factor",
        "/replication_factor",
    ),
    // Storage.
    model("loki.storage.type", "/storage/type"),
    model("loki.storage.bucketNames.chunks", "/storage/buckets/chunks"),
    model("loki.storage.bucketNames.ruler", "/storage/buckets/ruler"),
    model("loki.storage.s3.region", "/storage/region"),
    model("loki.storage.s3.endpoint", "/storage/endpoint"),
    model("loki.storage.azure.accountName", "/storage/accountName"),
    with("loki.schemaConfig.configs", "/schemaConfig", SchemaPeriods),
    // limits_config, with Loki's names.
    model(
        "loki.limits_config.max_concurrent_tail_requests",
        "/limits/max_concurrent_tail_requests",
    ),
    model(
        "loki.limits_config.retention_period",
        "/limits/retention_period",
    ),
    model(
        "loki.limits_config.allow_structured_metadata",
        "/structuredMetadata",
    ),
    // trafficDistribution: 7.x-17.x under loki.service, 18.x under defaults.service.
    with(
        "loki.service.trafficDistribution",
        "/trafficDistribution",
        TrafficDistribution,
    ),
    with(
        "defaults.service.trafficDistribution",
        "/trafficDistribution",
        TrafficDistribution,
    ),
    // The gateway: nginx's container port, and the Service port clients dial.
    model("gateway.replicas", "/gateway/replicas"),
    model("gateway.containerPort", "/gateway/port"),
    model("gateway.service.port", "/gateway/servicePort"),
    with(
        "gateway.service.trafficDistribution",
        "/gateway/trafficDistribution",
        TrafficDistributionOverride,
    ),
    with(
        "gateway.resources.requests.cpu",
        "/gateway/resources/requests/cpu",
        Quantity,
    ),
    with(
        "gateway.resources.requests.memory",
        "/gateway/resources/requests/memory",
        Quantity,
    ),
    with(
        "gateway.resources.limits.cpu",
        "/gateway/resources/limits/cpu",
        Quantity,
    ),
    with(
        "gateway.resources.limits.memory",
        "/gateway/resources/limits/memory",
        Quantity,
    ),
    // The memcached caches.
    model("chunksCache.enabled", "/caches/chunks/enabled"),
    model("chunksCache.replicas", "/caches/chunks/replicas"),
    model("chunksCache.port", "/caches/chunks/port"),
    model("chunksCache.allocatedMemory", "/caches/chunks/memoryMb"),
    with(
        "chunksCache.maxItemMemory",
        "/caches/chunks/maxItemSize",
        MegabytesToItemSize,
    ),
    model(
        "chunksCache.connectionLimit",
        "/caches/chunks/connectionLimit",
    ),
    model("resultsCache.enabled", "/caches/results/enabled"),
    model("resultsCache.replicas", "/caches/results/replicas"),
    model("resultsCache.port", "/caches/results/port"),
    model("resultsCache.allocatedMemory", "/caches/results/memoryMb"),
    with(
        "resultsCache.maxItemMemory",
        "/caches/results/maxItemSize",
        MegabytesToItemSize,
    ),
    model(
        "resultsCache.connectionLimit",
        "/caches/results/connectionLimit",
    ),
    // loki-canary: 6.0 had it under monitoring, later charts at the top level.
    model("monitoring.lokiCanary.enabled", "/canary/enabled"),
    model("lokiCanary.enabled", "/canary/enabled"),
    model("lokiCanary.kind", "/canary/kind"),
    model("lokiCanary.replicas", "/canary/replicas"),
    // The values.yaml `gen` writes (docs/model.md: the round trip).
    with(
        "trafficDistribution",
        "/trafficDistribution",
        TrafficDistribution,
    ),
    model(
        "loki.maxConcurrentTailRequests",
        "/limits/max_concurrent_tail_requests",
    ),
    model("memberlist.port", "/memberlist/port"),
    model("gateway.port", "/gateway/port"),
    model("gateway.servicePort", "/gateway/servicePort"),
    with(
        "gateway.trafficDistribution",
        "/gateway/trafficDistribution",
        TrafficDistributionOverride,
    ),
    model("chunksCache.memoryMb", "/caches/chunks/memoryMb"),
    model("chunksCache.maxItemSize", "/caches/chunks/maxItemSize"),
    model("chunksCache.exporterPort", "/caches/chunks/exporterPort"),
    model("resultsCache.memoryMb", "/caches/results/memoryMb"),
    model("resultsCache.maxItemSize", "/caches/results/maxItemSize"),
    model("resultsCache.exporterPort", "/caches/results/exporterPort"),
    model("images.loki", "/images/loki"),
    model("images.gateway", "/images/gateway"),
    model("images.memcached", "/images/memcached"),
    model("images.memcachedExporter", "/images/memcachedExporter"),
    model("images.canary", "/images/canary"),
    model("canary.replicas", "/canary/replicas"),
    // The cloud identity of the Loki pods' ServiceAccount (gen's values and the chart's).
    model(
        r#"serviceAccount.annotations."eks.amazonaws.com/role-arn""#,
        "/storage/identity/awsRoleArn",
    ),
    model(
        r#"serviceAccount.annotations."iam.gke.io/gcp-service-account""#,
        "/storage/identity/gcpServiceAccount",
    ),
    model(
        r#"serviceAccount.annotations."azure.workload.identity/client-id""#,
        "/storage/identity/azureClientId",
    ),
    // prometheus-operator ServiceMonitors (the same names in gen's values and the chart's).
    model(
        "monitoring.serviceMonitor.enabled",
        "/monitoring/serviceMonitor/enabled",
    ),
    model(
        "monitoring.serviceMonitor.interval",
        "/monitoring/serviceMonitor/interval",
    ),
    model(
        "monitoring.serviceMonitor.scrapeTimeout",
        "/monitoring/serviceMonitor/scrapeTimeout",
    ),
    with(
        "monitoring.serviceMonitor.labels",
        "/monitoring/serviceMonitor/labels",
        Whole,
    ),
];

/// The workloads besides the Loki components that take pod settings ([`POD`]) and a
/// PodDisruptionBudget: values key -> model pointer.
pub const WORKLOADS: &[(&str, &str)] = &[
    ("gateway", "/gateway"),
    ("chunksCache", "/caches/chunks"),
    ("resultsCache", "/caches/results"),
    // gen's values, the community chart's.
    ("canary", "/canary"),
    ("lokiCanary", "/canary"),
];

/// Rows of every workload's pod settings (`{w}`: a component or one of [`WORKLOADS`]); the
/// same names in gen's values and the community chart's, but for the container's
/// securityContext (`containerSecurityContext` in the chart's).
pub const POD: &[Row] = &[
    with("{w}.nodeSelector", "{p}/nodeSelector", Whole),
    with("{w}.tolerations", "{p}/tolerations", Whole),
    with("{w}.affinity", "{p}/affinity", Whole),
    with(
        "{w}.topologySpreadConstraints",
        "{p}/topologySpreadConstraints",
        Whole,
    ),
    model("{w}.priorityClassName", "{p}/priorityClassName"),
    with("{w}.podSecurityContext", "{p}/podSecurityContext", Whole),
    with("{w}.securityContext", "{p}/securityContext", Whole),
    with("{w}.containerSecurityContext", "{p}/securityContext", Whole),
    with("{w}.extraArgs", "{p}/extraArgs", Whole),
    with("{w}.extraEnv", "{p}/extraEnv", Whole),
    with("{w}.extraVolumes", "{p}/extraVolumes", Whole),
    with("{w}.extraVolumeMounts", "{p}/extraVolumeMounts", Whole),
    with("{w}.podAnnotations", "{p}/podAnnotations", Whole),
    with("{w}.podLabels", "{p}/podLabels", Whole),
    with("{w}.imagePullSecrets", "{p}/imagePullSecrets", Whole),
    // The PodDisruptionBudget: the chart's older top-level name, then gen's (and the
    // chart's) under podDisruptionBudget.
    model(
        "{w}.maxUnavailable",
        "{p}/podDisruptionBudget/maxUnavailable",
    ),
    model(
        "{w}.podDisruptionBudget.maxUnavailable",
        "{p}/podDisruptionBudget/maxUnavailable",
    ),
];

/// Rows of the workloads that may have a HorizontalPodAutoscaler (components and the
/// gateway).
pub const AUTOSCALED: &[Row] = &[with("{w}.autoscaling", "{p}/autoscaling", Autoscaling)];

/// Rows for each component the mode runs (`{c}`).
pub const PER_COMPONENT: &[Row] = &[
    model("{c}.replicas", "/components/{c}/replicas"),
    model("{c}.enabled", "/components/{c}/enabled"),
    with(
        "{c}.resources.requests.cpu",
        "/components/{c}/resources/requests/cpu",
        Quantity,
    ),
    with(
        "{c}.resources.requests.memory",
        "/components/{c}/resources/requests/memory",
        Quantity,
    ),
    with(
        "{c}.resources.limits.cpu",
        "/components/{c}/resources/limits/cpu",
        Quantity,
    ),
    with(
        "{c}.resources.limits.memory",
        "/components/{c}/resources/limits/memory",
        Quantity,
    ),
    // Older charts: per component; 18.x: under the component's service.
    with(
        "{c}.trafficDistribution",
        "/components/{c}/trafficDistribution",
        TrafficDistributionOverride,
    ),
    with(
        "{c}.service.trafficDistribution",
        "/components/{c}/trafficDistribution",
        TrafficDistributionOverride,
    ),
    // gen's values.yaml.
    model("{c}.ports.http", "/components/{c}/http"),
    model("{c}.ports.grpc", "/components/{c}/grpc"),
    // StatefulSets' volumes (gen's values, and the chart's for the components it gives one
    // volume).
    with(
        "{c}.persistence.size",
        "/components/{c}/persistence/size",
        Quantity,
    ),
    model(
        "{c}.persistence.storageClass",
        "/components/{c}/persistence/storageClass",
    ),
    // The chart's zone-aware ingesters (gen records them in Chart.yaml's facts).
    model(
        "{c}.zoneAwareReplication.enabled",
        "/components/{c}/zoneAware",
    ),
];

/// Value paths (prefixes) whose content the Plan computes from the model: addresses and
/// names that follow from the release, namespace, mode and ports.
pub const DERIVED_PREFIXES: &[&str] = &[
    "loki.commonConfig.compactor_address",
    "loki.commonConfig.compactor_grpc_address",
    "loki.memberlistConfig.join_members",
    "loki.frontend.scheduler_address",
    "loki.frontend_worker",
    "loki.commonConfig.path_prefix",
    "fullnameOverride",
    "nameOverride",
];

/// One expanded row: concrete paths for one component (or the global row as is).
#[derive(Clone, Debug)]
pub struct Expanded {
    pub from: String,
    pub to: Target,
    /// The model pointer, `{c}` replaced (for [`Target::Model`]).
    pub pointer: String,
    /// How the row was found, for a row read from a fork's templates.
    pub via: Option<String>,
}

/// Every row for `mode`, `{c}` replaced by each component it runs.
pub fn rows(mode: Stage) -> Vec<Expanded> {
    let mut out: Vec<Expanded> = GLOBAL.iter().map(|r| expand(r, None)).collect();
    for c in mode.components() {
        out.extend(PER_COMPONENT.iter().map(|r| expand(r, Some(c))));
        let p = format!("/components/{}", c.name());
        out.extend(
            POD.iter()
                .chain(AUTOSCALED)
                .map(|r| workload(r, c.values_key(), &p)),
        );
    }
    for (w, p) in WORKLOADS {
        out.extend(POD.iter().map(|r| workload(r, w, p)));
        if *w == "gateway" {
            out.extend(AUTOSCALED.iter().map(|r| workload(r, w, p)));
        }
    }
    out
}

/// A [`POD`] or [`AUTOSCALED`] row for one workload (`{w}` its values key, `{p}` its
/// model pointer).
fn workload(row: &Row, w: &str, p: &str) -> Expanded {
    let Target::Model(to, t) = row.to else {
        unreachable!("pod rows name model keys")
    };
    Expanded {
        from: row.from.replace("{w}", w),
        to: Target::Model(to, t),
        pointer: to.replace("{p}", p),
        via: None,
    }
}

fn expand(row: &Row, c: Option<Component>) -> Expanded {
    let (key, name) = c.map_or(("", ""), |c| (c.values_key(), c.name()));
    let from = row.from.replace("{c}", key);
    let (to, pointer) = match row.to {
        Target::Model("/components/{c}/replicas", _) if c == Some(Component::SingleBinary) => (
            Target::Model("/components/{c}/replicas", Transform::MonolithicReplicas),
            "/components/single-binary/replicas".to_owned(),
        ),
        Target::Model(p, t) => (Target::Model(p, t), p.replace("{c}", name)),
        Target::Derived(p) => (Target::Derived(p), p.to_owned()),
    };
    Expanded {
        from,
        to,
        pointer,
        via: None,
    }
}

/// Applies a transform: the model's value, `None` when the chart's value means "the
/// default" (nothing to write), `Err` with why the value cannot be the model's.
pub fn apply(t: Transform, v: &Value) -> Result<Option<Value>, String> {
    let unset = matches!(v, Value::Null) || v.as_str() == Some("");
    Ok(Some(match t {
        Transform::Same => v.clone(),
        Transform::Quantity => match v {
            Value::Number(n) => Value::String(n.to_string()),
            other => other.clone(),
        },
        Transform::TrafficDistribution if unset => Value::String("None".into()),
        Transform::TrafficDistributionOverride if unset => return Ok(None),
        Transform::TrafficDistribution | Transform::TrafficDistributionOverride => v.clone(),
        Transform::MonolithicReplicas => match v.as_u64() {
            Some(n) if n > 1 => v.clone(),
            Some(_) => Value::from(1),
            None => return Err(format!("expected a number of replicas, found {v}")),
        },
        Transform::MegabytesToItemSize => match v.as_u64() {
            Some(n) if n > 0 => Value::String(format!("{n}m")),
            _ => return Err(format!("expected a whole number of megabytes, found {v}")),
        },
        Transform::SchemaPeriods => schema_periods(v)?,
        // `{}` is Kubernetes' "none" as much as no value is (and, for a securityContext,
        // nothing merged over the default).
        Transform::Whole if v.is_null() || v.as_object().is_some_and(|m| m.is_empty()) => {
            return Ok(None);
        }
        Transform::Whole if templated(v) => {
            return Err("a Helm template (`{{ ... }}`) the chart renders: not modelled".into());
        }
        Transform::Whole => v.clone(),
        Transform::Autoscaling => return autoscaling(v),
        Transform::KubeVersion if unset => return Ok(None),
        Transform::KubeVersion => {
            let s = v
                .as_str()
                .ok_or_else(|| format!("expected a version string, found {v}"))?;
            let s = s.trim_start_matches('v');
            let mut parts = s.split(['.', '-', '+']);
            match (parts.next(), parts.next()) {
                (Some(major), Some(minor)) => Value::String(format!("{major}.{minor}")),
                _ => return Err(format!("`{s}` is not a Kubernetes version (`1.34`)")),
            }
        }
    }))
}

/// Whether a value holds a Helm template anywhere.
fn templated(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains("{{"),
        Value::Array(a) => a.iter().any(templated),
        Value::Object(m) => m.values().any(templated),
        _ => false,
    }
}

/// An autoscaler, gen's or the community chart's (see [`Transform::Autoscaling`]).
fn autoscaling(v: &Value) -> Result<Option<Value>, String> {
    let m = v
        .as_object()
        .ok_or_else(|| format!("expected a mapping, found {v}"))?;
    if m.get("enabled") == Some(&Value::Bool(false)) {
        return Ok(None);
    }
    let mut out = serde_json::Map::new();
    for (k, val) in m {
        match k.as_str() {
            "enabled" if val == &Value::Bool(true) => {}
            "minReplicas"
            | "maxReplicas"
            | "targetCPUUtilizationPercentage"
            | "targetMemoryUtilizationPercentage" => {
                if !val.is_null() {
                    out.insert(k.clone(), val.clone());
                }
            }
            "customMetrics" if val.as_array().is_some_and(Vec::is_empty) => {}
            "behavior" if val.get("enabled") != Some(&Value::Bool(true)) => {}
            other => return Err(format!("`{other}: {val}` is not modelled yet")),
        }
    }
    Ok(Some(Value::Object(out)))
}

/// The chart's schema periods (`from`, `store`, `object_store`, `schema`, `index.prefix`,
/// `index.period`) as the model's; a key the model does not have refuses the whole list.
fn schema_periods(v: &Value) -> Result<Value, String> {
    let items = v.as_array().ok_or("expected a list of schema periods")?;
    let mut out = Vec::new();
    for (i, p) in items.iter().enumerate() {
        let p = p
            .as_object()
            .ok_or_else(|| format!("period {i}: expected a mapping"))?;
        let mut m = serde_json::Map::new();
        for (k, val) in p {
            match k.as_str() {
                "from" | "store" | "schema" => {
                    m.insert(k.clone(), val.clone());
                }
                "object_store" => {
                    m.insert("objectStore".into(), val.clone());
                }
                "index" => {
                    let idx = val.as_object().ok_or("index: expected a mapping")?;
                    for (ik, iv) in idx {
                        match (ik.as_str(), iv.as_str()) {
                            ("prefix", _) => {
                                m.insert("indexPrefix".into(), iv.clone());
                            }
                            ("period", Some("24h")) => {}
                            _ => {
                                return Err(format!(
                                    "period {i}: `index.{ik}: {iv}` is not modelled yet (the model's periods are 24h)"
                                ));
                            }
                        }
                    }
                }
                other => {
                    return Err(format!("period {i}: `{other}` is not modelled yet"));
                }
            }
        }
        out.push(Value::Object(m));
    }
    Ok(Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn transforms() {
        let ok = |t, v: Value| apply(t, &v).unwrap();
        assert_eq!(ok(TrafficDistribution, json!("")), Some(json!("None")));
        assert_eq!(ok(TrafficDistributionOverride, json!("")), None);
        assert_eq!(
            ok(TrafficDistributionOverride, json!("PreferClose")),
            Some(json!("PreferClose"))
        );
        assert_eq!(ok(Quantity, json!(1)), Some(json!("1")));
        assert_eq!(ok(MegabytesToItemSize, json!(5)), Some(json!("5m")));
        assert!(apply(MegabytesToItemSize, &json!("5")).is_err());
        assert_eq!(ok(MonolithicReplicas, json!(0)), Some(json!(1)));
        assert_eq!(ok(MonolithicReplicas, json!(3)), Some(json!(3)));
        assert_eq!(ok(KubeVersion, json!("v1.34.2")), Some(json!("1.34")));
        assert_eq!(ok(KubeVersion, json!("")), None);
        assert_eq!(ok(Whole, json!({})), None);
        assert_eq!(ok(Whole, json!([])), Some(json!([])));
        assert_eq!(
            ok(Whole, json!({"pool": "loki"})),
            Some(json!({"pool": "loki"}))
        );
        assert!(apply(Whole, &json!({"a": [{"b": "{{ .Release.Name }}"}]})).is_err());
        assert_eq!(
            ok(Autoscaling, json!({"enabled": false, "minReplicas": 2})),
            None
        );
        assert_eq!(
            ok(
                Autoscaling,
                json!({"enabled": true, "minReplicas": 2, "maxReplicas": 4, "targetMemoryUtilizationPercentage": null, "customMetrics": [], "behavior": {"enabled": false}})
            ),
            Some(json!({"minReplicas": 2, "maxReplicas": 4}))
        );
        assert!(
            apply(
                Autoscaling,
                &json!({"enabled": true, "customMetrics": [{"type": "Pods"}]})
            )
            .is_err()
        );
        let periods = json!([{"from": "2024-04-01", "store": "tsdb", "object_store": "s3", "schema": "v13", "index": {"prefix": "index_", "period": "24h"}}]);
        assert_eq!(
            ok(SchemaPeriods, periods),
            Some(
                json!([{"from": "2024-04-01", "store": "tsdb", "objectStore": "s3", "schema": "v13", "indexPrefix": "index_"}])
            )
        );
        let weekly = json!([{"from": "2024-04-01", "index": {"period": "168h"}}]);
        assert!(
            apply(SchemaPeriods, &weekly)
                .unwrap_err()
                .contains("not modelled yet")
        );
    }

    #[test]
    fn rows_expand_per_component() {
        let rows = rows(Stage::single(crate::model::Mode::SimpleScalable));
        let r = rows
            .iter()
            .find(|r| r.from == "write.service.trafficDistribution")
            .unwrap();
        assert_eq!(r.pointer, "/components/write/trafficDistribution");
        assert!(!rows.iter().any(|r| r.from.starts_with("distributor.")));
        let mono = super::rows(Stage::single(crate::model::Mode::Monolithic));
        let r = mono
            .iter()
            .find(|r| r.from == "singleBinary.replicas")
            .unwrap();
        assert_eq!(
            r.to,
            Target::Model("/components/{c}/replicas", MonolithicReplicas)
        );
    }
}
