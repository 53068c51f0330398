//! `traffic-distribution-unsupported`: a `trafficDistribution` value the model's
//! `kubeVersion` does not support.
//!
//! `Service.spec.trafficDistribution` exists from Kubernetes 1.30 (`PreferClose`; beta in
//! 1.31, GA in 1.33); `PreferSameZone` and `PreferSameNode` need 1.34. An API server that
//! does not know a value rejects the Service, and the whole release with it; one that
//! predates the field drops it silently, so traffic crosses zones again. The Plan makes the
//! same decisions (an error for a value the API rejects, a warning and the field left out
//! when the cluster predates it); lint reports the Plan's diagnostics under this rule, and
//! keeps going instead of stopping at the first.

use super::{Check, ModelRule, RuleInfo};
use crate::diag::Severity;
use crate::lint::Finding;
use crate::plan::Resolution;

pub static RULE: RuleInfo = RuleInfo {
    slug: "traffic-distribution-unsupported",
    severity: Severity::Error,
    summary: "a trafficDistribution value the model's kubeVersion does not support",
    fix: "use PreferClose (Kubernetes >= 1.30), or raise kubeVersion to one that supports the value",
    check: Check::Model(&TrafficDistributionUnsupported),
};

/// Reports the Plan's trafficDistribution diagnostics, errors and warnings as they are.
struct TrafficDistributionUnsupported;

impl ModelRule for TrafficDistributionUnsupported {
    fn check(&self, res: &Resolution, out: &mut Vec<Finding>) {
        out.extend(
            res.traffic_distribution
                .iter()
                .map(|d| Finding::new(&RULE, d.clone())),
        );
    }
}
