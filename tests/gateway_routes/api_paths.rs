//! Every Loki API path a client uses, and what each must reach.

use super::*;

/// What a request must reach.
pub enum Want {
    /// The plan's upstream of this role.
    Role(&'static str),
    /// nginx answers itself with this status, and no upstream sees the request.
    Nginx(u16),
    /// Sent, but the plan names no upstream for it (no ruler, no compactor): reported only.
    Unplanned,
}

/// Every Loki API path a client uses, with the upstream the plan's roles give it.
pub fn cases(roles: &BTreeSet<String>) -> Vec<(&'static str, &'static str, bool, Want)> {
    let has = |r: &str| roles.contains(r);
    let role_or_unplanned = |r: &'static str| {
        if has(r) {
            Want::Role(r)
        } else {
            Want::Unplanned
        }
    };
    let mut c = vec![
        ("POST", "/loki/api/v1/push", false, Want::Role("write")),
        ("POST", "/api/prom/push", false, Want::Role("write")),
        ("POST", "/otlp/v1/logs", false, Want::Role("write")),
        ("GET", "/loki/api/v1/query", false, Want::Role("read")),
        ("GET", "/loki/api/v1/query_range", false, Want::Role("read")),
        ("GET", "/loki/api/v1/labels", false, Want::Role("read")),
        (
            "GET",
            "/loki/api/v1/label/job/values",
            false,
            Want::Role("read"),
        ),
        ("GET", "/loki/api/v1/series", false, Want::Role("read")),
        ("POST", "/loki/api/v1/series", false, Want::Role("read")),
        ("GET", "/loki/api/v1/index/stats", false, Want::Role("read")),
        (
            "GET",
            "/loki/api/v1/index/volume",
            false,
            Want::Role("read"),
        ),
        ("GET", "/loki/api/v1/patterns", false, Want::Role("read")),
        ("GET", "/api/prom/query", false, Want::Role("read")),
        ("GET", "/api/prom/label", false, Want::Role("read")),
        ("GET", "/loki/api/v1/tail", true, Want::Role("tail")),
        ("GET", "/api/prom/tail", true, Want::Role("tail")),
        (
            "GET",
            "/loki/api/v1/rules",
            false,
            role_or_unplanned("ruler"),
        ),
        (
            "GET",
            "/loki/api/v1/rules/team-a",
            false,
            role_or_unplanned("ruler"),
        ),
        (
            "POST",
            "/loki/api/v1/rules/team-a",
            false,
            role_or_unplanned("ruler"),
        ),
        (
            "DELETE",
            "/loki/api/v1/rules/team-a/group-1",
            false,
            role_or_unplanned("ruler"),
        ),
        ("GET", "/api/prom/rules", false, role_or_unplanned("ruler")),
        (
            "GET",
            "/prometheus/api/v1/rules",
            false,
            role_or_unplanned("ruler"),
        ),
        (
            "GET",
            "/prometheus/api/v1/alerts",
            false,
            role_or_unplanned("ruler"),
        ),
        // The delete API is the compactor's; the gateway routes it only where the plan has a
        // compactor upstream.
        (
            "POST",
            "/loki/api/v1/delete",
            false,
            role_or_unplanned("compactor"),
        ),
        (
            "GET",
            "/loki/api/v1/delete",
            false,
            role_or_unplanned("compactor"),
        ),
        (
            "DELETE",
            "/loki/api/v1/delete",
            false,
            role_or_unplanned("compactor"),
        ),
        (
            "GET",
            "/compactor/ring",
            false,
            role_or_unplanned("compactor"),
        ),
        // The gateway's own readiness (its probe's path); Loki's /ready and /metrics are per
        // pod, not routed through the gateway.
        ("GET", "/", false, Want::Nginx(200)),
        ("GET", "/ready", false, Want::Nginx(404)),
        ("GET", "/metrics", false, Want::Nginx(404)),
        ("GET", "/nothing/here", false, Want::Nginx(404)),
    ];
    // Queries carry their parameters: the upstream must get the URI exactly as sent.
    for case in &mut c {
        case.1 = match case.1 {
            "/loki/api/v1/query" => "/loki/api/v1/query?query=%7Bjob%3D%22varlogs%22%7D&limit=10",
            "/loki/api/v1/query_range" => {
                "/loki/api/v1/query_range?query=%7Bjob%3D%22varlogs%22%7D&start=1700000000&end=1700003600&step=60"
            }
            "/loki/api/v1/series" if case.0 == "GET" => {
                "/loki/api/v1/series?match%5B%5D=%7Bjob%3D%22varlogs%22%7D"
            }
            "/loki/api/v1/tail" => "/loki/api/v1/tail?query=%7Bjob%3D%22varlogs%22%7D&limit=10",
            "/loki/api/v1/delete" if case.0 == "POST" => {
                "/loki/api/v1/delete?query=%7Bjob%3D%22varlogs%22%7D&start=1700000000"
            }
            "/loki/api/v1/delete" if case.0 == "DELETE" => "/loki/api/v1/delete?request_id=abc",
            p => p,
        };
    }
    c
}

/// The path of every generated Alloy client that sends through the gateway (`loki.write`'s
/// push URL, or the OTLP exporter's `/otlp/v1/logs`): each must reach the write upstream, so
/// the clients' URLs and the gateway's routes cannot drift apart.
pub fn client_cases(plan: &Value) -> Vec<(&'static str, String, bool, Want)> {
    let gateway = plan["addresses"]["gateway"]["address"].as_str().unwrap();
    plan["clients"]["alloy"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["via"] == "gateway")
        .map(|c| {
            let url = c["url"].as_str().unwrap();
            let path = url
                .strip_prefix(gateway)
                .unwrap_or_else(|| panic!("{url} is not under the gateway's address {gateway}"));
            ("POST", path.to_owned(), false, Want::Role("write"))
        })
        .collect()
}
