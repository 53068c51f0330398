//! `tail-limit-below-canaries`: `limits.max_concurrent_tail_requests` below the number of
//! loki-canary pods.
//!
//! Each loki-canary pod keeps one tail (live query) open to check that what it writes can
//! be read back. Loki refuses tails above `max_concurrent_tail_requests` per tenant (default
//! 10), so with a DaemonSet canary on 14 nodes four canaries fail with "max concurrent tail
//! requests limit exceeded, count > limit (14 > 10)" and alert, although Loki is healthy;
//! and nobody else can tail at all. The limit must cover every canary pod plus people.
//!
//! The Plan refuses such a model (the check lives in `plan/resolve/canary.rs`, with the one
//! canary pod count); lint reports the same diagnostics as findings of this rule.

use super::{Check, ModelRule, RuleInfo};
use crate::diag::Severity;
use crate::lint::Finding;
use crate::plan::Resolution;

pub static RULE: RuleInfo = RuleInfo {
    slug: "tail-limit-below-canaries",
    severity: Severity::Error,
    summary: "max_concurrent_tail_requests is below the number of loki-canary pods",
    fix: "raise limits.max_concurrent_tail_requests above the canary pod count, with headroom",
    check: Check::Model(&TailLimitBelowCanaries),
};

/// Reports the Plan's tail-limit diagnostics.
struct TailLimitBelowCanaries;

impl ModelRule for TailLimitBelowCanaries {
    fn check(&self, res: &Resolution, out: &mut Vec<Finding>) {
        out.extend(
            res.tail_limit
                .iter()
                .map(|d| Finding::new(&RULE, d.clone())),
        );
    }
}
