//! What file rules compare against: the Plan, indexed for scanning.

use std::collections::HashMap;

use memchr::memmem;

use super::chart::Charts;
use crate::plan::Plan;

/// One of the release's Services and the ports the model gives it.
#[derive(Clone, Debug)]
pub struct ServicePorts {
    /// The Service's name (`loki-v3-distributor`, `loki-v3-distributor-headless`).
    pub name: String,
    /// `(port, port name)`, in the port map's order.
    pub ports: Vec<(u16, &'static str)>,
}

/// The Plan plus lookups built once per run and shared by every scanning thread.
pub struct Context {
    pub plan: Plan,
    /// The model's path as the user gave it.
    pub model_path: String,
    /// `<release>-`: every Service name starts with it, so a file without it cannot name one.
    prefix: memmem::Finder<'static>,
    services: Vec<ServicePorts>,
    /// Every spelling of every Service's host name -> index into `services`.
    hosts: HashMap<String, usize>,
    /// Which scanned folders are Loki charts.
    pub charts: Charts,
}

impl Context {
    pub fn new(plan: Plan, model_path: &str) -> Self {
        let mut services: Vec<ServicePorts> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut add = |name: &str, port: u16, port_name: &'static str| {
            let i = *by_name.entry(name.to_owned()).or_insert_with(|| {
                services.push(ServicePorts {
                    name: name.to_owned(),
                    ports: Vec::new(),
                });
                services.len() - 1
            });
            if !services[i].ports.iter().any(|(p, _)| *p == port) {
                services[i].ports.push((port, port_name));
            }
        };
        // The port map names each port's ClusterIP Service (or the memberlist Service); the
        // headless Service in front of the same pods exposes the same ports.
        for entry in &plan.ports {
            add(&entry.service, entry.port, entry.name);
            // Only Loki components have a `-headless` twin (caches are headless themselves).
            if plan.components.iter().any(|c| c.name == entry.component) {
                add(
                    &format!("{}-headless", entry.service),
                    entry.port,
                    entry.name,
                );
            }
        }
        let mut hosts = HashMap::new();
        for (i, s) in services.iter().enumerate() {
            let ns = format!("{}.{}", s.name, plan.namespace);
            let svc = format!("{ns}.svc");
            let fqdn = format!("{svc}.{}", plan.cluster_domain);
            for spelling in [s.name.clone(), ns, svc, fqdn] {
                hosts.insert(spelling, i);
            }
        }
        let prefix = memmem::Finder::new(format!("{}-", plan.release).as_bytes()).into_owned();
        Context {
            plan,
            model_path: model_path.to_owned(),
            prefix,
            services,
            hosts,
            charts: Charts::default(),
        }
    }

    /// Finds `<release>-` in a file's bytes.
    pub fn prefix(&self) -> &memmem::Finder<'static> {
        &self.prefix
    }

    /// The Service a host name spells, in any of its forms (`svc`, `svc.ns`, `svc.ns.svc`,
    /// `svc.ns.svc.<cluster domain>`).
    pub fn service_for_host(&self, host: &str) -> Option<&ServicePorts> {
        self.hosts.get(host).map(|&i| &self.services[i])
    }

    /// The caches' ports that differ from memcached's default, 11211.
    pub fn non_default_cache_ports(&self) -> Vec<(&'static str, u16)> {
        self.plan
            .caches
            .iter()
            .filter(|c| c.port != MEMCACHED_DEFAULT_PORT)
            .map(|c| (c.name, c.port))
            .collect()
    }
}

/// memcached's own default port: where it listens without `-p`.
pub use crate::plan::MEMCACHED_PORT as MEMCACHED_DEFAULT_PORT;
