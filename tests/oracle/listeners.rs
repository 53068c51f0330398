//! What each container's process actually does with ports: where it listens and what it dials,
//! from the program's own flags and defaults and the config file it mounts. This is knowledge
//! of Loki, memcached, its exporter, loki-canary and nginx, not of the chart's templates.

use serde_json::Value;

use super::addresses::{self, Address};
use super::manifests::{Container, Render, Workload};

/// A kind of listening socket, named by the protocol spoken on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listener {
    LokiHttp,
    LokiGrpc,
    LokiMemberlist,
    Memcached,
    MemcachedExporter,
    Canary,
    Nginx,
}

/// One listening port of a process, with where the oracle learned it.
#[derive(Debug)]
pub struct Listen {
    pub port: u16,
    pub listener: Listener,
    pub source: String,
}

/// A container's process: its listening ports, the cluster addresses it dials and the
/// addresses it dials inside its own pod.
#[derive(Default)]
pub struct Process {
    pub listens: Vec<Listen>,
    pub dials: Vec<Address>,
    pub local_dials: Vec<Address>,
}

/// Works out a container's process from its image, command line and mounted config.
pub fn of_container(
    r: &Render,
    w: &Workload,
    c: &Container,
    problems: &mut Vec<String>,
) -> Process {
    let at = format!("{} {} container {}", w.kind, w.name, c.name);
    let mut p = Process::default();
    let mut listen = |port: u16, listener, source: String| {
        p.listens.push(Listen {
            port,
            listener,
            source,
        })
    };
    match c.program() {
        "loki" => {
            let config = match go_flag(&c.args, "config.file") {
                Some(path) => mounted_file(r, w, c, &path).and_then(|(place, text)| {
                    match serde_saphyr::from_str::<Value>(&text) {
                        Ok(v) => Some((place, v)),
                        Err(e) => {
                            problems.push(format!("{at}: {place} is not YAML: {e}"));
                            None
                        }
                    }
                }),
                None => None,
            };
            let Some((place, config)) = config else {
                problems.push(format!("{at}: Loki runs without a mounted -config.file"));
                return p;
            };
            // A flag wins over the config file, which wins over Loki's default.
            let port = |flag: &str, pointer: &str, default: u16, problems: &mut Vec<String>| {
                let (text, source) = match go_flag(&c.args, flag) {
                    Some(v) => (v, format!("-{flag}")),
                    None => match config.pointer(pointer) {
                        Some(v) => (v.to_string(), format!("{place}: {pointer}")),
                        None => (default.to_string(), format!("Loki's default for -{flag}")),
                    },
                };
                match text.parse::<u16>() {
                    Ok(n) => Some((n, source)),
                    Err(_) => {
                        problems.push(format!("{at}: {source} = `{text}` is not a port"));
                        None
                    }
                }
            };
            if let Some((n, s)) = port(
                "server.http-listen-port",
                "/server/http_listen_port",
                3100,
                problems,
            ) {
                listen(n, Listener::LokiHttp, s);
            }
            if let Some((n, s)) = port(
                "server.grpc-listen-port",
                "/server/grpc_listen_port",
                9095,
                problems,
            ) {
                listen(n, Listener::LokiGrpc, s);
            }
            // Loki gossips only when its config has a memberlist block, and only in targets
            // whose modules use a ring kept in memberlist: Loki 3.5.7 started as
            // query-frontend, query-scheduler (no scheduler ring) or index-gateway (simple
            // mode) never binds the gossip port (seen running the distributed topology).
            let target = go_flag(&c.args, "target").unwrap_or_else(|| "all".into());
            let gossips = !matches!(
                target.as_str(),
                "query-frontend" | "query-scheduler" | "index-gateway"
            );
            if config.get("memberlist").is_some()
                && gossips
                && let Some((n, s)) = port(
                    "memberlist.bind-port",
                    "/memberlist/bind_port",
                    7946,
                    problems,
                )
            {
                listen(n, Listener::LokiMemberlist, s);
            }
            p.dials = addresses::in_loki_config(&config, &place, problems);
        }
        "memcached" => {
            let (text, source) = match getopt(&c.args, 'p', "port") {
                Some(v) => (v, "-p".to_owned()),
                None => ("11211".to_owned(), "memcached's default port".to_owned()),
            };
            match text.parse() {
                Ok(n) => listen(n, Listener::Memcached, source),
                Err(_) => problems.push(format!("{at}: -p `{text}` is not a port")),
            }
        }
        "memcached-exporter" => {
            let addr = go_flag(&c.args, "web.listen-address").unwrap_or_else(|| ":9150".into());
            match addr.rsplit(':').next().and_then(|s| s.parse().ok()) {
                Some(n) => listen(
                    n,
                    Listener::MemcachedExporter,
                    "--web.listen-address".into(),
                ),
                None => problems.push(format!("{at}: --web.listen-address `{addr}` has no port")),
            }
            let target =
                go_flag(&c.args, "memcached.address").unwrap_or_else(|| "localhost:11211".into());
            p.local_dials.push(Address {
                place: format!("{at}: --memcached.address"),
                raw: target,
                expects: &[Listener::Memcached],
            });
        }
        "loki-canary" => {
            let port = go_flag(&c.args, "port").unwrap_or_else(|| "3500".into());
            match port.parse() {
                Ok(n) => listen(n, Listener::Canary, "-port".into()),
                Err(_) => problems.push(format!("{at}: -port `{port}` is not a port")),
            }
            // -addr is Loki's HTTP API, directly or through the gateway.
            if let Some(addr) = go_flag(&c.args, "addr") {
                p.dials.push(Address {
                    place: format!("{at}: -addr"),
                    raw: addr,
                    expects: &[Listener::Nginx, Listener::LokiHttp],
                });
            }
        }
        prog if prog.starts_with("nginx") => {
            let Some((place, conf)) = mounted_file(r, w, c, "/etc/nginx/nginx.conf") else {
                problems.push(format!("{at}: no nginx.conf mounted at /etc/nginx"));
                return p;
            };
            let nginx = addresses::in_nginx_config(&conf, &place, problems);
            for n in nginx.listen {
                listen(n, Listener::Nginx, format!("{place}: listen"));
            }
            p.dials = nginx.upstream_servers;
        }
        other => problems.push(format!(
            "{at}: image `{}` runs `{other}`, a program the oracle does not know the ports of",
            c.image
        )),
    }
    p
}

/// A file a container sees at `path`, when a ConfigMap volume provides it: ("ConfigMap x
/// key", content).
fn mounted_file(r: &Render, w: &Workload, c: &Container, path: &str) -> Option<(String, String)> {
    let (volume, dir) = c
        .mounts
        .iter()
        .filter(|(_, dir)| path.starts_with(&format!("{}/", dir.trim_end_matches('/'))))
        .max_by_key(|(_, dir)| dir.len())?;
    let key = &path[dir.trim_end_matches('/').len() + 1..];
    let cm = w.config_map_volumes.get(volume)?;
    let text = r.config_map(cm)?.get(key)?.as_str()?;
    Some((format!("ConfigMap {cm} {key}"), text.to_owned()))
}

/// A Go `flag` package value: `-name=v`, `--name=v`, `-name v` or `--name v`.
pub fn go_flag(args: &[String], name: &str) -> Option<String> {
    let mut found = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let Some(body) = a.strip_prefix("--").or_else(|| a.strip_prefix('-')) else {
            continue;
        };
        if body == name {
            found = it.next().cloned();
        } else if let Some(v) = body.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
            found = Some(v.to_owned());
        }
    }
    found
}

/// A getopt_long value: `-p v`, `-pv`, `--port=v` or `--port v`; the last one wins.
pub fn getopt(args: &[String], short: char, long: &str) -> Option<String> {
    let mut found = None;
    let mut it = args.iter();
    let short = format!("-{short}");
    let long_eq = format!("--{long}=");
    while let Some(a) = it.next() {
        if *a == short || *a == format!("--{long}") {
            found = it.next().cloned();
        } else if let Some(v) = a.strip_prefix(&long_eq) {
            found = Some(v.to_owned());
        } else if let Some(v) = a.strip_prefix(&short).filter(|_| !a.starts_with("--")) {
            found = Some(v.to_owned());
        }
    }
    found
}
