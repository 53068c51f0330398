//! `mode-switch-direct`: the before side runs Loki monolithic and the after side
//! distributed, or the reverse, with no step between.
//!
//! A single binary holds every ring and the WAL in one StatefulSet; the distributed
//! components hold them in separate ones. Switching in one step leaves no moment where
//! both sets serve: writes in flight and the unflushed WAL are lost, and queries see gaps.
//! The community chart's documented path goes through simple-scalable (or its transitional
//! `SingleBinary<->SimpleScalable` and `SimpleScalable<->Distributed` modes, which run both
//! sets of workloads side by side). The mode of each side is read from its workloads: the
//! Loki containers' `-target` (`all`; `write`/`read`/`backend`; the component names),
//! else their `app.kubernetes.io/component` labels.

use serde_json::Value;

use super::{Breaker, BreakerInfo, Context, Finding};
use crate::diag::Severity;
use crate::objdiff::object::Object;

pub static BREAKER: BreakerInfo = BreakerInfo {
    slug: "mode-switch-direct",
    severity: Severity::Error,
    summary: "monolithic <-> distributed in one step: route through simple-scalable",
    why: "no moment has both workload sets serving; the single binary's WAL and in-flight writes are lost and queries see gaps",
    check: &ModeSwitchDirect,
};

#[derive(Debug)]
struct ModeSwitchDirect;

/// The deployment mode one workload runs, if it is a Loki one.
fn mode_of(o: &Object) -> Option<&'static str> {
    if !o.is_workload() {
        return None;
    }
    let containers = o
        .value
        .pointer("/spec/template/spec/containers")
        .and_then(Value::as_array);
    let target = containers.into_iter().flatten().find_map(|c| {
        c.get("args")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .find_map(|a| {
                a.strip_prefix("-target=")
                    .or_else(|| a.strip_prefix("--target="))
            })
    });
    let role = target.or_else(|| o.component())?;
    Some(match role.split(',').next().unwrap_or(role) {
        "all" | "single-binary" => "monolithic",
        "write" | "read" | "backend" => "simple-scalable",
        "distributor" | "ingester" | "querier" | "query-frontend" | "query-scheduler"
        | "index-gateway" | "compactor" | "ruler" => "distributed",
        _ => return None,
    })
}

/// The modes a side's workloads run; "monolithic" only when nothing else runs.
fn side_mode<'a>(objs: impl Iterator<Item = &'a Object>) -> Option<(&'static str, &'a Object)> {
    let mut found: Vec<(&'static str, &Object)> =
        objs.filter_map(|o| mode_of(o).map(|m| (m, o))).collect();
    found.sort_by_key(|(m, _)| *m);
    found.dedup_by_key(|(m, _)| *m);
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

impl Breaker for ModeSwitchDirect {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let m = cx.matching;
        let before = side_mode(
            m.pairs
                .iter()
                .map(|p| p.before)
                .chain(m.removed.iter().copied()),
        );
        let after = side_mode(
            m.pairs
                .iter()
                .map(|p| p.after)
                .chain(m.added.iter().copied()),
        );
        let (Some((b, obj)), Some((a, _))) = (before, after) else {
            return;
        };
        if matches!(
            (b, a),
            ("monolithic", "distributed") | ("distributed", "monolithic")
        ) {
            out.push(
                Finding::new(&BREAKER, obj, "spec.template.spec.containers[*].args[-target]", format!(
                    "the deployment goes from {b} to {a} in one step"))
                .with_hint("switch to simple-scalable first (or the chart's transitional mode, which runs both sets), let it settle, then take the next step"),
            );
        }
    }
}
