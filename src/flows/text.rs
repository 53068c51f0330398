//! The report as a text table (the default), JSON and CSV.

use super::report::{Report, Totals};
use crate::diag::Style;
use crate::report::columns;

/// Bytes for people: `512 B`, `1.5 KiB`, ... `2.0 TiB`.
pub fn human(b: u64) -> String {
    const U: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < U.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", U[i])
    }
}

fn usd(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("${v:.2}"))
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The text report.
pub fn text(r: &Report, style: Style) -> String {
    let h = |s: &str| style.paint("1", s);
    let mut out = String::new();
    out.push_str(&h(&format!(
        "Loki traffic by server port ({}, zones {})",
        span_text(&r.span),
        r.zones.join(", ")
    )));
    out.push('\n');
    let mut rows = vec![
        [
            "PORT",
            "COMPONENT",
            "NAME",
            "STEERING",
            "REQ RECORDS",
            "REQ BYTES",
            "REQ CROSS-ZONE",
            "RESP RECORDS",
            "RESP BYTES",
            "RESP CROSS-ZONE",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for p in r
        .ports
        .iter()
        .filter(|p| p.request_records + p.response_records > 0)
    {
        rows.push(vec![
            p.port.to_string(),
            p.component.clone(),
            p.name.clone(),
            p.steering.as_str().into(),
            p.request_records.to_string(),
            human(p.request_bytes),
            human(p.request_cross_zone_bytes),
            p.response_records.to_string(),
            human(p.response_bytes),
            human(p.response_cross_zone_bytes),
        ]);
    }
    out.push_str(&columns(&rows));
    out.push('\n');
    out.push_str(&h(
        "Edges (client -> server; `other` is a client on a port outside the map)",
    ));
    out.push('\n');
    let mut rows = vec![
        [
            "CLIENT",
            "SERVER",
            "PORT",
            "STEERABLE",
            "BYTES",
            "CROSS-ZONE",
            "SHARE",
            "$/DAY",
            "$/MONTH",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for e in &r.edges {
        rows.push(vec![
            e.client.clone(),
            e.server.clone(),
            e.port.to_string(),
            if e.steerable {
                "yes".into()
            } else {
                format!("no ({})", e.steering.as_str())
            },
            human(e.bytes),
            human(e.cross_zone_bytes),
            pct(e.cross_zone_share),
            usd(e.cost_per_day_usd),
            usd(e.cost_per_month_usd),
        ]);
    }
    out.push_str(&columns(&rows));
    out.push('\n');
    out.push_str(&totals_text(&r.totals, r.price_per_gb));
    if let Some(c) = &r.comparison {
        out.push('\n');
        out.push_str(&h(&match c.at.as_deref() {
            Some(at) => format!("Before / after {at}"),
            None => "Baseline (before) / PATHs (after)".into(),
        }));
        out.push('\n');
        out.push_str(&format!(
            "  before: {}\n  after:  {}\n",
            span_text(&c.before),
            span_text(&c.after)
        ));
        let mut rows = vec![
            [
                "CLIENT",
                "SERVER",
                "PORT",
                "STEERABLE",
                "SHARE BEFORE",
                "SHARE AFTER",
                "$/MONTH BEFORE",
                "$/MONTH AFTER",
                "CHANGE",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for e in &c.edges {
            rows.push(vec![
                e.client.clone(),
                e.server.clone(),
                e.port.to_string(),
                if e.steerable { "yes" } else { "no" }.into(),
                pct(e.before_cross_zone_share),
                pct(e.after_cross_zone_share),
                usd(e.before_cost_per_month_usd),
                usd(e.after_cost_per_month_usd),
                usd(e.change_per_month_usd),
            ]);
        }
        out.push_str(&columns(&rows));
        out.push_str(&format!(
            "  cross-zone share {} -> {}; {} -> {} per month (change {})\n",
            pct(c.before_totals.cross_zone_share),
            pct(c.after_totals.cross_zone_share),
            usd(c.before_totals.cost_per_month_usd),
            usd(c.after_totals.cost_per_month_usd),
            usd(c.change_per_month_usd)
        ));
    }
    out.push('\n');
    out.push_str(&h("Coverage"));
    out.push('\n');
    let v = &r.coverage;
    out.push_str(&format!(
        "  files: {} ({} failed), {} read; records: {}, counted {}, not Loki {}, outside --since/--until {}\n",
        v.files, v.files_failed, human(v.input_bytes), v.records, v.counted, v.not_loki, v.outside_time
    ));
    out.push_str(&format!(
        "  NODATA: {} records ({} s); SKIPDATA: {} records ({} s)\n",
        v.nodata_records, v.nodata_seconds, v.skipdata_records, v.skipdata_seconds
    ));
    out.push_str(&format!(
        "  outside every zone: {} records, {} (counted, never as cross-zone)\n",
        v.outside_every_zone_records,
        human(v.outside_every_zone_bytes)
    ));
    if let (Some(s), Some(e)) = (&v.first_start, &v.last_end) {
        out.push_str(&format!(
            "  time range: {s} .. {e}; aggregation interval {}..{} s\n",
            v.min_interval_seconds.unwrap_or(0),
            v.max_interval_seconds.unwrap_or(0)
        ));
    }
    if v.egress_duplicates > 0 {
        out.push_str(&format!(
            "  egress captures of in-VPC flows not counted (their ingress record is): {} records, {}\n",
            v.egress_duplicates,
            human(v.egress_duplicate_bytes)
        ));
    }
    if v.files_without_flow_direction > 0 {
        if v.dedupe {
            out.push_str(&format!(
                "  {} file(s) without flow-direction: --dedupe matched {} second captures ({})\n",
                v.files_without_flow_direction,
                v.deduped,
                human(v.deduped_bytes)
            ));
        } else {
            out.push_str(&format!(
                "  {} file(s) without flow-direction: every capture counts, so byte totals are per capture (a flow between two interfaces counts twice; shares are unaffected); --dedupe matches them\n",
                v.files_without_flow_direction
            ));
        }
    }
    for s in &v.skipped {
        out.push_str(&format!(
            "  skipped {} record(s): {}{}\n",
            s.records,
            s.reason,
            match (&s.first_file, s.first_offset) {
                (Some(f), Some(o)) => format!(" (first at {f}, byte {o})"),
                _ => String::new(),
            }
        ));
    }
    if !v.unknown_header_fields.is_empty() {
        out.push_str(&format!(
            "  header fields not read: {}\n",
            v.unknown_header_fields.join(", ")
        ));
    }
    for f in &v.failures {
        out.push_str(&format!(
            "  {}: {}: {} at byte {} (the records before it count)\n",
            f.file,
            style.paint("1;31", "failed"),
            f.error,
            f.offset
        ));
    }
    out
}

fn span_text(s: &super::report::Span) -> String {
    match (&s.first_start, &s.last_end) {
        (Some(a), Some(b)) => format!("{a} .. {b}"),
        _ => "no records".into(),
    }
}

fn totals_text(t: &Totals, price: f64) -> String {
    format!(
        "Total: {} in {} records; cross-zone {} ({}): steerable by trafficDistribution {}, not {}\nCost at ${price}/GB each way: {} for the window, {}/day, {}/month ({}/month steerable)\n",
        human(t.bytes),
        t.records,
        human(t.cross_zone_bytes),
        pct(t.cross_zone_share),
        human(t.steerable_cross_zone_bytes),
        human(t.unsteerable_cross_zone_bytes),
        usd(Some(t.cost_usd)),
        usd(t.cost_per_day_usd),
        usd(t.cost_per_month_usd),
        usd(t.steerable_cost_per_month_usd),
    )
}

/// The report as JSON (the schema in docs/flows.md).
pub fn json(r: &Report) -> String {
    crate::report::to_json(r)
}

/// One row per port with the per-port fields; names and numbers only, so nothing needs
/// quoting except the `+` joined names, which are safe too.
pub fn csv(r: &Report) -> String {
    let mut out = String::from(
        "port,component,name,service,steering,steerable,request_records,request_packets,request_bytes,request_cross_zone_bytes,response_records,response_packets,response_bytes,response_cross_zone_bytes,cross_zone_bytes,cost_usd\n",
    );
    for p in &r.ports {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            p.port,
            p.component,
            p.name,
            p.service,
            p.steering.as_str(),
            p.steerable,
            p.request_records,
            p.request_packets,
            p.request_bytes,
            p.request_cross_zone_bytes,
            p.response_records,
            p.response_packets,
            p.response_bytes,
            p.response_cross_zone_bytes,
            p.cross_zone_bytes,
            p.cost_usd
        ));
    }
    out
}
