//! The merged counts as a report: per port, per client -> server edge, totals, cost, the
//! before/after comparison and coverage. Every output format (text, JSON, CSV, HTML)
//! prints this one structure; its JSON form is the documented schema (docs/flows.md).

use serde::Serialize;

use super::aggregate::{Agg, Cell, Coverage, REQUEST, RESPONSE};
use super::portmap::{PortMap, Steering};
use super::time;

/// The JSON schema's identifier; bumped on an incompatible change.
pub const SCHEMA: &str = "portplan.flows/v1";
/// AWS bills data transfer per GB of 2^30 bytes.
pub const GB: f64 = 1_073_741_824.0;

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub release: String,
    pub namespace: String,
    /// USD per GB (2^30 bytes), charged once leaving a zone and once entering the other.
    pub price_per_gb: f64,
    pub zones: Vec<String>,
    /// The records counted at the top level: every window with `--compare-at`, the PATHs
    /// (not the baseline) with `--baseline`.
    pub span: Span,
    pub ports: Vec<PortRow>,
    pub edges: Vec<EdgeRow>,
    pub totals: Totals,
    pub comparison: Option<Comparison>,
    pub coverage: CoverageOut,
}

/// A time range of counted records.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Span {
    pub first_start: Option<String>,
    pub last_end: Option<String>,
    pub seconds: u64,
}

/// One Loki port: its traffic as the server side, split into requests (the port is
/// `dstport`) and responses (`srcport`).
#[derive(Clone, Debug, Serialize)]
pub struct PortRow {
    pub port: u16,
    pub component: String,
    pub name: String,
    pub service: String,
    pub steering: Steering,
    pub steerable: bool,
    pub request_records: u64,
    pub request_packets: u64,
    pub request_bytes: u64,
    pub request_cross_zone_bytes: u64,
    pub response_records: u64,
    pub response_packets: u64,
    pub response_bytes: u64,
    pub response_cross_zone_bytes: u64,
    pub cross_zone_bytes: u64,
    pub cost_usd: f64,
}

/// Bytes between one pair of zones, oriented client -> server. `null` is "in no zone".
#[derive(Clone, Debug, Serialize)]
pub struct ZonePair {
    pub client_zone: Option<String>,
    pub server_zone: Option<String>,
    pub bytes: u64,
}

/// Traffic from one client (a Loki port, or `other` for ephemeral ports) to one server port.
#[derive(Clone, Debug, Serialize)]
pub struct EdgeRow {
    pub client: String,
    pub server: String,
    pub port: u16,
    pub name: String,
    pub service: String,
    pub steering: Steering,
    pub steerable: bool,
    pub records: u64,
    pub packets: u64,
    pub request_bytes: u64,
    pub response_bytes: u64,
    pub bytes: u64,
    pub cross_zone_bytes: u64,
    /// Cross-zone bytes / bytes (0 when there are none).
    pub cross_zone_share: f64,
    pub zone_pairs: Vec<ZonePair>,
    pub cost_usd: f64,
    pub cost_per_day_usd: Option<f64>,
    pub cost_per_month_usd: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub records: u64,
    pub packets: u64,
    pub bytes: u64,
    pub cross_zone_bytes: u64,
    pub cross_zone_share: f64,
    /// Cross-zone bytes on edges trafficDistribution can steer.
    pub steerable_cross_zone_bytes: u64,
    pub unsteerable_cross_zone_bytes: u64,
    pub cost_usd: f64,
    pub cost_per_day_usd: Option<f64>,
    pub cost_per_month_usd: Option<f64>,
    pub steerable_cost_per_month_usd: Option<f64>,
}

/// Before and after (`--compare-at` or `--baseline`).
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// `compare-at` or `baseline`.
    pub mode: &'static str,
    pub at: Option<String>,
    pub before: Span,
    pub after: Span,
    pub edges: Vec<CompareRow>,
    pub before_totals: Totals,
    pub after_totals: Totals,
    /// after - before, per month; `null` when a window has no duration.
    pub change_per_month_usd: Option<f64>,
}

/// One edge in both windows.
#[derive(Clone, Debug, Serialize)]
pub struct CompareRow {
    pub client: String,
    pub server: String,
    pub port: u16,
    pub steerable: bool,
    pub before_bytes: u64,
    pub before_cross_zone_bytes: u64,
    pub before_cross_zone_share: f64,
    pub after_bytes: u64,
    pub after_cross_zone_bytes: u64,
    pub after_cross_zone_share: f64,
    pub before_cost_per_month_usd: Option<f64>,
    pub after_cost_per_month_usd: Option<f64>,
    pub change_per_month_usd: Option<f64>,
}

/// A skip reason with its count and first occurrence.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    pub reason: &'static str,
    pub records: u64,
    pub first_file: Option<String>,
    pub first_offset: Option<u64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CoverageOut {
    pub files: u64,
    pub files_failed: u64,
    pub input_bytes: u64,
    pub records: u64,
    pub headers: u64,
    pub counted: u64,
    pub not_loki: u64,
    pub outside_time: u64,
    pub nodata_records: u64,
    pub nodata_seconds: u64,
    pub skipdata_records: u64,
    pub skipdata_seconds: u64,
    pub skipped: Vec<Skipped>,
    /// Counted records with an end in no zone (or without an address): their bytes are in
    /// the totals, never in the cross-zone bytes.
    pub outside_every_zone_records: u64,
    pub outside_every_zone_bytes: u64,
    pub egress_duplicates: u64,
    pub egress_duplicate_bytes: u64,
    pub deduped: u64,
    pub deduped_bytes: u64,
    /// Files whose format has no `flow-direction`: each capture of a flow counted (byte
    /// totals are per capture, shares unaffected) unless `--dedupe`.
    pub files_without_flow_direction: u64,
    pub dedupe: bool,
    pub first_start: Option<String>,
    pub last_end: Option<String>,
    pub min_interval_seconds: Option<u64>,
    pub max_interval_seconds: Option<u64>,
    pub unknown_header_fields: Vec<String>,
    pub failures: Vec<super::aggregate::FileFailure>,
}

/// Inputs the report needs besides the counts.
pub struct Meta<'a> {
    pub release: &'a str,
    pub namespace: &'a str,
    pub price_per_gb: f64,
    pub zones: &'a [String],
    /// The names of `flows.clients`, client indexes after the slots.
    pub clients: &'a [String],
    pub compare: Option<(&'static str, Option<u64>)>,
    pub dedupe: bool,
}

/// Dollars for `cross` bytes that cross a zone boundary: billed out of one zone and into
/// the other.
pub fn cost(cross: u64, price: f64) -> f64 {
    round(cross as f64 / GB * price * 2.0)
}

/// Six decimals: cents of a cent, and the same digits on every machine.
fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn per(cost: f64, secs: u64, period: u64) -> Option<f64> {
    (secs > 0).then(|| round(cost * period as f64 / secs as f64))
}

const DAY: u64 = 86_400;
const MONTH: u64 = 30 * DAY;

fn span_of(agg: &Agg, windows: &[usize]) -> Span {
    let (mut s, mut e) = (u64::MAX, 0);
    for &w in windows {
        s = s.min(agg.span[w].0);
        e = e.max(agg.span[w].1);
    }
    if s == u64::MAX {
        return Span::default();
    }
    Span {
        first_start: Some(time::format(s)),
        last_end: Some(time::format(e)),
        seconds: e.saturating_sub(s),
    }
}

/// Per (client, server): [request, response] cells and zone pairs, over `windows`.
struct EdgeAcc {
    dir: [Cell; 2],
    cross: u64,
    pairs: std::collections::BTreeMap<(usize, usize), u64>,
}

fn edges_of(agg: &Agg, windows: &[usize]) -> std::collections::BTreeMap<(usize, usize), EdgeAcc> {
    let d = agg.dims;
    let none = d.zones1 - 1;
    let mut m = std::collections::BTreeMap::new();
    for (i, c) in agg.cells.iter().enumerate() {
        if c.records == 0 {
            continue;
        }
        let (w, server, dir, client, zc, zs) = d.key(i);
        if !windows.contains(&w) {
            continue;
        }
        let e = m.entry((server, client)).or_insert_with(|| EdgeAcc {
            dir: [Cell::default(); 2],
            cross: 0,
            pairs: Default::default(),
        });
        e.dir[dir].merge(c);
        if zc != none && zs != none && zc != zs {
            e.cross += c.bytes;
        }
        *e.pairs.entry((zc, zs)).or_default() += c.bytes;
    }
    m
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        round(part as f64 / whole as f64)
    }
}

fn client_name(pm: &PortMap, meta: &Meta, client: usize) -> String {
    match pm.slots.get(client) {
        Some(s) => s.component.clone(),
        None => meta
            .clients
            .get(client - pm.slots.len())
            .map_or_else(|| "other".to_owned(), Clone::clone),
    }
}

fn edge_rows(agg: &Agg, pm: &PortMap, meta: &Meta, windows: &[usize], secs: u64) -> Vec<EdgeRow> {
    let none = agg.dims.zones1 - 1;
    let zone = |z: usize| (z != none).then(|| meta.zones[z].clone());
    edges_of(agg, windows)
        .into_iter()
        .map(|((server, client), e)| {
            let s = &pm.slots[server];
            let bytes = e.dir[REQUEST].bytes + e.dir[RESPONSE].bytes;
            let c = cost(e.cross, meta.price_per_gb);
            EdgeRow {
                client: client_name(pm, meta, client),
                server: s.component.clone(),
                port: s.port,
                name: s.name.clone(),
                service: s.service.clone(),
                steering: s.steering,
                steerable: s.steering.steerable(),
                records: e.dir[0].records + e.dir[1].records,
                packets: e.dir[0].packets + e.dir[1].packets,
                request_bytes: e.dir[REQUEST].bytes,
                response_bytes: e.dir[RESPONSE].bytes,
                bytes,
                cross_zone_bytes: e.cross,
                cross_zone_share: share(e.cross, bytes),
                zone_pairs: e
                    .pairs
                    .iter()
                    .map(|(&(zc, zs), &b)| ZonePair {
                        client_zone: zone(zc),
                        server_zone: zone(zs),
                        bytes: b,
                    })
                    .collect(),
                cost_usd: c,
                cost_per_day_usd: per(c, secs, DAY),
                cost_per_month_usd: per(c, secs, MONTH),
            }
        })
        .collect()
}

fn sum_totals(edges: &[EdgeRow], price: f64, secs: u64) -> Totals {
    let mut t = Totals::default();
    for e in edges {
        t.records += e.records;
        t.packets += e.packets;
        t.bytes += e.bytes;
        t.cross_zone_bytes += e.cross_zone_bytes;
        if e.steerable {
            t.steerable_cross_zone_bytes += e.cross_zone_bytes;
        } else {
            t.unsteerable_cross_zone_bytes += e.cross_zone_bytes;
        }
    }
    t.cross_zone_share = share(t.cross_zone_bytes, t.bytes);
    t.cost_usd = cost(t.cross_zone_bytes, price);
    t.cost_per_day_usd = per(t.cost_usd, secs, DAY);
    t.cost_per_month_usd = per(t.cost_usd, secs, MONTH);
    t.steerable_cost_per_month_usd = per(cost(t.steerable_cross_zone_bytes, price), secs, MONTH);
    t
}

/// Builds the report from the merged counts.
pub fn build(agg: &Agg, pm: &PortMap, meta: &Meta) -> Report {
    let top: Vec<usize> = match meta.compare {
        Some(("baseline", _)) => vec![1],
        _ => (0..agg.dims.windows).collect(),
    };
    let span = span_of(agg, &top);
    let edges = edge_rows(agg, pm, meta, &top, span.seconds);
    let ports = port_rows(agg, pm, meta, &top);
    let totals = sum_totals(&edges, meta.price_per_gb, span.seconds);
    let comparison = meta.compare.map(|(mode, at)| {
        let (b, a) = (span_of(agg, &[0]), span_of(agg, &[1]));
        let be = edge_rows(agg, pm, meta, &[0], b.seconds);
        let ae = edge_rows(agg, pm, meta, &[1], a.seconds);
        let mut keys: Vec<(u16, String)> = be
            .iter()
            .chain(&ae)
            .map(|e| (e.port, e.client.clone()))
            .collect();
        keys.sort();
        keys.dedup();
        let rows = keys
            .into_iter()
            .map(|(port, client)| {
                let find = |v: &[EdgeRow]| {
                    v.iter()
                        .find(|e| e.port == port && e.client == client)
                        .cloned()
                };
                let (x, y) = (find(&be), find(&ae));
                let any = x
                    .as_ref()
                    .or(y.as_ref())
                    .expect("the key came from one side");
                let bm = x.as_ref().map_or(Some(0.0), |e| e.cost_per_month_usd);
                let am = y.as_ref().map_or(Some(0.0), |e| e.cost_per_month_usd);
                CompareRow {
                    client,
                    server: any.server.clone(),
                    port,
                    steerable: any.steerable,
                    before_bytes: x.as_ref().map_or(0, |e| e.bytes),
                    before_cross_zone_bytes: x.as_ref().map_or(0, |e| e.cross_zone_bytes),
                    before_cross_zone_share: x.as_ref().map_or(0.0, |e| e.cross_zone_share),
                    after_bytes: y.as_ref().map_or(0, |e| e.bytes),
                    after_cross_zone_bytes: y.as_ref().map_or(0, |e| e.cross_zone_bytes),
                    after_cross_zone_share: y.as_ref().map_or(0.0, |e| e.cross_zone_share),
                    before_cost_per_month_usd: bm,
                    after_cost_per_month_usd: am,
                    change_per_month_usd: bm.zip(am).map(|(b, a)| round(a - b)),
                }
            })
            .collect();
        let bt = sum_totals(&be, meta.price_per_gb, b.seconds);
        let at_ = sum_totals(&ae, meta.price_per_gb, a.seconds);
        Comparison {
            mode,
            at: at.map(time::format),
            change_per_month_usd: bt
                .cost_per_month_usd
                .zip(at_.cost_per_month_usd)
                .map(|(b, a)| round(a - b)),
            before: b,
            after: a,
            edges: rows,
            before_totals: bt,
            after_totals: at_,
        }
    });
    Report {
        schema: SCHEMA,
        release: meta.release.to_owned(),
        namespace: meta.namespace.to_owned(),
        price_per_gb: meta.price_per_gb,
        zones: meta.zones.to_vec(),
        span,
        ports,
        edges,
        totals,
        comparison,
        coverage: coverage(&agg.cov, meta.dedupe),
    }
}

fn port_rows(agg: &Agg, pm: &PortMap, meta: &Meta, windows: &[usize]) -> Vec<PortRow> {
    let d = agg.dims;
    let none = d.zones1 - 1;
    let mut acc = vec![([Cell::default(); 2], [0u64; 2]); d.slots];
    for (i, c) in agg.cells.iter().enumerate() {
        if c.records == 0 {
            continue;
        }
        let (w, server, dir, _, zc, zs) = d.key(i);
        if !windows.contains(&w) {
            continue;
        }
        acc[server].0[dir].merge(c);
        if zc != none && zs != none && zc != zs {
            acc[server].1[dir] += c.bytes;
        }
    }
    pm.slots
        .iter()
        .zip(acc)
        .map(|(s, (cells, cross))| PortRow {
            port: s.port,
            component: s.component.clone(),
            name: s.name.clone(),
            service: s.service.clone(),
            steering: s.steering,
            steerable: s.steering.steerable(),
            request_records: cells[REQUEST].records,
            request_packets: cells[REQUEST].packets,
            request_bytes: cells[REQUEST].bytes,
            request_cross_zone_bytes: cross[REQUEST],
            response_records: cells[RESPONSE].records,
            response_packets: cells[RESPONSE].packets,
            response_bytes: cells[RESPONSE].bytes,
            response_cross_zone_bytes: cross[RESPONSE],
            cross_zone_bytes: cross[0] + cross[1],
            cost_usd: cost(cross[0] + cross[1], meta.price_per_gb),
        })
        .collect()
}

fn coverage(c: &Coverage, dedupe: bool) -> CoverageOut {
    CoverageOut {
        files: c.files,
        files_failed: c.failures.len() as u64,
        input_bytes: c.input_bytes,
        records: c.records,
        headers: c.headers,
        counted: c.counted,
        not_loki: c.not_loki,
        outside_time: c.outside_time,
        nodata_records: c.nodata,
        nodata_seconds: c.nodata_seconds,
        skipdata_records: c.skipdata,
        skipdata_seconds: c.skipdata_seconds,
        skipped: c
            .malformed
            .iter()
            .map(|(reason, (n, ex))| Skipped {
                reason,
                records: *n,
                first_file: ex.as_ref().map(|e| e.file.clone()),
                first_offset: ex.as_ref().map(|e| e.offset),
            })
            .collect(),
        outside_every_zone_records: c.no_zone,
        outside_every_zone_bytes: c.no_zone_bytes,
        egress_duplicates: c.egress_duplicates,
        egress_duplicate_bytes: c.egress_duplicate_bytes,
        deduped: c.deduped,
        deduped_bytes: c.deduped_bytes,
        files_without_flow_direction: c.files_without_direction,
        dedupe,
        first_start: c.time_range().map(|(s, _)| time::format(s)),
        last_end: c.time_range().map(|(_, e)| time::format(e)),
        min_interval_seconds: c.window_range().map(|(a, _)| a),
        max_interval_seconds: c.window_range().map(|(_, b)| b),
        unknown_header_fields: c.unknown_fields.clone(),
        failures: c.failures.clone(),
    }
}
