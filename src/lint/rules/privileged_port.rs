//! `privileged-port`: a port below 1024.
//!
//! Every container portplan generates runs as a non-root user with all capabilities
//! dropped. Binding a port below 1024 needs `CAP_NET_BIND_SERVICE` (or root), so the process
//! exits at start-up with "permission denied" and the pod crash-loops. Services can still
//! expose a low port: map it to a high `targetPort` (the gateway's `servicePort`).
//!
//! The Plan refuses such a model (`plan/checks.rs`); lint reports the same diagnostics as
//! findings of this rule.

use super::{Check, ModelRule, RuleInfo};
use crate::diag::Severity;
use crate::lint::Finding;
use crate::plan::Resolution;

pub static RULE: RuleInfo = RuleInfo {
    slug: "privileged-port",
    severity: Severity::Error,
    summary: "a container port below 1024, which a non-root container cannot bind",
    fix: "use a port of 1024 or above; a client-facing low port belongs on the Service",
    check: Check::Model(&PrivilegedPort),
};

/// Reports the Plan's privileged-port diagnostics.
struct PrivilegedPort;

impl ModelRule for PrivilegedPort {
    fn check(&self, res: &Resolution, out: &mut Vec<Finding>) {
        out.extend(
            res.privileged
                .iter()
                .map(|d| Finding::new(&RULE, d.clone())),
        );
    }
}
