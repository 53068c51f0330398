//! The two memcached caches: port, memory, item size, connections.

use super::super::presets as p;
use super::Resolver;
use super::naming::Naming;
use super::pods::PodKind;
use crate::model::scalars::ItemSize;
use crate::model::*;
use crate::plan::CachePlan;

impl Resolver<'_> {
    pub(super) fn caches(
        &mut self,
        mode: Mode,
        strategy: PortStrategy,
        naming: &Naming,
    ) -> Vec<CachePlan> {
        let caches = self.lm.model.caches.clone().unwrap_or_default();
        let (chunks_mem, results_mem) = p::cache_memory(mode);
        let per = strategy == PortStrategy::PerComponent;
        let specs = [
            (
                "chunks-cache",
                "chunksCache",
                "chunks",
                caches.chunks,
                if per {
                    p::PER_COMPONENT_CHUNKS_CACHE
                } else {
                    p::MEMCACHED_PORT
                },
                chunks_mem,
                p::CACHE_MAX_ITEM_SIZE.1,
            ),
            (
                "results-cache",
                "resultsCache",
                "results",
                caches.results,
                if per {
                    p::PER_COMPONENT_RESULTS_CACHE
                } else {
                    p::MEMCACHED_PORT
                },
                results_mem,
                p::CACHE_MAX_ITEM_SIZE.0,
            ),
        ];
        let mut out = Vec::new();
        for (name, values_key, key, settings, port, memory, item) in specs {
            let s = settings.unwrap_or_default();
            if !s.enabled.unwrap_or(true) {
                continue;
            }
            let ptr = format!("/caches/{key}");
            let memory_mb = s.memory_mb.map_or(memory, |m| m.get());
            let max_item_size = s.max_item_size.clone();
            let bytes = max_item_size
                .as_ref()
                .map_or_else(|| preset_bytes(item), |s| s.bytes());
            if bytes < 1024 || bytes > u64::from(memory_mb) * (1 << 20) / 2 {
                // memcached refuses both at start-up.
                let shown = max_item_size.as_ref().map_or(item, |s| s.as_str());
                let at = self
                    .lm
                    .located
                    .first_present(&format!("{ptr}/maxItemSize|{ptr}/memoryMb|/mode"))
                    .to_owned();
                self.err_value(
                    &at,
                    format!("maxItemSize {shown} must be at least 1k and at most half of memoryMb ({memory_mb} MiB)"),
                );
            }
            let pod = self.pod(&ptr, s.pod(), PodKind::Memcached);
            let replicas = s.replicas.map_or(1, |r| r.get());
            out.push(CachePlan {
                name,
                values_key,
                port: s.port.map_or(port, |x| x.0),
                exporter_port: s.exporter_port.map_or(p::MEMCACHED_EXPORTER_PORT, |x| x.0),
                memory_mb,
                max_item_size: max_item_size.map_or_else(|| item.to_owned(), String::from),
                connection_limit: s
                    .connection_limit
                    .map_or(p::CACHE_CONNECTION_LIMIT, |c| c.get()),
                replicas,
                service: naming.services(name),
                resources: p::cache_resources(memory_mb),
                pod,
                max_unavailable: super::components::max_unavailable(
                    s.pod_disruption_budget.as_ref(),
                ),
                disruption_budget: super::workloads::has_disruption_budget(replicas, None, false),
            });
        }
        out
    }
}

/// A preset item size in bytes (`5m`, `2m`).
fn preset_bytes(item: &str) -> u64 {
    ItemSize::new(item).map_or(0, |s| s.bytes())
}
