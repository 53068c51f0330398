//! Real tools judge the charts `portplan gen` writes, for every model: real Helm renders them
//! (Helm 4, and Helm 3 to the same text; with their values and with an override), the
//! Kubernetes API schemas validate the manifests strictly, the wiring is followed from every
//! address to a listening process, a port override is traced to every place, and memcached
//! runs with the rendered args.
//! See tests/oracle/ for the oracles themselves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::common::{require_tool, temp_dir};
use crate::oracle::manifests::Render;
use crate::oracle::renders::{self, Model};
use crate::oracle::wiring::{self, Cluster};
use crate::oracle::{self, assert_no_problems};

fn cluster(m: &Model) -> Cluster<'_> {
    Cluster {
        namespace: m.namespace(),
        domain: m.cluster_domain(),
    }
}

/// Both renders of a model, named for messages.
fn renders(m: &Model) -> [(String, &Render); 2] {
    [
        (format!("{} ({}), chart values", m.name, m.path), &m.default),
        (
            format!("{} ({}), override:\n{}", m.name, m.path, m.override_values),
            &m.overridden,
        ),
    ]
}

#[test]
fn every_model_renders_with_its_values_and_with_an_override() {
    let Some(models) = renders::models() else {
        return;
    };
    assert_eq!(models.len(), crate::common::models().len());
    for m in models {
        for (what, r) in renders(m) {
            let kinds: BTreeSet<&str> = r.docs.iter().map(|d| d.kind.as_str()).collect();
            for kind in ["ConfigMap", "Service", "StatefulSet", "Deployment"] {
                assert!(kinds.contains(kind), "{what}: no {kind} rendered");
            }
            for d in &r.docs {
                assert_eq!(
                    d.value["metadata"]["namespace"].as_str(),
                    Some(m.namespace()),
                    "{what}: {} {} is not in the model's namespace",
                    d.kind,
                    d.name
                );
            }
        }
    }
}

#[test]
fn rendering_into_another_namespace_fails_with_a_clear_message() {
    let Some(models) = renders::models() else {
        return;
    };
    for m in models {
        let ns = m.namespace();
        for (helm, o) in &m.wrong_namespace {
            let err = crate::common::stderr(o);
            assert_eq!(
                o.status.code(),
                Some(1),
                "{helm} {}: rendered into another namespace",
                m.path
            );
            assert!(
                o.stdout.is_empty(),
                "{helm} {}: printed manifests on failure",
                m.path
            );
            assert!(
                err.contains(&format!(
                    "this chart was generated for namespace {ns}: install it with --namespace {ns}"
                )),
                "{helm} {}: unclear message: {err}",
                m.path
            );
        }
        assert_eq!(m.wrong_namespace.len(), 2, "Helm 3 and Helm 4 both tried");
    }
}

#[test]
fn services_probes_and_addresses_reach_listening_processes() {
    let Some(models) = renders::models() else {
        return;
    };
    for m in models {
        for (i, (what, r)) in renders(m).into_iter().enumerate() {
            let overridden = i == 1;
            let w = wiring::check(r, &cluster(m));
            assert_no_problems(&what, &w.problems);
            // Every address the plan names for the chart itself is in the render and was
            // followed (push/query are the clients' direct routes, not in the chart's config).
            for (key, a) in m.plan["addresses"].as_object().unwrap() {
                let (Some(host), Some(port)) = (a["host"].as_str(), a["port"].as_u64()) else {
                    continue;
                };
                let port = u16::try_from(port).unwrap();
                let moved = a["component"] == m.change.component.as_str() && port == m.change.old;
                let port = if overridden && moved {
                    m.change.new
                } else {
                    port
                };
                let in_render = r.text.contains(&format!("{host}:{port}"));
                if !matches!(key.as_str(), "push" | "query") {
                    assert!(
                        in_render,
                        "{what}: the plan's {key} address {host}:{port} is missing from the render"
                    );
                }
                if in_render {
                    assert!(
                        w.followed.contains(&(host.to_owned(), port)),
                        "{what}: the plan's address {host}:{port} is in the render but no oracle followed it"
                    );
                }
            }
            assert!(!w.followed.is_empty(), "{what}: no address followed");
        }
    }
}

#[test]
fn cluster_ip_services_carry_the_modelled_traffic_distribution() {
    let Some(models) = renders::models() else {
        return;
    };
    for m in models {
        let expected = m.modelled_traffic_distribution();
        assert!(
            expected.values().any(Option::is_some),
            "{}: the test needs a model with a trafficDistribution",
            m.path
        );
        let [(what, default), (what_over, over)] = renders(m);
        assert_no_problems(
            &what,
            &wiring::check_traffic_distribution(default, &expected),
        );
        let expected = m.overridden_traffic_distribution();
        assert_no_problems(
            &what_over,
            &wiring::check_traffic_distribution(over, &expected),
        );
    }
}

#[test]
fn a_port_override_moves_every_place_of_that_port_and_nothing_else() {
    let Some(models) = renders::models() else {
        return;
    };
    for m in models {
        let problems =
            oracle::port_change::check(&m.default, &m.overridden, &m.change, &m.plan, &cluster(m));
        assert_no_problems(
            &format!("{} ({}), override:\n{}", m.name, m.path, m.override_values),
            &problems,
        );
    }
}

#[test]
fn manifests_are_valid_kubernetes_for_the_model_version_and_1_31() {
    let Some(models) = renders::models() else {
        return;
    };
    let tool = oracle::kubeval::tool();
    if !require_tool(
        "kubernetes-validate (pip install kubernetes-validate)",
        tool.is_some(),
    ) {
        return;
    }
    let tmp = temp_dir("oracles-kubeval");
    let dir = tmp.path();
    // One run per Kubernetes version, over every render that version must accept.
    let mut by_version: BTreeMap<String, (Vec<PathBuf>, usize)> = BTreeMap::new();
    for m in models {
        for (suffix, r) in [("default", &m.default), ("override", &m.overridden)] {
            let file = dir.join(format!("{}-{suffix}.yaml", m.name));
            // Custom resources have no schema there: ServiceMonitors are checked against
            // their CRD (service_monitors_match_the_prometheus_operator_crd).
            let (text, count) = without_custom_resources(r);
            std::fs::write(&file, text).unwrap();
            for version in [m.kube_version.as_str(), "1.31.0"] {
                let (files, docs) = by_version.entry(version.to_owned()).or_default();
                if !files.contains(&file) {
                    files.push(file.clone());
                    *docs += count;
                }
            }
        }
    }
    // The versions run side by side: each run is mostly Python loading schemas.
    let tool = tool.as_ref().unwrap();
    // Not vacuous: Kubernetes 1.29 has no Service.spec.trafficDistribution, so strict
    // validation must reject the reference render there.
    let reference = dir.join(format!("{}-default.yaml", models[0].name));
    let (failures, too_old) = std::thread::scope(|s| {
        let runs: Vec<_> = by_version
            .iter()
            .map(|(version, (files, docs))| {
                s.spawn(move || oracle::kubeval::validate(tool, version, files, *docs))
            })
            .collect();
        let too_old = s.spawn(|| {
            let docs = models[0].default.docs.len();
            oracle::kubeval::validate(tool, "1.29.0", std::slice::from_ref(&reference), docs)
        });
        let failures: Vec<String> = runs
            .into_iter()
            .filter_map(|r| r.join().unwrap().err())
            .collect();
        (failures, too_old.join().unwrap())
    });
    assert_no_problems("kubernetes-validate", &failures);
    let err = too_old.expect_err("kubernetes-validate -k 1.29.0 accepted trafficDistribution");
    assert!(
        err.contains("'trafficDistribution' was unexpected"),
        "{err}"
    );
}

/// The render's documents of built-in Kubernetes kinds (not ServiceMonitors), and how many.
fn without_custom_resources(r: &Render) -> (String, usize) {
    let lines: Vec<&str> = r.text.lines().collect();
    let kept: Vec<&crate::oracle::manifests::Doc> = r
        .docs
        .iter()
        .filter(|d| d.kind != "ServiceMonitor")
        .collect();
    let mut text = String::new();
    for d in &kept {
        for l in &lines[d.lines.clone()] {
            text.push_str(l);
            text.push('\n');
        }
    }
    (text, kept.len())
}

#[test]
fn service_monitors_match_the_prometheus_operator_crd() {
    let Some(models) = renders::models() else {
        return;
    };
    let mut checked = 0;
    for m in models {
        let targets = m.plan["monitoring"]["targets"].as_array().unwrap();
        for (what, r) in renders(m) {
            let monitors: Vec<_> = r
                .docs
                .iter()
                .filter(|d| d.kind == "ServiceMonitor")
                .collect();
            assert_eq!(
                monitors.len(),
                targets.len(),
                "{what}: one ServiceMonitor per target of the plan"
            );
            let services = r.services();
            for d in monitors {
                let errors = crate::oracle::crd::service_monitor_errors(&d.value);
                assert!(
                    errors.is_empty(),
                    "{what}: ServiceMonitor {}:\n{}",
                    d.name,
                    errors.join("\n")
                );
                // It selects exactly one Service, which has the scraped port's name.
                let sel = &d.value["spec"]["selector"];
                let labels = |s: &crate::oracle::manifests::Service| {
                    let doc = r.doc("Service", &s.name).unwrap();
                    doc.value["metadata"]["labels"].clone()
                };
                let selected: Vec<_> = services
                    .iter()
                    .filter(|s| {
                        let l = labels(s);
                        sel["matchLabels"]
                            .as_object()
                            .unwrap()
                            .iter()
                            .all(|(k, v)| &l[k] == v)
                            && sel["matchExpressions"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .all(|e| {
                                    e["operator"] == "DoesNotExist"
                                        && l.get(e["key"].as_str().unwrap()).is_none()
                                })
                    })
                    .collect();
                assert_eq!(
                    selected.len(),
                    1,
                    "{what}: ServiceMonitor {} selects {} Services",
                    d.name,
                    selected.len()
                );
                let port = d.value["spec"]["endpoints"][0]["port"].as_str().unwrap();
                let svc = r.doc("Service", &selected[0].name).unwrap();
                assert!(
                    svc.value["spec"]["ports"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|p| p["name"] == port),
                    "{what}: Service {} has no port named {port}",
                    selected[0].name
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked > 0,
        "no model renders a ServiceMonitor: the check is vacuous"
    );
    // Not vacuous either way: a misspelt endpoint field is refused.
    let bad = serde_json::json!({
        "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
        "metadata": {"name": "x"},
        "spec": {"selector": {}, "endpoints": [{"prot": "http-metrics"}]}
    });
    assert!(!crate::oracle::crd::service_monitor_errors(&bad).is_empty());
}

#[test]
fn memcached_listens_on_the_modelled_port_with_the_rendered_args() {
    let Some(models) = renders::models() else {
        return;
    };
    let memcached = oracle::memcached::tool();
    if !require_tool("memcached (apt-get install memcached)", memcached.is_some()) {
        return;
    }
    let memcached = memcached.unwrap();
    for m in models {
        let caches: BTreeMap<&str, &serde_json::Value> = m.plan["caches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["service"]["name"].as_str().unwrap(), c))
            .collect();
        for (what, r) in renders(m) {
            let mut seen = BTreeSet::new();
            for w in r
                .workloads()
                .into_iter()
                .filter(|w| w.kind == "StatefulSet")
            {
                let Some(c) = w.containers.iter().find(|c| c.program() == "memcached") else {
                    continue;
                };
                let at = format!("{what}\nStatefulSet {} container {}", w.name, c.name);
                let cache = caches
                    .get(w.name.as_str())
                    .unwrap_or_else(|| panic!("{at}: a memcached the plan does not model"));
                seen.insert(w.name.clone());
                let port = u16::try_from(cache["port"].as_u64().unwrap()).unwrap();
                let args = &c.args;
                assert!(
                    args.windows(2)
                        .any(|p| p[0] == "-p" && p[1] == port.to_string()),
                    "{at}: args {args:?} do not pass `-p {port}`"
                );
                assert!(
                    !args.iter().any(|a| a == "-u"
                        || a.starts_with("--user")
                        || (a.starts_with("-u") && !a.starts_with("--"))),
                    "{at}: args {args:?} pass -u (memcached's user flag)"
                );
                // The oracle adds `-l <loopback>`; a rendered -l would be overridden unseen.
                assert!(
                    !args
                        .iter()
                        .any(|a| a.starts_with("-l") || a.starts_with("--listen")),
                    "{at}: args {args:?} pass -l"
                );
                let report = oracle::memcached::run(&memcached, args, port)
                    .unwrap_or_else(|e| panic!("{at}: {e}"));
                let s = |k: &str| report.settings.get(k).cloned().unwrap_or_default();
                assert_eq!(
                    s("tcpport"),
                    port.to_string(),
                    "{at}: memcached listens elsewhere"
                );
                let mb = cache["memory_mb"].as_u64().unwrap();
                assert_eq!(s("maxbytes"), (mb * 1024 * 1024).to_string(), "{at}: -m");
                assert_eq!(
                    s("maxconns"),
                    cache["connection_limit"].to_string(),
                    "{at}: -c"
                );
                let item = oracle::memcached::size_bytes(cache["max_item_size"].as_str().unwrap());
                assert_eq!(
                    Some(s("item_size_max")),
                    item.map(|b| b.to_string()),
                    "{at}: -I"
                );
                assert_ne!(report.uid, 0, "{at}: memcached ran as root");
                // -m is a limit, not an allocation: an 8 GiB cache starts in a few MiB, which
                // is what lets this oracle run the real args on a small machine.
                assert!(
                    report.rss_kib < 64 * 1024,
                    "{at}: memcached -m {mb} uses {} KiB at start",
                    report.rss_kib
                );
                eprintln!(
                    "{}: {} -p {port} -m {mb}: tcpport {}, pid {}, uid {}, rss {} KiB",
                    m.name,
                    w.name,
                    s("tcpport"),
                    report.stats.get("pid").map_or("?", String::as_str),
                    report.uid,
                    report.rss_kib
                );
            }
            let modelled: BTreeSet<String> = caches.keys().map(|k| k.to_string()).collect();
            assert_eq!(
                seen, modelled,
                "{what}: the memcached StatefulSets are not the modelled caches"
            );
        }
    }
}

/// The oracles are not vacuous: each bug class behind the incidents, planted in the reference
/// render, is reported.
#[test]
fn the_oracles_catch_planted_bugs() {
    let Some(models) = renders::models() else {
        return;
    };
    let m = &models[0];
    let (ns, domain) = (m.namespace(), m.cluster_domain());
    let fqdn = |svc: &str| format!("{svc}.{ns}.svc.{domain}");
    let component = |name: &str| {
        m.plan["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{}: no {name}", m.path))
    };
    let port = |c: &serde_json::Value, k: &str| c[k].as_u64().unwrap();
    let planted = |what: &str, from: &str, to: &str| {
        assert!(
            m.default.text.contains(from),
            "{what}: `{from}` is not in the render"
        );
        let problems = wiring::check(
            &Render::parse(m.default.text.replacen(from, to, 1)),
            &cluster(m),
        )
        .problems;
        assert!(!problems.is_empty(), "{what}: not caught");
        problems.join("\n")
    };

    // memcached given -u (user) instead of -p: it listens on its default port.
    let p = planted("-u for -p", "            - -p\n", "            - -u\n");
    assert!(
        p.contains("listens on 11211 (memcached's default port)"),
        "{p}"
    );

    // An address still on the component's old port.
    let push = fqdn(&m.change.service);
    let p = planted(
        "stale upstream port",
        &format!("{push}:{}", m.change.old),
        &format!("{push}:{}", m.change.old - 1),
    );
    assert!(
        p.contains(&format!("dials port {}", m.change.old - 1)),
        "{p}"
    );

    // A gRPC address pointed at the HTTP port of the same Service.
    let qs = component("query-scheduler");
    let headless = fqdn(qs["service"]["headless"].as_str().unwrap());
    let p = planted(
        "gRPC address on the HTTP port",
        &format!("{headless}:{}", port(qs, "grpc_port")),
        &format!("{headless}:{}", port(qs, "http_port")),
    );
    assert!(
        p.contains("reaches LokiHttp") && p.contains("expected [LokiGrpc]"),
        "{p}"
    );

    // Client-side discovery (dns:///) through a ClusterIP Service: one virtual IP.
    let ig = component("index-gateway");
    let p = planted(
        "dns:/// through a ClusterIP Service",
        &format!(
            "dns:///{}",
            fqdn(ig["service"]["headless"].as_str().unwrap())
        ),
        &format!("dns:///{}", fqdn(ig["service"]["name"].as_str().unwrap())),
    );
    assert!(p.contains("is not headless"), "{p}");

    // A Service targeting a port name no container declares.
    let p = planted(
        "unknown targetPort",
        "targetPort: grpc\n",
        "targetPort: grcp\n",
    );
    assert!(p.contains("targetPort `grcp` is no container port"), "{p}");

    // A probe on a port the container does not declare.
    let p = planted(
        "probe port",
        "port: http-metrics\n            initialDelaySeconds: 15",
        "port: metrics\n            initialDelaySeconds: 15",
    );
    assert!(
        p.contains("port `metrics` is not a port of the container"),
        "{p}"
    );

    // A Service missing its trafficDistribution.
    let expected = m.modelled_traffic_distribution();
    let r = Render::parse(
        m.default
            .text
            .replacen("  trafficDistribution: PreferClose\n", "", 1),
    );
    let p = wiring::check_traffic_distribution(&r, &expected);
    assert!(
        p.len() == 1 && p[0].contains("trafficDistribution None, expected Some(\"PreferClose\")"),
        "{p:?}"
    );

    // A port override that misses one place (the gateway's upstream).
    let c = &m.change;
    let moved = format!("{push}:{}", c.new);
    let over = Render::parse(
        m.overridden
            .text
            .replacen(&moved, &format!("{push}:{}", c.old), 1),
    );
    let p = oracle::port_change::check(&m.default, &over, c, &m.plan, &cluster(m));
    assert!(
        p.iter()
            .any(|x| x.contains(&format!("should have moved {}'s port", c.component))),
        "{p:?}"
    );
}
