//! `port-changed`: a Service port or a container port has another number (or is gone) on
//! the after side.
//!
//! Clients dial numbers: the community gateway Service listens on 80, portplan's gateway on
//! the model's `gateway.servicePort` (8080 unless set). A client config that says
//! `http://loki-gateway.loki.svc` (port 80) gets connection refused after a switch that
//! moved the Service to 8080. Ports are matched by name; a port whose name changed but
//! whose number did not is only a warning (an Ingress or ServiceMonitor that names the
//! port breaks, clients do not). A container port is a warning: the Service's `targetPort`
//! follows it by name, but NetworkPolicies and flow-log filters name numbers. A removed
//! Service port that was an alias (its `targetPort` is also the target of a port that
//! stays, like the community chart's `grpclb` 9096 next to `grpc` 9095) is a warning too:
//! the process still serves, only the extra number goes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Breaker, BreakerInfo, Context, Finding};
use crate::diag::Severity;
use crate::objdiff::object::Object;

pub static BREAKER: BreakerInfo = BreakerInfo {
    slug: "port-changed",
    severity: Severity::Error,
    summary: "a Service or container port changed number or was removed",
    why: "clients, NetworkPolicies and firewall rules name port numbers; a moved port refuses their connections",
    check: &PortChanged,
};

#[derive(Debug)]
struct PortChanged;

/// `name -> number` of a port list (unnamed ports keyed by their number).
fn ports(list: Option<&Value>, number: &str) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for p in list.and_then(Value::as_array).into_iter().flatten() {
        let Some(n) = p.get(number).and_then(Value::as_i64) else {
            continue;
        };
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| n.to_string(), str::to_owned);
        out.insert(name, n);
    }
    out
}

/// The Service ports of `list` whose `targetPort` is also another port's target, when that
/// other port is named in `kept`.
fn aliases(list: Option<&Value>, kept: &BTreeMap<String, i64>) -> BTreeSet<String> {
    let items: Vec<(String, String)> = list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?.to_owned();
            let target = p.get("targetPort").map(super::shown)?;
            Some((name, target))
        })
        .collect();
    items
        .iter()
        .filter(|(n, t)| {
            items
                .iter()
                .any(|(m, u)| m != n && u == t && kept.contains_key(m))
        })
        .map(|(n, _)| n.clone())
        .collect()
}

/// Compares two port maps and reports on `obj` under `base` (`spec.ports`); a removed port
/// named in `alias` is a warning.
#[allow(clippy::too_many_arguments)]
fn compare(
    obj: &Object,
    base: &str,
    what: &str,
    before: &BTreeMap<String, i64>,
    after: &BTreeMap<String, i64>,
    alias: &BTreeSet<String>,
    severity: Severity,
    out: &mut Vec<Finding>,
) {
    let mut gone: Vec<(&String, i64)> = Vec::new();
    for (name, &n) in before {
        match after.get(name) {
            Some(&m) if m == n => {}
            Some(&m) => out.push(
                Finding::new(&BREAKER, obj, &format!("{base}[{name}]"), format!("{what} `{name}` moves from {n} to {m}"))
                    .with_severity(severity)
                    .with_hint(format!("clients dialing {n} get connection refused; keep {n} or move every client with the switch")),
            ),
            None => gone.push((name, n)),
        }
    }
    let mut fresh: Vec<(&String, i64)> = after
        .iter()
        .filter(|(k, _)| !before.contains_key(*k))
        .map(|(k, v)| (k, *v))
        .collect();
    // A port renamed but on the same number.
    gone.retain(|(name, n)| {
        if let Some(i) = fresh.iter().position(|(_, m)| m == n) {
            let (new_name, _) = fresh.remove(i);
            out.push(
                Finding::new(
                    &BREAKER,
                    obj,
                    &format!("{base}[{name}]"),
                    format!("{what} {n} is renamed from `{name}` to `{new_name}`"),
                )
                .with_severity(Severity::Warning)
                .with_hint(
                    "an Ingress, ServiceMonitor or probe that names the port must use the new name",
                ),
            );
            false
        } else {
            true
        }
    });
    // One port left on each side: the same port on a new number.
    if gone.len() == 1 && fresh.len() == 1 {
        let ((name, n), (new_name, m)) = (gone[0], fresh[0]);
        out.push(
            Finding::new(&BREAKER, obj, &format!("{base}[{name}]"), format!("{what} `{name}` {n} becomes `{new_name}` {m}"))
                .with_severity(severity)
                .with_hint(format!("clients dialing {n} get connection refused; keep {n} or move every client with the switch")),
        );
        return;
    }
    for (name, n) in gone {
        if alias.contains(name) {
            out.push(
                Finding::new(&BREAKER, obj, &format!("{base}[{name}]"), format!(
                    "{what} `{name}` ({n}) is removed; it was a second number for a port that stays"))
                    .with_severity(Severity::Warning)
                    .with_hint(format!("anything dialing {n} is refused after the switch; clients of the port that stays are not affected")),
            );
            continue;
        }
        out.push(
            Finding::new(
                &BREAKER,
                obj,
                &format!("{base}[{name}]"),
                format!("{what} `{name}` ({n}) is removed"),
            )
            .with_severity(severity)
            .with_hint(format!("anything dialing {n} is refused after the switch")),
        );
    }
}

impl Breaker for PortChanged {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for p in &cx.matching.pairs {
            let (b, a) = (p.before, p.after);
            if b.key.kind == "Service" {
                let after_ports = ports(a.value.pointer("/spec/ports"), "port");
                compare(
                    b,
                    "spec.ports",
                    "Service port",
                    &ports(b.value.pointer("/spec/ports"), "port"),
                    &after_ports,
                    &aliases(b.value.pointer("/spec/ports"), &after_ports),
                    Severity::Error,
                    out,
                );
            } else if b.is_workload() {
                let containers = |o: &Object| -> BTreeMap<String, Value> {
                    o.value
                        .pointer("/spec/template/spec/containers")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|c| Some((c.get("name")?.as_str()?.to_owned(), c.clone())))
                        .collect()
                };
                let ca = containers(a);
                for (name, c) in containers(b) {
                    let Some(c2) = ca.get(&name) else { continue };
                    compare(
                        b,
                        &format!("spec.template.spec.containers[{name}].ports"),
                        "containerPort",
                        &ports(c.get("ports"), "containerPort"),
                        &ports(c2.get("ports"), "containerPort"),
                        &BTreeSet::new(),
                        Severity::Warning,
                        out,
                    );
                }
            }
        }
    }
}
