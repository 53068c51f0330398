//! Cross-field checks that need the resolved ports and names.

use std::collections::BTreeMap;

use super::{CachePlan, ComponentPlan, PortEntry};
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
    for c in components {
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
