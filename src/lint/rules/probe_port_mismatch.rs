//! `probe-port-mismatch`: a probe's port that its container does not declare.
//!
//! After a port change the checklist was Service port, container port, ConfigMap, clients,
//! *probes*. A readiness probe on a renamed port (`http` after the port became
//! `http-metrics`) or on the old number never succeeds: the pod is never Ready, the
//! Service has no endpoints, and a rollout stalls; a liveness probe on it restarts a healthy
//! container forever. Checked within one container of one template file, on template source:
//! a name must be one of the container's port names, a number one of its port numbers. When
//! the container's ports are templates (`{{ .Values.port }}`) only the same template text
//! counts as a match and anything else is left alone, because its value is not known here.

use super::{Check, FileOutcome, FileRule, Reads, RuleInfo, SourceFile};
use crate::diag::Severity;
use crate::lint::Finding;
use crate::lint::context::Context;
use crate::lint::manifest::{Container, ProbePort};

pub static RULE: RuleInfo = RuleInfo {
    slug: "probe-port-mismatch",
    severity: Severity::Error,
    summary: "a probe names a port its container does not declare",
    fix: "point the probe at one of the container's declared ports, or declare the port",
    check: Check::Files(&ProbePortMismatch),
};

struct ProbePortMismatch;

impl FileRule for ProbePortMismatch {
    fn reads(&self) -> Reads {
        Reads::Manifests
    }

    /// Checks every probe port of every container.
    fn check(&self, file: &SourceFile<'_>, _ctx: &Context, out: &mut FileOutcome) {
        for c in file.manifest.documents.iter().flat_map(|d| &d.containers) {
            for probe in &c.probes {
                if let Some(message) = mismatch(c, probe) {
                    out.findings.push(Finding::at(
                        &RULE,
                        file.path,
                        probe.port.at,
                        message,
                        hint(c, probe),
                    ));
                }
            }
        }
    }
}

fn mismatch(c: &Container, probe: &ProbePort) -> Option<String> {
    let port = &probe.port;
    let container = c.name.as_ref().map_or("(unnamed)", |n| n.text);
    if port.is_template() {
        return None;
    }
    if let Some(number) = port.as_port() {
        let declared: Vec<&str> = c
            .ports
            .iter()
            .filter_map(|p| p.container_port.as_ref())
            .map(|p| p.text)
            .collect();
        let all_literal = c.ports.iter().all(|p| {
            p.container_port
                .as_ref()
                .is_some_and(|s| s.as_port().is_some())
        });
        // A number is allowed without a ports list (Kubernetes probes any port); with one,
        // it should be one of them, as long as every declared number is known.
        if c.ports.is_empty() || !all_literal || declared.contains(&port.text) {
            return None;
        }
        return Some(format!(
            "{} port {number} is not a port of container `{container}` (it declares {})",
            probe.probe,
            describe(c)
        ));
    }
    let names_known = c
        .ports
        .iter()
        .all(|p| p.name.as_ref().is_none_or(|n| !n.is_template()));
    if !names_known
        || c.ports
            .iter()
            .any(|p| p.name.as_ref().is_some_and(|n| n.text == port.text))
    {
        return None;
    }
    Some(if c.ports.is_empty() {
        format!(
            "{} port `{}` names a port, but container `{container}` declares no ports",
            probe.probe, port.text
        )
    } else {
        format!(
            "{} port `{}` is not a port name of container `{container}` (it declares {})",
            probe.probe,
            port.text,
            describe(c)
        )
    })
}

fn describe(c: &Container) -> String {
    let items: Vec<String> = c
        .ports
        .iter()
        .map(|p| match (&p.name, &p.container_port) {
            (Some(n), Some(v)) => format!("{} {}", n.text, v.text),
            (Some(n), None) => n.text.to_owned(),
            (None, Some(v)) => v.text.to_owned(),
            (None, None) => "?".to_owned(),
        })
        .collect();
    items.join(", ")
}

fn hint(c: &Container, probe: &ProbePort) -> String {
    let names: Vec<&str> = c
        .ports
        .iter()
        .filter_map(|p| p.name.as_ref())
        .map(|n| n.text)
        .collect();
    if probe.port.as_port().is_none() && !names.is_empty() {
        format!(
            "use one of the declared names ({}), or add `- name: {}` to the container's ports",
            names.join(", "),
            probe.port.text
        )
    } else {
        RULE.fix.to_owned()
    }
}
