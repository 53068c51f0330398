//! A port change, followed through two renders: with an override that moves one component's
//! HTTP port, every place that carried the component's old port carries the new one, nothing
//! else changes (other components may share the number under the `shared` strategy), and
//! exactly the pods whose config changed get a new config checksum, so they roll.

use std::collections::BTreeSet;

use serde_json::Value;

use super::manifests::Render;
use super::wiring::Cluster;

/// The change the override makes.
pub struct PortChange {
    /// The component, as the plan names it (`distributor`).
    pub component: String,
    /// Its Service, from the plan.
    pub service: String,
    pub old: u16,
    pub new: u16,
}

/// Whether `n` occurs in `line` as a whole number (not inside a longer run of digits).
pub fn contains_number(line: &str, n: u16) -> bool {
    !number_spans(line, n).is_empty()
}

/// `line` with every whole-number occurrence of `old` replaced by `new`.
pub fn replace_number(line: &str, old: u16, new: u16) -> String {
    let mut out = String::new();
    let mut last = 0;
    for (start, end) in number_spans(line, old) {
        out.push_str(&line[last..start]);
        out.push_str(&new.to_string());
        last = end;
    }
    out.push_str(&line[last..]);
    out
}

fn number_spans(line: &str, n: u16) -> Vec<(usize, usize)> {
    let needle = n.to_string();
    let bytes = line.as_bytes();
    line.match_indices(&needle)
        .filter_map(|(start, m)| {
            let end = start + m.len();
            let digit_before = start > 0 && bytes[start - 1].is_ascii_digit();
            let digit_after = end < bytes.len() && bytes[end].is_ascii_digit();
            (!digit_before && !digit_after).then_some((start, end))
        })
        .collect()
}

/// Whether `line` holds `host:port` as a whole address: not the tail of a longer host name,
/// nor followed by more digits.
fn contains_address(line: &str, address: &str) -> bool {
    let bytes = line.as_bytes();
    line.match_indices(address).any(|(start, m)| {
        let end = start + m.len();
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let host_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
        !before.is_some_and(host_char) && !bytes.get(end).is_some_and(u8::is_ascii_digit)
    })
}

/// Lines that differ between the renders for reasons checked elsewhere: trafficDistribution
/// (the override also changes it; see `wiring::check_traffic_distribution`).
fn compared_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("trafficDistribution:"))
        .collect()
}

/// Compares the default render with the override render line by line.
pub fn check(
    default: &Render,
    over: &Render,
    change: &PortChange,
    plan: &Value,
    cluster: &Cluster,
) -> Vec<String> {
    let mut problems = Vec::new();
    let (old, new) = (change.old, change.new);
    let Some(svc) = default.service(&change.service) else {
        return vec![format!(
            "Service {} of {} is not rendered",
            change.service, change.component
        )];
    };
    // The component's pods, and every Service that selects any of them.
    let pods: BTreeSet<(String, String)> = default
        .selected(&svc.selector)
        .into_iter()
        .map(|w| (w.kind, w.name))
        .collect();
    if pods.is_empty() {
        return vec![format!("Service {} selects no pods", change.service)];
    }
    let services: BTreeSet<String> = default
        .services()
        .into_iter()
        .filter(|s| {
            default
                .selected(&s.selector)
                .into_iter()
                .any(|w| pods.contains(&(w.kind, w.name)))
        })
        .map(|s| s.name)
        .collect();
    let dialled: Vec<String> = services
        .iter()
        .map(|s| format!("{s}.{}.svc.{}:{old}", cluster.namespace, cluster.domain))
        .collect();

    let d_lines = compared_lines(&default.text);
    let o_lines = compared_lines(&over.text);
    if d_lines.len() != o_lines.len() {
        return vec![format!(
            "the override render has {} lines, the default {}: a port change must not add or remove lines",
            o_lines.len(),
            d_lines.len()
        )];
    }
    let mut changed_in: BTreeSet<String> = BTreeSet::new();
    let mut changed_lines: Vec<&str> = Vec::new();
    for (&(i, d), &(_, o)) in d_lines.iter().zip(&o_lines) {
        let Some(doc) = default.doc_of_line(i) else {
            continue;
        };
        let at = format!("{} {} (render line {})", doc.kind, doc.name, i + 1);
        if d.trim_start().starts_with("checksum/") {
            continue; // checked below, per workload
        }
        let owned = pods.contains(&(doc.kind.clone(), doc.name.clone()))
            || (doc.kind == "Service" && services.contains(&doc.name))
            || dialled.iter().any(|a| contains_address(d, a));
        let expected = if owned && contains_number(d, old) {
            replace_number(d, old, new)
        } else {
            d.to_owned()
        };
        if o != expected {
            let why = if expected == d {
                format!(
                    "changed, though it is not a place of {}'s port {old}",
                    change.component
                )
            } else {
                format!(
                    "should have moved {}'s port {old} to {new}",
                    change.component
                )
            };
            problems.push(format!(
                "{at}: {why}\n      default:  {d}\n      expected: {expected}\n      rendered: {o}"
            ));
        } else if o != d {
            changed_in.insert(format!("{} {}", doc.kind, doc.name));
            changed_lines.push(o);
        }
    }

    // The places that must have moved: the component's workloads and Service, and each
    // gateway upstream the plan routes to the component.
    let mut must_change: Vec<String> = pods.iter().map(|(k, n)| format!("{k} {n}")).collect();
    must_change.push(format!("Service {}", change.service));
    for m in must_change {
        if !changed_in.contains(&m) {
            problems.push(format!("{m}: nothing moved from port {old} to {new}"));
        }
    }
    for u in plan["gateway"]["upstreams"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let e = &u["endpoint"];
        if e["component"].as_str() == Some(&change.component)
            && e["port"].as_u64() == Some(old.into())
        {
            let moved = format!("{}:{new}", e["host"].as_str().unwrap_or_default());
            if !changed_lines.iter().any(|l| l.contains(&moved)) {
                problems.push(format!(
                    "gateway upstream {}: no nginx line moved to {moved}",
                    u["role"].as_str().unwrap_or_default()
                ));
            }
        }
    }

    // A config checksum changes exactly when a ConfigMap the pods mount changed.
    for w in over.workloads() {
        let Some(before) = default
            .workloads()
            .into_iter()
            .find(|d| d.name == w.name && d.kind == w.kind)
        else {
            problems.push(format!(
                "{} {} appears only in the override render",
                w.kind, w.name
            ));
            continue;
        };
        let config_changed = w
            .config_maps()
            .any(|cm| default.config_map(cm) != over.config_map(cm));
        for (key, value) in w
            .pod_annotations
            .iter()
            .filter(|(k, _)| k.starts_with("checksum/"))
        {
            let rolled = before.pod_annotations.get(key) != Some(value);
            if rolled != config_changed {
                problems.push(format!(
                    "{} {}: annotation {key} {} though its mounted config {}",
                    w.kind,
                    w.name,
                    if rolled { "changed" } else { "stayed" },
                    if config_changed {
                        "changed"
                    } else {
                        "did not change"
                    }
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_matched_whole() {
        let a = "loki-write.ns.svc.cluster.local:3100";
        assert!(contains_address(
            "server loki-write.ns.svc.cluster.local:3100 resolve;",
            a
        ));
        assert!(contains_address(
            "dns+loki-write.ns.svc.cluster.local:3100",
            a
        ));
        assert!(!contains_address(
            "server my-loki-write.ns.svc.cluster.local:3100;",
            a
        ));
        assert!(!contains_address(
            "loki-write.ns.svc.cluster.local:31000",
            a
        ));
    }

    #[test]
    fn numbers_are_matched_whole() {
        assert!(contains_number("port: 3100", 3100));
        assert!(!contains_number("port: 13100", 3100));
        assert!(!contains_number("port: 31000", 3100));
        assert_eq!(
            replace_number("a:3100 b:13100 c:3100/x", 3100, 4242),
            "a:4242 b:13100 c:4242/x"
        );
    }
}
