//! The Loki config keys the Plan owns, and the model key that sets each one instead.
//!
//! Ports, addresses, the rings' discovery, schema periods and storage come only from the Plan
//! (one owner per fact): a pass-through value for one of them would either be overwritten or,
//! worse, win and leave the chart's Services, probes and gateway pointing elsewhere. So the
//! pass-through (`loki.config`, `limits`, `overrides`) refuses them and names the model key
//! to use. This table is the one place that mapping lives.

/// One owned key: its Loki path and the model key that sets it.
pub struct Owned {
    /// Dotted Loki path. `**.key` matches `key` at any depth; a path also owns everything
    /// under it.
    pub path: &'static str,
    /// The model key to use instead (or what sets the value when no key does).
    pub model_key: &'static str,
}

/// Every owned key.
pub const OWNED: &[Owned] = &[
    Owned {
        path: "target",
        model_key: "`mode` (each component gets its own -target)",
    },
    Owned {
        path: "auth_enabled",
        model_key: "`authEnabled`",
    },
    Owned {
        path: "server.http_listen_port",
        model_key: "`ports` / `components.<name>.http`",
    },
    Owned {
        path: "server.grpc_listen_port",
        model_key: "`ports` / `components.<name>.grpc`",
    },
    Owned {
        path: "server.http_listen_address",
        model_key: "`ports` (the chart listens on every address)",
    },
    Owned {
        path: "server.grpc_listen_address",
        model_key: "`ports` (the chart listens on every address)",
    },
    Owned {
        path: "memberlist.bind_port",
        model_key: "`memberlist.port`",
    },
    Owned {
        path: "memberlist.advertise_port",
        model_key: "`memberlist.port`",
    },
    Owned {
        path: "memberlist.join_members",
        model_key: "`memberlist.port` (the Plan joins the memberlist Service of `release`/`namespace`)",
    },
    Owned {
        path: "**.kvstore",
        model_key: "`memberlist` (every ring uses the memberlist the Plan sets up)",
    },
    Owned {
        path: "**.replication_factor",
        model_key: "`components.<ingester>.replicas` (1 replica: factor 1, else 3)",
    },
    Owned {
        path: "common.ring",
        model_key: "`memberlist`",
    },
    Owned {
        path: "common.path_prefix",
        model_key: "none: the chart's volumes are mounted at /var/loki",
    },
    Owned {
        path: "common.storage",
        model_key: "`storage`",
    },
    Owned {
        path: "common.compactor_grpc_address",
        model_key: "`components.compactor`",
    },
    Owned {
        path: "common.compactor_address",
        model_key: "`components.compactor`",
    },
    Owned {
        path: "common.instance_addr",
        model_key: "none: each pod advertises its own address",
    },
    Owned {
        path: "frontend.scheduler_address",
        model_key: "`components.query-scheduler`",
    },
    Owned {
        path: "frontend.tail_proxy_url",
        model_key: "`mode` (the Plan points tails at the querier)",
    },
    Owned {
        path: "frontend_worker.scheduler_address",
        model_key: "`components.query-scheduler`",
    },
    Owned {
        path: "frontend_worker.frontend_address",
        model_key: "`components.query-frontend`",
    },
    Owned {
        path: "**.index_gateway_client.server_address",
        model_key: "`components.index-gateway`",
    },
    Owned {
        path: "**.memcached_client.addresses",
        model_key: "`caches.chunks` / `caches.results`",
    },
    Owned {
        path: "**.memcached_client.host",
        model_key: "`caches.chunks` / `caches.results`",
    },
    Owned {
        path: "**.memcached_client.service",
        model_key: "`caches.chunks` / `caches.results`",
    },
    Owned {
        path: "schema_config",
        model_key: "`schemaConfig`",
    },
    Owned {
        path: "storage_config.aws",
        model_key: "`storage`",
    },
    Owned {
        path: "storage_config.gcs",
        model_key: "`storage`",
    },
    Owned {
        path: "storage_config.azure",
        model_key: "`storage`",
    },
    Owned {
        path: "storage_config.filesystem",
        model_key: "`storage`",
    },
    Owned {
        path: "storage_config.bos",
        model_key: "`storage`",
    },
    Owned {
        path: "storage_config.swift",
        model_key: "`storage`",
    },
    Owned {
        path: "storage_config.alibabacloud",
        model_key: "`storage`",
    },
    Owned {
        path: "storage_config.cos",
        model_key: "`storage`",
    },
    Owned {
        path: "storage_config.object_store",
        model_key: "`storage`",
    },
    Owned {
        path: "storage_config.named_stores",
        model_key: "`storage`",
    },
    Owned {
        path: "storage_config.tsdb_shipper.active_index_directory",
        model_key: "none: the chart's volumes are mounted at /var/loki",
    },
    Owned {
        path: "storage_config.boltdb_shipper.active_index_directory",
        model_key: "none: the chart's volumes are mounted at /var/loki",
    },
    Owned {
        path: "ruler.storage",
        model_key: "`storage.buckets.ruler`",
    },
    Owned {
        path: "ruler_storage",
        model_key: "`storage.buckets.ruler`",
    },
    Owned {
        path: "limits_config",
        model_key: "`limits`",
    },
    Owned {
        path: "runtime_config",
        model_key: "`overrides`",
    },
    Owned {
        path: "compactor.retention_enabled",
        model_key: "`limits.retention_period`",
    },
    Owned {
        path: "compactor.delete_request_store",
        model_key: "`limits.retention_period`",
    },
    Owned {
        path: "compactor.working_directory",
        model_key: "none: the chart's volumes are mounted at /var/loki",
    },
    Owned {
        path: "ingester.wal.dir",
        model_key: "none: the chart's volumes are mounted at /var/loki",
    },
    Owned {
        path: "limits_config.allow_structured_metadata",
        model_key: "`structuredMetadata`",
    },
];

/// The owner of the dotted Loki path `path`, if the Plan owns it.
pub fn owner(path: &str) -> Option<&'static Owned> {
    OWNED.iter().find(|o| matches(o.path, path))
}

/// The owner of `path` among the keys under `scope` (a block the model gives key by key, such
/// as `limits_config` through `limits`): the row that owns `scope` as a whole is not counted.
pub fn owner_within(scope: &str, path: &str) -> Option<&'static Owned> {
    OWNED
        .iter()
        .find(|o| !matches(o.path, scope) && matches(o.path, path))
}

fn matches(pattern: &str, path: &str) -> bool {
    let under = |p: &str, path: &str| path == p || path.starts_with(&format!("{p}."));
    match pattern.strip_prefix("**.") {
        Some(tail) => {
            // `tail` starting at any segment boundary.
            let mut rest = path;
            loop {
                if under(tail, rest) {
                    return true;
                }
                match rest.split_once('.') {
                    Some((_, r)) => rest = r,
                    None => return false,
                }
            }
        }
        None => under(pattern, path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owns_exact_paths_what_is_under_them_and_keys_at_any_depth() {
        assert!(owner("auth_enabled").is_some());
        assert!(owner("common.storage.s3.bucketnames").is_some());
        assert!(owner("ingester.lifecycler.ring.kvstore.store").is_some());
        assert!(owner("ingester.lifecycler.ring.replication_factor").is_some());
        assert!(owner("query_range.results_cache.cache.memcached_client.addresses").is_some());
        assert!(owner("server.log_level").is_none());
        assert!(owner("auth_enabled_x").is_none());
        assert!(owner("ingester.chunk_idle_period").is_none());
        assert!(owner_within("limits_config", "limits_config.ingestion_rate_mb").is_none());
        assert!(owner_within("limits_config", "limits_config.allow_structured_metadata").is_some());
    }

    #[test]
    fn every_owned_path_is_a_path_of_the_reference() {
        // A pattern naming no key of Loki's config would never match anything.
        let r = super::super::reference::reference();
        let all: Vec<String> = r
            .block_names()
            .flat_map(|b| {
                r.block(b)
                    .into_iter()
                    .flat_map(|x| x.paths().map(|(p, _)| p.to_owned()))
            })
            .collect();
        for o in OWNED {
            let last = o.path.rsplit('.').next().unwrap();
            assert!(
                all.iter()
                    .any(|p| p == last || p.ends_with(&format!(".{last}"))),
                "{} names no key of the reference",
                o.path
            );
        }
    }
}
