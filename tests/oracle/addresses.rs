//! Addresses inside the rendered configs: where each one is, what it must reach, and which
//! Service of the release it names.

use serde_json::Value;

use super::listeners::Listener;

/// An address found in a config or on a command line.
#[derive(Clone, Debug)]
pub struct Address {
    /// Where it was found, for messages: `ConfigMap loki-config config.yaml: frontend.scheduler_address`.
    pub place: String,
    /// The text as written.
    pub raw: String,
    /// What must listen behind it.
    pub expects: &'static [Listener],
}

/// An address split into its parts.
#[derive(Debug, PartialEq, Eq)]
pub struct Parsed {
    /// Resolved through DNS to every pod (`dns+`, `dns:///`): only a headless Service
    /// returns the pods rather than one virtual IP.
    pub discovers_pods: bool,
    pub host: String,
    pub port: u16,
}

/// Splits `dns+host:port`, `dns:///host:port`, `http://host:port/path` and `host:port`.
pub fn parse(raw: &str) -> Result<Parsed, String> {
    let mut s = raw.trim();
    let mut discovers_pods = false;
    for prefix in ["dnssrvnoa+", "dnssrv+", "dns+", "dns:///"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest;
            discovers_pods = true;
            break;
        }
    }
    for scheme in ["http://", "https://"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            s = rest;
        }
    }
    let authority = s.split('/').next().unwrap_or_default();
    let (host, port) = authority
        .rsplit_once(':')
        .ok_or_else(|| format!("`{raw}` has no port"))?;
    let port: u16 = port
        .parse()
        .map_err(|_| format!("`{raw}`: `{port}` is not a port number"))?;
    Ok(Parsed {
        discovers_pods,
        host: host.to_owned(),
        port,
    })
}

/// The Service a cluster DNS name names: `<svc>.<namespace>.svc.<domain>`.
pub fn service_of(host: &str, namespace: &str, domain: &str) -> Result<String, String> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let suffix = format!(".{namespace}.svc.{domain}");
    match host.strip_suffix(&suffix) {
        Some(svc) if !svc.is_empty() && !svc.contains('.') => Ok(svc.to_owned()),
        _ => Err(format!(
            "`{host}` is not a Service of namespace {namespace} (`<service>{suffix}`)"
        )),
    }
}

/// Loki's config keys that hold an address, and what listens behind each.
fn loki_key_expects(key: &str) -> Option<&'static [Listener]> {
    Some(match key {
        "join_members" => &[Listener::LokiMemberlist],
        "compactor_grpc_address" | "server_address" | "scheduler_address" | "frontend_address" => {
            &[Listener::LokiGrpc]
        }
        "tail_proxy_url" | "compactor_address" => &[Listener::LokiHttp],
        // memcached_client.addresses: a comma-separated list.
        "addresses" => &[Listener::Memcached],
        _ => return None,
    })
}

/// Every address in a Loki config: the known address keys, and any other string naming a
/// cluster DNS name (reported as unknown, so a new address key cannot go unchecked).
pub fn in_loki_config(config: &Value, place: &str, problems: &mut Vec<String>) -> Vec<Address> {
    let mut out = Vec::new();
    walk(
        config,
        "",
        None,
        &mut |path, key, text| {
            match key.and_then(loki_key_expects) {
            Some(expects) => {
                for raw in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    out.push(Address {
                        place: format!("{place}: {path}"),
                        raw: raw.to_owned(),
                        expects,
                    });
                }
            }
            None if text.contains(".svc.") => problems.push(format!(
                "{place}: {path} = `{text}` names a cluster address under a key the oracle does not \
                 know; teach tests/oracle/addresses.rs what must listen behind it"
            )),
            None => {}
        }
        },
    );
    out
}

fn walk(v: &Value, path: &str, key: Option<&str>, f: &mut impl FnMut(&str, Option<&str>, &str)) {
    match v {
        Value::String(s) => f(path, key, s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), key, f);
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(item, &p, Some(k), f);
            }
        }
        _ => {}
    }
}

/// What an nginx config says: the ports it listens on and the addresses it proxies to.
pub struct Nginx {
    pub listen: Vec<u16>,
    pub upstream_servers: Vec<Address>,
}

/// Reads `listen`, `upstream { server ...; }` and `proxy_pass` from an nginx config. A
/// `proxy_pass` must name a defined upstream or carry its own address.
pub fn in_nginx_config(conf: &str, place: &str, problems: &mut Vec<String>) -> Nginx {
    let mut listen = Vec::new();
    let mut servers = Vec::new();
    let mut upstreams: Vec<(String, usize)> = Vec::new();
    let mut proxied: Vec<String> = Vec::new();
    let mut in_upstream: Option<String> = None;
    for (i, line) in conf.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        let words: Vec<&str> = line
            .trim_end_matches(['{', ';'])
            .split_whitespace()
            .collect();
        match words.as_slice() {
            ["upstream", name, ..] => {
                in_upstream = Some((*name).to_owned());
                upstreams.push(((*name).to_owned(), 0));
            }
            ["}"] => in_upstream = None,
            ["server", addr, ..] if in_upstream.is_some() => {
                let name = in_upstream.clone().unwrap_or_default();
                if let Some(u) = upstreams.iter_mut().find(|u| u.0 == name) {
                    u.1 += 1;
                }
                servers.push(Address {
                    place: format!("{place}: upstream {name} (line {})", i + 1),
                    raw: (*addr).to_owned(),
                    expects: &[Listener::LokiHttp],
                });
            }
            ["listen", addr, ..] => {
                let port = addr.rsplit(':').next().unwrap_or(addr);
                match port.parse() {
                    Ok(p) => listen.push(p),
                    Err(_) => problems.push(format!(
                        "{place}: line {}: `listen {addr}` has no port number",
                        i + 1
                    )),
                }
            }
            ["proxy_pass", url, ..] => proxied.push((*url).to_owned()),
            _ => {}
        }
    }
    for url in proxied {
        let target = url
            .trim_start_matches("http://")
            .trim_start_matches("https://");
        let host = target.split(['/', '$', ':']).next().unwrap_or_default();
        if host.contains('.') {
            servers.push(Address {
                place: format!("{place}: proxy_pass"),
                raw: url.clone(),
                expects: &[Listener::LokiHttp],
            });
        } else if !upstreams.iter().any(|u| u.0 == host) {
            problems.push(format!(
                "{place}: `proxy_pass {url}` names no upstream (nginx refuses to start)"
            ));
        }
    }
    for (name, count) in upstreams {
        if count == 0 {
            problems.push(format!("{place}: upstream {name} has no server"));
        }
    }
    Nginx {
        listen,
        upstream_servers: servers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let p = parse("dns+loki-memberlist.ns.svc.cluster.local:7946").unwrap();
        assert!(p.discovers_pods);
        assert_eq!(
            (p.host.as_str(), p.port),
            ("loki-memberlist.ns.svc.cluster.local", 7946)
        );
        let p = parse("dns:///a.ns.svc.cluster.local:9095").unwrap();
        assert!(p.discovers_pods);
        let p = parse("http://a.ns.svc.cluster.local:3100/loki").unwrap();
        assert!(!p.discovers_pods);
        assert_eq!(p.port, 3100);
        assert!(parse("a.ns.svc.cluster.local").is_err());
        assert_eq!(
            service_of("a.ns.svc.cluster.local", "ns", "cluster.local").unwrap(),
            "a"
        );
        assert!(service_of("a.other.svc.cluster.local", "ns", "cluster.local").is_err());
    }
}
