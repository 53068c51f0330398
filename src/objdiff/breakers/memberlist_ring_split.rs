//! `memberlist-ring-split`: the memberlist `cluster_label` or the members joined differ.
//!
//! Loki's rings (ingesters, distributors, the compactor) live in memberlist gossip. During
//! a rolling switch old and new pods run side by side; if the new ones join other members
//! (another Service name or port) or carry another `cluster_label`, they form a second
//! ring: writes are replicated to half the ingesters, queries miss what the other ring
//! holds, and both sides may claim the same tokens. Join addresses are compared by host and
//! port, so `dns+loki-memberlist.loki.svc.cluster.local:7946` and
//! `loki-memberlist.loki.svc.cluster.local` (bind port 7946) are one ring.

use std::collections::BTreeSet;

use serde_json::Value;

use super::auth_enabled_changed::holder;
use super::{Breaker, BreakerInfo, Context, Finding, shown};
use crate::diag::Severity;
use crate::objdiff::lokiconfig::LokiConfig;

pub static BREAKER: BreakerInfo = BreakerInfo {
    slug: "memberlist-ring-split",
    severity: Severity::Error,
    summary: "memberlist cluster_label or join members change: old and new pods form two rings",
    why: "pods that join other members or carry another cluster_label gossip in a second ring; writes and queries split between them during the rollout",
    check: &MemberlistRingSplit,
};

#[derive(Debug)]
struct MemberlistRingSplit;

/// The join members as `host:port`, lookup prefixes removed, the bind port filled in.
fn members(c: &LokiConfig) -> BTreeSet<String> {
    let port = c
        .get("memberlist.bind_port")
        .and_then(Value::as_u64)
        .unwrap_or(7946);
    c.get("memberlist.join_members")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|m| {
            let m = m
                .split_once('+')
                .filter(|(p, _)| p.starts_with("dns"))
                .map_or(m, |(_, rest)| rest);
            let m = m.trim_end_matches('.').to_lowercase();
            let has_port = m
                .rsplit_once(':')
                .is_some_and(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()));
            if has_port { m } else { format!("{m}:{port}") }
        })
        .collect()
}

impl Breaker for MemberlistRingSplit {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let (Some(b), Some(a)) = (&cx.before_config, &cx.after_config) else {
            return;
        };
        let Some(obj) = holder(cx, b) else { return };
        let label = |c: &LokiConfig| c.get("memberlist.cluster_label").map(shown);
        if label(b) != label(a) {
            out.push(
                Finding::new(&BREAKER, obj, &format!("data[\"{}\"].memberlist.cluster_label", b.key), format!(
                    "memberlist cluster_label {} -> {}",
                    label(b).unwrap_or_else(|| "(unset)".into()),
                    label(a).unwrap_or_else(|| "(unset)".into())))
                .with_hint("keep the old cluster_label through the rollout (or set none on both sides), change it only once every pod runs the new config"),
            );
        }
        let (mb, ma) = (members(b), members(a));
        if mb != ma {
            let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
            out.push(
                Finding::new(&BREAKER, obj, &format!("data[\"{}\"].memberlist.join_members", b.key), format!(
                    "memberlist joins [{}] instead of [{}]", list(&ma), list(&mb)))
                .with_hint("during the rollout list the old members too (join_members takes several), or keep the old memberlist Service name and port"),
            );
        }
    }
}
