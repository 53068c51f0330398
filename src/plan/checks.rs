//! Cross-field checks that need the resolved ports and names.

use std::collections::BTreeMap;

use super::{CachePlan, ComponentPlan, PeriodPlan, PortEntry};
use crate::diag::Diagnostic;
use crate::model::{LoadedModel, PortStrategy};

/// Kubernetes Service names are DNS-1035 labels: at most 63 characters, and the longest name
/// is the headless Service of the longest component.
pub(super) fn check_name_lengths(
    lm: &LoadedModel,
    components: &[ComponentPlan],
    caches: &[CachePlan],
    errors: &mut Vec<Diagnostic>,
) {
    let longest = components
        .iter()
        .map(|c| &c.service.headless)
        .chain(caches.iter().map(|c| &c.service.headless))
        .max_by_key(|n| n.len());
    if let Some(name) = longest
        && name.len() > 63
    {
        let room = 63 - (name.len() - lm.model.release.len());
        errors.push(
            lm.error_at_value(
                "/release",
                format!(
                    "Service name `{name}` would be {} characters; Kubernetes allows 63",
                    name.len()
                ),
            )
            .with_hint(format!("shorten `release` to at most {room} characters")),
        );
    }
}

/// Two things on one port where that matters: inside one pod always; across the whole
/// deployment under the per-component strategy, where a port must name its component.
pub(super) fn check_collisions(
    lm: &LoadedModel,
    strategy: PortStrategy,
    ports: &[PortEntry],
    components: &[ComponentPlan],
    errors: &mut Vec<Diagnostic>,
) {
    let memberlist = ports.iter().find(|p| p.component == "memberlist");
    let mut reported = std::collections::BTreeSet::new();
    let mut report = |a: &PortEntry, b: &PortEntry, why: &str, errors: &mut Vec<Diagnostic>| {
        let (first, second) = order(lm, a, b);
        let key = (first.component, first.name, second.component, second.name);
        if !reported.insert(key) {
            return;
        }
        let at_first = port_location(lm, first);
        let at_second = port_location(lm, second);
        errors.push(
            Diagnostic::error(
                &lm.path,
                at_second,
                format!(
                    "port {} of {} ({}) collides with {} ({}) {why}",
                    second.port, second.component, second.name, first.component, first.name
                ),
            )
            .with_related(
                &lm.path,
                at_first,
                format!("{} {} is set here", first.component, first.name),
            )
            .with_hint("give one of them another port"),
        );
    };

    // Inside one pod: a Loki component's HTTP, gRPC and memberlist ports; a cache's client and
    // exporter ports.
    let mut by_pod: BTreeMap<&str, Vec<&PortEntry>> = BTreeMap::new();
    for p in ports.iter().filter(|p| p.component != "memberlist") {
        by_pod.entry(p.component).or_default().push(p);
    }
    for c in components.iter().filter(|c| c.memberlist) {
        if let (Some(m), Some(list)) = (memberlist, by_pod.get_mut(c.name)) {
            list.push(m);
        }
    }
    for list in by_pod.values() {
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                if a.port == b.port {
                    report(a, b, "in the same pod", errors);
                }
            }
        }
    }

    // Across the deployment, per-component only; exporters share a port by design (they are
    // scraped, not part of Loki's traffic).
    if strategy == PortStrategy::PerComponent {
        let mut seen: BTreeMap<u16, &PortEntry> = BTreeMap::new();
        for p in ports
            .iter()
            .filter(|p| !(p.name == "http-metrics" && p.component.ends_with("-cache")))
        {
            match seen.get(&p.port) {
                Some(first) if first.component != p.component => report(
                    first,
                    p,
                    "(with ports.strategy per-component every component needs its own ports)",
                    errors,
                ),
                Some(_) => {}
                None => {
                    seen.insert(p.port, p);
                }
            }
        }
    }
}

/// Every container portplan generates runs as a non-root user without capabilities: a port
/// below 1024 cannot be bound, and the pod would crash-loop (`privileged-port`). The gateway
/// can still be reached on a low port: its Service port is separate.
pub(super) fn check_privileged_ports(
    lm: &LoadedModel,
    ports: &[PortEntry],
    errors: &mut Vec<Diagnostic>,
) {
    for p in ports.iter().filter(|p| p.port < 1024) {
        let hint = if p.component == "gateway" {
            format!(
                "keep `gateway.port` at 1024 or above (e.g. 8080) and set `gateway.servicePort: {}`: the Service forwards to nginx",
                p.port
            )
        } else {
            format!(
                "use a port of 1024 or above (e.g. {})",
                u32::from(p.port) + 4000
            )
        };
        errors.push(
            Diagnostic::error(
                &lm.path,
                port_location(lm, p),
                format!(
                    "port {} of {} ({}) is below 1024: the container runs as non-root without capabilities and cannot bind it",
                    p.port, p.component, p.name
                ),
            )
            .with_hint(hint),
        );
    }
}

/// Where the model sets a port: its own key, else the strategy key it derives from, else the
/// `mode` key whose preset chose it.
pub fn port_location(lm: &LoadedModel, p: &PortEntry) -> crate::yaml::Location {
    let ptr = lm.located.first_present(&p.origin);
    if ptr == "/mode" {
        lm.located.key_location(ptr)
    } else {
        lm.located.value_location(ptr)
    }
}

/// Report at the place written later in the file; the earlier one is the note.
fn order<'a>(
    lm: &LoadedModel,
    a: &'a PortEntry,
    b: &'a PortEntry,
) -> (&'a PortEntry, &'a PortEntry) {
    if port_location(lm, a) <= port_location(lm, b) {
        (a, b)
    } else {
        (b, a)
    }
}

/// Loki stores structured metadata only in tsdb/v13 periods and refuses to start otherwise
/// (`structured-metadata-needs-v13`).
pub(super) fn check_structured_metadata(
    lm: &LoadedModel,
    structured_metadata: bool,
    schema_config: &[PeriodPlan],
    out: &mut Vec<Diagnostic>,
) {
    if !structured_metadata {
        return;
    }
    let Some(last) = schema_config.last() else {
        return;
    };
    if last.schema == "v13" && last.store == "tsdb" {
        return;
    }
    let i = schema_config.len() - 1;
    let key = if last.schema != "v13" {
        "schema"
    } else {
        "store"
    };
    let at = lm
        .located
        .value_location(&format!("/schemaConfig/{i}/{key}"));
    let what = match (last.schema == "v13", last.store == "tsdb") {
        (false, false) => format!("schema {} with {}", last.schema, last.store),
        (false, true) => format!("schema {}", last.schema),
        _ => format!("the {} index", last.store),
    };
    let on = if lm.located.contains("/structuredMetadata") {
        "structuredMetadata is true"
    } else {
        "structured metadata is on by default"
    };
    let mut d = Diagnostic::error(
        &lm.path,
        at,
        format!(
            "{on}, but the newest schema period (from {}) uses {what}: Loki refuses to start (\"schema v13 is required to store Structured Metadata\")",
            last.from
        ),
    )
    .with_hint(
        "add a period `{from: <a date after the rollout>, store: tsdb, schema: v13}`, or set `structuredMetadata: false`",
    );
    if lm.located.contains("/structuredMetadata") {
        d = d.with_related(
            &lm.path,
            lm.located.value_location("/structuredMetadata"),
            "structured metadata is turned on here",
        );
    }
    out.push(d);
}
