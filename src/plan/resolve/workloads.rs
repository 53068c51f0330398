//! The objects that run a component and what scales or protects them: zone-aware
//! ingesters (one StatefulSet per zone), persistence, HorizontalPodAutoscalers and
//! PodDisruptionBudgets.
//!
//! A zone's short name (`eu-west-1a` -> `zone-a`) is decided here, once: the StatefulSet's
//! name, `-ingester.availability-zone`, the zone pod label and the per-zone
//! PodDisruptionBudget all read it from the Plan.

use super::Resolver;
use super::naming::Naming;
use crate::model::*;
use crate::plan::{AutoscalingPlan, PersistencePlan, WorkloadKind, WorkloadPlan};

/// Components an HPA can scale: stateless, and nothing else depends on their count.
pub(super) const AUTOSCALED: &[Component] = &[
    Component::Distributor,
    Component::Querier,
    Component::QueryFrontend,
    Component::Read,
];

/// The persistent volume size when the model gives none.
const DEFAULT_VOLUME: &str = "10Gi";

/// The short names of zones, in order: `zone-` and the letters after the zone name's last
/// digit (`eu-west-1a` -> `zone-a`, `us-central1-b` -> `zone-b`); when that is empty or two
/// zones would share one, `zone-` and the whole name (lowercased, `_` as `-`).
pub fn zone_labels(zones: &[String]) -> Vec<String> {
    let tail = |z: &str| -> String {
        let t: String = z
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        t.to_ascii_lowercase()
    };
    let short: Vec<String> = zones.iter().map(|z| tail(z)).collect();
    let unique = short.iter().all(|s| !s.is_empty())
        && short
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            == short.len()
        && short.iter().zip(zones).all(|(s, z)| s.len() < z.len());
    zones
        .iter()
        .zip(short)
        .map(|(z, s)| {
            if unique {
                format!("zone-{s}")
            } else {
                format!("zone-{}", z.to_ascii_lowercase().replace('_', "-"))
            }
        })
        .collect()
}

impl Resolver<'_> {
    /// The workload objects of component `c`: one, or one per zone of `zones` when
    /// `zoneAware` (ingesters only).
    pub(super) fn workloads(
        &mut self,
        c: Component,
        s: &ComponentSettings,
        replicas: u32,
        naming: &Naming,
    ) -> Vec<WorkloadPlan> {
        let ptr = format!("/components/{}", c.name());
        let name = naming.service(c.name());
        let single = vec![WorkloadPlan {
            name: name.clone(),
            zone: None,
            zone_label: None,
            index: 0,
        }];
        if s.zone_aware != Some(true) {
            return single;
        }
        if c != Component::Ingester {
            self.err_key(
                &format!("{ptr}/zoneAware"),
                format!("`zoneAware` applies to ingesters; {c} is not zone-aware in Loki"),
            )
            .hint = Some("remove `zoneAware`".into());
            return single;
        }
        if s.affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .is_some_and(|n| {
                n.required_during_scheduling_ignored_during_execution
                    .is_some()
            })
        {
            self.err_key(
                &format!("{ptr}/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"),
                "zone-aware ingesters are pinned to their zone by a required node affinity the chart writes; another required term would replace it",
            )
            .hint = Some("use `nodeSelector`, or `preferredDuringSchedulingIgnoredDuringExecution`".into());
        }
        let zones: Vec<String> = self
            .lm
            .model
            .zones
            .keys()
            .map(ToString::to_string)
            .collect();
        if zones.is_empty() {
            self.err_value(
                &format!("{ptr}/zoneAware"),
                "zone-aware ingesters need the zones to run in, and the model has no `zones`",
            )
            .hint = Some(
                "add `zones:` (zone name -> CIDRs), the same zones `portplan flows` uses".into(),
            );
            return single;
        }
        let rf = if replicas == 1 { 1 } else { 3 };
        if (zones.len() as u32) < rf {
            let d = self.err_value(
                &format!("{ptr}/zoneAware"),
                format!(
                    "replication factor {rf} needs at least {rf} zones for zone-aware replication; `zones` has {}",
                    zones.len()
                ),
            );
            d.hint = Some("add zones, or turn `zoneAware` off".into());
        }
        if replicas < zones.len() as u32 {
            let at = self
                .lm
                .located
                .first_present(&format!("{ptr}/replicas|{ptr}/zoneAware"))
                .to_owned();
            self.err_value(
                &at,
                format!(
                    "{replicas} ingester replicas cannot cover {} zones: every zone needs one",
                    zones.len()
                ),
            )
            .hint = Some(format!(
                "set components.ingester.replicas to {} or more",
                zones.len()
            ));
        }
        let labels = zone_labels(&zones);
        // The StatefulSet's name is also a prefix of its pods' names and of a label value.
        if let Some(long) = labels
            .iter()
            .map(|l| format!("{name}-{l}"))
            .find(|n| n.len() > 52)
        {
            self.err_value(
                &format!("{ptr}/zoneAware"),
                format!("the zone StatefulSet `{long}` would be {} characters; its pods' revision label allows 52", long.len()),
            )
            .hint = Some("shorten `release` or the zone names (the letters after their last digit name the zone)".into());
        }
        zones
            .into_iter()
            .zip(labels)
            .enumerate()
            .map(|(index, (zone, label))| WorkloadPlan {
                name: format!("{name}-{label}"),
                zone: Some(zone),
                zone_label: Some(label),
                index,
            })
            .collect()
    }

    /// Each pod's volume: StatefulSets only.
    pub(super) fn persistence(
        &mut self,
        ptr: &str,
        kind: WorkloadKind,
        s: Option<&Persistence>,
    ) -> Option<PersistencePlan> {
        if kind != WorkloadKind::StatefulSet {
            if s.is_some() {
                self.err_key(
                    &format!("{ptr}/persistence"),
                    "`persistence` applies to StatefulSets; this component runs as a Deployment without volumes",
                )
                .hint = Some("remove `persistence`".into());
            }
            return None;
        }
        Some(PersistencePlan {
            size: s
                .and_then(|p| p.size.as_ref())
                .map_or(DEFAULT_VOLUME.to_owned(), ToString::to_string),
            storage_class: s
                .and_then(|p| p.storage_class.as_ref())
                .map(ToString::to_string),
        })
    }

    /// The HPA of a workload whose model asks for one (on a component that cannot have one,
    /// `autoscaling` is an error).
    pub(super) fn autoscaling(
        &mut self,
        ptr: &str,
        allowed: bool,
        what: &str,
        a: Option<&Autoscaling>,
        replicas_given: bool,
    ) -> Option<AutoscalingPlan> {
        if !allowed {
            if a.is_some() {
                self.err_key(
                    &format!("{ptr}/autoscaling"),
                    format!("{what} cannot be autoscaled: only distributor, querier, query-frontend, read and the gateway can"),
                )
                .hint = Some("remove `autoscaling`; set `replicas`".into());
            }
            return None;
        }
        let a = a?;
        if replicas_given {
            self.err_key(
                &format!("{ptr}/replicas"),
                "`replicas` and `autoscaling` both set the replica count: the autoscaler owns it",
            )
            .hint = Some("remove `replicas`; `autoscaling.minReplicas` is the lower bound".into());
        }
        let (min, max) = (a.min_replicas.get(), a.max_replicas.get());
        if min == 0 {
            self.err_value(
                &format!("{ptr}/autoscaling/minReplicas"),
                "minReplicas must be at least 1",
            );
        }
        if max < min {
            self.err_value(
                &format!("{ptr}/autoscaling/maxReplicas"),
                format!("maxReplicas {max} is below minReplicas {min}"),
            );
        }
        if a.target_cpu.is_none() && a.target_memory.is_none() {
            self.err_key(
                &format!("{ptr}/autoscaling"),
                "an autoscaler needs a target: `targetCPUUtilizationPercentage` and/or `targetMemoryUtilizationPercentage`",
            );
        }
        Some(AutoscalingPlan {
            min_replicas: min,
            max_replicas: max,
            target_cpu: a.target_cpu.map(|p| p.get()),
            target_memory: a.target_memory.map(|p| p.get()),
        })
    }
}

/// Whether a workload gets PodDisruptionBudgets: evictions matter once there is more than one
/// pod (the autoscaler's floor, when it owns the count), and zone-aware ingesters get one per
/// zone whatever their count.
pub(super) fn has_disruption_budget(
    replicas: u32,
    autoscaling: Option<&AutoscalingPlan>,
    zoned: bool,
) -> bool {
    zoned || autoscaling.map_or(replicas, |a| a.min_replicas) > 1
}

impl Resolver<'_> {
    /// Loki writes each stream to `rf` ingesters and needs `rf / 2 + 1` of them: a budget
    /// that lets `rf - quorum + 1` ingesters be evicted at once (a node drain) lets writes
    /// fail. Zone-aware ingesters are exempt: each zone's budget covers pods whose copies are
    /// in other zones. (Lint reports these as `ingester-budget-breaks-quorum`.)
    pub(super) fn check_ingester_budget(
        &mut self,
        components: &[crate::plan::ComponentPlan],
        rf: u32,
    ) {
        let tolerable = rf - (rf / 2 + 1);
        for c in components
            .iter()
            .filter(|c| c.ingests && c.disruption_budget)
        {
            // A transition's incoming ingesters are judged by the ring they will form after
            // the switch: until then the serving set's factor is the ring's.
            let (rf, tolerable) = if c.incoming {
                let rf = super::factor_of(c.replicas);
                (rf, rf - (rf / 2 + 1))
            } else {
                (rf, tolerable)
            };
            let zoned = c.workloads.iter().any(|w| w.zone.is_some());
            if zoned || c.max_unavailable <= tolerable {
                continue;
            }
            let base = format!("/components/{}/podDisruptionBudget", c.name);
            let ptr = self
                .lm
                .located
                .first_present(&format!("{base}/maxUnavailable|{base}|/mode"))
                .to_owned();
            let d = crate::diag::Diagnostic::warning(
                    &self.lm.path,
                    self.lm.located.value_location(&ptr),
                    format!(
                        "maxUnavailable {} lets {} {} pods be evicted at once; with replication factor {rf} a write needs {} of its {rf} ingesters, so a drain can fail writes",
                        c.max_unavailable,
                        c.max_unavailable,
                        c.name,
                        rf / 2 + 1,
                    ),
                )
                .with_hint(format!("set maxUnavailable to {}, or make the ingesters zone-aware", tolerable.max(1)));
            self.disruption_budget.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::zone_labels;

    fn labels(z: &[&str]) -> Vec<String> {
        zone_labels(&z.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn zone_labels_take_the_letters_after_the_last_digit() {
        assert_eq!(
            labels(&["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
            ["zone-a", "zone-b", "zone-c"]
        );
        assert_eq!(labels(&["us-central1-f"]), ["zone-f"]);
    }

    #[test]
    fn zone_labels_fall_back_to_the_whole_name() {
        // Two zones ending in the same letter, a name without a digit, a name with none left.
        assert_eq!(labels(&["eu-1a", "us-1a"]), ["zone-eu-1a", "zone-us-1a"]);
        assert_eq!(labels(&["north", "south"]), ["zone-north", "zone-south"]);
        assert_eq!(labels(&["Zone_1", "z2"]), ["zone-zone-1", "zone-z2"]);
    }
}
