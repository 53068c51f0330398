//! The resource summary: what the plan asks of the cluster, so a user sees whether a mode fits
//! before deploying (the incident: memcached pending on memory in a small cluster).

use serde::Serialize;

use super::{Cpu, Memory, Plan};
use crate::model::{CanaryKind, Resources};

/// Pods and requests of one workload.
#[derive(Clone, Debug, Serialize)]
pub struct ResourceRow {
    pub workload: String,
    pub pods: u32,
    /// Requests per pod.
    pub cpu_request_millicores: u64,
    pub memory_request_bytes: u64,
    /// A DaemonSet's pod count is the node count; unknown unless the model says.
    pub pods_known: bool,
}

/// Requests per workload and in total.
#[derive(Clone, Debug, Serialize)]
pub struct ResourceSummary {
    pub rows: Vec<ResourceRow>,
    pub total_pods: u32,
    pub total_cpu_millicores: u64,
    pub total_memory_bytes: u64,
}

impl ResourceRow {
    pub fn cpu_total(&self) -> Cpu {
        Cpu(self.cpu_request_millicores * u64::from(self.pods))
    }
    pub fn memory_total(&self) -> Memory {
        Memory(self.memory_request_bytes * u64::from(self.pods))
    }
}

fn requests(r: &Resources) -> (u64, u64) {
    let list = r.requests.as_ref();
    let cpu = list
        .and_then(|l| l.cpu.as_deref())
        .and_then(|c| Cpu::parse(c).ok())
        .unwrap_or_default();
    let mem = list
        .and_then(|l| l.memory.as_deref())
        .and_then(|m| Memory::parse(m).ok())
        .unwrap_or_default();
    (cpu.0, mem.0)
}

impl Plan {
    /// Pods and requests of every workload the chart runs.
    pub fn resource_summary(&self) -> ResourceSummary {
        let mut rows = Vec::new();
        let mut push = |workload: &str, pods: u32, r: &Resources, known: bool| {
            let (cpu, mem) = requests(r);
            rows.push(ResourceRow {
                workload: workload.to_owned(),
                pods,
                cpu_request_millicores: cpu,
                memory_request_bytes: mem,
                pods_known: known,
            });
        };
        for c in &self.components {
            push(c.name, c.replicas, &c.resources, true);
        }
        push(
            "gateway",
            self.gateway.replicas,
            &self.gateway.resources,
            true,
        );
        for c in &self.caches {
            push(c.name, c.replicas, &c.resources, true);
        }
        if self.canary.enabled {
            let (pods, known) = match self.canary.kind {
                CanaryKind::Deployment => (self.canary.replicas, true),
                CanaryKind::DaemonSet => (
                    self.canary.expected_pods.unwrap_or(0),
                    self.canary.expected_pods.is_some(),
                ),
            };
            push("canary", pods, &self.canary.resources, known);
        }
        ResourceSummary {
            total_pods: rows.iter().map(|r| r.pods).sum(),
            total_cpu_millicores: rows.iter().map(|r| r.cpu_total().0).sum(),
            total_memory_bytes: rows.iter().map(|r| r.memory_total().0).sum(),
            rows,
        }
    }
}
