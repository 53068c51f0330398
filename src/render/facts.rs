//! The model facts a generated chart renders into its templates instead of reading from its
//! values (release, namespace, storage, schema periods, clients, zones...), recorded in
//! Chart.yaml's `portplan/model` annotation so that `portplan import --chart` reads a
//! generated chart back to a model with the same Plan.
//!
//! They are written from the Plan with the model's key names, resolved (a preset is written
//! as the value it resolved to; import leaves out whatever equals the preset again). What
//! values.yaml carries (ports, replicas, resources, images, caches...) is not repeated here:
//! import reads it from values.yaml, where a `helm -f` override may have changed it.

use serde_json::{Map, Value, json};

use crate::model::PortStrategy;
use crate::plan::Plan;

/// The facts as the model's JSON (portplan.yaml's keys).
pub fn model_facts(plan: &Plan) -> Value {
    let mut m = Map::new();
    m.insert("release".into(), json!(plan.release));
    m.insert("namespace".into(), json!(plan.namespace));
    m.insert("clusterDomain".into(), json!(plan.cluster_domain));
    m.insert("kubeVersion".into(), json!(plan.kube_version.to_string()));
    m.insert("mode".into(), json!(plan.mode.as_str()));
    if let Some(t) = &plan.transition {
        m.insert("transition".into(), json!(t.to.as_str()));
    }
    // The strategy: the ports themselves are in values.yaml, and one component's port
    // does not say whether it is a base plus a slot.
    m.insert("ports".into(), json!({"strategy": plan.strategy}));
    m.insert("authEnabled".into(), json!(plan.auth_enabled));
    // Optional components the mode could run and the chart does not, and non-default slots.
    let mut components = Map::new();
    let stage = plan.stage();
    for c in stage.components() {
        let planned = plan.components.iter().find(|p| p.name == c.name());
        let default_slot = stage.default_slot(c);
        let mut s = Map::new();
        match planned {
            None => {
                s.insert("enabled".into(), json!(false));
            }
            Some(p) => {
                if plan.strategy == PortStrategy::PerComponent
                    && let Some(slot) = p.slot
                    && slot != default_slot
                {
                    s.insert("slot".into(), json!(slot));
                }
            }
        }
        if !s.is_empty() {
            components.insert(c.name().into(), Value::Object(s));
        }
    }
    // Zone-aware ingesters: values.yaml has one `ingester` key either way.
    if plan.zone_aware
        && let Some(ingester) = plan.components.iter().find(|c| c.name == "ingester")
    {
        let entry = components
            .entry(ingester.name.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(o) = entry.as_object_mut() {
            o.insert("zoneAware".into(), json!(true));
        }
    }
    if !components.is_empty() {
        m.insert("components".into(), Value::Object(components));
    }
    let mut caches = Map::new();
    for (key, name) in [("chunks", "chunks-cache"), ("results", "results-cache")] {
        if !plan.caches.iter().any(|c| c.name == name) {
            caches.insert(key.into(), json!({"enabled": false}));
        }
    }
    if !caches.is_empty() {
        m.insert("caches".into(), Value::Object(caches));
    }
    let c = &plan.canary;
    let mut canary = Map::new();
    canary.insert("enabled".into(), json!(c.enabled));
    canary.insert("kind".into(), json!(c.kind));
    if let Some(n) = c.expected_pods
        && c.kind == crate::model::CanaryKind::DaemonSet
    {
        canary.insert("expectedPods".into(), json!(n));
    }
    if let Some(t) = &c.tenant {
        canary.insert("tenant".into(), json!(t));
    }
    m.insert("canary".into(), Value::Object(canary));
    // `limits` but the tail limit (values.yaml's `loki.maxConcurrentTailRequests`), the
    // per-tenant overrides and the pass-through: rendered into the config, not values.
    let mut limits = plan.limits.config.clone();
    if let Some(r) = &plan.limits.retention_period {
        limits.insert("retention_period".into(), json!(r));
    }
    if !limits.is_empty() {
        m.insert("limits".into(), Value::Object(limits));
    }
    if !plan.overrides.is_empty() {
        let overrides: Map<String, Value> = plan
            .overrides
            .iter()
            .map(|t| (t.tenant.clone(), Value::Object(t.limits.clone())))
            .collect();
        m.insert("overrides".into(), Value::Object(overrides));
    }
    if !plan.loki_config.is_empty() {
        m.insert(
            "loki".into(),
            json!({"config": Value::Object(plan.loki_config.clone())}),
        );
    }
    let periods: Vec<Value> = plan
        .schema_config
        .iter()
        .map(|p| {
            json!({
                "from": p.from,
                "store": p.store,
                "schema": p.schema,
                "objectStore": p.object_store,
                "indexPrefix": p.index_prefix,
            })
        })
        .collect();
    m.insert("schemaConfig".into(), Value::Array(periods));
    m.insert("structuredMetadata".into(), json!(plan.structured_metadata));
    let s = &plan.storage;
    let mut storage = Map::new();
    storage.insert("type".into(), json!(s.kind));
    if let Some(chunks) = &s.chunks_bucket {
        let mut b = Map::new();
        b.insert("chunks".into(), json!(chunks));
        if let Some(r) = &s.ruler_bucket {
            b.insert("ruler".into(), json!(r));
        }
        storage.insert("buckets".into(), Value::Object(b));
    }
    for (k, v) in [
        ("region", &s.region),
        ("endpoint", &s.endpoint),
        ("accountName", &s.account_name),
    ] {
        if let Some(v) = v {
            storage.insert(k.into(), json!(v));
        }
    }
    // The static keys' Secret (the identity is values.yaml's serviceAccount.annotations).
    if let Some(secret) = &plan.identity.credentials_secret {
        let mut c = Map::new();
        c.insert("name".into(), json!(secret.name));
        for (env, key) in &secret.env {
            let model_key = match *env {
                "AWS_ACCESS_KEY_ID" => "accessKeyIdKey",
                _ => "secretAccessKeyKey",
            };
            if key != env {
                c.insert(model_key.into(), json!(key));
            }
        }
        storage.insert("credentialsSecret".into(), Value::Object(c));
    }
    m.insert("storage".into(), Value::Object(storage));
    let alloy: Vec<Value> = plan
        .clients
        .alloy
        .iter()
        .map(|a| {
            let mut o = Map::new();
            o.insert("name".into(), json!(a.name));
            o.insert("via".into(), json!(a.via));
            o.insert("protocol".into(), json!(a.protocol));
            if let Some(t) = &a.tenant {
                o.insert("tenant".into(), json!(t));
            }
            if let Some(b) = &a.basic_auth {
                let mut auth = Map::new();
                auth.insert("username".into(), json!(b.username));
                if let Some(f) = &b.password_file {
                    auth.insert("passwordFile".into(), json!(f));
                }
                if let Some(e) = &b.password_env {
                    auth.insert("passwordEnv".into(), json!(e));
                }
                o.insert("basicAuth".into(), Value::Object(auth));
            }
            if let Some(t) = &a.timeout {
                o.insert("timeout".into(), json!(t));
            }
            let mut batch = Map::new();
            for (k, v) in [("size", &a.batch_size), ("wait", &a.batch_wait)] {
                if let Some(v) = v {
                    batch.insert(k.into(), json!(v));
                }
            }
            if !batch.is_empty() {
                o.insert("batch".into(), Value::Object(batch));
            }
            let mut retry = Map::new();
            for (k, v) in [
                ("minBackoff", &a.min_backoff),
                ("maxBackoff", &a.max_backoff),
            ] {
                if let Some(v) = v {
                    retry.insert(k.into(), json!(v));
                }
            }
            if let Some(n) = a.max_retries {
                retry.insert("maxRetries".into(), json!(n));
            }
            if !retry.is_empty() {
                o.insert("retry".into(), Value::Object(retry));
            }
            Value::Object(o)
        })
        .collect();
    let grafana: Vec<Value> = plan
        .clients
        .grafana
        .iter()
        .map(|g| {
            let mut o = Map::new();
            o.insert("name".into(), json!(g.name));
            o.insert("via".into(), json!(g.via));
            if let Some(t) = &g.tenant {
                o.insert("tenant".into(), json!(t));
            }
            o.insert("isDefault".into(), json!(g.is_default));
            if let Some(t) = g.timeout {
                o.insert("timeout".into(), json!(t));
            }
            o.insert("maxLines".into(), json!(g.max_lines));
            Value::Object(o)
        })
        .collect();
    if !alloy.is_empty() || !grafana.is_empty() {
        m.insert(
            "clients".into(),
            json!({"alloy": alloy, "grafana": grafana}),
        );
    }
    if !plan.zones.is_empty() {
        let zones: Map<String, Value> = plan
            .zones
            .iter()
            .map(|z| (z.name.clone(), json!(z.cidrs)))
            .collect();
        m.insert("zones".into(), Value::Object(zones));
        let ids: Map<String, Value> = plan
            .zones
            .iter()
            .flat_map(|z| z.az_ids.iter().map(move |id| (id.clone(), json!(z.name))))
            .collect();
        if !ids.is_empty() {
            m.insert("zoneIds".into(), Value::Object(ids));
        }
    }
    if !plan.flow_clients.is_empty() {
        let clients: Vec<Value> = plan
            .flow_clients
            .iter()
            .map(|c| json!({"name": c.name, "cidrs": c.cidrs}))
            .collect();
        m.insert("flows".into(), json!({ "clients": clients }));
    }
    Value::Object(m)
}

/// The facts as one YAML double-quoted scalar (a JSON string is one), for Chart.yaml.
pub fn annotation(plan: &Plan) -> String {
    let compact = serde_json::to_string(&model_facts(plan)).expect("JSON always serialises");
    serde_json::to_string(&compact).expect("a string serialises")
}
