//! `mode-switch-direct`: the before side runs Loki monolithic and the after side
//! distributed, or the reverse, with no step between: a mode two apart from one the before
//! side runs, and no mode running on both sides (a side in a transition runs two).
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
use crate::model::{Mode, Stage};
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
fn mode_of(o: &Object) -> Option<Mode> {
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
        "all" | "single-binary" => Mode::Monolithic,
        "write" | "read" | "backend" => Mode::SimpleScalable,
        "distributor" | "ingester" | "querier" | "query-frontend" | "query-scheduler"
        | "index-gateway" | "compactor" | "ruler" => Mode::Distributed,
        _ => return None,
    })
}

/// The modes a side's workloads run (two in a transition), in migration order, each with
/// the first workload found running it.
fn side_modes<'a>(objs: impl Iterator<Item = &'a Object>) -> Vec<(Mode, &'a Object)> {
    let mut found: Vec<(Mode, &Object)> = objs.filter_map(|o| mode_of(o).map(|m| (m, o))).collect();
    found.sort_by_key(|(m, _)| m.rank());
    found.dedup_by_key(|(m, _)| *m);
    found
}

/// A side as a stage: one mode, or a transition served by its smaller mode (as the
/// community chart's transitional modes are). `None` for no Loki workload or three modes.
fn stage_of(modes: &[Mode]) -> Option<Stage> {
    match modes {
        [one] => Some(Stage::single(*one)),
        [a, b] => Stage::new(*a, *b).ok(),
        _ => None,
    }
}

impl Breaker for ModeSwitchDirect {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let m = cx.matching;
        let before = side_modes(
            m.pairs
                .iter()
                .map(|p| p.before)
                .chain(m.removed.iter().copied()),
        );
        let after = side_modes(
            m.pairs
                .iter()
                .map(|p| p.after)
                .chain(m.added.iter().copied()),
        );
        let b: Vec<Mode> = before.iter().map(|(m, _)| *m).collect();
        let a: Vec<Mode> = after.iter().map(|(m, _)| *m).collect();
        if a.iter().any(|x| b.contains(x)) {
            return;
        }
        let Some((_, obj, to)) = before
            .iter()
            .flat_map(|&(bm, o)| a.iter().map(move |&am| (bm, o, am)))
            .find(|(bm, _, am)| bm.rank().abs_diff(am.rank()) > 1)
        else {
            return;
        };
        let (Some(from_stage), Some(to_stage)) = (stage_of(&b), stage_of(&a)) else {
            return;
        };
        let target = to_stage.to.unwrap_or(to_stage.mode);
        let next = from_stage.next_toward(target).unwrap_or(to_stage);
        let names = |ms: &[Mode]| {
            ms.iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(" and ")
        };
        out.push(
            Finding::new(&BREAKER, obj, "spec.template.spec.containers[*].args[-target]", format!(
                "the deployment goes from {} to {} in one step", names(&b), names(&a)))
            .with_hint(format!(
                "next: deploy {} (portplan: {}) and let it settle; then take the next step towards {to}",
                match next.to {
                    Some(_) => format!("the transitional mode {}, which runs both sets", next.chart_name()),
                    None => format!("{} ({})", next.mode, next.chart_name()),
                },
                next.model_keys(),
            )),
        );
    }
}
