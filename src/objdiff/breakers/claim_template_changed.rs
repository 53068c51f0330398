//! `claim-template-changed`: a StatefulSet's volume claim template is renamed, resized or
//! re-classed, or the StatefulSet itself is renamed.
//!
//! A StatefulSet's pods find their volumes by name: `<claim>-<statefulset>-<ordinal>`. The
//! community chart's single binary mounts `storage-loki-0`; portplan's generated
//! StatefulSet, `data-loki-single-binary-0`. After such a switch the new pods start on
//! empty volumes (the WAL, the index cache, a filesystem store's chunks are not carried
//! over) and the old PVCs stay behind, orphaned and billed. A different size or storage
//! class on the same claim is not applied to existing PVCs either (and the API refuses the
//! change, see `immutable-field-changed`). A StatefulSet with claim templates that is
//! removed, with nothing taking its role, leaves all of its PVCs behind.

use serde_json::Value;

use super::{Breaker, BreakerInfo, Context, Finding, shown};
use crate::diag::Severity;
use crate::objdiff::object::Object;

pub static BREAKER: BreakerInfo = BreakerInfo {
    slug: "claim-template-changed",
    severity: Severity::Error,
    summary: "a StatefulSet's volume claims get other names, sizes or classes: data is not carried over",
    why: "pods find their PVCs by `<claim>-<statefulset>-<ordinal>`; a new name starts them on empty volumes and orphans the old PVCs",
    check: &ClaimTemplateChanged,
};

#[derive(Debug)]
struct ClaimTemplateChanged;

fn claims(o: &Object) -> Vec<(String, Value)> {
    o.value
        .pointer("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| Some((c.pointer("/metadata/name")?.as_str()?.to_owned(), c.clone())))
        .collect()
}

fn size(c: &Value) -> Option<&Value> {
    c.pointer("/spec/resources/requests/storage")
}

fn class(c: &Value) -> Option<&Value> {
    c.pointer("/spec/storageClassName")
}

impl Breaker for ClaimTemplateChanged {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for b in cx
            .matching
            .removed
            .iter()
            .filter(|o| o.key.kind == "StatefulSet")
        {
            for (name, _) in claims(b) {
                out.push(
                    Finding::new(&BREAKER, b, &format!("spec.volumeClaimTemplates[{name}]"), format!(
                        "StatefulSet `{}` is removed: its PVCs {name}-{}-N stay behind, unused", b.key.name, b.key.name))
                    .with_hint("move what they hold first, then delete the PVCs (kubectl get pvc shows them)"),
                );
            }
        }
        for p in cx
            .matching
            .pairs
            .iter()
            .filter(|p| p.before.key.kind == "StatefulSet")
        {
            let (b, a) = (p.before, p.after);
            let (cb, ca) = (claims(b), claims(a));
            let replicas = b
                .value
                .pointer("/spec/replicas")
                .and_then(Value::as_u64)
                .unwrap_or(1);
            let orphan_hint = |claim: &str| {
                let pvcs: Vec<String> = (0..replicas.max(1))
                    .map(|i| format!("{claim}-{}-{i}", b.key.name))
                    .collect();
                format!(
                    "copy the data first (or accept losing it); afterwards remove the orphans: kubectl delete pvc -n {} {}",
                    b.key.namespace,
                    pvcs.join(" ")
                )
            };
            let mut unmatched_after: Vec<&(String, Value)> = ca
                .iter()
                .filter(|(n, _)| !cb.iter().any(|(m, _)| m == n))
                .collect();
            for (name, c) in &cb {
                let path = format!("spec.volumeClaimTemplates[{name}]");
                let same = ca.iter().find(|(n, _)| n == name).map(|(_, v)| v);
                let counterpart = same.or_else(|| {
                    (unmatched_after.len() == 1 && cb.len() == ca.len())
                        .then(|| &unmatched_after[0].1)
                });
                let new_name = match same {
                    Some(_) => name.clone(),
                    None => match counterpart {
                        Some(v) => v
                            .pointer("/metadata/name")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                        None => String::new(),
                    },
                };
                if counterpart.is_none() {
                    out.push(
                        Finding::new(&BREAKER, b, &path, format!(
                            "volume claim `{name}` is dropped: PVCs {name}-{}-N are no longer mounted", b.key.name))
                        .with_hint(orphan_hint(name)),
                    );
                    continue;
                }
                let other = counterpart.unwrap_or(c);
                if p.renamed || new_name != *name {
                    out.push(
                        Finding::new(&BREAKER, b, &path, format!(
                            "pods mount `{new_name}-{}-N` instead of `{name}-{}-N`: the data in the old PVCs is not carried over",
                            a.key.name, b.key.name))
                        .with_hint(orphan_hint(name)),
                    );
                }
                if size(c) != size(other) {
                    out.push(Finding::new(&BREAKER, b, &format!("{path}.spec.resources.requests.storage"), format!(
                        "claim `{name}` size {} -> {}: existing PVCs keep the old size",
                        size(c).map_or("unset".into(), shown), size(other).map_or("unset".into(), shown)))
                        .with_hint("resize the PVCs themselves (kubectl patch pvc ... when the class allows expansion)"));
                }
                if class(c) != class(other) {
                    out.push(Finding::new(&BREAKER, b, &format!("{path}.spec.storageClassName"), format!(
                        "claim `{name}` storage class {} -> {}: existing PVCs stay on the old class",
                        class(c).map_or("(cluster default)".into(), shown), class(other).map_or("(cluster default)".into(), shown)))
                        .with_hint("migrate the data to new PVCs of the new class before the switch"));
                }
                unmatched_after.retain(|(n, _)| *n != new_name);
            }
        }
    }
}
