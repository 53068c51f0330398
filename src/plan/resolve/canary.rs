//! loki-canary: how it runs, how many pods (one count, derived), and the tail limit they
//! need: each pod holds one tail request open.

use super::super::presets as p;
use super::Resolver;
use super::pods::PodKind;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::plan::{CanaryPlan, LimitsPlan};

const LIMIT_KEY: &str = "/limits/max_concurrent_tail_requests";

impl Resolver<'_> {
    pub(super) fn canary(&mut self, auth_enabled: bool) -> CanaryPlan {
        let c = self.lm.model.canary.clone().unwrap_or_default();
        let tenant = self.tenant("/canary/tenant", c.tenant.as_ref(), auth_enabled);
        let tenant = auth_enabled.then(|| tenant.unwrap_or_else(|| p::CANARY_TENANT.into()));
        let kind = c.kind.unwrap_or(p::CANARY_KIND);
        match kind {
            CanaryKind::DaemonSet if c.replicas.is_some() => {
                self.err_key(
                    "/canary/replicas",
                    "`replicas` applies only to a canary Deployment; a DaemonSet runs one pod per node",
                )
                .hint =
                    Some("set `kind: Deployment`, or use `expectedPods` for the node count".into());
            }
            CanaryKind::Deployment if c.expected_pods.is_some() => {
                // Two counts for one thing is how 12 pods met a limit checked against 1.
                self.err_key(
                    "/canary/expectedPods",
                    "`expectedPods` applies only to a canary DaemonSet; a Deployment runs exactly `replicas` pods",
                )
                .hint = Some("remove `expectedPods`; the Deployment's `replicas` is its pod count".into());
            }
            _ => {}
        }
        let replicas = match kind {
            CanaryKind::DaemonSet => 0,
            CanaryKind::Deployment => c.replicas.map_or(1, |r| r.get()),
        };
        let pods = match kind {
            CanaryKind::Deployment => Some(replicas),
            CanaryKind::DaemonSet => c.expected_pods.map(|n| n.get()),
        };
        let pod = self.pod("/canary", c.pod(), PodKind::Canary);
        CanaryPlan {
            enabled: c.enabled.unwrap_or(true),
            kind,
            replicas,
            expected_pods: pods,
            tenant,
            port: p::CANARY_PORT,
            resources: p::canary_resources(),
            pod,
        }
    }

    /// Each loki-canary pod keeps one tail open; Loki refuses tails above the limit, so the
    /// canaries fail and alert although Loki is healthy (`tail-limit-below-canaries`).
    pub(super) fn check_tail_limit(&mut self, canary: &CanaryPlan, limits: &LimitsPlan) {
        let lm = self.lm;
        if !canary.enabled {
            return;
        }
        let Some(pods) = canary.expected_pods else {
            return;
        };
        // The canary's tenant may have a limit of its own (`overrides`): Loki applies that.
        let own = canary.tenant.as_ref().and_then(|t| {
            let (_, l) = lm.model.overrides.iter().find(|(k, _)| k.as_str() == t)?;
            let key = format!(
                "/overrides/{}/max_concurrent_tail_requests",
                crate::yaml::pointer_token(t)
            );
            Some((l.max_concurrent_tail_requests?.get(), key, t.clone()))
        });
        let (limit, limit_key, setting) = match &own {
            Some((l, key, t)) => (
                *l,
                key.as_str(),
                format!("overrides.{t}.max_concurrent_tail_requests"),
            ),
            None => (
                limits.max_concurrent_tail_requests,
                LIMIT_KEY,
                "limits.max_concurrent_tail_requests".to_owned(),
            ),
        };
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
        let pods_what = format!(
            "{pods} loki-canary pod{} each hold one tail request",
            if pods == 1 { "" } else { "s" }
        );
        let d = if lm.located.contains(limit_key) {
            Diagnostic::error(
                &lm.path,
                lm.located.value_location(limit_key),
                format!(
                    "max_concurrent_tail_requests is {limit}, but {pods_what} ({pods} > {limit})"
                ),
            )
            .with_related(&lm.path, canary_at, format!("{pods} canary pods run here"))
        } else {
            Diagnostic::error(
                &lm.path,
                canary_at,
                format!(
                    "{pods_what}, but max_concurrent_tail_requests is Loki's default, {limit} ({pods} > {limit})"
                ),
            )
        };
        self.tail_limit.push(d.with_hint(format!(
            "set `{setting}: {suggested}` ({pods} canary pods plus headroom for people tailing)"
        )));
    }
}

/// The pods plus a quarter (at least 2) for people, rounded up to a multiple of 5.
pub fn suggested_limit(pods: u32) -> u32 {
    let headroom = pods.div_ceil(4).max(2);
    (pods.saturating_add(headroom))
        .div_ceil(5)
        .saturating_mul(5)
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
