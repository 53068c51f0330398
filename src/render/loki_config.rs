//! Loki's config file, built as a data tree from the Plan (see [`crate::loki::tree`]) so that
//! the model's Loki settings — `limits`, the pass-through `loki.config` — merge into it key by
//! key, and the whole is written with one quoting rule. Ports come from values.yaml through
//! Helm expressions (`{{ .Values.memberlist.port | int }}`), the same values as the
//! containers' and Services' ports; hosts and names come from the Plan.

use serde_json::Value;

use crate::loki::{Node, Part};
use crate::plan::{Endpoint, Plan, StoragePlan};

/// The chart's volume: Loki's working data lives under it.
const DATA: &str = "/var/loki";

/// The whole Loki config of `plan`, with `loki.config` merged in.
pub fn config(plan: &Plan) -> Node {
    let a = &plan.addresses;
    let s = &plan.storage;
    let mut root = Node::map();
    root.set("auth_enabled", Node::Scalar(plan.auth_enabled.into()));
    root.child("server").set("log_level", Node::str("info"));
    root.child("memberlist")
        .set("bind_port", Node::helm_int(".Values.memberlist.port"))
        .set(
            "join_members",
            Node::List(vec![address(&a.memberlist_join)]),
        );

    let common = root.child("common");
    common.set("path_prefix", Node::str(DATA)).set(
        "replication_factor",
        Node::Scalar(plan.replication_factor.into()),
    );
    let ring = common.child("ring");
    ring.child("kvstore").set("store", Node::str("memberlist"));
    if plan.zone_aware {
        // Zone-aware ingesters: each stream's copies go to different zones (the ingesters'
        // -ingester.availability-zone).
        ring.set("zone_awareness_enabled", Node::Scalar(true.into()));
    }
    if let Some(c) = &a.compactor {
        common.set("compactor_grpc_address", address(c));
    }
    let storage = if s.kind == "filesystem" {
        let mut fs = Node::map();
        fs.child("filesystem")
            .set("chunks_directory", Node::str(format!("{DATA}/chunks")))
            .set("rules_directory", Node::str(format!("{DATA}/rules")));
        fs
    } else {
        object_store(s, s.chunks_bucket.as_deref().unwrap_or_default())
    };
    common.set("storage", storage);

    let storage_config = root.child("storage_config");
    for store in &plan.index_stores {
        let (key, dir) = if *store == "tsdb" {
            ("tsdb_shipper", "tsdb")
        } else {
            ("boltdb_shipper", "boltdb-shipper")
        };
        let (active, cache) = if *store == "tsdb" {
            (format!("{DATA}/{dir}-index"), format!("{DATA}/{dir}-cache"))
        } else {
            (
                format!("{DATA}/{dir}-active"),
                format!("{DATA}/{dir}-cache"),
            )
        };
        let shipper = storage_config.child(key);
        shipper
            .set("active_index_directory", Node::str(active))
            .set("cache_location", Node::str(cache));
        if let Some(g) = &a.index_gateway {
            shipper
                .child("index_gateway_client")
                .set("server_address", address(g));
        }
    }

    let periods = plan
        .schema_config
        .iter()
        .map(|p| {
            let mut n = Node::map();
            n.set("from", Node::str(&p.from))
                .set("store", Node::str(p.store))
                .set("object_store", Node::str(p.object_store))
                .set("schema", Node::str(p.schema));
            n.child("index")
                .set("prefix", Node::str(&p.index_prefix))
                .set("period", Node::str("24h"));
            n
        })
        .collect();
    root.child("schema_config")
        .set("configs", Node::List(periods));

    let limits = root.child("limits_config");
    limits
        .set(
            "max_concurrent_tail_requests",
            Node::helm_int(".Values.loki.maxConcurrentTailRequests"),
        )
        .set(
            "allow_structured_metadata",
            Node::Scalar(plan.structured_metadata.into()),
        );
    if let Some(r) = &plan.limits.retention_period {
        limits.set("retention_period", Node::str(r));
    }
    limits.merge(Node::from_map(&plan.limits.config));

    let ingester = root.child("ingester");
    ingester.set("chunk_encoding", Node::str("snappy"));
    ingester
        .child("wal")
        .set("dir", Node::str(format!("{DATA}/wal")));
    let compactor = root.child("compactor");
    compactor.set("working_directory", Node::str(format!("{DATA}/compactor")));
    if plan.limits.retention_period.is_some() {
        compactor
            .set("retention_enabled", Node::Scalar(true.into()))
            .set("delete_request_store", Node::str(s.kind));
    }

    if let Some(sched) = &a.scheduler {
        let frontend = root.child("frontend");
        frontend.set("scheduler_address", address(sched));
        if let Some(t) = &a.tail_proxy {
            frontend.set("tail_proxy_url", address(t));
        }
        root.child("frontend_worker")
            .set("scheduler_address", address(sched));
    } else if let Some(f) = &a.frontend {
        let frontend = root.child("frontend");
        if let Some(t) = &a.tail_proxy {
            frontend.set("tail_proxy_url", address(t));
        }
        root.child("frontend_worker")
            .set("frontend_address", address(f));
    }

    if let Some(c) = &a.chunks_cache {
        let cache = root.child("chunk_store_config").child("chunk_cache_config");
        cache.set("default_validity", Node::str("0s"));
        cache
            .child("memcached")
            .set("batch_size", Node::Scalar(4.into()))
            .set("parallelism", Node::Scalar(5.into()));
        cache
            .child("memcached_client")
            .set("addresses", address(c))
            .set("consistent_hash", Node::Scalar(true.into()))
            .set("max_idle_conns", Node::Scalar(72.into()))
            .set("timeout", Node::str("2000ms"));
    }
    let query_range = root.child("query_range");
    query_range.set("align_queries_with_step", Node::Scalar(true.into()));
    if let Some(c) = &a.results_cache {
        query_range.set("cache_results", Node::Scalar(true.into()));
        let cache = query_range.child("results_cache").child("cache");
        cache.set("default_validity", Node::str("12h"));
        cache
            .child("memcached_client")
            .set("addresses", address(c))
            .set("consistent_hash", Node::Scalar(true.into()))
            .set("timeout", Node::str("500ms"))
            .set("update_interval", Node::str("1m"));
    }
    if let Some(bucket) = &s.ruler_bucket {
        let mut storage = Node::map();
        storage.set("type", Node::str(s.kind));
        storage.merge(object_store(s, bucket));
        root.child("ruler").set("storage", storage);
    }
    if let Some(rc) = &plan.runtime_config {
        root.child("runtime_config")
            .set("file", Node::str(&rc.file));
    }
    root.merge(Node::from_map(&plan.loki_config));
    root
}

/// Loki's runtime config file (per-tenant overrides), when the model has any.
pub fn runtime(plan: &Plan) -> Option<Node> {
    plan.runtime_config.as_ref()?;
    let mut root = Node::map();
    let overrides = root.child("overrides");
    for t in &plan.overrides {
        overrides.set(&t.tenant, Node::from_map(&t.limits));
    }
    Some(root)
}

/// The Plan's address of `e` (`scheme + host + ":" + port`), its port read from values.yaml
/// where the Service's port is set, so an install-time port change reaches both.
fn address(e: &Endpoint) -> Node {
    Node::helm(vec![
        Part::Lit(format!("{}{}:", e.scheme, e.host)),
        Part::Expr(format!("{} | int", e.values_path)),
    ])
}

/// The object-store block for `common.storage` and `ruler.storage` (an explicit
/// `ruler.storage` does not inherit `common.storage`).
pub fn object_store(s: &StoragePlan, bucket: &str) -> Node {
    let mut n = Node::map();
    match s.kind {
        "s3" => {
            let s3 = n.child("s3");
            s3.set("bucketnames", Node::str(bucket));
            if let Some(r) = &s.region {
                s3.set("region", Node::str(r));
            }
            if let Some(e) = &s.endpoint {
                s3.set("endpoint", Node::str(e))
                    .set("s3forcepathstyle", Node::Scalar(Value::Bool(true)));
            }
        }
        "gcs" => {
            n.child("gcs").set("bucket_name", Node::str(bucket));
        }
        "azure" => {
            n.child("azure")
                .set(
                    "account_name",
                    Node::str(s.account_name.as_deref().unwrap_or_default()),
                )
                .set("container_name", Node::str(bucket))
                .set("use_federated_token", Node::Scalar(true.into()));
        }
        _ => {}
    }
    n
}
