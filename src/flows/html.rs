//! The report as one self-contained HTML page: inline CSS and SVG, no script, nothing
//! fetched. Bars carry their numbers as `data-*` attributes, so a test can hold the drawing
//! to the JSON.

use super::report::{EdgeRow, Report};
use super::text::human;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const W: f64 = 560.0;
const ROW: usize = 22;
const LABEL: usize = 330;

/// Horizontal bars of cross-zone bytes per edge, steerable edges first, each group with its
/// subtotal.
fn edges_svg(r: &Report) -> String {
    let mut groups: Vec<(&str, Vec<&EdgeRow>)> = vec![
        (
            "steerable by trafficDistribution",
            r.edges.iter().filter(|e| e.steerable).collect(),
        ),
        (
            "not steerable",
            r.edges.iter().filter(|e| !e.steerable).collect(),
        ),
    ];
    for (_, g) in &mut groups {
        g.sort_by(|a, b| {
            b.cross_zone_bytes
                .cmp(&a.cross_zone_bytes)
                .then(a.port.cmp(&b.port))
        });
    }
    let max = r
        .edges
        .iter()
        .map(|e| e.cross_zone_bytes)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let rows: usize = groups.iter().map(|(_, g)| g.len() + 1).sum();
    let h = rows * ROW + 10;
    let mut s = format!(
        "<svg id=\"edges\" width=\"{}\" height=\"{h}\" role=\"img\" aria-label=\"cross-zone bytes per edge\">\n",
        LABEL + W as usize + 120
    );
    let mut y = 5;
    for (title, g) in &groups {
        let steer = title.starts_with("steerable");
        let total: u64 = g.iter().map(|e| e.cross_zone_bytes).sum();
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\" class=\"group\" data-steerable=\"{steer}\" data-total=\"{total}\">{} ({})</text>\n",
            y + 15,
            esc(title),
            human(total)
        ));
        y += ROW;
        for e in g {
            let w = e.cross_zone_bytes as f64 / max * W;
            s.push_str(&format!(
                "<text x=\"0\" y=\"{ty}\">{client} \u{2192} {server}:{port}</text>\
                 <rect class=\"bar {cls}\" x=\"{LABEL}\" y=\"{y}\" width=\"{w:.2}\" height=\"{bh}\" \
                 data-client=\"{client}\" data-port=\"{port}\" data-bytes=\"{b}\" data-steerable=\"{steer}\"/>\
                 <text x=\"{tx:.2}\" y=\"{ty}\">{hb} ({share:.1}%)</text>\n",
                ty = y + 15,
                client = esc(&e.client),
                server = esc(&e.server),
                port = e.port,
                cls = if steer { "steer" } else { "fixed" },
                bh = ROW - 6,
                b = e.cross_zone_bytes,
                tx = LABEL as f64 + w + 6.0,
                hb = human(e.cross_zone_bytes),
                share = e.cross_zone_share * 100.0,
            ));
            y += ROW;
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Paired bars of the cross-zone share before and after, per edge.
fn compare_svg(r: &Report) -> String {
    let Some(c) = &r.comparison else {
        return String::new();
    };
    let h = c.edges.len() * ROW * 2 + 10;
    let mut s = format!(
        "<svg id=\"compare\" width=\"{}\" height=\"{h}\" role=\"img\" aria-label=\"cross-zone share before and after\">\n",
        LABEL + W as usize + 120
    );
    let mut y = 5;
    for e in &c.edges {
        for (when, share) in [
            ("before", e.before_cross_zone_share),
            ("after", e.after_cross_zone_share),
        ] {
            let w = share * W;
            s.push_str(&format!(
                "<text x=\"0\" y=\"{ty}\">{client} \u{2192} {server}:{port} {when}</text>\
                 <rect class=\"bar {when}\" x=\"{LABEL}\" y=\"{y}\" width=\"{w:.2}\" height=\"{bh}\" \
                 data-client=\"{client}\" data-port=\"{port}\" data-window=\"{when}\" data-share=\"{share}\"/>\
                 <text x=\"{tx:.2}\" y=\"{ty}\">{p:.1}%</text>\n",
                ty = y + 15,
                client = esc(&e.client),
                server = esc(&e.server),
                port = e.port,
                bh = ROW - 6,
                tx = LABEL as f64 + w + 6.0,
                p = share * 100.0,
            ));
            y += ROW;
        }
    }
    s.push_str("</svg>\n");
    s
}

fn usd(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("${v:.2}"))
}

/// The page.
pub fn page(r: &Report) -> String {
    let t = &r.totals;
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>portplan flows</title>\n<style>\n\
         body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }\n\
         table { border-collapse: collapse; margin: 1em 0; }\n\
         td, th { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: right; }\n\
         td:first-child, th:first-child, td.l { text-align: left; }\n\
         svg text { font: 12px system-ui, sans-serif; fill: #222; }\n\
         svg text.group { font-weight: bold; }\n\
         rect.steer { fill: #2a9d8f; } rect.fixed { fill: #e76f51; }\n\
         rect.before { fill: #adb5bd; } rect.after { fill: #264653; }\n\
         .key span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; }\n\
         </style>\n</head>\n<body>\n",
    );
    out.push_str(&format!(
        "<h1>Cross-zone Loki traffic: {} / {}</h1>\n<p>{} .. {} ({} s); zones {}.</p>\n",
        esc(&r.release),
        esc(&r.namespace),
        esc(r.span.first_start.as_deref().unwrap_or("-")),
        esc(r.span.last_end.as_deref().unwrap_or("-")),
        r.span.seconds,
        esc(&r.zones.join(", "))
    ));
    out.push_str(&format!(
        "<p id=\"totals\" data-cross=\"{}\" data-steerable=\"{}\">Cross-zone: <b>{}</b> of {} ({:.1}%); \
         steerable by trafficDistribution <b>{}</b>, not steerable <b>{}</b>. \
         At ${}/GB each way: {} for the window, {}/day, <b>{}/month</b> ({}/month steerable).</p>\n",
        t.cross_zone_bytes,
        t.steerable_cross_zone_bytes,
        human(t.cross_zone_bytes),
        human(t.bytes),
        t.cross_zone_share * 100.0,
        human(t.steerable_cross_zone_bytes),
        human(t.unsteerable_cross_zone_bytes),
        r.price_per_gb,
        usd(Some(t.cost_usd)),
        usd(t.cost_per_day_usd),
        usd(t.cost_per_month_usd),
        usd(t.steerable_cost_per_month_usd),
    ));
    out.push_str("<h2>Cross-zone bytes per edge (client \u{2192} server)</h2>\n<p class=\"key\"><span style=\"background:#2a9d8f\"></span>steerable (ClusterIP Service)<span style=\"background:#e76f51\"></span>not steerable (ring, headless, gossip, DNS discovery, direct)</p>\n");
    out.push_str(&edges_svg(r));
    if let Some(c) = &r.comparison {
        out.push_str(&format!(
            "<h2>Before / after{}</h2>\n<p>before {} .. {}, after {} .. {}; cross-zone share {:.1}% \u{2192} {:.1}%; {} \u{2192} {} per month (change <b>{}</b>).</p>\n<p class=\"key\"><span style=\"background:#adb5bd\"></span>before<span style=\"background:#264653\"></span>after</p>\n",
            c.at.as_deref().map(|a| format!(" {}", esc(a))).unwrap_or_default(),
            esc(c.before.first_start.as_deref().unwrap_or("-")),
            esc(c.before.last_end.as_deref().unwrap_or("-")),
            esc(c.after.first_start.as_deref().unwrap_or("-")),
            esc(c.after.last_end.as_deref().unwrap_or("-")),
            c.before_totals.cross_zone_share * 100.0,
            c.after_totals.cross_zone_share * 100.0,
            usd(c.before_totals.cost_per_month_usd),
            usd(c.after_totals.cost_per_month_usd),
            usd(c.change_per_month_usd),
        ));
        out.push_str(&compare_svg(r));
        out.push_str("<table><tr><th>edge</th><th>steerable</th><th>share before</th><th>share after</th><th>$/month before</th><th>$/month after</th><th>change</th></tr>\n");
        for e in &c.edges {
            out.push_str(&format!(
                "<tr><td>{} \u{2192} {}:{}</td><td>{}</td><td>{:.1}%</td><td>{:.1}%</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(&e.client),
                esc(&e.server),
                e.port,
                if e.steerable { "yes" } else { "no" },
                e.before_cross_zone_share * 100.0,
                e.after_cross_zone_share * 100.0,
                usd(e.before_cost_per_month_usd),
                usd(e.after_cost_per_month_usd),
                usd(e.change_per_month_usd)
            ));
        }
        out.push_str("</table>\n");
    }
    out.push_str("<h2>Edges</h2>\n<table><tr><th>client</th><th>server</th><th>port</th><th>steering</th><th>records</th><th>bytes</th><th>cross-zone</th><th>share</th><th>$/day</th><th>$/month</th></tr>\n");
    for e in &r.edges {
        out.push_str(&format!(
            "<tr><td>{}</td><td class=\"l\">{}</td><td>{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1}%</td><td>{}</td><td>{}</td></tr>\n",
            esc(&e.client),
            esc(&e.server),
            e.port,
            e.steering.as_str(),
            e.records,
            human(e.bytes),
            human(e.cross_zone_bytes),
            e.cross_zone_share * 100.0,
            usd(e.cost_per_day_usd),
            usd(e.cost_per_month_usd)
        ));
    }
    out.push_str("</table>\n<h2>Coverage</h2>\n<table>\n");
    let v = &r.coverage;
    let rows: Vec<(&str, String)> = vec![
        (
            "files (failed)",
            format!("{} ({})", v.files, v.files_failed),
        ),
        ("records read", v.records.to_string()),
        ("counted", v.counted.to_string()),
        ("not Loki", v.not_loki.to_string()),
        ("outside --since/--until", v.outside_time.to_string()),
        (
            "NODATA records (seconds)",
            format!("{} ({})", v.nodata_records, v.nodata_seconds),
        ),
        (
            "SKIPDATA records (seconds)",
            format!("{} ({})", v.skipdata_records, v.skipdata_seconds),
        ),
        (
            "outside every zone",
            format!(
                "{} records, {}",
                v.outside_every_zone_records,
                human(v.outside_every_zone_bytes)
            ),
        ),
        (
            "egress twins not counted",
            format!(
                "{} records, {}",
                v.egress_duplicates,
                human(v.egress_duplicate_bytes)
            ),
        ),
        (
            "files without flow-direction",
            v.files_without_flow_direction.to_string(),
        ),
    ];
    for (k, val) in rows {
        out.push_str(&format!("<tr><td>{k}</td><td>{}</td></tr>\n", esc(&val)));
    }
    for s in &v.skipped {
        out.push_str(&format!(
            "<tr><td>skipped: {}</td><td>{}</td></tr>\n",
            esc(s.reason),
            s.records
        ));
    }
    for f in &v.failures {
        out.push_str(&format!(
            "<tr><td>failed: {}</td><td>{} at byte {}</td></tr>\n",
            esc(&f.file),
            esc(&f.error),
            f.offset
        ));
    }
    out.push_str("</table>\n</body>\n</html>\n");
    out
}
