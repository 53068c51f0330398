//! The Loki workloads of the mode: which run, on which ports, with how many replicas.

use super::super::presets as p;
use super::super::topology;
use super::Resolver;
use super::naming::Naming;
use super::pods::PodKind;
use super::ports::Layout;
use super::workloads::{AUTOSCALED, has_disruption_budget};
use crate::model::*;
use crate::plan::{ComponentPlan, WorkloadKind};
use crate::yaml::located::pointer_token;

impl Resolver<'_> {
    pub(super) fn components(
        &mut self,
        stage: Stage,
        strategy: PortStrategy,
        layout: &Layout,
        default_td: Option<&'static str>,
        kube: KubeVersion,
        naming: &Naming,
    ) -> Vec<ComponentPlan> {
        let settings = &self.lm.model.components;
        for name in settings.keys() {
            let ptr = format!("/components/{}", pointer_token(name));
            let runs: Vec<Component> = stage
                .modes()
                .iter()
                .flat_map(|m| m.components().iter().copied())
                .collect();
            match Component::from_name(name) {
                Some(c) if stage.runs(c) => {}
                Some(c) => {
                    let owner = [Mode::Monolithic, Mode::SimpleScalable, Mode::Distributed]
                        .into_iter()
                        .find(|m| m.components().contains(&c))
                        .unwrap_or(stage.mode);
                    let what = match stage.to {
                        None => format!("mode {}", stage.mode),
                        Some(to) => format!("the transition {} -> {to}", stage.mode),
                    };
                    self.err_key(
                        &ptr,
                        format!("component `{name}` is not part of {what} (it belongs to {owner})"),
                    )
                    .hint = Some(match stage.to {
                        None => format!("components of {}: {}", stage.mode, names(&runs)),
                        Some(to) => {
                            format!("components of {} and {to}: {}", stage.mode, names(&runs))
                        }
                    });
                }
                None => {
                    let d =
                        self.err_key(&ptr, format!("unknown component `{}`", name.escape_debug()));
                    d.hint = Some(match did_you_mean(name, runs.iter().map(|c| c.name())) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("components here: {}", names(&runs)),
                    });
                }
            }
        }
        let mut out = Vec::new();
        // The serving set first, then the incoming one: everything that looks for "the"
        // component of a kind (the ingesting one, the one serving a role) finds the serving
        // set's.
        for (mode, incoming) in
            std::iter::once((stage.mode, false)).chain(stage.to.map(|to| (to, true)))
        {
            for &c in mode.components() {
                let s = settings.get(c.name()).cloned().unwrap_or_default();
                let ptr = format!("/components/{}", c.name());
                let enabled = s.enabled.unwrap_or_else(|| p::enabled_by_default(c));
                if !enabled {
                    let Some(why) = topology::needed_for(mode, c) else {
                        continue;
                    };
                    // Kept in the Plan, so that nothing after this check meets a missing
                    // component; the error keeps the Plan from being used.
                    self.err_value(
                        &format!("{ptr}/enabled"),
                        format!("component `{c}` is required in mode {mode}: {why}"),
                    )
                    .hint = Some(format!(
                        "remove `enabled: false`; only {} may be switched off",
                        optional_list(mode)
                    ));
                }
                if s.slot.is_some() && strategy == PortStrategy::Shared {
                    self.err_key(
                        &format!("{ptr}/slot"),
                        "`slot` applies only to the per-component strategy",
                    )
                    .hint = Some(
                        "set `ports.strategy: per-component`, or give explicit `http`/`grpc` ports"
                            .into(),
                    );
                }
                let default_slot = stage.default_slot(c);
                let slot = (strategy == PortStrategy::PerComponent)
                    .then(|| s.slot.map_or(default_slot, |s| s.get() as u16));
                let http = self.port_for(&ptr, "http", s.http, layout.http, slot);
                let grpc = self.port_for(&ptr, "grpc", s.grpc, layout.grpc, slot);
                let (replicas, preset_resources) = p::component(mode, c);
                let replicas = s.replicas.map_or(replicas, |r| r.get());
                let kind = if c.is_stateful() {
                    WorkloadKind::StatefulSet
                } else {
                    WorkloadKind::Deployment
                };
                let workloads = self.workloads(c, &s, replicas, naming);
                let persistence = self.persistence(&ptr, kind, s.persistence.as_ref());
                let autoscaling = self.autoscaling(
                    &ptr,
                    AUTOSCALED.contains(&c),
                    c.name(),
                    s.autoscaling.as_ref(),
                    s.replicas.is_some(),
                );
                let pod = self.pod(&ptr, s.pod(), PodKind::Loki);
                let resources = s.resources.clone().unwrap_or(preset_resources);
                let (td, td_override) = self.service_td(
                    &format!("{ptr}/trafficDistribution"),
                    s.traffic_distribution,
                    default_td,
                    kube,
                );
                out.push(ComponentPlan {
                    ingests: matches!(
                        c,
                        Component::Ingester | Component::Write | Component::SingleBinary
                    ),
                    name: c.name(),
                    values_key: c.values_key(),
                    target: c.target(),
                    kind,
                    memberlist: topology::joins_memberlist(c),
                    // The incoming set serves nothing through the gateway until the model
                    // switches to its mode; its pods take part through the ring.
                    roles: if incoming {
                        Vec::new()
                    } else {
                        topology::roles(mode, c)
                    },
                    incoming,
                    replicas,
                    http_port: http,
                    grpc_port: grpc,
                    service: naming.services(c.name()),
                    resources,
                    traffic_distribution: td,
                    traffic_distribution_override: td_override,
                    slot,
                    pod,
                    persistence,
                    max_unavailable: max_unavailable(s.pod_disruption_budget.as_ref()),
                    disruption_budget: has_disruption_budget(
                        replicas,
                        autoscaling.as_ref(),
                        workloads.iter().any(|w| w.zone.is_some()),
                    ),
                    workloads,
                    autoscaling,
                });
            }
        }
        out
    }
}

/// Component names, for messages.
fn names(cs: &[Component]) -> String {
    cs.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
}

/// The components of a mode that may be switched off, for messages.
fn optional_list(mode: Mode) -> String {
    let names: Vec<&str> = mode
        .components()
        .iter()
        .filter(|c| c.is_optional())
        .map(|c| c.name())
        .collect();
    if names.is_empty() {
        "none of this mode's components".into()
    } else {
        names.join(", ")
    }
}

/// A PodDisruptionBudget's `maxUnavailable`: the model's, else 1.
pub(super) fn max_unavailable(b: Option<&DisruptionBudget>) -> u32 {
    b.and_then(|b| b.max_unavailable).map_or(1, |m| m.get())
}
