//! `immutable-field-changed`: a field the API server refuses to update changes on an
//! object that keeps its name.
//!
//! `helm upgrade` (and `kubectl apply`, Argo CD's sync) update objects in place; for a
//! StatefulSet's `selector`, `serviceName`, `volumeClaimTemplates` and
//! `podManagementPolicy`, a Deployment's or DaemonSet's `selector`, and a Service's
//! `clusterIP` (headless or not) the API server answers `field is immutable` and the whole
//! upgrade fails half-applied. The object must be deleted first; for a workload, with
//! `--cascade=orphan`, so its pods keep running (and keep serving) until the new object
//! adopts or replaces them.

use serde_json::Value;

use super::{Breaker, BreakerInfo, Context, Finding};
use crate::diag::Severity;
use crate::objdiff::noise::normalize;

pub static BREAKER: BreakerInfo = BreakerInfo {
    slug: "immutable-field-changed",
    severity: Severity::Error,
    summary: "an immutable field changes on an object that keeps its name: the upgrade is refused",
    why: "the API server refuses updates to these fields (`field is immutable`); helm upgrade fails until the object is deleted and recreated",
    check: &ImmutableFieldChanged,
};

#[derive(Debug)]
struct ImmutableFieldChanged;

/// The immutable fields of a kind, as JSON pointers and as shown.
fn fields(kind: &str) -> &'static [(&'static str, &'static str)] {
    match kind {
        "StatefulSet" => &[
            ("/spec/selector", "spec.selector"),
            ("/spec/serviceName", "spec.serviceName"),
            ("/spec/volumeClaimTemplates", "spec.volumeClaimTemplates"),
            ("/spec/podManagementPolicy", "spec.podManagementPolicy"),
        ],
        "Deployment" | "DaemonSet" | "ReplicaSet" => &[("/spec/selector", "spec.selector")],
        "Service" => &[("/spec/clusterIP", "spec.clusterIP")],
        _ => &[],
    }
}

/// The value compared in `n` (the object with its noise removed: a claim template's chart
/// labels are no change).
fn at(n: &Value, pointer: &str) -> Option<Value> {
    let v = n.pointer(pointer)?.clone();
    // The API server defaults these; unset and the default are one value.
    match (pointer, &v) {
        ("/spec/podManagementPolicy", Value::String(s)) if s == "OrderedReady" => None,
        _ => Some(v),
    }
}

impl Breaker for ImmutableFieldChanged {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for p in cx.matching.pairs.iter().filter(|p| !p.renamed) {
            let (b, a) = (p.before, p.after);
            let immutable = fields(&b.key.kind);
            if immutable.is_empty() {
                continue;
            }
            let (nb, na) = (
                normalize(&b.key.kind, &b.value),
                normalize(&a.key.kind, &a.value),
            );
            for (pointer, shown) in immutable {
                if at(&nb, pointer) == at(&na, pointer) {
                    continue;
                }
                let kind = b.key.kind.to_lowercase();
                let hint = if b.key.kind == "Service" {
                    format!(
                        "kubectl delete service {} -n {} before the upgrade (clients see a short outage), then let the upgrade create it",
                        b.key.name, b.key.namespace
                    )
                } else {
                    format!(
                        "kubectl delete {kind} {} -n {} --cascade=orphan, then upgrade: the pods keep running until the new {} replaces them",
                        b.key.name, b.key.namespace, b.key.kind
                    )
                };
                out.push(
                    Finding::new(
                        &BREAKER,
                        b,
                        shown,
                        format!(
                            "`{shown}` of {} changes, and the API server refuses that update",
                            b.key.kind
                        ),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
}
