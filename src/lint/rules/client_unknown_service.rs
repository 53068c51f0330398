//! `client-unknown-service`: a client address naming a Loki Service the model does not have,
//! such as the community chart's `loki-write` after a switch to distributed mode.
//!
//! A port change is caught by `client-port-drift`; a renamed Service is worse, because no
//! port is wrong, the name simply stops resolving. Moving from the community chart's
//! simple-scalable mode to a generated distributed chart removes `loki-write` and `loki-read`,
//! and its single-binary Service is named after the release alone (`loki`): an Alloy config or
//! a Grafana datasource still pointing there fails with `no such host` on the first push.
//!
//! Read as text, like the other client rules: every `http://`, `https://`, `dns+`,
//! `dnssrv+` and `dns:///` address whose host is shaped like a Service's in-cluster name
//! (`<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc...`) and whose Service part is the release's name,
//! or `loki`, followed by a Loki Service suffix (`-write`, `-distributor`, `-chunks-cache`,
//! ...). The finding names the Service that now serves that role, from the Plan's topology;
//! for a client path (push, query, tail, rules) the URL's path decides the role, and the
//! gateway is offered first, as every generated client goes through it by default.

use super::{Check, FileOutcome, FileRule, Reads, RuleInfo, SourceFile};
use crate::diag::Severity;
use crate::lint::Finding;
use crate::lint::context::Context;
use crate::lint::position::location_of;
use crate::model::Component;
use crate::plan::topology::{Role, server};

pub static RULE: RuleInfo = RuleInfo {
    slug: "client-unknown-service",
    severity: Severity::Error,
    summary: "a client address names a Loki Service the model does not have (renamed or of another mode)",
    fix: "point the client at the Service the model gives that role (`portplan ports` lists them)",
    check: Check::Files(&ClientUnknownService),
};

struct ClientUnknownService;

impl FileRule for ClientUnknownService {
    fn reads(&self) -> Reads {
        Reads::Urls
    }

    fn check(&self, file: &SourceFile<'_>, ctx: &Context, out: &mut FileOutcome) {
        check_text(file.path, file.text, ctx, &mut out.findings);
    }
}

/// What an old Service name was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Was {
    /// A Loki component serving this role.
    Role(Role),
    /// The single binary (the community chart names its Service after the release alone):
    /// every role, so the URL's path decides.
    Everything,
    Gateway,
    Memberlist,
    /// A memcached cache, by the Plan's cache name.
    Cache(&'static str),
}

/// Service-name suffixes of the community chart and of portplan's charts, and their roles.
/// An internal component (the ingester) has none: no client dials it.
const SUFFIXES: &[(&str, Was)] = &[
    ("", Was::Everything),
    ("single-binary", Was::Everything),
    ("write", Was::Role(Role::Push)),
    ("read", Was::Role(Role::Query)),
    ("backend", Was::Role(Role::Rules)),
    ("distributor", Was::Role(Role::Push)),
    ("querier", Was::Role(Role::Query)),
    ("query-frontend", Was::Role(Role::Query)),
    ("query-scheduler", Was::Role(Role::Scheduling)),
    ("index-gateway", Was::Role(Role::IndexGateway)),
    ("compactor", Was::Role(Role::Compaction)),
    ("ruler", Was::Role(Role::Rules)),
    ("gateway", Was::Gateway),
    ("memberlist", Was::Memberlist),
    ("chunks-cache", Was::Cache("chunks-cache")),
    ("results-cache", Was::Cache("results-cache")),
];

/// Address schemes whose host is a Service name.
const SCHEMES: [&str; 5] = ["https://", "http://", "dnssrv+", "dns+", "dns:///"];

fn check_text(path: &str, text: &str, ctx: &Context, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    for scheme in SCHEMES {
        for at in memchr::memmem::find_iter(bytes, scheme.as_bytes()) {
            // `dns+` inside `dnssrv+` and `http://` inside `https://` cannot match, but
            // `dns+` can follow another letter (`xdns+`): a scheme starts a word.
            if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
                continue;
            }
            let start = at + scheme.len();
            let end = start
                + bytes[start..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b'.')
                    .count();
            let host = text[start..end].trim_end_matches('.');
            if let Some(f) = finding(path, bytes, start, scheme, host, &text[end..], ctx) {
                out.push(f);
            }
        }
    }
}

/// The finding for one address, when its host is an old or foreign Loki Service name.
fn finding(
    path: &str,
    bytes: &[u8],
    start: usize,
    scheme: &str,
    host: &str,
    rest: &str,
    ctx: &Context,
) -> Option<Finding> {
    let service = service_part(host)?;
    if ctx.service_for_host(service).is_some() {
        return None;
    }
    let suffix = [ctx.plan.release.as_str(), "loki"]
        .iter()
        .find_map(|stem| loki_suffix(service, stem))?;
    let suffix = suffix.strip_suffix("-headless").unwrap_or(suffix);
    let was = SUFFIXES.iter().find(|(s, _)| *s == suffix)?.1;
    let now = now_serving(was, url_role(rest), ctx);
    Some(Finding::at(
        &RULE,
        path,
        location_of(bytes, start),
        format!(
            "`{scheme}{host}` names Service `{service}`, which the model does not have; {}",
            describe(&now)
        ),
        hint(&now, scheme, ctx),
    ))
}

/// The Service name of an in-cluster host (`svc`, `svc.ns`, `svc.ns.svc[.<domain>]`), or
/// `None` for a name of another shape (an external `loki.example.com`).
fn service_part(host: &str) -> Option<&str> {
    let labels: Vec<&str> = host.split('.').collect();
    match labels.as_slice() {
        [svc] | [svc, _] => Some(svc),
        [svc, _, "svc", ..] => Some(svc),
        _ => None,
    }
}

/// `service` without `<stem>` and the dash after it (`""` for the stem alone).
fn loki_suffix<'s>(service: &'s str, stem: &str) -> Option<&'s str> {
    let rest = service.strip_prefix(stem)?;
    if rest.is_empty() {
        return Some(rest);
    }
    rest.strip_prefix('-')
}

/// The client role a URL's path names (`/loki/api/v1/push` is a push), if any. `rest` is
/// the text after the host: an optional `:port` (digits or a template), then the path.
fn url_role(rest: &str) -> Option<Role> {
    let after_port = match rest.strip_prefix(':') {
        // A port ends at the path; a quote or a line end first means there is no path.
        Some(p) => &p[p.find(['/', '"', '\'', '`', '\n'])?..],
        None => rest,
    };
    let path = after_port.strip_prefix('/')?;
    // The path ends where the URL does: at a quote, a space or the end of the line.
    let path = &path[..path
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`'))
        .unwrap_or(path.len())];
    if path.contains("/push") || path.starts_with("otlp") {
        Some(Role::Push)
    } else if path.contains("/tail") {
        Some(Role::Tail)
    } else if path.contains("/rules") {
        Some(Role::Rules)
    } else if path.contains("api/v1/") {
        Some(Role::Query)
    } else {
        None
    }
}

/// A Service of the model and the port a client dials on it.
struct Target {
    service: String,
    port: u16,
}

/// Where the old name's job is done in this model.
struct NowServing {
    /// The Service doing the job itself, and what the job is ("answers queries (...)").
    direct: Option<(Target, String)>,
    /// The gateway, for a client path: generated clients go through it.
    gateway: Option<Target>,
}

/// Where the old name's job is done now, from the Plan's topology; for a client path, the
/// URL's path decides the role.
fn now_serving(was: Was, path_role: Option<Role>, ctx: &Context) -> NowServing {
    let plan = &ctx.plan;
    let gateway = || Target {
        service: plan.gateway.service.name.clone(),
        port: plan.gateway.service_port,
    };
    let only = |t: Target, duty: String| NowServing {
        direct: Some((t, duty)),
        gateway: None,
    };
    let role = match was {
        Was::Gateway => return only(gateway(), "is the gateway".into()),
        Was::Memberlist => {
            let t = Target {
                service: plan.memberlist.service.clone(),
                port: plan.memberlist.port,
            };
            return only(t, "is the memberlist Service".into());
        }
        Was::Cache(name) => {
            let direct = plan.caches.iter().find(|c| c.name == name).map(|c| {
                let t = Target {
                    service: c.service.name.clone(),
                    port: c.port,
                };
                (t, format!("is the {name}"))
            });
            return NowServing {
                direct,
                gateway: None,
            };
        }
        Was::Everything => path_role,
        Was::Role(r) => path_role.filter(|_| is_client_role(r)).or(Some(r)),
    };
    let Some(role) = role else {
        return only(gateway(), "is the gateway, in front of every path".into());
    };
    let component = server(plan.mode, role).map(Component::name);
    let direct = plan
        .components
        .iter()
        .find(|c| Some(c.name) == component)
        .map(|c| {
            let t = Target {
                service: c.service.name.clone(),
                port: c.http_port,
            };
            (t, role.duty().to_owned())
        });
    NowServing {
        direct,
        gateway: is_client_role(role).then(gateway),
    }
}

/// Roles clients reach through the gateway.
fn is_client_role(r: Role) -> bool {
    matches!(r, Role::Push | Role::Query | Role::Tail | Role::Rules)
}

fn describe(now: &NowServing) -> String {
    let at = |t: &Target| format!("`{}` (port {})", t.service, t.port);
    match (&now.direct, &now.gateway) {
        (Some((t, duty)), Some(g)) => format!(
            "in this model {} {duty}, and clients reach it through the gateway {}",
            at(t),
            at(g)
        ),
        (Some((t, duty)), None) => format!("in this model {} {duty}", at(t)),
        (None, Some(g)) => format!("in this model clients go through the gateway {}", at(g)),
        (None, None) => "its job has no Service in this model".into(),
    }
}

fn hint(now: &NowServing, scheme: &str, ctx: &Context) -> String {
    match now.gateway.as_ref().or(now.direct.as_ref().map(|(t, _)| t)) {
        Some(t) => format!(
            "use `{scheme}{}.{}.svc.{}:{}`",
            t.service, ctx.plan.namespace, ctx.plan.cluster_domain, t.port
        ),
        None => RULE.fix.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(service_part("loki"), Some("loki"));
        assert_eq!(service_part("loki-write.loki"), Some("loki-write"));
        assert_eq!(
            service_part("loki-write.loki.svc.cluster.local"),
            Some("loki-write")
        );
        assert_eq!(service_part("loki.example.com"), None);
        assert_eq!(loki_suffix("loki", "loki"), Some(""));
        assert_eq!(loki_suffix("loki-write", "loki"), Some("write"));
        assert_eq!(loki_suffix("lokistack", "loki"), None);
        assert_eq!(url_role(":3100/loki/api/v1/push\""), Some(Role::Push));
        assert_eq!(url_role(":3100/loki/api/v1/query_range"), Some(Role::Query));
        assert_eq!(url_role(":3100\" } x = \"/push\""), None);
        assert_eq!(url_role(""), None);
        assert_eq!(url_role("/otlp/v1/logs"), Some(Role::Push));
        assert_eq!(
            url_role(":{{ .Values.port }}/loki/api/v1/tail"),
            Some(Role::Tail)
        );
    }
}
