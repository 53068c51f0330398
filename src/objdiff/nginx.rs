//! The gateway's nginx config as a set of routes: what each `location` sends where, and
//! the ports nginx listens on.
//!
//! Two charts' nginx configs differ in nearly every line (upstream blocks or `set $backend`
//! variables, log formats, comments) while routing the same requests to the same Services;
//! what a switch must keep is the routing. So each `location` (with its modifier: `=`,
//! `^~`, `~`) becomes one route whose target is the address its `proxy_pass` reaches, with
//! the `upstream` block's servers or the `set $var "..."` value put in, `$request_uri` and
//! the scheme's default port normalized away. A location without `proxy_pass` routes to
//! what it does instead (`return 200`).

use std::collections::BTreeMap;

/// The routes of one nginx config.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Routes {
    /// `listen` arguments, sorted.
    pub listen: Vec<String>,
    /// `"= /loki/api/v1/push"` -> `"http://loki-write.loki.svc.cluster.local:3100"`.
    pub locations: BTreeMap<String, String>,
}

/// One directive: its name, arguments and block (when it has one).
#[derive(Debug)]
struct Directive {
    name: String,
    args: Vec<String>,
    block: Option<Vec<Directive>>,
}

/// Whether `text` looks like an nginx config (an `http` or `server` block with locations).
pub fn looks_like_nginx(text: &str) -> bool {
    text.contains("location") && (text.contains("server {") || text.contains("http {"))
}

/// The routes of `text`; a config nginx would refuse yields what could be read.
pub fn routes(text: &str) -> Routes {
    let tokens = tokenize(text);
    let mut pos = 0;
    let tree = parse_block(&tokens, &mut pos);
    let mut upstreams: BTreeMap<String, Vec<String>> = BTreeMap::new();
    collect_upstreams(&tree, &mut upstreams);
    let mut out = Routes::default();
    walk(&tree, &upstreams, &BTreeMap::new(), &mut out);
    out.listen.sort();
    out.listen.dedup();
    out
}

fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' if cur.is_empty() => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' | '\'' => {
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    cur.push(q);
                }
                out.push(std::mem::take(&mut cur));
            }
            ';' | '{' | '}' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                out.push(c.to_string());
            }
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn parse_block(tokens: &[String], pos: &mut usize) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    while *pos < tokens.len() {
        let t = &tokens[*pos];
        *pos += 1;
        match t.as_str() {
            ";" => {
                if !words.is_empty() {
                    let name = words.remove(0);
                    out.push(Directive {
                        name,
                        args: std::mem::take(&mut words),
                        block: None,
                    });
                }
            }
            "{" => {
                let block = parse_block(tokens, pos);
                let name = if words.is_empty() {
                    String::new()
                } else {
                    words.remove(0)
                };
                out.push(Directive {
                    name,
                    args: std::mem::take(&mut words),
                    block: Some(block),
                });
            }
            "}" => return out,
            _ => words.push(t.clone()),
        }
    }
    out
}

fn collect_upstreams(block: &[Directive], out: &mut BTreeMap<String, Vec<String>>) {
    for d in block {
        match (&d.name[..], &d.block) {
            ("upstream", Some(b)) => {
                let servers = b
                    .iter()
                    .filter(|s| s.name == "server")
                    .filter_map(|s| s.args.first().cloned())
                    .collect();
                if let Some(name) = d.args.first() {
                    out.insert(name.clone(), servers);
                }
            }
            (_, Some(b)) => collect_upstreams(b, out),
            _ => {}
        }
    }
}

fn walk(
    block: &[Directive],
    upstreams: &BTreeMap<String, Vec<String>>,
    vars: &BTreeMap<String, String>,
    out: &mut Routes,
) {
    let mut vars = vars.clone();
    for d in block {
        if d.name == "set" && d.args.len() >= 2 {
            vars.insert(d.args[0].clone(), d.args[1].clone());
        }
    }
    for d in block {
        match (&d.name[..], &d.block) {
            ("listen", None) => out.listen.push(d.args.join(" ")),
            ("location", Some(b)) => {
                let mut inner = vars.clone();
                for s in b.iter().filter(|s| s.name == "set" && s.args.len() >= 2) {
                    inner.insert(s.args[0].clone(), s.args[1].clone());
                }
                let target = b
                    .iter()
                    .find(|s| s.name == "proxy_pass")
                    .and_then(|s| s.args.first())
                    .map(|p| resolve(p, upstreams, &inner))
                    .or_else(|| {
                        b.iter()
                            .find(|s| s.name == "return")
                            .map(|s| format!("return {}", s.args.first().map_or("", |a| a)))
                    })
                    .unwrap_or_else(|| "(no proxy_pass)".to_owned());
                out.locations.insert(d.args.join(" "), target);
                walk(b, upstreams, &inner, out);
            }
            ("upstream", _) => {}
            (_, Some(b)) => walk(b, upstreams, &vars, out),
            _ => {}
        }
    }
}

/// `http://write$request_uri` -> `http://host:port` (the upstream's servers, comma
/// separated); `$backend$request_uri` -> the variable's value.
fn resolve(
    pass: &str,
    upstreams: &BTreeMap<String, Vec<String>>,
    vars: &BTreeMap<String, String>,
) -> String {
    let mut s = pass.to_owned();
    for (var, value) in vars {
        if var != "$request_uri" {
            s = s.replace(var.as_str(), value);
        }
    }
    let s = s.replace("$request_uri", "");
    let (scheme, rest) = s.split_once("://").unwrap_or(("http", s.as_str()));
    let (host, path) = match rest.split_once('/') {
        Some((h, p)) => (h, format!("/{p}")),
        None => (rest, String::new()),
    };
    let hosts: Vec<String> = match upstreams.get(host) {
        Some(servers) => servers.iter().map(|h| with_port(scheme, h)).collect(),
        None => vec![with_port(scheme, host)],
    };
    let path = path.trim_end_matches('/');
    format!("{scheme}://{}{path}", hosts.join(","))
}

/// `host` with the scheme's default port when it names none.
fn with_port(scheme: &str, host: &str) -> String {
    let host = host.trim_end_matches('.');
    if host
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
    {
        host.to_owned()
    } else {
        format!("{host}:{}", if scheme == "https" { 443 } else { 80 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_upstreams_and_variables_alike() {
        let a = "http {\n upstream write { zone w 64k; server loki-write.ns.svc:3100 resolve; }\n server { listen 8080;\n  location = /loki/api/v1/push { proxy_pass http://write$request_uri; }\n  location = / { return 200 'OK'; }\n } }";
        let b = "http { server { listen 8080; # comment { }\n location = /loki/api/v1/push { set $backend \"http://loki-write.ns.svc:3100\"; proxy_pass $backend$request_uri; } } }";
        let (ra, rb) = (routes(a), routes(b));
        assert_eq!(ra.listen, vec!["8080"]);
        assert_eq!(
            ra.locations["= /loki/api/v1/push"],
            rb.locations["= /loki/api/v1/push"]
        );
        assert_eq!(ra.locations["= /"], "return 200");
        assert_eq!(
            rb.locations["= /loki/api/v1/push"],
            "http://loki-write.ns.svc:3100"
        );
    }
}
