//! Model -> Plan: fill defaults from the mode's presets, check every rule that spans several
//! fields, and compute every name and address.

use std::collections::{BTreeMap, BTreeSet};

use super::checks::{check_collisions, check_name_lengths};
use super::presets as p;
use super::*;
use crate::diag::{Diagnostic, Failure, Severity};
use crate::model::*;
use crate::yaml::located::pointer_token;

/// Resolves a loaded model into a Plan, or every error found.
pub fn build_plan(lm: &LoadedModel) -> Result<Plan, Failure> {
    let r = resolve(lm);
    let mut errors = r.errors;
    let mut warnings = Vec::new();
    errors.extend(r.collisions);
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
/// [`build_plan`] refuses a Plan with any error; `portplan lint` instead reports collisions and
/// unsupported trafficDistribution values as findings of their own rules, so it needs the
/// Plan and the diagnostics apart. Both come from the same checks: nothing is re-implemented.
#[derive(Debug)]
pub struct Resolution {
    /// Complete even when there are errors: an unsupported trafficDistribution is left out,
    /// colliding ports are kept as written.
    pub plan: Plan,
    /// Errors of every other check: the model cannot be used while there are any.
    pub errors: Vec<Diagnostic>,
    /// Ports that collide (errors).
    pub collisions: Vec<Diagnostic>,
    /// trafficDistribution values the Kubernetes version does not support: errors when the
    /// API rejects them, warnings when the field predates the cluster and is dropped.
    pub traffic_distribution: Vec<Diagnostic>,
}

/// Resolves a loaded model, keeping going after errors (see [`Resolution`]).
pub fn resolve(lm: &LoadedModel) -> Resolution {
    let mut r = Resolver {
        lm,
        errors: Vec::new(),
        warnings: Vec::new(),
        collisions: Vec::new(),
        traffic: Vec::new(),
    };
    let mut plan = r.resolve();
    plan.warnings = r.warnings;
    let by_place = |v: &mut Vec<Diagnostic>| v.sort_by_key(|d| (d.line, d.column));
    by_place(&mut r.errors);
    by_place(&mut r.collisions);
    by_place(&mut r.traffic);
    Resolution {
        plan,
        errors: r.errors,
        collisions: r.collisions,
        traffic_distribution: r.traffic,
    }
}

struct Resolver<'a> {
    lm: &'a LoadedModel,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    collisions: Vec<Diagnostic>,
    traffic: Vec<Diagnostic>,
}

impl Resolver<'_> {
    fn err_value(&mut self, pointer: &str, msg: impl Into<String>) -> &mut Diagnostic {
        self.errors.push(self.lm.error_at_value(pointer, msg));
        self.errors.last_mut().expect("just pushed")
    }

    fn err_key(&mut self, pointer: &str, msg: impl Into<String>) -> &mut Diagnostic {
        self.errors.push(self.lm.error_at_key(pointer, msg));
        self.errors.last_mut().expect("just pushed")
    }

    fn resolve(&mut self) -> Plan {
        let m = &self.lm.model;
        let mode = m.mode;
        self.check_label("/release", &m.release, "release");
        self.check_label("/namespace", &m.namespace, "namespace");
        let cluster_domain = m
            .cluster_domain
            .clone()
            .unwrap_or_else(|| p::CLUSTER_DOMAIN.into());
        if let Err(e) = check_dns1123_subdomain(&cluster_domain) {
            self.err_value("/clusterDomain", format!("clusterDomain {e}"));
        }
        let kube = m
            .kube_version
            .unwrap_or(KubeVersion::new(p::KUBE_VERSION.0, p::KUBE_VERSION.1));
        let naming = Naming {
            release: m.release.clone(),
            namespace: m.namespace.clone(),
            domain: cluster_domain.clone(),
        };

        let default_td = self.traffic_distribution(
            "/trafficDistribution",
            m.traffic_distribution
                .unwrap_or(TrafficDistribution::PreferClose),
            kube,
        );
        let (strategy, layout) = self.layout();
        let components = self.components(mode, strategy, &layout, default_td, kube, &naming);
        let memberlist_port = m
            .memberlist
            .as_ref()
            .and_then(|x| x.port)
            .map_or(p::MEMBERLIST_PORT, |x| x.0);
        let gateway = self.gateway(mode, strategy, default_td, kube, &naming);
        let caches = self.caches(mode, strategy, &naming);
        let auth_enabled = m.auth_enabled.unwrap_or(false);
        let canary = self.canary(auth_enabled);
        let storage = self.storage(mode, &components);
        let schema_config = self.schema_config(storage.kind);
        let images = self.images();

        let memberlist = MemberlistPlan {
            port: memberlist_port,
            service: naming.service("memberlist"),
            fqdn: naming.fqdn(&naming.service("memberlist")),
        };
        let addresses = addresses(mode, &components, &gateway, &caches, &memberlist);
        let gateway = GatewayPlan {
            upstreams: upstreams(mode, &components),
            ..gateway
        };
        let clients = self.clients(&addresses, auth_enabled);
        let zones = self.zones();
        let ports = port_map(
            &components,
            &gateway,
            &caches,
            &memberlist,
            strategy,
            &layout,
        );

        check_name_lengths(self.lm, &components, &caches, &mut self.errors);
        check_collisions(self.lm, strategy, &ports, &components, &mut self.collisions);

        let limits = m.limits.clone().unwrap_or_default();
        if limits.retention_period.is_some()
            && mode == Mode::Distributed
            && !components.iter().any(|c| c.name == "compactor")
        {
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
        if let Some(r) = &limits.retention_period
            && !valid_duration(r)
        {
            self.err_value(
                "/limits/retention_period",
                format!(
                    "`{}` is not a duration like `744h` or `30d`",
                    r.escape_debug()
                ),
            );
        }
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
        Plan {
            model_path: display_path(&self.lm.path),
            replication_factor,
            ingest_values_key: ingest.1,
            index_stores,
            release: m.release.clone(),
            namespace: m.namespace.clone(),
            cluster_domain,
            kube_version: kube,
            mode,
            strategy,
            traffic_distribution: default_td,
            components,
            gateway,
            caches,
            memberlist,
            canary,
            limits: LimitsPlan {
                max_concurrent_tail_requests: limits
                    .max_concurrent_tail_requests
                    .unwrap_or(p::TAIL_LIMIT),
                retention_period: limits.retention_period,
            },
            schema_config,
            structured_metadata: m.structured_metadata.unwrap_or(true),
            auth_enabled,
            storage,
            addresses,
            clients,
            zones,
            images,
            ports,
            warnings: Vec::new(),
        }
    }

    /// Loki writes each stream to `replication_factor` ingesters and needs a quorum of them:
    /// 1 for a single ingester, 3 otherwise. Two ingesters can hold neither 3 copies nor
    /// survive one restart with 2, so they are refused.
    fn replication_factor(&mut self, name: &str, replicas: u32) -> u32 {
        if replicas == 1 {
            return 1;
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
        3
    }

    fn check_label(&mut self, pointer: &str, value: &str, what: &str) {
        if let Err(e) = check_dns1035_label(value) {
            self.err_value(
                pointer,
                format!(
                    "{what} `{}` is not a valid DNS-1035 label: it {e}",
                    value.escape_debug()
                ),
            )
            .hint = Some(
                "use lowercase letters, digits and '-', starting with a letter (e.g. `loki-v3`)"
                    .into(),
            );
        }
    }

    /// Where a trafficDistribution warning points: the value when the model sets it, else
    /// `kubeVersion`, the other half of the mismatch.
    fn td_warning_location(&self, pointer: &str) -> crate::yaml::Location {
        let located = &self.lm.located;
        located.value_location(located.first_present(&format!("{pointer}|/kubeVersion")))
    }

    /// A Service's effective trafficDistribution: errors when the API does not know the value
    /// at all; warns and drops it when the cluster predates the field.
    fn traffic_distribution(
        &mut self,
        pointer: &str,
        td: TrafficDistribution,
        kube: KubeVersion,
    ) -> Option<&'static str> {
        let min = td.min_kube()?;
        if kube == KubeVersion::new(1, 30) && min == kube {
            // 1.30's API has the field, but behind the alpha ServiceTrafficDistribution gate,
            // off by default: the API server silently drops it.
            let at = self.td_warning_location(pointer);
            self.traffic.push(
                Diagnostic::warning(
                    &self.lm.path,
                    at,
                    "trafficDistribution is alpha in Kubernetes 1.30 (feature gate ServiceTrafficDistribution, off by default); it takes effect from 1.31",
                )
                .with_hint("raise kubeVersion to \"1.31\" if the cluster runs 1.31 or later"),
            );
        }
        if kube >= min {
            return td.api_value();
        }
        let message = format!(
            "trafficDistribution {td:?} needs Kubernetes >= {min}, but kubeVersion is {kube}"
        );
        if min > KubeVersion::new(1, 30) && kube >= KubeVersion::new(1, 30) {
            self.traffic.push(
                self.lm
                    .error_at_value(pointer, message)
                    .with_hint("use PreferClose (Kubernetes >= 1.30), or raise kubeVersion"),
            );
            return None;
        }
        if min > KubeVersion::new(1, 30) {
            self.traffic.push(self.lm.error_at_value(pointer, message));
            return None;
        }
        let at = self.td_warning_location(pointer);
        self.traffic.push(
            Diagnostic::warning(
                &self.lm.path,
                at,
                format!("kubeVersion {kube} predates Service.spec.trafficDistribution (1.30): it is left out"),
            )
            .with_hint("raise kubeVersion to \"1.30\" or later to route to the same zone"),
        );
        None
    }

    fn layout(&mut self) -> (PortStrategy, Layout) {
        let ports = self.lm.model.ports.clone().unwrap_or_default();
        let strategy = ports.strategy.unwrap_or(PortStrategy::Shared);
        let (wrong, right) = match strategy {
            PortStrategy::Shared => (
                [("httpBase", ports.http_base), ("grpcBase", ports.grpc_base)],
                "http/grpc",
            ),
            PortStrategy::PerComponent => (
                [("http", ports.http), ("grpc", ports.grpc)],
                "httpBase/grpcBase",
            ),
        };
        for (key, v) in wrong {
            if v.is_some() {
                self.err_key(
                    &format!("/ports/{key}"),
                    format!(
                        "`ports.{key}` does not apply to the {} strategy",
                        strategy_name(strategy)
                    ),
                )
                .hint = Some(format!(
                    "use {right} with this strategy, or change `ports.strategy`"
                ));
            }
        }
        let layout = match strategy {
            PortStrategy::Shared => Layout {
                http: ports.http.map_or(p::SHARED_HTTP, |x| x.0),
                grpc: ports.grpc.map_or(p::SHARED_GRPC, |x| x.0),
                http_origin: "/ports/http",
                grpc_origin: "/ports/grpc",
            },
            PortStrategy::PerComponent => Layout {
                http: ports.http_base.map_or(p::PER_COMPONENT_HTTP_BASE, |x| x.0),
                grpc: ports.grpc_base.map_or(p::PER_COMPONENT_GRPC_BASE, |x| x.0),
                http_origin: "/ports/httpBase",
                grpc_origin: "/ports/grpcBase",
            },
        };
        (strategy, layout)
    }

    fn components(
        &mut self,
        mode: Mode,
        strategy: PortStrategy,
        layout: &Layout,
        default_td: Option<&'static str>,
        kube: KubeVersion,
        naming: &Naming,
    ) -> Vec<ComponentPlan> {
        let settings = &self.lm.model.components;
        for name in settings.keys() {
            let ptr = format!("/components/{}", pointer_token(name));
            match Component::from_name(name) {
                Some(c) if mode.components().contains(&c) => {}
                Some(c) => {
                    let owner = [Mode::Monolithic, Mode::SimpleScalable, Mode::Distributed]
                        .into_iter()
                        .find(|m| m.components().contains(&c))
                        .expect("every component belongs to a mode");
                    self.err_key(
                        &ptr,
                        format!(
                            "component `{name}` is not part of mode {mode} (it belongs to {owner})"
                        ),
                    )
                    .hint = Some(format!("components of {mode}: {}", list(mode)));
                }
                None => {
                    let d =
                        self.err_key(&ptr, format!("unknown component `{}`", name.escape_debug()));
                    d.hint = Some(
                        match did_you_mean(name, mode.components().iter().map(|c| c.name())) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("components of {mode}: {}", list(mode)),
                        },
                    );
                }
            }
        }
        let mut out = Vec::new();
        for &c in mode.components() {
            let s = settings.get(c.name()).cloned().unwrap_or_default();
            let ptr = format!("/components/{}", c.name());
            let enabled = s.enabled.unwrap_or_else(|| p::enabled_by_default(c));
            if !enabled && !c.is_optional() {
                self.err_value(
                    &format!("{ptr}/enabled"),
                    format!("component `{c}` is required in mode {mode}"),
                );
            }
            if !enabled {
                continue;
            }
            if s.slot.is_some() && strategy == PortStrategy::Shared {
                self.err_key(
                    &format!("{ptr}/slot"),
                    "`slot` applies only to the per-component strategy",
                )
                .hint = Some(
                    "set `ports.strategy: per-component`, or give explicit `http`/`grpc` ports"
                        .into(),
                );
            }
            let slot = (strategy == PortStrategy::PerComponent)
                .then(|| s.slot.unwrap_or(c.default_slot()));
            let http = self.port_for(&ptr, "http", s.http, layout.http, slot);
            let grpc = self.port_for(&ptr, "grpc", s.grpc, layout.grpc, slot);
            let (replicas, preset_resources) = p::component(mode, c);
            let replicas = s.replicas.unwrap_or(replicas);
            let resources = s.resources.clone().unwrap_or(preset_resources);
            self.check_resources(&format!("{ptr}/resources"), &resources);
            let (td, td_override) = self.service_td(
                &format!("{ptr}/trafficDistribution"),
                s.traffic_distribution,
                default_td,
                kube,
            );
            let service = naming.services(c.name());
            out.push(ComponentPlan {
                ingests: matches!(
                    c,
                    Component::Ingester | Component::Write | Component::SingleBinary
                ),
                name: c.name(),
                values_key: c.values_key(),
                target: c.target(),
                kind: if c.is_stateful() {
                    "StatefulSet"
                } else {
                    "Deployment"
                },
                replicas,
                http_port: http,
                grpc_port: grpc,
                service,
                resources,
                traffic_distribution: td,
                traffic_distribution_override: td_override,
                slot,
            });
        }
        out
    }

    /// One Service's trafficDistribution: the effective value, and the override values.yaml
    /// carries (`None` to switch the default off for this Service; null to inherit it).
    fn service_td(
        &mut self,
        pointer: &str,
        over: Option<TrafficDistribution>,
        default: Option<&'static str>,
        kube: KubeVersion,
    ) -> (Option<&'static str>, Option<&'static str>) {
        match over {
            None => (default, None),
            Some(TrafficDistribution::None) => (None, Some("None")),
            Some(td) => {
                let effective = self.traffic_distribution(pointer, td, kube);
                (effective, effective)
            }
        }
    }

    /// Explicit port, else base + slot (per-component), else the shared port.
    fn port_for(
        &mut self,
        ptr: &str,
        key: &str,
        explicit: Option<Port>,
        base: u16,
        slot: Option<u16>,
    ) -> u16 {
        if let Some(p) = explicit {
            return p.0;
        }
        let Some(slot) = slot else { return base };
        match base.checked_add(slot) {
            Some(v) => v,
            None => {
                let base_key = if key == "http" {
                    "httpBase"
                } else {
                    "grpcBase"
                };
                self.err_value(
                    &format!("/ports/{base_key}"),
                    format!(
                        "{base_key} {base} + slot {slot} of `{}` is above 65535",
                        ptr.rsplit('/').next().unwrap_or("")
                    ),
                );
                base
            }
        }
    }

    fn check_resources(&mut self, ptr: &str, r: &Resources) {
        for (kind, list) in [("requests", &r.requests), ("limits", &r.limits)] {
            let Some(list) = list else { continue };
            if let Some(cpu) = &list.cpu
                && let Err(e) = Cpu::parse(cpu)
            {
                self.err_value(&format!("{ptr}/{kind}/cpu"), e);
            }
            if let Some(mem) = &list.memory
                && let Err(e) = Memory::parse(mem)
            {
                self.err_value(&format!("{ptr}/{kind}/memory"), e);
            }
        }
    }

    fn gateway(
        &mut self,
        mode: Mode,
        strategy: PortStrategy,
        default_td: Option<&'static str>,
        kube: KubeVersion,
        naming: &Naming,
    ) -> GatewayPlan {
        let g = self.lm.model.gateway.clone().unwrap_or_default();
        let port = g.port.map_or(
            match strategy {
                PortStrategy::Shared => p::SHARED_GATEWAY,
                PortStrategy::PerComponent => p::PER_COMPONENT_GATEWAY,
            },
            |x| x.0,
        );
        let resources = g.resources.clone().unwrap_or_else(p::gateway_resources);
        self.check_resources("/gateway/resources", &resources);
        let (td, td_override) = self.service_td(
            "/gateway/trafficDistribution",
            g.traffic_distribution,
            default_td,
            kube,
        );
        GatewayPlan {
            port,
            replicas: g.replicas.unwrap_or_else(|| p::gateway_replicas(mode)),
            service: naming.services("gateway"),
            resources,
            traffic_distribution: td,
            traffic_distribution_override: td_override,
            upstreams: Vec::new(),
        }
    }

    fn caches(&mut self, mode: Mode, strategy: PortStrategy, naming: &Naming) -> Vec<CachePlan> {
        let caches = self.lm.model.caches.clone().unwrap_or_default();
        let (chunks_mem, results_mem) = p::cache_memory(mode);
        let per = strategy == PortStrategy::PerComponent;
        let specs = [
            (
                "chunks-cache",
                "chunksCache",
                "chunks",
                caches.chunks,
                if per {
                    p::PER_COMPONENT_CHUNKS_CACHE
                } else {
                    p::MEMCACHED_PORT
                },
                chunks_mem,
                p::CACHE_MAX_ITEM_SIZE.1,
            ),
            (
                "results-cache",
                "resultsCache",
                "results",
                caches.results,
                if per {
                    p::PER_COMPONENT_RESULTS_CACHE
                } else {
                    p::MEMCACHED_PORT
                },
                results_mem,
                p::CACHE_MAX_ITEM_SIZE.0,
            ),
        ];
        let mut out = Vec::new();
        for (name, values_key, key, settings, port, memory, item) in specs {
            let s = settings.unwrap_or_default();
            if !s.enabled.unwrap_or(true) {
                continue;
            }
            let ptr = format!("/caches/{key}");
            let memory_mb = s.memory_mb.unwrap_or(memory);
            let max_item_size = s.max_item_size.clone().unwrap_or_else(|| item.into());
            if let Some(bytes) = item_size_bytes(&max_item_size)
                && (bytes < 1024 || bytes > u64::from(memory_mb) * (1 << 20) / 2)
            {
                // memcached refuses both at start-up.
                self.err_value(
                    &format!("{ptr}/maxItemSize"),
                    format!("maxItemSize {max_item_size} must be at least 1k and at most half of memoryMb ({memory_mb} MiB)"),
                );
            }
            if !valid_item_size(&max_item_size) {
                self.err_value(
                    &format!("{ptr}/maxItemSize"),
                    format!(
                        "maxItemSize `{}` is not a memcached size like `1m` or `512k`",
                        max_item_size.escape_debug()
                    ),
                );
            }
            out.push(CachePlan {
                name,
                values_key,
                port: s.port.map_or(port, |x| x.0),
                exporter_port: s.exporter_port.map_or(p::MEMCACHED_EXPORTER_PORT, |x| x.0),
                memory_mb,
                max_item_size,
                connection_limit: s.connection_limit.unwrap_or(p::CACHE_CONNECTION_LIMIT),
                replicas: s.replicas.unwrap_or(1),
                service: naming.services(name),
                resources: p::cache_resources(memory_mb),
            });
        }
        out
    }

    fn canary(&mut self, auth_enabled: bool) -> CanaryPlan {
        let c = self.lm.model.canary.clone().unwrap_or_default();
        let tenant = self.tenant("/canary/tenant", &c.tenant, auth_enabled);
        let tenant = auth_enabled.then(|| tenant.unwrap_or_else(|| p::CANARY_TENANT.into()));
        let kind = c.kind.unwrap_or(p::CANARY_KIND);
        if kind == CanaryKind::DaemonSet && c.replicas.is_some() {
            self.err_key(
                "/canary/replicas",
                "`replicas` applies only to a canary Deployment; a DaemonSet runs one pod per node",
            )
            .hint = Some("set `kind: Deployment`, or use `expectedPods` for the node count".into());
        }
        let replicas = match kind {
            CanaryKind::DaemonSet => 0,
            CanaryKind::Deployment => c.replicas.unwrap_or(1),
        };
        CanaryPlan {
            enabled: c.enabled.unwrap_or(true),
            kind,
            replicas,
            expected_pods: c
                .expected_pods
                .or((kind == CanaryKind::Deployment).then_some(replicas)),
            tenant,
            port: p::CANARY_PORT,
            resources: p::canary_resources(),
        }
    }

    fn storage(&mut self, mode: Mode, components: &[ComponentPlan]) -> StoragePlan {
        let Some(s) = self.lm.model.storage.clone() else {
            if mode != Mode::Monolithic {
                self.err_key(
                    "/mode",
                    format!("mode {mode} needs object storage, and the model has no `storage`"),
                )
                .hint = Some(
                    "add `storage: {type: s3, buckets: {chunks: <bucket>}}` (or gcs/azure)".into(),
                );
            }
            return StoragePlan {
                kind: "filesystem",
                chunks_bucket: None,
                ruler_bucket: None,
                account_name: None,
                region: None,
                endpoint: None,
            };
        };
        if s.kind == StorageType::Filesystem {
            if mode != Mode::Monolithic {
                self.err_value(
                    "/storage/type",
                    format!("filesystem storage works only in monolithic mode, not {mode}"),
                )
                .hint = Some("use an object store (s3, gcs, azure) shared by all pods".into());
            } else if components.iter().any(|c| c.replicas > 1) {
                self.err_value(
                    "/storage/type",
                    "filesystem storage needs exactly one single-binary replica",
                )
                .hint = Some(
                    "set `components.single-binary.replicas: 1`, or use an object store".into(),
                );
            }
            if self.lm.located.contains("/storage/buckets") {
                self.err_key(
                    "/storage/buckets",
                    "`buckets` apply to object stores; filesystem storage keeps chunks and rules under /var/loki",
                );
            }
        } else if s.buckets.is_none() {
            self.err_key(
                "/storage/type",
                format!("{} storage needs `buckets.chunks`", s.kind.as_str()),
            );
        }
        match (s.kind, &s.account_name) {
            (StorageType::Azure, None) => {
                self.err_key("/storage/type", "azure storage needs `accountName`");
            }
            (StorageType::Azure, Some(a))
                if !(3..=24).contains(&a.len())
                    || !a
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) =>
            {
                self.err_value(
                    "/storage/accountName",
                    format!(
                        "`{}` is not an Azure storage account name (3-24 of a-z, 0-9)",
                        a.escape_debug()
                    ),
                );
            }
            (StorageType::Azure, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                self.err_key(
                    "/storage/accountName",
                    "`storage.accountName` applies only to azure",
                );
            }
        }
        if s.kind != StorageType::S3 {
            for key in ["region", "endpoint"] {
                let ptr = format!("/storage/{key}");
                if self.lm.located.contains(&ptr) {
                    self.err_key(&ptr, format!("`storage.{key}` applies only to s3"));
                }
            }
        }
        let b = s.buckets.clone();
        for (key, v) in [
            ("chunks", b.as_ref().map(|b| b.chunks.clone())),
            ("ruler", b.as_ref().and_then(|b| b.ruler.clone())),
        ] {
            if let Some(v) = v
                && !valid_bucket(&v)
            {
                self.err_value(
                    &format!("/storage/buckets/{key}"),
                    format!(
                        "bucket `{}` is not a valid bucket name (3-63 of a-z, 0-9, '.', '-')",
                        v.escape_debug()
                    ),
                );
            }
        }
        for (key, v) in [("region", &s.region), ("endpoint", &s.endpoint)] {
            if let Some(v) = v
                && !v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':'))
            {
                self.err_value(
                    &format!("/storage/{key}"),
                    format!("`{}` is not a valid {key}", v.escape_debug()),
                );
            }
        }
        StoragePlan {
            kind: s.kind.as_str(),
            chunks_bucket: b.as_ref().map(|b| b.chunks.clone()),
            ruler_bucket: b.as_ref().and_then(|b| b.ruler.clone()),
            account_name: s.account_name,
            region: s.region,
            endpoint: s.endpoint,
        }
    }

    fn schema_config(&mut self, storage: &'static str) -> Vec<PeriodPlan> {
        let Some(periods) = self.lm.model.schema_config.clone() else {
            return vec![PeriodPlan {
                from: p::SCHEMA_FROM.into(),
                store: IndexStore::Tsdb.as_str(),
                schema: SchemaVersion::V13.as_str(),
                object_store: storage,
                index_prefix: p::INDEX_PREFIX.into(),
            }];
        };
        if periods.is_empty() {
            self.err_value("/schemaConfig", "schemaConfig needs at least one period");
        }
        let mut last: Option<String> = None;
        let mut out = Vec::new();
        for (i, period) in periods.into_iter().enumerate() {
            let ptr = format!("/schemaConfig/{i}");
            if !valid_date(&period.from) {
                self.err_value(
                    &format!("{ptr}/from"),
                    format!(
                        "`{}` is not a date like 2024-04-01",
                        period.from.escape_debug()
                    ),
                );
            } else if let Some(prev) = &last
                && period.from <= *prev
            {
                self.err_value(&format!("{ptr}/from"), format!("period starts {} but the one before starts {prev}; list periods oldest first", period.from));
            }
            last = Some(period.from.clone());
            let prefix = period
                .index_prefix
                .clone()
                .unwrap_or_else(|| p::INDEX_PREFIX.into());
            if !prefix
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                self.err_value(
                    &format!("{ptr}/indexPrefix"),
                    "indexPrefix may hold only a-z, 0-9 and '_'",
                );
            }
            out.push(PeriodPlan {
                from: period.from,
                store: period.store.as_str(),
                schema: period.schema.as_str(),
                object_store: period.object_store.map_or(storage, StorageType::as_str),
                index_prefix: prefix,
            });
        }
        out
    }

    fn clients(&mut self, a: &Addresses, auth_enabled: bool) -> ClientsPlan {
        let clients = self.lm.model.clients.clone().unwrap_or_default();
        let mut seen = BTreeMap::new();
        let mut alloy = Vec::new();
        for (i, c) in clients.alloy.iter().enumerate() {
            let ptr = format!("/clients/alloy/{i}/name");
            if let Err(e) = check_dns1035_label(&c.name) {
                self.err_value(
                    &ptr,
                    format!("Alloy client name `{}` {e}", c.name.escape_debug()),
                )
                .hint =
                    Some("it names the file alloy/<name>.alloy and the loki.write label".into());
            } else if let Some(prev) = seen.insert(c.name.clone(), ptr.clone()) {
                let at = self.lm.located.value_location(&prev);
                let d = self
                    .lm
                    .error_at_value(&ptr, format!("Alloy client `{}` is listed twice", c.name));
                self.errors
                    .push(d.with_related(&self.lm.path, at, "first listed here"));
            }
            let tenant =
                self.client_tenant(&format!("/clients/alloy/{i}"), &c.tenant, auth_enabled);
            let via = c.via.unwrap_or(Route::Gateway);
            let endpoint = match via {
                Route::Gateway => a.gateway.clone(),
                Route::Direct => a.push.clone(),
            };
            alloy.push(AlloyPlan {
                name: c.name.clone(),
                label: c.name.replace('-', "_"),
                via: route_name(via),
                url: format!(
                    "http://{}:{}/loki/api/v1/push",
                    endpoint.host, endpoint.port
                ),
                endpoint,
                tenant,
            });
        }
        let mut grafana = Vec::new();
        let mut names = BTreeSet::new();
        for (i, d) in clients.grafana.iter().enumerate() {
            let ptr = format!("/clients/grafana/{i}/name");
            let ok = !d.name.is_empty()
                && d.name.len() <= 100
                && d.name.starts_with(|c: char| c.is_ascii_alphanumeric())
                && d.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || " _.()-".contains(c));
            if !ok {
                self.err_value(
                    &ptr,
                    format!(
                        "datasource name `{}` may hold only letters, digits, spaces and _.()-",
                        d.name.escape_debug()
                    ),
                );
            } else if !names.insert(d.name.to_lowercase()) {
                self.err_value(&ptr, format!("datasource `{}` is listed twice", d.name));
            }
            let tenant =
                self.client_tenant(&format!("/clients/grafana/{i}"), &d.tenant, auth_enabled);
            let via = d.via.unwrap_or(Route::Gateway);
            let endpoint = match via {
                Route::Gateway => a.gateway.clone(),
                Route::Direct => a.query.clone(),
            };
            grafana.push(DatasourcePlan {
                uid: datasource_uid(&self.lm.model.release, &d.name),
                name: d.name.clone(),
                via: route_name(via),
                url: format!("http://{}:{}", endpoint.host, endpoint.port),
                endpoint,
                tenant,
                is_default: d.is_default.unwrap_or(false),
            });
        }
        if grafana.iter().filter(|d| d.is_default).count() > 1 {
            self.err_value(
                "/clients/grafana",
                "more than one datasource has `isDefault: true`",
            );
        }
        ClientsPlan { alloy, grafana }
    }

    /// A client's tenant; with `authEnabled` every client needs one.
    fn client_tenant(
        &mut self,
        client: &str,
        t: &Option<String>,
        auth_enabled: bool,
    ) -> Option<String> {
        if auth_enabled && t.is_none() {
            self.err_key(
                &format!("{client}/name"),
                "this client has no tenant: with authEnabled Loki rejects requests without X-Scope-OrgID (\"no org id\")",
            )
            .hint = Some("add `tenant: <id>` to the client".into());
        }
        self.tenant(&format!("{client}/tenant"), t, auth_enabled)
    }

    /// A client's tenant: valid, and meaningful only with `authEnabled` (without it Loki
    /// ignores `X-Scope-OrgID` and stores everything as tenant `fake`).
    fn tenant(&mut self, ptr: &str, t: &Option<String>, auth_enabled: bool) -> Option<String> {
        let t = t.clone()?;
        if !auth_enabled {
            self.err_value(
                ptr,
                format!("tenant `{}` has no effect: without authEnabled Loki stores everything as tenant `fake`", t.escape_debug()),
            )
            .hint = Some("set `authEnabled: true` (multi-tenancy), or remove the tenant".into());
        }
        if t.is_empty()
            || t.len() > 150
            || !t
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
            || t == "."
            || t == ".."
        {
            self.err_value(
                ptr,
                format!(
                    "tenant `{}` is not a valid Loki tenant ID",
                    t.escape_debug()
                ),
            )
            .hint = Some("use up to 150 of a-z, A-Z, 0-9, '_', '.', '-'".into());
        }
        Some(t)
    }

    fn zones(&mut self) -> Vec<ZonePlan> {
        let mut out = Vec::new();
        for (name, cidrs) in &self.lm.model.zones {
            let ptr = format!("/zones/{}", pointer_token(name));
            let name_ok = !name.is_empty()
                && name.len() <= 63
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !name_ok {
                self.err_key(
                    &ptr,
                    format!(
                        "zone name `{}` may hold only letters, digits, '-' and '_'",
                        name.escape_debug()
                    ),
                );
            }
            for (i, cidr) in cidrs.iter().enumerate() {
                if let Err(e) = check_cidr(cidr) {
                    self.err_value(&format!("{ptr}/{i}"), e);
                }
            }
            out.push(ZonePlan {
                name: name.clone(),
                cidrs: cidrs.clone(),
            });
        }
        out
    }

    fn images(&mut self) -> ImagesPlan {
        let i = self.lm.model.images.clone().unwrap_or_default();
        let mut pick = |key: &str, v: Option<String>, default: &str| {
            let v = v.unwrap_or_else(|| default.into());
            if !valid_image(&v) {
                self.err_value(
                    &format!("/images/{key}"),
                    format!(
                        "`{}` is not an image reference like registry/repo:tag",
                        v.escape_debug()
                    ),
                );
            }
            v
        };
        ImagesPlan {
            loki: pick("loki", i.loki, p::IMAGE_LOKI),
            gateway: pick("gateway", i.gateway, p::IMAGE_GATEWAY),
            memcached: pick("memcached", i.memcached, p::IMAGE_MEMCACHED),
            memcached_exporter: pick(
                "memcachedExporter",
                i.memcached_exporter,
                p::IMAGE_MEMCACHED_EXPORTER,
            ),
            canary: pick("canary", i.canary, p::IMAGE_CANARY),
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

/// Ports from the strategy, and the model keys that set them.
pub(super) struct Layout {
    http: u16,
    grpc: u16,
    http_origin: &'static str,
    grpc_origin: &'static str,
}

struct Naming {
    release: String,
    namespace: String,
    domain: String,
}

impl Naming {
    fn service(&self, suffix: &str) -> String {
        format!("{}-{suffix}", self.release)
    }
    fn fqdn(&self, service: &str) -> String {
        format!("{service}.{}.svc.{}", self.namespace, self.domain)
    }
    fn services(&self, suffix: &str) -> ServiceNames {
        let name = self.service(suffix);
        let headless = format!("{name}-headless");
        ServiceNames {
            fqdn: self.fqdn(&name),
            headless_fqdn: self.fqdn(&headless),
            name,
            headless,
        }
    }
}

fn list(mode: Mode) -> String {
    mode.components()
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn strategy_name(s: PortStrategy) -> &'static str {
    match s {
        PortStrategy::Shared => "shared",
        PortStrategy::PerComponent => "per-component",
    }
}

fn route_name(r: Route) -> &'static str {
    match r {
        Route::Gateway => "gateway",
        Route::Direct => "direct",
    }
}

/// A stable datasource UID: Grafana keys dashboards' references on it, so it must not change
/// between runs; derived from release and name, within Grafana's 40-character limit.
fn datasource_uid(release: &str, name: &str) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let uid = format!("{release}-{slug}");
    uid.chars()
        .take(40)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// A Prometheus-style duration, as Loki reads them: `30d`, `744h`, `1h30m`.
fn valid_duration(s: &str) -> bool {
    let mut rest = s;
    let mut parts = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ms", "s", "m", "h", "d", "w", "y"]
            .into_iter()
            .find(|u| rest.starts_with(u));
        let Some(unit) = unit else { return false };
        rest = &rest[unit.len()..];
        parts += 1;
    }
    parts > 0
}

/// `5m` -> 5 MiB, `512k` -> 512 KiB, `1048576` -> bytes; memcached's `-I` units.
fn item_size_bytes(s: &str) -> Option<u64> {
    let (digits, mult) = match s.strip_suffix('m') {
        Some(d) => (d, 1 << 20),
        None => match s.strip_suffix('k') {
            Some(d) => (d, 1 << 10),
            None => (s, 1),
        },
    };
    digits.parse::<u64>().ok()?.checked_mul(mult)
}

fn valid_item_size(s: &str) -> bool {
    let digits = s.trim_end_matches(['k', 'm']);
    !digits.is_empty()
        && s.len() - digits.len() <= 1
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0')
}

fn valid_bucket(s: &str) -> bool {
    (3..=63).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    matches!((num(0..4), num(5..7), num(8..10)), (Some(y), Some(m), Some(d)) if y >= 2000 && (1..=12).contains(&m) && (1..=31).contains(&d))
}

fn valid_image(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/:@".contains(c))
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
}

fn check_cidr(s: &str) -> Result<(), String> {
    let bad = || format!("`{}` is not a CIDR like 10.0.0.0/16", s.escape_debug());
    let (ip, len) = s.split_once('/').ok_or_else(bad)?;
    let ip: std::net::IpAddr = ip.parse().map_err(|_| bad())?;
    let len: u8 = len.parse().map_err(|_| bad())?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    if len > max {
        return Err(format!("prefix /{len} is longer than {max} bits in `{s}`"));
    }
    Ok(())
}

fn endpoint(
    component: &'static str,
    host: &str,
    port: u16,
    port_name: &'static str,
    values_path: String,
    address: String,
) -> Endpoint {
    Endpoint {
        component,
        host: host.into(),
        port,
        port_name,
        values_path,
        address,
    }
}

/// A component's HTTP port through its ClusterIP Service.
fn http_of(c: &ComponentPlan) -> Endpoint {
    let host = &c.service.fqdn;
    endpoint(
        c.name,
        host,
        c.http_port,
        "http-metrics",
        format!(".Values.{}.ports.http", c.values_key),
        format!("http://{host}:{}", c.http_port),
    )
}

fn grpc_of(c: &ComponentPlan, scheme: &str, headless: bool) -> Endpoint {
    let host = if headless {
        &c.service.headless_fqdn
    } else {
        &c.service.fqdn
    };
    endpoint(
        c.name,
        host,
        c.grpc_port,
        "grpc",
        format!(".Values.{}.ports.grpc", c.values_key),
        format!("{scheme}{host}:{}", c.grpc_port),
    )
}

/// Every component-to-component address, by mode.
fn addresses(
    mode: Mode,
    components: &[ComponentPlan],
    gateway: &GatewayPlan,
    caches: &[CachePlan],
    memberlist: &MemberlistPlan,
) -> Addresses {
    let find = |c: Component| components.iter().find(|x| x.name == c.name());
    use Component::*;
    let (push, query, tail, scheduler_host, index_host, compactor_host) = match mode {
        Mode::Monolithic => (SingleBinary, SingleBinary, SingleBinary, None, None, None),
        Mode::SimpleScalable => (
            Write,
            Read,
            Read,
            Some(Backend),
            Some(Backend),
            Some(Backend),
        ),
        Mode::Distributed => (
            Distributor,
            QueryFrontend,
            Querier,
            Some(QueryScheduler),
            Some(IndexGateway),
            Some(Compactor),
        ),
    };
    let push = http_of(find(push).expect("the push path's component is required"));
    let query = http_of(find(query).expect("the query path's component is required"));
    let scheduler = scheduler_host.and_then(find).map(|c| grpc_of(c, "", true));
    let frontend = match (mode, &scheduler) {
        (Mode::Distributed, None) => find(QueryFrontend).map(|c| grpc_of(c, "", true)),
        _ => None,
    };
    let cache = |name: &str| {
        caches.iter().find(|c| c.name == name).map(|c| {
            endpoint(
                c.name,
                &c.service.fqdn,
                c.port,
                "client",
                format!(".Values.{}.port", c.values_key),
                format!("dns+{}:{}", c.service.fqdn, c.port),
            )
        })
    };
    Addresses {
        memberlist_join: endpoint(
            "memberlist",
            &memberlist.fqdn,
            memberlist.port,
            "http-memberlist",
            ".Values.memberlist.port".into(),
            format!("dns+{}:{}", memberlist.fqdn, memberlist.port),
        ),
        frontend,
        scheduler,
        index_gateway: index_host
            .and_then(find)
            .map(|c| grpc_of(c, "dns:///", true)),
        compactor: compactor_host.and_then(find).map(|c| grpc_of(c, "", false)),
        tail_proxy: (mode == Mode::Distributed)
            .then(|| find(tail).map(http_of))
            .flatten(),
        chunks_cache: cache("chunks-cache"),
        results_cache: cache("results-cache"),
        push,
        query,
        gateway: endpoint(
            "gateway",
            &gateway.service.fqdn,
            gateway.port,
            "http-metrics",
            ".Values.gateway.port".into(),
            format!("http://{}:{}", gateway.service.fqdn, gateway.port),
        ),
    }
}

/// The gateway's upstreams: which component serves each family of Loki paths.
fn upstreams(mode: Mode, components: &[ComponentPlan]) -> Vec<Upstream> {
    use Component::*;
    let roles: &[(&'static str, Component)] = match mode {
        Mode::Monolithic => &[
            ("write", SingleBinary),
            ("read", SingleBinary),
            ("tail", SingleBinary),
            ("ruler", SingleBinary),
            ("compactor", SingleBinary),
        ],
        Mode::SimpleScalable => &[
            ("write", Write),
            ("read", Read),
            ("tail", Read),
            ("ruler", Backend),
            ("compactor", Backend),
        ],
        Mode::Distributed => &[
            ("write", Distributor),
            ("read", QueryFrontend),
            ("tail", Querier),
            ("ruler", Ruler),
            ("compactor", Compactor),
        ],
    };
    roles
        .iter()
        .filter_map(|(role, c)| {
            components
                .iter()
                .find(|x| x.name == c.name())
                .map(|comp| Upstream {
                    role,
                    endpoint: http_of(comp),
                })
        })
        .collect()
}

fn port_map(
    components: &[ComponentPlan],
    gateway: &GatewayPlan,
    caches: &[CachePlan],
    memberlist: &MemberlistPlan,
    strategy: PortStrategy,
    layout: &Layout,
) -> Vec<PortEntry> {
    let mut out = Vec::new();
    let entry = |component, name, port, service: &ServiceNames, origin: String| PortEntry {
        component,
        name,
        port,
        protocol: "TCP",
        service: service.name.clone(),
        fqdn: service.fqdn.clone(),
        origin,
    };
    for c in components {
        let base = format!("/components/{}", c.name);
        // Candidates, most specific first: the explicit port, the slot, the strategy's key,
        // and `mode` for a preset.
        let origin_of = |key: &str, strategy_origin: &str| match strategy {
            PortStrategy::Shared => format!("{base}/{key}|{strategy_origin}|/ports|/mode"),
            PortStrategy::PerComponent => {
                format!("{base}/{key}|{base}/slot|{strategy_origin}|/ports|/mode")
            }
        };
        out.push(entry(
            c.name,
            "http-metrics",
            c.http_port,
            &c.service,
            origin_of("http", layout.http_origin),
        ));
        out.push(entry(
            c.name,
            "grpc",
            c.grpc_port,
            &c.service,
            origin_of("grpc", layout.grpc_origin),
        ));
    }
    out.push(entry(
        "gateway",
        "http-metrics",
        gateway.port,
        &gateway.service,
        "/gateway/port|/mode".into(),
    ));
    for c in caches {
        let key = if c.name == "chunks-cache" {
            "chunks"
        } else {
            "results"
        };
        out.push(entry(
            c.name,
            "client",
            c.port,
            &c.service,
            format!("/caches/{key}/port|/mode"),
        ));
        out.push(entry(
            c.name,
            "http-metrics",
            c.exporter_port,
            &c.service,
            format!("/caches/{key}/exporterPort|/mode"),
        ));
    }
    out.push(PortEntry {
        component: "memberlist",
        name: "http-memberlist",
        port: memberlist.port,
        protocol: "TCP",
        service: memberlist.service.clone(),
        fqdn: memberlist.fqdn.clone(),
        origin: "/memberlist/port|/mode".into(),
    });
    out
}
