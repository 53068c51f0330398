//! `privileged-port`: a port below 1024.
//!
//! Every container portplan generates runs as a non-root user with all capabilities
//! dropped. Binding a port below 1024 needs `CAP_NET_BIND_SERVICE` (or root), so the process
//! exits at start-up with "permission denied" and the pod crash-loops. Services can still
//! expose a low port: map it to a high `targetPort`.

use super::{RuleInfo, Target};
use crate::diag::{Diagnostic, Severity};
use crate::lint::Finding;
use crate::model::LoadedModel;
use crate::plan::{Plan, port_location};

pub const RULE: RuleInfo = RuleInfo {
    slug: "privileged-port",
    severity: Severity::Warning,
    target: Target::Model,
    summary: "a port below 1024, which a non-root container cannot bind",
    fix: "use a port of 1024 or above",
};

/// Warns once per port below 1024 in the port map.
pub fn check(lm: &LoadedModel, plan: &Plan, out: &mut Vec<Finding>) {
    for p in plan.ports.iter().filter(|p| p.port < 1024) {
        let d = Diagnostic::warning(
            &lm.path,
            port_location(lm, p),
            format!(
                "port {} of {} ({}) is below 1024: the container runs as non-root without capabilities and cannot bind it",
                p.port, p.component, p.name
            ),
        )
        .with_hint(format!(
            "use a port of 1024 or above (e.g. {}); a client-facing port below 1024 belongs on a Service in front",
            p.port + 4000
        ));
        out.push(Finding::new(&RULE, d));
    }
}
