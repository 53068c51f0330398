//! The wiring of a rendered chart, followed end to end: every Service reaches declared
//! container ports, every probe names its container's port, every declared port is one the
//! process listens on (and the other way round), and every address in a config or on a
//! command line reaches, through a Service of the release, a process speaking the protocol
//! the caller expects. Also the Services' trafficDistribution.

use std::collections::{BTreeMap, BTreeSet};

use super::addresses::{self, Address};
use super::listeners::{self, Listener, Process};
use super::manifests::{PortRef, Render, Service};

/// Where the release lives: the DNS names of its Services end in `.<namespace>.svc.<domain>`.
pub struct Cluster<'a> {
    pub namespace: &'a str,
    pub domain: &'a str,
}

/// Every process of the render, by (workload, container).
type Processes = BTreeMap<(String, String), Process>;

/// What the wiring checks found: the problems, and every (host, port) they followed.
pub struct Wiring {
    pub problems: Vec<String>,
    pub followed: BTreeSet<(String, u16)>,
}

/// Runs every wiring check.
pub fn check(r: &Render, cluster: &Cluster) -> Wiring {
    let mut problems = Vec::new();
    let mut processes = Processes::new();
    for w in r.workloads() {
        let at = format!("{} {}", w.kind, w.name);
        if w.match_labels.is_empty()
            || w.match_labels
                .iter()
                .any(|(k, v)| w.pod_labels.get(k) != Some(v))
        {
            problems.push(format!(
                "{at}: selector {:?} does not match its pod labels {:?}",
                w.match_labels, w.pod_labels
            ));
        }
        if let Some(svc) = &w.service_name {
            match r.service(svc) {
                Some(s)
                    if s.headless && r.selected(&s.selector).iter().any(|x| x.name == w.name) => {}
                Some(_) => problems.push(format!(
                    "{at}: serviceName {svc} is not a headless Service selecting its pods"
                )),
                None => problems.push(format!(
                    "{at}: serviceName {svc} is no Service of the release"
                )),
            }
        }
        for c in &w.containers {
            let at = format!("{at} container {}", c.name);
            for (kind, handler, port) in &c.probes {
                if matches!((handler.as_str(), port), ("grpc", PortRef::Name(_))) {
                    problems.push(format!(
                        "{at}: {kind}.grpc.port must be a number, not {port}"
                    ));
                } else if c.resolve(port).is_none() {
                    problems.push(format!(
                        "{at}: {kind}.{handler}.port {port} is not a port of the container"
                    ));
                }
            }
            let p = listeners::of_container(r, &w, c, &mut problems);
            let declared: BTreeSet<u16> = c.ports.iter().map(|p| p.number).collect();
            let listened: BTreeSet<u16> = p.listens.iter().map(|l| l.port).collect();
            for l in &p.listens {
                if !declared.contains(&l.port) {
                    problems.push(format!(
                        "{at}: listens on {} ({}) but declares no such containerPort",
                        l.port, l.source
                    ));
                }
            }
            for port in &c.ports {
                if !listened.contains(&port.number) {
                    problems.push(format!(
                        "{at}: containerPort {} ({}) is a port nothing in the container listens on",
                        port.number,
                        port.name.as_deref().unwrap_or("unnamed")
                    ));
                }
            }
            processes.insert((w.name.clone(), c.name.clone()), p);
        }
        // Dials inside the pod go to localhost: some container of the same pod must listen.
        for c in &w.containers {
            for a in &processes[&(w.name.clone(), c.name.clone())].local_dials {
                match addresses::parse(&a.raw) {
                    Ok(p) if matches!(p.host.as_str(), "localhost" | "127.0.0.1" | "::1") => {
                        let ok = w.containers.iter().any(|o| {
                            processes[&(w.name.clone(), o.name.clone())]
                                .listens
                                .iter()
                                .any(|l| l.port == p.port && a.expects.contains(&l.listener))
                        });
                        if !ok {
                            problems.push(format!(
                                "{}: `{}` reaches no {:?} in the pod",
                                a.place, a.raw, a.expects
                            ));
                        }
                    }
                    Ok(_) => problems.push(format!(
                        "{}: `{}` is not a pod-local address",
                        a.place, a.raw
                    )),
                    Err(e) => problems.push(format!("{}: {e}", a.place)),
                }
            }
        }
    }

    for s in r.services() {
        check_service(r, &s, &processes, &mut problems);
    }

    // Each address once, though every pod sharing a config dials it.
    let mut dials: BTreeMap<(String, String), &Address> = BTreeMap::new();
    for p in processes.values() {
        for a in &p.dials {
            dials.entry((a.place.clone(), a.raw.clone())).or_insert(a);
        }
    }
    let mut followed = BTreeSet::new();
    for a in dials.values() {
        match reach(r, cluster, a, &processes) {
            Ok(p) => {
                followed.insert((p.host, p.port));
            }
            Err(e) => problems.push(format!("{}: `{}` {e}", a.place, a.raw)),
        }
    }
    problems.sort();
    problems.dedup();
    Wiring { problems, followed }
}

/// A Service selects pods, and each of its ports reaches a declared, listening container
/// port in every pod it selects.
fn check_service(r: &Render, s: &Service, processes: &Processes, problems: &mut Vec<String>) {
    let selected = r.selected(&s.selector);
    if selected.is_empty() {
        problems.push(format!(
            "Service {}: selector {:?} selects no pods",
            s.name, s.selector
        ));
    }
    for sp in &s.ports {
        for w in &selected {
            if target_listener(w, &sp.target, processes).is_none() {
                problems.push(format!(
                    "Service {} port {}: targetPort {} is no container port of {} {}",
                    s.name, sp.port, sp.target, w.kind, w.name
                ));
            }
        }
    }
}

/// The listener behind a container port reference in a workload's pods.
fn target_listener(
    w: &super::manifests::Workload,
    target: &PortRef,
    processes: &Processes,
) -> Option<Listener> {
    w.containers.iter().find_map(|c| {
        let port = c.resolve(target)?;
        let p = processes.get(&(w.name.clone(), c.name.clone()))?;
        p.listens
            .iter()
            .find(|l| l.port == port.number)
            .map(|l| l.listener)
    })
}

/// Follows an address: DNS name -> Service of the release -> Service port -> every selected
/// pod's container port -> the listener there, which must be one the caller expects.
fn reach(
    r: &Render,
    cluster: &Cluster,
    a: &Address,
    processes: &Processes,
) -> Result<addresses::Parsed, String> {
    let parsed = addresses::parse(&a.raw)?;
    let name = addresses::service_of(&parsed.host, cluster.namespace, cluster.domain)?;
    let s = r
        .service(&name)
        .ok_or_else(|| format!("names Service {name}, which the release does not have"))?;
    if parsed.discovers_pods && !s.headless {
        return Err(format!(
            "resolves every pod through DNS, but Service {name} is not headless (it would return one virtual IP)"
        ));
    }
    let sp = s
        .ports
        .iter()
        .find(|p| p.port == parsed.port)
        .ok_or_else(|| {
            let ports: Vec<u16> = s.ports.iter().map(|p| p.port).collect();
            format!(
                "dials port {}, but Service {name} has ports {ports:?}",
                parsed.port
            )
        })?;
    let selected = r.selected(&s.selector);
    if selected.is_empty() {
        return Err(format!("Service {name} selects no pods"));
    }
    for w in &selected {
        match target_listener(w, &sp.target, processes) {
            Some(l) if a.expects.contains(&l) => {}
            Some(l) => {
                return Err(format!(
                    "reaches {l:?} in {} {} through Service {name} port {}, expected {:?}",
                    w.kind, w.name, sp.port, a.expects
                ));
            }
            None => {
                return Err(format!(
                    "reaches nothing listening in {} {} through Service {name} port {}",
                    w.kind, w.name, sp.port
                ));
            }
        }
    }
    Ok(parsed)
}

/// Every non-headless ClusterIP Service carries the trafficDistribution `expected` names for
/// it (None: none), and headless Services carry none. A Service `expected` does not know of
/// is a problem: the model has to say what it gets.
pub fn check_traffic_distribution(
    r: &Render,
    expected: &BTreeMap<String, Option<String>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let services = r.services();
    for s in &services {
        if s.kind_type != "ClusterIP" {
            continue;
        }
        let want = if s.headless {
            None
        } else {
            match expected.get(&s.name) {
                Some(w) => w.clone(),
                None => {
                    problems.push(format!(
                        "Service {}: a ClusterIP Service the model gives no trafficDistribution",
                        s.name
                    ));
                    continue;
                }
            }
        };
        if s.traffic_distribution != want {
            problems.push(format!(
                "Service {}{}: trafficDistribution {:?}, expected {:?}",
                s.name,
                if s.headless { " (headless)" } else { "" },
                s.traffic_distribution,
                want
            ));
        }
    }
    for name in expected.keys() {
        if !services.iter().any(|s| &s.name == name) {
            problems.push(format!("Service {name} is modelled but not rendered"));
        }
    }
    problems
}
