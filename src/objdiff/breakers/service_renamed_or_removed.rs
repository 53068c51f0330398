//! `service-renamed-or-removed`: a Service of the before side has another name, or none,
//! on the after side.
//!
//! Everything outside the chart reaches Loki by Service name: Alloy's `loki.write` URL,
//! Grafana's datasource, the canary, a ServiceMonitor, another cluster's remote-write. The
//! community chart's single-binary Service is `<release>` (`loki`), portplan's
//! `<release>-single-binary`; a switch that renames it leaves every such client posting to
//! a name that no longer resolves, and nothing in the chart notices. With `-m`, the model's
//! own client configs (Alloy, Grafana) that point at the new name are listed: those are
//! the ones that must roll out together with the switch.
//!
//! A Service that only serves metrics or the canary (component `canary`, a name ending in
//! `-exporter`), a memcached cache, or a headless Service (dialed by Loki's own components
//! for peer discovery, and the switch reconfigures those) is a warning: scrapers and
//! in-flight peers break, not the clients' log traffic.

use super::{Breaker, BreakerInfo, Context, Finding};
use crate::diag::Severity;
use crate::objdiff::object::Object;
use crate::plan::Plan;

pub static BREAKER: BreakerInfo = BreakerInfo {
    slug: "service-renamed-or-removed",
    severity: Severity::Error,
    summary: "a Service is renamed or removed: clients dialing its name break",
    why: "Alloy, Grafana and every other client reach Loki by Service name; the old name stops resolving when the switch deletes it",
    check: &ServiceRenamedOrRemoved,
};

#[derive(Debug)]
struct ServiceRenamedOrRemoved;

/// Whether clients of log traffic dial this Service (else only scrapers or Loki itself).
fn carries_log_traffic(o: &Object) -> bool {
    let aux = matches!(
        o.component(),
        Some(
            "canary"
                | "chunks-cache"
                | "results-cache"
                | "memcached"
                | "memcached-chunks"
                | "memcached-results"
        )
    ) || o.key.name.ends_with("-exporter")
        || o.key.name.ends_with("-canary")
        || o.key.name.ends_with("-cache")
        || o.is_headless();
    !aux
}

/// The model's client configs whose address names Service `name` in `namespace`.
pub fn clients_of(plan: Option<&Plan>, name: &str, namespace: &str) -> Vec<String> {
    let Some(plan) = plan else {
        return Vec::new();
    };
    let names = |host: &str| {
        host == name
            || host.starts_with(&format!("{name}.{namespace}."))
            || host == format!("{name}.{namespace}")
    };
    let mut out: Vec<String> = plan
        .clients
        .alloy
        .iter()
        .filter(|c| names(&c.endpoint.host))
        .map(|c| format!("alloy/{}.alloy ({})", c.name, c.url))
        .chain(
            plan.clients
                .grafana
                .iter()
                .filter(|d| names(&d.endpoint.host))
                .map(|d| format!("grafana/datasources.yaml: {} ({})", d.name, d.url)),
        )
        .collect();
    out.sort();
    out
}

impl Breaker for ServiceRenamedOrRemoved {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for p in cx
            .matching
            .pairs
            .iter()
            .filter(|p| p.renamed && p.before.key.kind == "Service")
        {
            let (b, a) = (p.before, p.after);
            let mut f = Finding::new(
                &BREAKER,
                b,
                "metadata.name",
                format!(
                    "Service `{}` is renamed to `{}`: `{}.{}.svc` stops resolving",
                    b.key.name, a.key.name, b.key.name, b.key.namespace
                ),
            )
            .with_hint(format!(
                "point every client at `{}.{}.svc` in the same rollout, or keep a Service named `{}` (an ExternalName or a second Service with the same selector) until they have moved",
                a.key.name, a.key.namespace, b.key.name
            ));
            f.clients = clients_of(cx.plan, &a.key.name, &a.key.namespace);
            if !carries_log_traffic(b) {
                f.severity = Severity::Warning;
            }
            out.push(f);
        }
        for b in cx
            .matching
            .removed
            .iter()
            .filter(|o| o.key.kind == "Service")
        {
            let mut f = Finding::new(
                &BREAKER,
                b,
                "metadata.name",
                format!(
                    "Service `{}` is removed and nothing on the after side plays its role",
                    b.key.name
                ),
            )
            .with_hint("check who dials it (Alloy, Grafana, ServiceMonitors) before the switch; keep it if anything does");
            f.clients = clients_of(cx.plan, &b.key.name, &b.key.namespace);
            if !carries_log_traffic(b) {
                f.severity = Severity::Warning;
            }
            out.push(f);
        }
    }
}
