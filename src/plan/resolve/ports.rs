//! Ports: the strategy's layout, each component's port, and the port map that lists them all
//! with the model key that set each one.

use super::super::presets as p;
use super::Resolver;
use crate::model::*;
use crate::plan::{
    CachePlan, CanaryPlan, ComponentPlan, GatewayPlan, MemberlistPlan, PortEntry, ServiceNames,
};

/// Ports from the strategy, and the model keys that set them.
pub(crate) struct Layout {
    pub http: u16,
    pub grpc: u16,
    http_origin: &'static str,
    grpc_origin: &'static str,
}

fn strategy_name(s: PortStrategy) -> &'static str {
    match s {
        PortStrategy::Shared => "shared",
        PortStrategy::PerComponent => "per-component",
    }
}

impl Resolver<'_> {
    pub(super) fn layout(&mut self) -> (PortStrategy, Layout) {
        let ports = self.lm.model.ports.clone().unwrap_or_default();
        let strategy = ports.strategy.unwrap_or(PortStrategy::Shared);
        let (wrong, right) = match strategy {
            PortStrategy::Shared => (
                [("httpBase", ports.http_base), ("grpcBase", ports.grpc_base)],
                "http/grpc",
            ),
            PortStrategy::PerComponent => (
                [("http", ports.http), ("grpc", ports.grpc)],
                "httpBase/grpcBase",
            ),
        };
        for (key, v) in wrong {
            if v.is_some() {
                self.err_key(
                    &format!("/ports/{key}"),
                    format!(
                        "`ports.{key}` does not apply to the {} strategy",
                        strategy_name(strategy)
                    ),
                )
                .hint = Some(format!(
                    "use {right} with this strategy, or change `ports.strategy`"
                ));
            }
        }
        let layout = match strategy {
            PortStrategy::Shared => Layout {
                http: ports.http.map_or(p::SHARED_HTTP, |x| x.0),
                grpc: ports.grpc.map_or(p::SHARED_GRPC, |x| x.0),
                http_origin: "/ports/http",
                grpc_origin: "/ports/grpc",
            },
            PortStrategy::PerComponent => Layout {
                http: ports.http_base.map_or(p::PER_COMPONENT_HTTP_BASE, |x| x.0),
                grpc: ports.grpc_base.map_or(p::PER_COMPONENT_GRPC_BASE, |x| x.0),
                http_origin: "/ports/httpBase",
                grpc_origin: "/ports/grpcBase",
            },
        };
        (strategy, layout)
    }

    /// Explicit port, else base + slot (per-component), else the shared port.
    pub(super) fn port_for(
        &mut self,
        ptr: &str,
        key: &str,
        explicit: Option<Port>,
        base: u16,
        slot: Option<u16>,
    ) -> u16 {
        if let Some(p) = explicit {
            return p.0;
        }
        let Some(slot) = slot else { return base };
        match base.checked_add(slot) {
            Some(v) => v,
            None => {
                let base_key = if key == "http" {
                    "httpBase"
                } else {
                    "grpcBase"
                };
                self.err_value(
                    &format!("/ports/{base_key}"),
                    format!(
                        "{base_key} {base} + slot {slot} of `{}` is above 65535",
                        ptr.rsplit('/').next().unwrap_or("")
                    ),
                );
                base
            }
        }
    }
}

/// Every port, as `portplan ports` lists it.
pub(super) fn port_map(
    components: &[ComponentPlan],
    gateway: &GatewayPlan,
    caches: &[CachePlan],
    memberlist: &MemberlistPlan,
    canary: &CanaryPlan,
    strategy: PortStrategy,
    layout: &Layout,
) -> Vec<PortEntry> {
    let mut out = Vec::new();
    let entry = |component, name, port, service: &ServiceNames, origin: String| PortEntry {
        component,
        name,
        port,
        protocol: "TCP",
        service: service.name.clone(),
        fqdn: service.fqdn.clone(),
        origin,
    };
    for c in components {
        let base = format!("/components/{}", c.name);
        // Candidates, most specific first: the explicit port, the slot, the strategy's key,
        // and `mode` for a preset.
        let origin_of = |key: &str, strategy_origin: &str| match strategy {
            PortStrategy::Shared => format!("{base}/{key}|{strategy_origin}|/ports|/mode"),
            PortStrategy::PerComponent => {
                format!("{base}/{key}|{base}/slot|{strategy_origin}|/ports|/mode")
            }
        };
        out.push(entry(
            c.name,
            "http-metrics",
            c.http_port,
            &c.service,
            origin_of("http", layout.http_origin),
        ));
        out.push(entry(
            c.name,
            "grpc",
            c.grpc_port,
            &c.service,
            origin_of("grpc", layout.grpc_origin),
        ));
    }
    out.push(entry(
        "gateway",
        "http-metrics",
        gateway.port,
        &gateway.service,
        "/gateway/port|/mode".into(),
    ));
    for c in caches {
        let key = if c.name == "chunks-cache" {
            "chunks"
        } else {
            "results"
        };
        out.push(entry(
            c.name,
            "client",
            c.port,
            &c.service,
            format!("/caches/{key}/port|/mode"),
        ));
        out.push(entry(
            c.name,
            "http-metrics",
            c.exporter_port,
            &c.service,
            format!("/caches/{key}/exporterPort|/mode"),
        ));
    }
    out.push(PortEntry {
        component: "memberlist",
        name: "http-memberlist",
        port: memberlist.port,
        protocol: "TCP",
        service: memberlist.service.clone(),
        fqdn: memberlist.fqdn.clone(),
        origin: "/memberlist/port|/mode".into(),
    });
    if canary.enabled {
        // The canary's metrics port: Prometheus scrapes the pods directly (no Service), and
        // it shows in flow logs.
        out.push(PortEntry {
            component: "canary",
            name: "http-metrics",
            port: canary.port,
            protocol: "TCP",
            service: String::new(),
            fqdn: String::new(),
            origin: "/canary|/mode".into(),
        });
    }
    out
}
