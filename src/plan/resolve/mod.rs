//! Model -> Plan: fill defaults from the mode's presets, check every rule that spans several
//! fields, and compute every name and address. One file per concern; this one holds the
//! order in which they run and the result.
//!
//! Values are valid when they get here (the model's checked scalars), so what is checked
//! here is only what relates two or more of them. A check that fails records a located
//! error and the resolution goes on with the value as written, so that every error of a
//! model is reported in one run and the Plan is always complete: a later stage never meets
//! a missing component.

mod addresses;
mod caches;
mod canary;
mod clients;
mod components;
mod gateway;
mod identity;
mod loki;
mod naming;
mod pods;
mod ports;
mod stage;
mod storage;
mod traffic;
mod workloads;

use super::checks::{
    check_collisions, check_name_lengths, check_privileged_ports, check_structured_metadata,
};
use super::presets as p;
use super::*;
use crate::diag::{Diagnostic, Failure, Severity};
use crate::model::scalars::ImageRef;
use crate::model::*;
use naming::Naming;

/// Resolves a loaded model into a Plan, or every error found.
pub fn build_plan(lm: &LoadedModel) -> Result<Plan, Failure> {
    into_plan(resolve(lm), lm)
}

/// The Plan of a resolution of `lm`, or every error found: [`build_plan`] for a caller that
/// has resolved the model already.
pub fn into_plan(r: Resolution, lm: &LoadedModel) -> Result<Plan, Failure> {
    let mut errors = r.errors;
    let mut warnings = Vec::new();
    errors.extend(r.collisions);
    errors.extend(r.privileged);
    errors.extend(r.tail_limit);
    errors.extend(r.structured_metadata);
    warnings.extend(r.disruption_budget);
    for d in r.traffic_distribution {
        match d.severity {
            Severity::Error => errors.push(d),
            Severity::Warning => warnings.push(d),
        }
    }
    if errors.is_empty() {
        let mut plan = r.plan;
        warnings.extend(plan.warnings);
        plan.warnings = warnings;
        Ok(plan)
    } else {
        errors.sort_by_key(|d| (d.line, d.column));
        Err(Failure::new(errors, Some(lm.source.clone())))
    }
}

/// A Plan resolved as far as the model allows, with every problem found on the way, sorted
/// by the check that found it.
///
/// [`build_plan`] refuses a Plan with any error; `portplan lint` instead reports collisions,
/// the tail limit and unsupported trafficDistribution values as findings of their own rules,
/// so it needs the Plan and the diagnostics apart. Both come from the same checks.
#[derive(Debug)]
pub struct Resolution {
    /// Complete even when there are errors: a disabled required component is kept, an
    /// unsupported trafficDistribution is left out, colliding ports are kept as written.
    pub plan: Plan,
    /// Errors of every other check: the model cannot be used while there are any.
    pub errors: Vec<Diagnostic>,
    /// Ports that collide (errors).
    pub collisions: Vec<Diagnostic>,
    /// Ports below 1024 in a container (errors).
    pub privileged: Vec<Diagnostic>,
    /// More canary pods than `max_concurrent_tail_requests` allows (errors).
    pub tail_limit: Vec<Diagnostic>,
    /// Structured metadata without a tsdb/v13 period (errors).
    pub structured_metadata: Vec<Diagnostic>,
    /// trafficDistribution values the Kubernetes version does not support: errors when the
    /// API rejects them, warnings when the user set a value the cluster would drop.
    pub traffic_distribution: Vec<Diagnostic>,
    /// Ingester disruption budgets that let evictions break the write quorum (warnings).
    pub disruption_budget: Vec<Diagnostic>,
}

/// Resolves a loaded model, keeping going after errors (see [`Resolution`]).
pub fn resolve(lm: &LoadedModel) -> Resolution {
    let mut r = Resolver {
        lm,
        errors: Vec::new(),
        warnings: Vec::new(),
        collisions: Vec::new(),
        privileged: Vec::new(),
        tail_limit: Vec::new(),
        structured_metadata: Vec::new(),
        traffic: Vec::new(),
        disruption_budget: Vec::new(),
    };
    let mut plan = r.resolve();
    plan.warnings = r.warnings;
    let by_place = |v: &mut Vec<Diagnostic>| v.sort_by_key(|d| (d.line, d.column));
    by_place(&mut r.errors);
    by_place(&mut r.collisions);
    by_place(&mut r.privileged);
    by_place(&mut r.tail_limit);
    by_place(&mut r.structured_metadata);
    by_place(&mut r.traffic);
    by_place(&mut r.disruption_budget);
    Resolution {
        plan,
        errors: r.errors,
        collisions: r.collisions,
        privileged: r.privileged,
        tail_limit: r.tail_limit,
        structured_metadata: r.structured_metadata,
        traffic_distribution: r.traffic,
        disruption_budget: r.disruption_budget,
    }
}

/// The state of one resolution: the model and what the checks found so far.
struct Resolver<'a> {
    lm: &'a LoadedModel,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    collisions: Vec<Diagnostic>,
    privileged: Vec<Diagnostic>,
    tail_limit: Vec<Diagnostic>,
    structured_metadata: Vec<Diagnostic>,
    traffic: Vec<Diagnostic>,
    disruption_budget: Vec<Diagnostic>,
}

impl Resolver<'_> {
    fn err_value(&mut self, pointer: &str, msg: impl Into<String>) -> &mut Diagnostic {
        self.errors.push(self.lm.error_at_value(pointer, msg));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn err_key(&mut self, pointer: &str, msg: impl Into<String>) -> &mut Diagnostic {
        self.errors.push(self.lm.error_at_key(pointer, msg));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn resolve(&mut self) -> Plan {
        let stage = self.stage();
        let m = &self.lm.model;
        let mode = stage.mode;
        let cluster_domain = m
            .cluster_domain
            .as_ref()
            .map_or(p::CLUSTER_DOMAIN.to_owned(), |d| d.to_string());
        let kube = m
            .kube_version
            .unwrap_or(KubeVersion::new(p::KUBE_VERSION.0, p::KUBE_VERSION.1));
        let naming = Naming {
            release: m.release.to_string(),
            namespace: m.namespace.to_string(),
            domain: cluster_domain.clone(),
        };

        let default_td = self.default_traffic_distribution(kube);
        let (strategy, layout) = self.layout();
        let components = self.components(stage, strategy, &layout, default_td, kube, &naming);
        let memberlist_port = m
            .memberlist
            .as_ref()
            .and_then(|x| x.port)
            .map_or(p::MEMBERLIST_PORT, |x| x.0);
        let gateway = self.gateway(mode, strategy, default_td, kube, &naming);
        let caches = self.caches(mode, strategy, &naming);
        let auth_enabled = m.auth_enabled.unwrap_or(false);
        let canary = self.canary(auth_enabled);
        // Storage as the mode that needs more of it: a transition out of or into monolithic
        // runs a simple-scalable set, which needs object storage.
        let storage_mode = stage
            .modes()
            .into_iter()
            .max_by_key(|m| m.rank())
            .unwrap_or(mode);
        let storage = self.storage(storage_mode, &components);
        let identity = self.identity();
        let monitoring = self.monitoring();
        let schema_config = self.schema_config(storage.kind);
        let images = self.images();
        let structured_metadata = m.structured_metadata.unwrap_or(true);
        check_structured_metadata(
            self.lm,
            structured_metadata,
            &schema_config,
            &mut self.structured_metadata,
        );
        let limits = self.limits(mode, &components);
        self.check_tail_limit(&canary, &limits);
        let (overrides, runtime_config) =
            self.overrides(m.release.as_ref(), has_compactor(mode, &components));
        let loki_config = self.passthrough();

        let memberlist = MemberlistPlan {
            port: memberlist_port,
            service: naming.service("memberlist"),
            fqdn: naming.fqdn(&naming.service("memberlist")),
        };
        let addresses = addresses::addresses(mode, &components, &gateway, &caches, &memberlist);
        let gateway = GatewayPlan {
            upstreams: addresses::upstreams(mode, &components, &limits),
            ..gateway
        };
        let clients = self.clients(&addresses, auth_enabled);
        let zones = self.zones();
        let ports = ports::port_map(
            &components,
            &gateway,
            &caches,
            &memberlist,
            &canary,
            strategy,
            &layout,
        );
        let flow_clients = self.flow_clients(&ports);

        let mut monitoring = monitoring;
        if monitoring.service_monitor {
            monitoring.targets = ports
                .iter()
                .filter(|p| {
                    p.name == "http-metrics"
                        && !p.service.is_empty()
                        && p.service != gateway.service.name
                })
                .map(|p| ScrapeTarget {
                    component: p.component,
                    service: p.service.clone(),
                    port_name: p.name,
                    has_headless_twin: components.iter().any(|c| c.name == p.component),
                })
                .collect();
        }
        check_name_lengths(self.lm, &components, &caches, &mut self.errors);
        check_privileged_ports(self.lm, &ports, &mut self.privileged);
        check_collisions(self.lm, strategy, &ports, &components, &mut self.collisions);

        let mut index_stores: Vec<&'static str> = Vec::new();
        for p in &schema_config {
            if !index_stores.contains(&p.store) {
                index_stores.push(p.store);
            }
        }
        let ingest = components
            .iter()
            .find(|c| c.ingests)
            .map_or(("ingester", "ingester", 1), |c| {
                (c.name, c.values_key, c.replicas)
            });
        let replication_factor = self.replication_factor(ingest.0, ingest.2);
        // The incoming set's ingesters join the same ring at its replication factor; their
        // own count is held to the same rule, since it becomes the ring's after the switch.
        if let Some(c) = components.iter().find(|c| c.ingests && c.incoming) {
            let (name, replicas) = (c.name, c.replicas);
            self.replication_factor(name, replicas);
        }
        let transition = stage.to.map(|to| {
            let moved: Vec<(&str, u16)> = components
                .iter()
                .filter(|c| c.incoming)
                .filter(|c| {
                    self.lm
                        .model
                        .components
                        .get(c.name)
                        .is_none_or(|s| s.slot.is_none())
                })
                .filter_map(|c| {
                    let slot = c.slot?;
                    let own = Component::from_name(c.name)?;
                    (slot == stage.default_slot(own) && slot != own.default_slot())
                        .then_some((c.name, slot))
                })
                .collect();
            TransitionPlan {
                to,
                chart_mode: stage.chart_name(),
                incoming: components
                    .iter()
                    .filter(|c| c.incoming)
                    .map(|c| c.name)
                    .collect(),
                outgoing: components
                    .iter()
                    .filter(|c| !c.incoming)
                    .map(|c| c.name)
                    .collect(),
                next_step: topology::next_step(stage, &moved).unwrap_or_default(),
            }
        });
        self.check_ingester_budget(&components, replication_factor);
        Plan {
            model_path: display_path(&self.lm.path),
            replication_factor,
            zone_aware: components
                .iter()
                .any(|c| c.workloads.iter().any(|w| w.zone.is_some())),
            ingest_values_key: ingest.1,
            index_stores,
            release: m.release.to_string(),
            namespace: m.namespace.to_string(),
            cluster_domain,
            kube_version: kube,
            mode,
            transition,
            strategy,
            traffic_distribution: default_td,
            components,
            gateway,
            caches,
            memberlist,
            canary,
            limits,
            overrides,
            runtime_config,
            loki_config,
            schema_config,
            structured_metadata,
            auth_enabled,
            storage,
            addresses,
            clients,
            zones,
            flow_clients,
            images,
            ports,
            owned_flags: pods::owned_flags(),
            identity,
            monitoring,
            warnings: Vec::new(),
        }
    }

    /// `limits_config`: the presets, and retention only where a compactor can apply it.
    fn limits(&mut self, mode: Mode, components: &[ComponentPlan]) -> LimitsPlan {
        let limits = self.lm.model.limits.clone().unwrap_or_default();
        if limits.retention_period.is_some() && !has_compactor(mode, components) {
            // Loki would accept the config and never delete anything.
            let at = self
                .lm
                .located
                .value_location("/components/compactor/enabled");
            let d = self
                .lm
                .error_at_value("/limits/retention_period", "retention_period needs the compactor, which is disabled: nothing would ever be deleted")
                .with_related(&self.lm.path, at, "the compactor is disabled here")
                .with_hint("enable the compactor, or remove retention_period");
            self.errors.push(d);
        }
        LimitsPlan {
            max_concurrent_tail_requests: limits
                .max_concurrent_tail_requests
                .map_or(p::TAIL_LIMIT, |l| l.get()),
            retention_period: limits.retention_period.map(String::from),
            config: self.limits_keys("/limits", "limits_config"),
        }
    }

    /// Loki writes each stream to `replication_factor` ingesters and needs a quorum of them:
    /// 1 for a single ingester, 3 otherwise. Two ingesters can hold neither 3 copies nor
    /// survive one restart with 2, so they are refused.
    fn replication_factor(&mut self, name: &str, replicas: u32) -> u32 {
        if replicas == 1 {
            return factor_of(replicas);
        }
        if replicas < 3 {
            let ptr = format!("/components/{name}/replicas");
            let ptr = self
                .lm
                .located
                .first_present(&format!("{ptr}|/mode"))
                .to_owned();
            self.err_value(
                &ptr,
                format!("{name} runs {replicas} replicas: Loki needs 1 (replication factor 1) or at least 3 (replication factor 3)"),
            )
            .hint = Some(format!("set components.{name}.replicas to 1 or 3"));
        }
        factor_of(replicas)
    }

    fn zones(&mut self) -> Vec<ZonePlan> {
        let ids: Vec<(String, String)> = self
            .lm
            .model
            .zone_ids
            .iter()
            .map(|(id, zone)| (id.to_string(), zone.to_string()))
            .collect();
        let zones: Vec<ZonePlan> = self
            .lm
            .model
            .zones
            .iter()
            .map(|(name, cidrs)| ZonePlan {
                name: name.to_string(),
                cidrs: cidrs.iter().map(ToString::to_string).collect(),
                az_ids: ids
                    .iter()
                    .filter(|(_, z)| z == &name.to_string())
                    .map(|(id, _)| id.clone())
                    .collect(),
            })
            .collect();
        for (id, zone) in &ids {
            if !zones.iter().any(|z| &z.name == zone) {
                let names: Vec<&str> = zones.iter().map(|z| z.name.as_str()).collect();
                let hint = crate::suggest::did_you_mean(zone, names.iter().copied()).map_or_else(
                    || {
                        format!(
                            "add `{zone}` to `zones`, or name one of: {}",
                            names.join(", ")
                        )
                    },
                    |s| format!("did you mean `{s}`?"),
                );
                self.err_value(
                    &format!("/zoneIds/{id}"),
                    format!("zoneIds maps {id} to `{zone}`, which is not a zone of `zones`"),
                )
                .hint = Some(hint);
            }
        }
        zones
    }

    /// `flows.clients`: a name is a client of the report's edges, so it may be neither a
    /// Loki component of the port map, nor `other` (the edge of unknown clients), nor listed
    /// twice.
    fn flow_clients(&mut self, ports: &[PortEntry]) -> Vec<FlowClientPlan> {
        let list = self
            .lm
            .model
            .flows
            .as_ref()
            .map(|f| f.clients.clone())
            .unwrap_or_default();
        let mut out: Vec<FlowClientPlan> = Vec::new();
        // The model index of each entry of `out`, to point at the first of two.
        let mut index: Vec<usize> = Vec::new();
        for (i, c) in list.iter().enumerate() {
            let name = c.name.to_string();
            let ptr = format!("/flows/clients/{i}/name");
            if name == "other" || ports.iter().any(|p| p.component == name) {
                self.err_value(
                    &ptr,
                    format!(
                        "flows client `{name}` has the name of {}: edges could not tell them apart",
                        if name == "other" {
                            "the report's unknown clients".to_owned()
                        } else {
                            format!("the Loki component `{name}`")
                        }
                    ),
                )
                .hint = Some(format!("name it after the client, e.g. `{name}-client`"));
                continue;
            }
            if let Some(j) = out.iter().position(|o| o.name == name) {
                let first = format!("/flows/clients/{}/name", index[j]);
                let at = self.lm.located.value_location(&first);
                let d = self
                    .lm
                    .error_at_value(&ptr, format!("flows client `{name}` is listed twice"));
                self.errors
                    .push(d.with_related(&self.lm.path, at, "first listed here"));
                continue;
            }
            index.push(i);
            out.push(FlowClientPlan {
                name,
                cidrs: c.cidrs.iter().map(ToString::to_string).collect(),
            });
        }
        out
    }

    fn images(&mut self) -> ImagesPlan {
        let i = self.lm.model.images.clone().unwrap_or_default();
        let pick = |v: Option<ImageRef>, default: &str| v.map_or(default.to_owned(), String::from);
        ImagesPlan {
            loki: pick(i.loki, p::IMAGE_LOKI),
            gateway: pick(i.gateway, p::IMAGE_GATEWAY),
            memcached: pick(i.memcached, p::IMAGE_MEMCACHED),
            memcached_exporter: pick(i.memcached_exporter, p::IMAGE_MEMCACHED_EXPORTER),
            canary: pick(i.canary, p::IMAGE_CANARY),
        }
    }
}

/// The model path as generated files name it: `/`-separated, and only characters that are
/// inert in every file type the header goes into (a Helm template, a Go comment, YAML).
fn display_path(path: &str) -> String {
    path.replace('\\', "/")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._/-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Whether the mode's compaction runs (retention needs it).
fn has_compactor(mode: Mode, components: &[ComponentPlan]) -> bool {
    crate::plan::topology::server(mode, crate::plan::topology::Role::Compaction)
        .is_some_and(|c| components.iter().any(|x| x.name == c.name()))
}

/// The replication factor of a ring of `replicas` ingesters: 1 for one, else 3 (see
/// `Resolver::replication_factor`, which refuses two).
pub(super) fn factor_of(replicas: u32) -> u32 {
    if replicas == 1 { 1 } else { 3 }
}
