//! `client-port-drift`: a URL or `host:port` naming one of the release's Services with a
//! port the model does not give that Service.
//!
//! Clients live outside the chart: an Alloy `loki.write` endpoint inline in an Argo CD
//! Application, a Grafana datasource, another team's config. When the distributor moved from
//! 4100 to 4101 the chart followed but Alloy kept posting to `...-distributor...:4100`, and
//! every batch was dropped after timeouts. Any text file can hold such an address, so this
//! rule reads every file as text: it finds the release's Service names (short, `.ns`,
//! `.ns.svc` or the FQDN) followed by `:<port>` and checks the port against the Plan.
//! An `http://` URL without a port dials 80 (`https://` 443), and is checked as such; other
//! references without a port, and names that are not the release's Services, are left alone.

use super::{Check, FileOutcome, FileRule, Reads, RuleInfo, SourceFile};
use crate::diag::Severity;
use crate::lint::Finding;
use crate::lint::context::{Context, ServicePorts};
use crate::lint::position::location_of;

pub static RULE: RuleInfo = RuleInfo {
    slug: "client-port-drift",
    severity: Severity::Error,
    summary: "an address of one of the release's Services uses a port the model does not give it",
    fix: "use the port the model gives the Service (`portplan ports` lists them)",
    check: Check::Files(&ClientPortDrift),
};

struct ClientPortDrift;

impl FileRule for ClientPortDrift {
    fn reads(&self) -> Reads {
        Reads::ReleaseNames
    }

    fn check(&self, file: &SourceFile<'_>, ctx: &Context, out: &mut FileOutcome) {
        check_text(file.path, file.text, ctx, &mut out.findings);
    }
}

/// Checks every `<release>-...` host followed by a port in `text`.
fn check_text(path: &str, text: &str, ctx: &Context, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    for start in ctx.prefix().find_iter(bytes) {
        if start > 0 && is_host_byte(bytes[start - 1]) {
            continue;
        }
        let end = start
            + bytes[start..]
                .iter()
                .take_while(|b| is_host_byte(**b))
                .count();
        let host = text[start..end].trim_end_matches('.');
        let Some(service) = ctx.service_for_host(host) else {
            continue;
        };
        let scheme = scheme_before(bytes, start);
        let Some((port, port_start)) =
            port_after(bytes, end).or_else(|| implied_port(bytes, end, scheme))
        else {
            continue;
        };
        let implied = bytes.get(end) != Some(&b':');
        if let Some((_, name)) = service.ports.iter().find(|(p, _)| *p == port) {
            // Right Service, right number, wrong protocol: an http:// URL on the gRPC port
            // fails just like a stale port.
            if scheme.starts_with("http") && *name == "grpc" {
                out.push(Finding::at(
                    &RULE,
                    path,
                    location_of(bytes, port_start),
                    format!(
                        "`{}:{port}`: {port} is the gRPC port of Service {}; an {scheme} URL needs its HTTP port",
                        &text[start..end],
                        service.name
                    ),
                    hint(service, scheme, &text[start..end]),
                ));
            }
            continue;
        }
        let at = location_of(bytes, port_start);
        let written = if implied {
            format!(
                "`{scheme}{}` has no port, so it means {port}",
                &text[start..end]
            )
        } else {
            format!("`{}:{port}`", &text[start..end])
        };
        out.push(Finding::at(
            &RULE,
            path,
            at,
            format!(
                "{written}: Service {} has no port {port}; the model gives it {}",
                service.name,
                list_ports(service)
            ),
            hint(service, scheme, &text[start..end]),
        ));
    }
}

/// Host names are DNS names; `_` is included so `foo_loki-v3-x` is not read as a host.
fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_'
}

/// `:<digits>` right after the host, ending at a non-alphanumeric byte; the port and where
/// its digits start.
fn port_after(bytes: &[u8], end: usize) -> Option<(u16, usize)> {
    if bytes.get(end) != Some(&b':') {
        return None;
    }
    let digits = bytes[end + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || digits > 5 {
        return None;
    }
    let after = end + 1 + digits;
    if bytes.get(after).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let port: u32 = std::str::from_utf8(&bytes[end + 1..after])
        .ok()?
        .parse()
        .ok()?;
    Some((u16::try_from(port).ok().filter(|p| *p > 0)?, end + 1))
}

/// The port an `http://` or `https://` URL without one dials (80, 443), and where the port
/// would be written (right after the host). Only when the host ends the authority: a `:`
/// there starts a port that [`port_after`] did not read (a template), which says nothing.
fn implied_port(bytes: &[u8], end: usize, scheme: &str) -> Option<(u16, usize)> {
    let port = match scheme {
        "http://" => 80,
        "https://" => 443,
        _ => return None,
    };
    match bytes.get(end) {
        None
        | Some(
            b'/' | b'"' | b'\'' | b'`' | b'?' | b'#' | b' ' | b'\t' | b'\r' | b'\n' | b',' | b')'
            | b'}' | b']',
        ) => Some((port, end)),
        _ => None,
    }
}

/// The URL scheme written right before the host (`http://`, `dns+`, `dns:///`), if any.
fn scheme_before(bytes: &[u8], start: usize) -> &'static str {
    let before = &bytes[..start];
    for scheme in ["https://", "http://", "dns+", "dnssrv+", "dns:///"] {
        if before.ends_with(scheme.as_bytes()) {
            return scheme;
        }
    }
    ""
}

fn list_ports(s: &ServicePorts) -> String {
    let items: Vec<String> = s.ports.iter().map(|(p, n)| format!("{p} ({n})")).collect();
    items.join(", ")
}

/// The port the address most likely meant: the HTTP port for an `http://` URL, the only port
/// of a one-port Service, else the list.
fn hint(s: &ServicePorts, scheme: &str, host: &str) -> String {
    let http = s
        .ports
        .iter()
        .find(|(_, n)| *n == "http-metrics" || *n == "http-memberlist" || *n == "client");
    let pick = match (scheme, s.ports.as_slice()) {
        (_, [only]) => Some(only),
        ("http://" | "https://", _) => http,
        ("dns+" | "dnssrv+", _) => s.ports.iter().find(|(_, n)| *n == "client"),
        _ => None,
    };
    match pick {
        Some((p, n)) => format!("use port {p} ({n}): `{scheme}{host}:{p}`"),
        None => format!(
            "use one of the ports the model gives {}: {}",
            s.name,
            list_ports(s)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        assert_eq!(port_after(b"x:4100/loki", 1), Some((4100, 2)));
        assert_eq!(port_after(b"x:4100\"", 1), Some((4100, 2)));
        assert_eq!(port_after(b"x:4100", 1), Some((4100, 2)));
        assert_eq!(port_after(b"x: 4100", 1), None);
        assert_eq!(port_after(b"x:41a", 1), None);
        assert_eq!(port_after(b"x:99999", 1), None);
        assert_eq!(port_after(b"x:{{ .p }}", 1), None);
        assert_eq!(scheme_before(b"url: http://h", 12), "http://");
        assert_eq!(implied_port(b"http://h/x", 8, "http://"), Some((80, 8)));
        assert_eq!(implied_port(b"https://h", 9, "https://"), Some((443, 9)));
        assert_eq!(implied_port(b"h:{{ .p }}", 1, "http://"), None);
        assert_eq!(implied_port(b"dns+h", 5, "dns+"), None);
    }

    fn findings(text: &str) -> Vec<Finding> {
        let source =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/portplan.yaml")).unwrap();
        let lm = crate::model::parse_model("portplan.yaml", source).unwrap();
        let plan = crate::plan::build_plan(&lm).unwrap();
        let ctx = Context::new(plan, "portplan.yaml");
        let mut out = Vec::new();
        check_text("a.yaml", text, &ctx, &mut out);
        out
    }

    #[test]
    fn http_on_the_grpc_port_is_drift() {
        let host = "loki-v3-distributor.loki-v3.svc.cluster.local";
        assert!(findings(&format!("url: http://{host}:4101/loki/api/v1/push")).is_empty());
        assert!(findings(&format!("addr: {host}:4201")).is_empty());
        let f = findings(&format!("url: http://{host}:4201/loki/api/v1/push"));
        assert_eq!(f.len(), 1);
        let msg = &f[0].diagnostic.message;
        assert!(msg.contains("4201 is the gRPC port"), "{msg}");
    }

    #[test]
    fn a_url_without_a_port_dials_80() {
        let f = findings("url: http://loki-v3-gateway.loki-v3.svc.cluster.local/loki/api/v1/push");
        assert_eq!(f.len(), 1);
        let msg = &f[0].diagnostic.message;
        assert!(msg.contains("has no port, so it means 80"), "{msg}");
        assert!(findings("see loki-v3-gateway for pushes").is_empty());
    }

    #[test]
    fn only_loki_components_have_headless_services() {
        assert!(!findings("x: loki-v3-distributor-headless:4100").is_empty());
        // The gateway has no headless Service: the name is not the release's, so it is left alone.
        assert!(findings("x: loki-v3-gateway-headless:1").is_empty());
    }
}
