//! `portplan plan`: the resolved plan as text, ending with the resource summary.

use super::{columns, to_json};
use crate::model::{CanaryKind, PortStrategy};
use crate::plan::{Cpu, Endpoint, Memory, Plan};

pub fn json(plan: &Plan) -> String {
    to_json(plan)
}

pub fn text(plan: &Plan) -> String {
    let mut o = String::new();
    let strategy = match plan.strategy {
        PortStrategy::Shared => "shared ports",
        PortStrategy::PerComponent => "per-component ports",
    };
    let mode = match &plan.transition {
        None => format!("{} mode", plan.mode),
        Some(t) => format!("{} mode moving to {}", plan.mode, t.to),
    };
    o.push_str(&format!(
        "{} in namespace {}: {mode}, {strategy}, Kubernetes >= {}\n",
        plan.release, plan.namespace, plan.kube_version
    ));
    o.push_str(&format!(
        "trafficDistribution: {}\n\n",
        plan.traffic_distribution.unwrap_or("(unset)")
    ));
    if let Some(t) = &plan.transition {
        o.push_str(&format!(
            "Transition {} -> {} (the community chart's deploymentMode {})\n",
            plan.mode, t.to, t.chart_mode
        ));
        o.push_str(&format!(
            "  serving   {}: the gateway and the clients route here\n",
            t.outgoing.join(", ")
        ));
        o.push_str(&format!(
            "  incoming  {}: the same memberlist ring, no gateway traffic yet\n",
            t.incoming.join(", ")
        ));
        o.push_str(&format!("  next: {}\n\n", t.next_step));
    }

    o.push_str("Workloads\n");
    let mut rows = Vec::new();
    for c in &plan.components {
        rows.push(vec![
            format!("  {}", c.name),
            c.kind.to_string(),
            format!("x{}", c.replicas),
            format!("http {}", c.http_port),
            format!("grpc {}", c.grpc_port),
            td(c.traffic_distribution),
            c.service.fqdn.clone(),
        ]);
    }
    let g = &plan.gateway;
    rows.push(vec![
        "  gateway".into(),
        "Deployment".into(),
        format!("x{}", g.replicas),
        format!("http {}", g.port),
        String::new(),
        td(g.traffic_distribution),
        g.service.fqdn.clone(),
    ]);
    for c in &plan.caches {
        rows.push(vec![
            format!("  {}", c.name),
            "StatefulSet".into(),
            format!("x{}", c.replicas),
            format!("port {}", c.port),
            format!("exporter {}", c.exporter_port),
            "headless".into(),
            c.service.fqdn.clone(),
        ]);
    }
    if plan.canary.enabled {
        let kind = match plan.canary.kind {
            CanaryKind::DaemonSet => "DaemonSet",
            CanaryKind::Deployment => "Deployment",
        };
        let pods = plan
            .canary
            .expected_pods
            .map_or("x?".into(), |n| format!("x{n}"));
        rows.push(vec![
            "  canary".into(),
            kind.into(),
            pods,
            format!("http {}", plan.canary.port),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    rows.push(vec![
        "  memberlist".into(),
        "Service".into(),
        String::new(),
        format!("gossip {}", plan.memberlist.port),
        String::new(),
        String::new(),
        plan.memberlist.fqdn.clone(),
    ]);
    o.push_str(&columns(&rows));

    o.push_str("\nAddresses\n");
    let a = &plan.addresses;
    let mut rows = Vec::new();
    let mut addr = |what: &str, e: &Option<Endpoint>| {
        if let Some(e) = e {
            rows.push(vec![format!("  {what}"), e.address.clone()]);
        }
    };
    addr("memberlist join", &Some(a.memberlist_join.clone()));
    addr("frontend worker -> query-frontend", &a.frontend);
    addr("frontend / worker -> scheduler", &a.scheduler);
    addr("index gateway client", &a.index_gateway);
    addr("compactor client", &a.compactor);
    addr("tail proxy", &a.tail_proxy);
    addr("chunks cache client", &a.chunks_cache);
    addr("results cache client", &a.results_cache);
    addr("push (direct)", &Some(a.push.clone()));
    addr("query (direct)", &Some(a.query.clone()));
    addr("gateway", &Some(a.gateway.clone()));
    for u in &plan.gateway.upstreams {
        rows.push(vec![
            format!("  gateway upstream {}", u.role),
            u.endpoint.address.clone(),
        ]);
    }
    o.push_str(&columns(&rows));

    o.push_str("\nLoki\n");
    let canary = match (plan.canary.enabled, plan.canary.expected_pods) {
        (false, _) => "canary off".to_owned(),
        (true, Some(1)) => "1 canary pod".to_owned(),
        (true, Some(n)) => format!("{n} canary pods"),
        (true, None) => "canary pod count unknown (set canary.expectedPods)".to_owned(),
    };
    o.push_str(&format!(
        "  max_concurrent_tail_requests {} ({canary})\n",
        plan.limits.max_concurrent_tail_requests
    ));
    o.push_str(&format!(
        "  structured metadata {}\n",
        if plan.structured_metadata {
            "on"
        } else {
            "off"
        }
    ));
    for p in &plan.schema_config {
        o.push_str(&format!(
            "  schema from {}: {} {} on {}\n",
            p.from, p.store, p.schema, p.object_store
        ));
    }
    let s = &plan.storage;
    o.push_str(&format!("  storage {}", s.kind));
    if let Some(b) = &s.chunks_bucket {
        o.push_str(&format!(", chunks bucket {b}"));
    }
    o.push('\n');

    if !plan.clients.alloy.is_empty() || !plan.clients.grafana.is_empty() {
        o.push_str("\nClients\n");
        let mut rows = Vec::new();
        for c in &plan.clients.alloy {
            rows.push(vec![
                format!("  alloy {}", c.name),
                format!("via {}", c.via),
                c.url.clone(),
            ]);
        }
        for d in &plan.clients.grafana {
            rows.push(vec![
                format!("  grafana {:?}", d.name),
                format!("via {}", d.via),
                d.url.clone(),
            ]);
        }
        o.push_str(&columns(&rows));
    }

    let sum = plan.resource_summary();
    o.push_str("\nResources (requests)\n");
    let mut rows = vec![vec![
        "  WORKLOAD".into(),
        "PODS".into(),
        "CPU/POD".into(),
        "MEMORY/POD".into(),
        "CPU".into(),
        "MEMORY".into(),
    ]];
    for r in &sum.rows {
        rows.push(vec![
            format!("  {}", r.workload),
            if r.pods_known {
                r.pods.to_string()
            } else {
                "?".into()
            },
            Cpu(r.cpu_request_millicores).to_string(),
            Memory(r.memory_request_bytes).to_string(),
            r.cpu_total().to_string(),
            r.memory_total().to_string(),
        ]);
    }
    rows.push(vec![
        "  total".into(),
        sum.total_pods.to_string(),
        String::new(),
        String::new(),
        format!("{} cores", Cpu(sum.total_cpu_millicores).cores()),
        Memory(sum.total_memory_bytes).gib(),
    ]);
    o.push_str(&columns(&rows));
    if sum.rows.iter().any(|r| !r.pods_known) {
        o.push_str("  (? = one pod per node: set canary.expectedPods to count them)\n");
    }
    o
}

fn td(v: Option<&str>) -> String {
    v.map_or_else(|| "-".into(), str::to_owned)
}
