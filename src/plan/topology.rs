//! Which component does what, per mode: the one place that answers "who serves pushes,
//! queries, tails, rules and compaction", and "who gossips on memberlist".
//!
//! The gateway's upstreams, the component-to-component addresses, the memberlist selector
//! and the messages about a disabled component all read these tables.

use serde::Serialize;

use crate::model::{Component, Mode, Stage};

/// A job in a Loki deployment that exactly one workload serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// `/loki/api/v1/push`, `/otlp/v1/logs`.
    Push,
    /// Queries: `query`, `query_range`, labels, series.
    Query,
    /// `/loki/api/v1/tail` (a websocket).
    Tail,
    /// The ruler API.
    Rules,
    /// The compactor: retention and the delete API.
    Compaction,
    /// The query scheduler.
    Scheduling,
    /// The index gateway.
    IndexGateway,
}

impl Role {
    /// The nginx upstream's name in the gateway config.
    pub fn upstream(self) -> &'static str {
        match self {
            Role::Push => "write",
            Role::Query => "read",
            Role::Tail => "tail",
            Role::Rules => "ruler",
            Role::Compaction => "compactor",
            Role::Scheduling => "scheduler",
            Role::IndexGateway => "index-gateway",
        }
    }

    /// What the role does, for messages: "serves pushes (/loki/api/v1/push)".
    pub fn duty(self) -> &'static str {
        match self {
            Role::Push => "receives pushes (/loki/api/v1/push)",
            Role::Query => "answers queries (/loki/api/v1/query_range)",
            Role::Tail => "serves live tails (/loki/api/v1/tail)",
            Role::Rules => "evaluates rules",
            Role::Compaction => "compacts the index and applies retention",
            Role::Scheduling => "schedules queries",
            Role::IndexGateway => "serves the index",
        }
    }
}

/// The component that serves `role` in `mode`, if the mode has one.
pub fn server(mode: Mode, role: Role) -> Option<Component> {
    use Component::*;
    Some(match (mode, role) {
        (Mode::Monolithic, Role::Scheduling | Role::IndexGateway) => return None,
        (Mode::Monolithic, _) => SingleBinary,
        (Mode::SimpleScalable, Role::Push) => Write,
        (Mode::SimpleScalable, Role::Query | Role::Tail) => Read,
        (Mode::SimpleScalable, _) => Backend,
        (Mode::Distributed, Role::Push) => Distributor,
        (Mode::Distributed, Role::Query) => QueryFrontend,
        (Mode::Distributed, Role::Tail) => Querier,
        (Mode::Distributed, Role::Rules) => Ruler,
        (Mode::Distributed, Role::Compaction) => Compactor,
        (Mode::Distributed, Role::Scheduling) => QueryScheduler,
        (Mode::Distributed, Role::IndexGateway) => IndexGateway,
    })
}

/// Every role `component` serves in `mode`.
pub fn roles(mode: Mode, component: Component) -> Vec<Role> {
    ALL_ROLES
        .into_iter()
        .filter(|r| server(mode, *r) == Some(component))
        .collect()
}

const ALL_ROLES: [Role; 7] = [
    Role::Push,
    Role::Query,
    Role::Tail,
    Role::Rules,
    Role::Compaction,
    Role::Scheduling,
    Role::IndexGateway,
];

/// Why `component` cannot be switched off in `mode`: the roles it serves, or, for the
/// ingester and querier, the path they carry. `None` for optional components.
pub fn needed_for(mode: Mode, component: Component) -> Option<String> {
    if component.is_optional() {
        return None;
    }
    let duties: Vec<&str> = roles(mode, component).iter().map(|r| r.duty()).collect();
    Some(match component {
        Component::Ingester => "it stores every pushed line until it is flushed".into(),
        Component::Querier if duties.is_empty() => "it runs every query".into(),
        _ => duties.join(", "),
    })
}

/// Whether the component joins the memberlist gossip ring in the generated config: it owns
/// or reads a hash ring (ingester, distributor, querier, compactor, ruler, and every
/// target group of the other modes). The index gateway runs in simple mode, and the query
/// frontend and scheduler use no ring, so they never listen on the gossip port.
pub fn joins_memberlist(component: Component) -> bool {
    !matches!(
        component,
        Component::IndexGateway | Component::QueryFrontend | Component::QueryScheduler
    )
}

/// The next step of a transition, as one sentence (readers prefix it with `next:`): switch `mode` to the incoming mode once
/// its pods are ready. `moved_slots` are the incoming components whose per-component slot
/// is the transition's (its mode's slot plus the offset), with that slot: after the switch
/// they would go back to their mode's own, unless the model pins them.
pub fn next_step(stage: Stage, moved_slots: &[(&str, u16)]) -> Option<String> {
    let to = stage.to?;
    let names = |m: Mode| {
        let n: Vec<&str> = m.components().iter().map(|c| c.name()).collect();
        match n.as_slice() {
            [one] => format!("{one} pods"),
            [init @ .., last] if n.len() <= 3 => format!("{} and {last} pods", init.join(", ")),
            _ => format!("{} pods", m),
        }
    };
    let workloads = |m: Mode| match m {
        Mode::Monolithic => "single-binary workload".to_owned(),
        Mode::SimpleScalable => "write, read and backend workloads".to_owned(),
        Mode::Distributed => "distributed workloads".to_owned(),
    };
    let mut s = format!(
        "set `mode: {to}` and remove `transition` once the {} are ready (joined the ring); the gateway then routes to them and the {} {} removed",
        names(to),
        workloads(stage.mode),
        if stage.mode == Mode::Monolithic {
            "is"
        } else {
            "are"
        },
    );
    if !moved_slots.is_empty() {
        let pins: Vec<String> = moved_slots
            .iter()
            .map(|(c, slot)| format!("components.{c}.slot: {slot}"))
            .collect();
        s.push_str(&format!(
            "; to keep their ports, set {} first",
            pins.join(", ")
        ));
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_serves_the_client_paths() {
        for mode in [Mode::Monolithic, Mode::SimpleScalable, Mode::Distributed] {
            for role in [
                Role::Push,
                Role::Query,
                Role::Tail,
                Role::Rules,
                Role::Compaction,
            ] {
                let c = server(mode, role).expect("served");
                assert!(mode.components().contains(&c), "{mode} {role:?}");
            }
        }
    }

    #[test]
    fn required_components_say_why() {
        assert!(
            needed_for(Mode::Distributed, Component::Distributor)
                .unwrap()
                .contains("push")
        );
        assert!(
            needed_for(Mode::SimpleScalable, Component::Read)
                .unwrap()
                .contains("queries")
        );
        assert_eq!(needed_for(Mode::Distributed, Component::Ruler), None);
    }
}
