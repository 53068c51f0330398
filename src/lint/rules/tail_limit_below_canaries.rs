//! `tail-limit-below-canaries`: `limits.max_concurrent_tail_requests` below the number of
//! loki-canary pods.
//!
//! Each loki-canary pod keeps one tail (live query) open to check that what it writes can
//! be read back. Loki refuses tails above `max_concurrent_tail_requests` per tenant (default
//! 10), so with a DaemonSet canary on 14 nodes four canaries fail with "max concurrent tail
//! requests limit exceeded, count > limit (14 > 10)" and alert, although Loki is healthy;
//! and nobody else can tail at all. The limit must cover every canary pod plus people.

use super::{RuleInfo, Target};
use crate::diag::{Diagnostic, Severity};
use crate::lint::Finding;
use crate::model::LoadedModel;
use crate::plan::Plan;

pub const RULE: RuleInfo = RuleInfo {
    slug: "tail-limit-below-canaries",
    severity: Severity::Error,
    target: Target::Model,
    summary: "max_concurrent_tail_requests is below the number of loki-canary pods",
    fix: "raise limits.max_concurrent_tail_requests above the canary pod count, with headroom",
};

const LIMIT_KEY: &str = "/limits/max_concurrent_tail_requests";

/// Errors when the expected canary pods outnumber the tail limit.
pub fn check(lm: &LoadedModel, plan: &Plan, out: &mut Vec<Finding>) {
    if !plan.canary.enabled {
        return;
    }
    let Some(pods) = plan.canary.expected_pods else {
        return;
    };
    let limit = plan.limits.max_concurrent_tail_requests;
    if limit >= pods {
        return;
    }
    let suggested = suggested_limit(pods);
    let canary_ptr = lm
        .located
        .first_present("/canary/expectedPods|/canary/replicas|/canary/kind|/canary");
    let canary_at = if lm.located.contains(canary_ptr) {
        lm.located.value_location(canary_ptr)
    } else {
        lm.located.key_location("/mode")
    };
    let pods_what = format!("{pods} loki-canary pods each hold one tail request");
    let d = if lm.located.contains(LIMIT_KEY) {
        Diagnostic::error(
            &lm.path,
            lm.located.value_location(LIMIT_KEY),
            format!("max_concurrent_tail_requests is {limit}, but {pods_what} ({pods} > {limit})"),
        )
        .with_related(
            &lm.path,
            canary_at,
            format!("{pods} canary pods are expected here"),
        )
    } else {
        Diagnostic::error(
            &lm.path,
            canary_at,
            format!(
                "{pods_what}, but max_concurrent_tail_requests is Loki's default, {limit} ({pods} > {limit})"
            ),
        )
    };
    out.push(Finding::new(
        &RULE,
        d.with_hint(format!(
            "set `limits.max_concurrent_tail_requests: {suggested}` ({pods} canary pods plus headroom for people tailing)"
        )),
    ));
}

/// The pods plus a quarter (at least 2) for people, rounded up to a multiple of 5.
pub fn suggested_limit(pods: u32) -> u32 {
    let headroom = pods.div_ceil(4).max(2);
    (pods + headroom).div_ceil(5) * 5
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggestion() {
        assert_eq!(super::suggested_limit(14), 20);
        assert_eq!(super::suggested_limit(1), 5);
        assert_eq!(super::suggested_limit(10), 15);
        assert_eq!(super::suggested_limit(100), 125);
    }
}
