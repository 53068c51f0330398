//! The Plan's port map as the flow analysis reads it: a port number -> slot table, and for
//! each slot what reaches it and whether trafficDistribution can steer that traffic.
//!
//! There is no port table here: every port, component and Service comes from
//! `Plan::ports`, and how clients reach a port comes from the Plan's addresses.

use serde::Serialize;

use crate::plan::{Endpoint, Plan};

/// How clients reach a port, which decides whether trafficDistribution applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Steering {
    /// Dialled through a ClusterIP Service: kube-proxy honours trafficDistribution.
    Service,
    /// Ingester gRPC: distributors and queriers pick ingesters from the hash ring and dial
    /// pod IPs; no Service is involved.
    Ring,
    /// Dialled through a headless Service (gRPC DNS resolution of every pod).
    Headless,
    /// memcached: Loki's client resolves every pod (`dns+`) and hashes keys across them.
    DnsDiscovery,
    /// memberlist gossip between pod IPs.
    Gossip,
    /// No Plan address dials it: Prometheus scrapes, probes and debugging reach pod IPs.
    Direct,
}

impl Steering {
    /// Whether trafficDistribution can keep this traffic in its zone.
    pub fn steerable(self) -> bool {
        self == Steering::Service
    }

    /// The kebab-case name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Steering::Service => "service",
            Steering::Ring => "ring",
            Steering::Headless => "headless",
            Steering::DnsDiscovery => "dns-discovery",
            Steering::Gossip => "gossip",
            Steering::Direct => "direct",
        }
    }
}

/// One distinct port of the map. Two Plan entries may share a number (the memcached
/// exporters' 9150): the slot names both.
#[derive(Clone, Debug, Serialize)]
pub struct Slot {
    pub port: u16,
    /// The component, or components joined with `+` when the port is shared.
    pub component: String,
    /// The port's name on the container and Service.
    pub name: String,
    /// The Service (empty when none exposes the port: the canary).
    pub service: String,
    pub steering: Steering,
}

/// Port number -> slot, for every port of the Plan.
pub struct PortMap {
    pub slots: Vec<Slot>,
    /// One bit per port: 8 KiB, so the "is it Loki at all" test of every record stays in
    /// the L1 cache.
    bits: Box<[u64; 1024]>,
    /// Ports of the map below each 64-port word of `bits`. Slots are sorted by port and
    /// each has its own, so a port's slot is its rank: this prefix count plus a popcount
    /// (2 KiB, next to the bitmap, where a 128 KiB port -> slot table missed the cache on
    /// every Loki record).
    rank: Box<[u16; 1024]>,
}

/// The table's "not a Loki port".
pub const NO_SLOT: u16 = u16::MAX;

impl PortMap {
    /// Builds the map from the Plan, slots sorted by port.
    pub fn from_plan(plan: &Plan) -> PortMap {
        let endpoints = endpoints(plan);
        let mut entries: Vec<_> = plan.ports.iter().collect();
        entries.sort_by_key(|e| (e.port, e.component, e.name));
        let mut slots: Vec<Slot> = Vec::new();
        for e in entries {
            let steering = steering(plan, e.component, e.name, e.port, &endpoints);
            match slots.last_mut() {
                Some(s) if s.port == e.port => {
                    s.component = format!("{}+{}", s.component, e.component);
                    if s.service != e.service {
                        s.service = format!("{}+{}", s.service, e.service);
                    }
                    s.steering = s.steering.max(steering);
                }
                _ => slots.push(Slot {
                    port: e.port,
                    component: e.component.to_owned(),
                    name: e.name.to_owned(),
                    service: e.service.clone(),
                    steering,
                }),
            }
        }
        let mut bits = Box::new([0u64; 1024]);
        for s in &slots {
            bits[usize::from(s.port) / 64] |= 1 << (s.port % 64);
        }
        let mut rank = Box::new([0u16; 1024]);
        let mut below = 0u16;
        for (r, b) in rank.iter_mut().zip(bits.iter()) {
            *r = below;
            below += b.count_ones() as u16;
        }
        PortMap { slots, bits, rank }
    }

    /// Whether `port` is in the map.
    #[inline(always)]
    pub fn contains(&self, port: u16) -> bool {
        self.bits[usize::from(port) / 64] >> (port % 64) & 1 == 1
    }

    /// The slot of `port`, or [`NO_SLOT`].
    #[inline(always)]
    pub fn slot(&self, port: u16) -> u16 {
        let (w, b) = (usize::from(port) / 64, port % 64);
        let word = self.bits[w];
        if word >> b & 1 == 0 {
            return NO_SLOT;
        }
        self.rank[w] + (word & ((1u64 << b) - 1)).count_ones() as u16
    }
}

/// Every address the Plan has one component (or client) dial.
fn endpoints(plan: &Plan) -> Vec<&Endpoint> {
    let a = &plan.addresses;
    let mut v: Vec<&Endpoint> = [
        Some(&a.memberlist_join),
        a.frontend.as_ref(),
        a.scheduler.as_ref(),
        a.index_gateway.as_ref(),
        a.compactor.as_ref(),
        a.tail_proxy.as_ref(),
        a.chunks_cache.as_ref(),
        a.results_cache.as_ref(),
        Some(&a.push),
        Some(&a.query),
        Some(&a.gateway),
    ]
    .into_iter()
    .flatten()
    .collect();
    v.extend(plan.gateway.upstreams.iter().map(|u| &u.endpoint));
    v.extend(plan.clients.alloy.iter().map(|c| &c.endpoint));
    v.extend(plan.clients.grafana.iter().map(|c| &c.endpoint));
    v
}

/// How the Plan's clients reach `component`'s port.
fn steering(plan: &Plan, component: &str, name: &str, port: u16, eps: &[&Endpoint]) -> Steering {
    if component == "memberlist" {
        return Steering::Gossip;
    }
    if let Some(c) = plan.components.iter().find(|c| c.name == component)
        && c.ingests
        && port == c.grpc_port
    {
        return Steering::Ring;
    }
    // The gateway's Service forwards its service port to this container port: a flow log
    // sees the pod's port after kube-proxy's DNAT.
    let dialled: Vec<&&Endpoint> = eps
        .iter()
        .filter(|e| e.component == component && (e.port == port || component == "gateway"))
        .collect();
    if dialled.iter().any(|e| e.scheme == "dns+") {
        return Steering::DnsDiscovery;
    }
    let cluster_ip = |host: &str| {
        plan.components
            .iter()
            .map(|c| &c.service)
            .chain(std::iter::once(&plan.gateway.service))
            .any(|s| s.fqdn == host)
    };
    if dialled.iter().any(|e| cluster_ip(&e.host)) {
        return Steering::Service;
    }
    if !dialled.is_empty() {
        return Steering::Headless;
    }
    let _ = name;
    Steering::Direct
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        let lm = crate::model::load_model(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/portplan.yaml"
        )))
        .unwrap();
        crate::plan::build_plan(&lm).unwrap()
    }

    #[test]
    fn reference_layout_classification() {
        let m = PortMap::from_plan(&plan());
        let s = |port: u16| &m.slots[usize::from(m.slot(port))];
        assert_eq!(s(4202).component, "ingester");
        assert_eq!(s(4202).steering, Steering::Ring);
        assert_eq!(
            s(4101).steering,
            Steering::Service,
            "gateway -> distributor push"
        );
        assert_eq!(
            s(4104).steering,
            Steering::Service,
            "gateway -> query-frontend"
        );
        assert_eq!(
            s(4205).steering,
            Steering::Headless,
            "scheduler via headless"
        );
        assert_eq!(
            s(4206).steering,
            Steering::Headless,
            "index gateway dns:///"
        );
        assert_eq!(
            s(4207).steering,
            Steering::Service,
            "compactor gRPC via ClusterIP"
        );
        assert_eq!(s(4090).steering, Steering::DnsDiscovery);
        assert_eq!(s(7946).steering, Steering::Gossip);
        assert_eq!(s(4080).steering, Steering::Service);
        assert_eq!(
            s(4102).steering,
            Steering::Direct,
            "ingester http: scrapes only"
        );
        assert_eq!(s(9150).component, "chunks-cache+results-cache");
        assert_eq!(m.slot(443), NO_SLOT);
        // Every port's slot is its own, and no other port has one.
        let mut seen = 0;
        for p in 0..=u16::MAX {
            let s = m.slot(p);
            if s != NO_SLOT {
                assert_eq!(m.slots[usize::from(s)].port, p);
                seen += 1;
            }
        }
        assert_eq!(seen, m.slots.len());
    }
}
