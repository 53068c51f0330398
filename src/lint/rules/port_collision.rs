//! `port-collision`: two things on one port where that breaks something.
//!
//! Inside one pod, two listeners on one port means one of them fails to bind. Under the
//! per-component strategy, two components on one port also defeat the point of the layout:
//! a port in a VPC flow log must name exactly one component, or cross-AZ traffic cannot be
//! attributed. The Plan already refuses such a model; lint reports the same diagnostics (the
//! Plan's own check, not a second implementation) as findings, so a CI job sees every
//! problem in one run and in the same output format.

use super::{Check, ModelRule, RuleInfo};
use crate::diag::Severity;
use crate::lint::Finding;
use crate::plan::Resolution;

pub static RULE: RuleInfo = RuleInfo {
    slug: "port-collision",
    severity: Severity::Error,
    summary: "two components, or two listeners in one pod, share a port",
    fix: "give one of them another port",
    check: Check::Model(&PortCollision),
};

/// Reports the Plan's collision diagnostics.
struct PortCollision;

impl ModelRule for PortCollision {
    fn check(&self, res: &Resolution, out: &mut Vec<Finding>) {
        out.extend(
            res.collisions
                .iter()
                .map(|d| Finding::new(&RULE, d.clone())),
        );
    }
}
