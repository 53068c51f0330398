//! trafficDistribution: the one place that knows which Kubernetes version accepts which
//! value, and what happens to a value on a cluster too old for it.

use super::super::presets as p;
use super::Resolver;
use crate::diag::Diagnostic;
use crate::model::*;

impl Resolver<'_> {
    /// Where a trafficDistribution diagnostic points: the value when the model sets it, else
    /// `kubeVersion`, the other half of the mismatch.
    fn td_location(&self, pointer: &str) -> crate::yaml::Location {
        let located = &self.lm.located;
        located.value_location(located.first_present(&format!("{pointer}|/kubeVersion")))
    }

    /// The default of every ClusterIP Service. The preset (PreferClose) is dropped silently
    /// on a cluster whose API predates it: only a value the user wrote earns a warning
    /// (including 1.30's, where the field is alpha).
    pub(super) fn default_traffic_distribution(
        &mut self,
        kube: KubeVersion,
    ) -> Option<&'static str> {
        match self.lm.model.traffic_distribution {
            Some(td) => self.traffic_distribution("/trafficDistribution", td, kube),
            None => {
                let td = p::TRAFFIC_DISTRIBUTION;
                supported(td, kube).then(|| td.api_value()).flatten()
            }
        }
    }

    /// A Service's effective trafficDistribution, as the user wrote it: errors when the API
    /// does not know the value at all; warns and drops it when the cluster predates the
    /// field.
    pub(super) fn traffic_distribution(
        &mut self,
        pointer: &str,
        td: TrafficDistribution,
        kube: KubeVersion,
    ) -> Option<&'static str> {
        let min = td.min_kube()?;
        if kube == KubeVersion::new(1, 30) && min == kube {
            // 1.30's API has the field, but behind the alpha ServiceTrafficDistribution gate,
            // off by default: the API server silently drops it.
            let at = self.td_location(pointer);
            self.traffic.push(
                Diagnostic::warning(
                    &self.lm.path,
                    at,
                    "trafficDistribution is alpha in Kubernetes 1.30 (feature gate ServiceTrafficDistribution, off by default); it takes effect from 1.31",
                )
                .with_hint("raise kubeVersion to \"1.31\" if the cluster runs 1.31 or later"),
            );
        }
        if kube >= min {
            return td.api_value();
        }
        let message = format!(
            "trafficDistribution {td:?} needs Kubernetes >= {min}, but kubeVersion is {kube}"
        );
        let first = KubeVersion::new(1, 30);
        if min > first {
            let mut d = self.lm.error_at_value(pointer, message);
            if kube >= first {
                d = d.with_hint("use PreferClose (Kubernetes >= 1.30), or raise kubeVersion");
            }
            self.traffic.push(d);
            return None;
        }
        let at = self.td_location(pointer);
        self.traffic.push(
            Diagnostic::warning(
                &self.lm.path,
                at,
                format!("kubeVersion {kube} predates Service.spec.trafficDistribution (1.30): it is left out"),
            )
            .with_hint("raise kubeVersion to \"1.30\" or later to route to the same zone"),
        );
        None
    }

    /// One Service's trafficDistribution: the effective value, and the override values.yaml
    /// carries (`None` to switch the default off for this Service; null to inherit it).
    pub(super) fn service_td(
        &mut self,
        pointer: &str,
        over: Option<TrafficDistribution>,
        default: Option<&'static str>,
        kube: KubeVersion,
    ) -> (Option<&'static str>, Option<&'static str>) {
        match over {
            None => (default, None),
            Some(TrafficDistribution::None) => (None, Some("None")),
            Some(td) => {
                let effective = self.traffic_distribution(pointer, td, kube);
                (effective, effective)
            }
        }
    }
}

/// Whether the API of a cluster of version `kube` accepts `td` (the rule the chart's
/// `loki.trafficDistribution` helper applies to the cluster it is installed on).
fn supported(td: TrafficDistribution, kube: KubeVersion) -> bool {
    td.min_kube().is_some_and(|min| kube >= min)
}
