//! The nginx gateway: its container port, its Service port and its replicas.

use super::super::presets as p;
use super::Resolver;
use super::naming::Naming;
use super::pods::PodKind;
use crate::model::*;
use crate::plan::GatewayPlan;

impl Resolver<'_> {
    pub(super) fn gateway(
        &mut self,
        mode: Mode,
        strategy: PortStrategy,
        default_td: Option<&'static str>,
        kube: KubeVersion,
        naming: &Naming,
    ) -> GatewayPlan {
        let g = self.lm.model.gateway.clone().unwrap_or_default();
        let port = g.port.map_or(
            match strategy {
                PortStrategy::Shared => p::SHARED_GATEWAY,
                PortStrategy::PerComponent => p::PER_COMPONENT_GATEWAY,
            },
            |x| x.0,
        );
        let resources = g.resources.clone().unwrap_or_else(p::gateway_resources);
        let (td, td_override) = self.service_td(
            "/gateway/trafficDistribution",
            g.traffic_distribution,
            default_td,
            kube,
        );
        let replicas = g
            .replicas
            .map_or_else(|| p::gateway_replicas(mode), |r| r.get());
        let autoscaling = self.autoscaling(
            "/gateway",
            true,
            "the gateway",
            g.autoscaling.as_ref(),
            g.replicas.is_some(),
        );
        let pod = self.pod("/gateway", g.pod(), PodKind::Gateway);
        GatewayPlan {
            port,
            service_port: g.service_port.map_or(port, |x| x.0),
            replicas,
            service: naming.services("gateway"),
            resources,
            traffic_distribution: td,
            traffic_distribution_override: td_override,
            upstreams: Vec::new(),
            pod,
            max_unavailable: super::components::max_unavailable(g.pod_disruption_budget.as_ref()),
            disruption_budget: super::workloads::has_disruption_budget(
                replicas,
                autoscaling.as_ref(),
                false,
            ),
            autoscaling,
        }
    }
}
