//! Every address one component uses to reach another, and the gateway's upstreams: built
//! from the topology's answer to "who serves this", once, as [`Endpoint`]s.

use super::super::topology::{self, Role};
use crate::model::*;
use crate::plan::{
    Addresses, CachePlan, ComponentPlan, Endpoint, GatewayPlan, LimitsPlan, MemberlistPlan,
    Upstream,
};

/// A component's HTTP port through its ClusterIP Service.
fn http_of(c: &ComponentPlan) -> Endpoint {
    Endpoint::new(
        c.name,
        "http://",
        &c.service.fqdn,
        c.http_port,
        "http-metrics",
        format!(".Values.{}.ports.http", c.values_key),
    )
}

/// A component's gRPC port, through its ClusterIP or its headless Service.
fn grpc_of(c: &ComponentPlan, scheme: &'static str, headless: bool) -> Endpoint {
    let host = if headless {
        &c.service.headless_fqdn
    } else {
        &c.service.fqdn
    };
    Endpoint::new(
        c.name,
        scheme,
        host,
        c.grpc_port,
        "grpc",
        format!(".Values.{}.ports.grpc", c.values_key),
    )
}

/// The component that serves `role`, when the mode has one and it runs.
fn serving(mode: Mode, role: Role, components: &[ComponentPlan]) -> Option<&ComponentPlan> {
    let c = topology::server(mode, role)?;
    components.iter().find(|x| x.name == c.name())
}

/// Every component-to-component address of the mode.
pub(super) fn addresses(
    mode: Mode,
    components: &[ComponentPlan],
    gateway: &GatewayPlan,
    caches: &[CachePlan],
    memberlist: &MemberlistPlan,
) -> Addresses {
    let find = |role| serving(mode, role, components);
    // The components that serve pushes and queries are required, and stay in the Plan even
    // when the model disables them (with an error): these are always found.
    let client_path = |role| find(role).map_or_else(|| gateway_endpoint(gateway), http_of);
    let scheduler = find(Role::Scheduling).map(|c| grpc_of(c, "", true));
    let frontend = match (mode, &scheduler) {
        (Mode::Distributed, None) => find(Role::Query).map(|c| grpc_of(c, "", true)),
        _ => None,
    };
    let cache = |name: &str| {
        caches.iter().find(|c| c.name == name).map(|c| {
            Endpoint::new(
                c.name,
                "dns+",
                &c.service.fqdn,
                c.port,
                "client",
                format!(".Values.{}.port", c.values_key),
            )
        })
    };
    Addresses {
        memberlist_join: Endpoint::new(
            "memberlist",
            "dns+",
            &memberlist.fqdn,
            memberlist.port,
            "http-memberlist",
            ".Values.memberlist.port".into(),
        ),
        frontend,
        scheduler,
        index_gateway: find(Role::IndexGateway).map(|c| grpc_of(c, "dns:///", true)),
        compactor: (mode != Mode::Monolithic)
            .then(|| find(Role::Compaction).map(|c| grpc_of(c, "", false)))
            .flatten(),
        tail_proxy: (mode == Mode::Distributed)
            .then(|| find(Role::Tail).map(http_of))
            .flatten(),
        chunks_cache: cache("chunks-cache"),
        results_cache: cache("results-cache"),
        push: client_path(Role::Push),
        query: client_path(Role::Query),
        gateway: gateway_endpoint(gateway),
    }
}

/// The gateway, as clients dial it: its Service port.
fn gateway_endpoint(gateway: &GatewayPlan) -> Endpoint {
    Endpoint::new(
        "gateway",
        "http://",
        &gateway.service.fqdn,
        gateway.service_port,
        "http-metrics",
        ".Values.gateway.servicePort".into(),
    )
}

/// The gateway's upstreams: which component serves each family of Loki paths. The
/// compactor's delete API is routed only when retention is on: without it Loki does not
/// serve deletes and answers 404.
pub(super) fn upstreams(
    mode: Mode,
    components: &[ComponentPlan],
    limits: &LimitsPlan,
) -> Vec<Upstream> {
    let mut roles = vec![Role::Push, Role::Query, Role::Tail, Role::Rules];
    if limits.retention_period.is_some() {
        roles.push(Role::Compaction);
    }
    roles
        .into_iter()
        .filter_map(|role| {
            serving(mode, role, components).map(|c| Upstream {
                role: role.upstream(),
                endpoint: http_of(c),
            })
        })
        .collect()
}
