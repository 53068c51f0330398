//! SQL that computes the report at scale: Athena (Trino) with the table DDL over AWS's S3
//! layout (partition projection, so no crawler and no `MSCK REPAIR`), and DuckDB over local
//! files.
//!
//! The script is a sequence of statements, each after a `-- part: NAME` line:
//!
//! - `table` (Athena only): the external table;
//! - `records`: a view, `portplan_flow_records`, with one row per line of the logs and the
//!   class [`super::attribute::line`] gives it (`counted`, `not_loki`, `nodata`, a skip
//!   reason, ...), its window, server port, request or response, client and both zones;
//! - `ports`, `edges`, `zone_pairs`, `totals`, `comparison` and `comparison_totals` (with
//!   `--compare-at`), `coverage`, `skipped`: `SELECT`s over the view that give the parts of
//!   `--format json` of the same name, with the same numbers (docs/flows.md says which
//!   columns).
//!
//! The port map, the zones, the `az-id` map and the client ranges are inlined from the
//! structures the Rust analysis reads ([`PortMap`], [`Zones`], [`ClientRanges`]), in their
//! lookup order, so the SQL cannot disagree with them. Not in the SQL: `--dedupe`,
//! `--baseline`, per-file header layouts (one format for the table), and in DuckDB IPv6
//! ranges (its `inet` extension is a download; IPv6 addresses are in no zone there).

use super::Options;
use super::format::Layout;
use super::portmap::PortMap;
use super::zones::{CidrTable, ClientRanges, Zones};
use crate::plan::Plan;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Engine {
    Athena,
    Duckdb,
}

/// The view every report statement reads.
pub const VIEW: &str = "portplan_flow_records";

/// A field's column name: `-` as `_`, and `start`/`end` (reserved words) as
/// `start_time`/`end_time`.
pub fn column(field: &str) -> String {
    match field {
        "start" => "start_time".into(),
        "end" => "end_time".into(),
        f => f.replace('-', "_"),
    }
}

/// The column past the format's last: a line with more fields than the format fills it.
const EXTRA: &str = "extra_fields";

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// What the SQL inlines, built by the constructors the analysis uses.
struct Maps {
    ports: PortMap,
    zones: Zones,
    clients: ClientRanges,
}

impl Maps {
    fn new(plan: &Plan, opts: &Options) -> Result<Maps, String> {
        Ok(Maps {
            ports: PortMap::from_plan(plan),
            zones: Zones::new(&plan.zones, &opts.az_ids)?,
            clients: ClientRanges::new(&plan.flow_clients)?,
        })
    }
}

/// The table's columns: the format's fields in order, then [`EXTRA`].
fn columns(layout: &Layout) -> impl Iterator<Item = String> + '_ {
    layout
        .fields
        .iter()
        .map(|f| column(f))
        .chain(std::iter::once(EXTRA.to_owned()))
}

/// The Athena DDL, view and report queries.
pub fn athena(
    plan: &Plan,
    layout: &Layout,
    location: &str,
    opts: &Options,
) -> Result<String, String> {
    let maps = Maps::new(plan, opts)?;
    let location = if location.starts_with("s3://") {
        let mut l = location.to_owned();
        if !l.ends_with('/') {
            l.push('/');
        }
        l
    } else {
        "s3://BUCKET/AWSLogs/ACCOUNT/vpcflowlogs/REGION/".to_owned()
    };
    let cols: Vec<String> = columns(layout).map(|c| format!("  {c} string")).collect();
    let mut out = format!(
        "-- portplan flows --sql athena: the report of `portplan flows --format json`, one\n\
         -- statement per part (Athena runs one statement per query): the table once, the view\n\
         -- once, then any of the SELECTs.\n\
         -- part: table\n\
         -- The flow-log table over AWS's S3 layout (AWSLogs/<account>/vpcflowlogs/<region>/\n\
         -- YYYY/MM/DD/), one partition per day by projection. Every column is a string: `-`\n\
         -- stands for a missing value; {EXTRA} is only filled by a line with more fields than\n\
         -- the format.\n\
         CREATE EXTERNAL TABLE IF NOT EXISTS vpc_flow_logs (\n{}\n)\n\
         PARTITIONED BY (day string)\n\
         ROW FORMAT DELIMITED FIELDS TERMINATED BY ' '\n\
         LOCATION {}\n\
         TBLPROPERTIES (\n  'skip.header.line.count' = '1',\n  'projection.enabled' = 'true',\n  \
         'projection.day.type' = 'date',\n  'projection.day.format' = 'yyyy/MM/dd',\n  \
         'projection.day.range' = '2015/01/01,NOW',\n  'projection.day.interval' = '1',\n  \
         'projection.day.interval.unit' = 'DAYS',\n  'storage.location.template' = {}\n);\n",
        cols.join(",\n"),
        quote(&location),
        quote(&format!("{location}${{day}}")),
    );
    out.push_str(&script(
        &maps,
        layout,
        "vpc_flow_logs",
        opts,
        Engine::Athena,
    ));
    Ok(out)
}

/// The DuckDB view and report queries over local files (`location` may be a glob:
/// `logs/**/*.log.gz`).
pub fn duckdb(
    plan: &Plan,
    layout: &Layout,
    location: &str,
    opts: &Options,
) -> Result<String, String> {
    let maps = Maps::new(plan, opts)?;
    let loc = if std::path::Path::new(location).is_dir() {
        format!("{}/**/*.*", location.trim_end_matches('/'))
    } else {
        location.to_owned()
    };
    let cols: Vec<String> = columns(layout)
        .map(|c| format!("'{c}': 'VARCHAR'"))
        .collect();
    // null_padding: a line with fewer fields keeps its row (NULLs at the end);
    // strict_mode = false: a line with more fields keeps its row too (the first extra field
    // in the extra column): both are counted as skipped lines, as the local command does.
    let source = format!(
        "read_csv({}, delim = ' ', header = false, quote = '', escape = '', auto_detect = false, \
         null_padding = true, strict_mode = false, ignore_errors = true, compression = 'auto', \
         columns = {{{}}})",
        quote(&loc),
        cols.join(", ")
    );
    Ok(format!(
        "-- portplan flows --sql duckdb: the report of `portplan flows --format json`, one\n\
         -- statement per part: the view, then any of the SELECTs.\n{}",
        script(&maps, layout, &source, opts, Engine::Duckdb)
    ))
}

/// Which group of `table` the address column `col` (its IPv4 number in `num`) is in: a
/// `CASE` over the table's CIDRs in lookup order, giving `value(index)`.
fn range_case(
    table: &CidrTable,
    col: &str,
    num: &str,
    engine: Engine,
    value: impl Fn(usize) -> String,
) -> String {
    let mut arms = Vec::new();
    for n in table.nets() {
        match engine {
            Engine::Athena => arms.push(format!(
                "WHEN contains({}, TRY_CAST({col} AS IPADDRESS)) THEN {}",
                quote(&n.cidr),
                value(n.idx)
            )),
            Engine::Duckdb => {
                // IPv4 as a number; DuckDB has no IP type without an extension download.
                if let Some((lo, hi)) = n.v4_bounds() {
                    arms.push(format!(
                        "WHEN {num} BETWEEN {lo} AND {hi} THEN {}",
                        value(n.idx)
                    ));
                }
            }
        }
    }
    if arms.is_empty() {
        return "NULL".into();
    }
    format!("CASE {} END", arms.join(" "))
}

/// The dollars of `bytes` cross-zone bytes: [`super::report::cost`].
fn cost(bytes: &str, price: f64) -> String {
    format!("ROUND(CAST({bytes} AS DOUBLE) / 1073741824 * CAST({price} AS DOUBLE) * 2, 6)")
}

/// A cost scaled from `secs` to `period` seconds, NULL without a duration: the report's `per`.
fn per(cost: &str, secs: &str, period: u64) -> String {
    format!("CASE WHEN {secs} > 0 THEN ROUND({cost} * {period} / {secs}, 6) END")
}

/// `part / whole`, 0 when `whole` is 0, six decimals: the report's `share`.
fn share(part: &str, whole: &str) -> String {
    format!("CASE WHEN {whole} = 0 THEN 0.0 ELSE ROUND(CAST({part} AS DOUBLE) / {whole}, 6) END")
}

const DAY: u64 = 86_400;
const MONTH: u64 = 30 * DAY;
/// Both ends in a zone, and not the same one.
const CROSS: &str = "zc IS NOT NULL AND zs IS NOT NULL AND zc <> zs";

fn script(maps: &Maps, layout: &Layout, source: &str, opts: &Options, engine: Engine) -> String {
    let pm = &maps.ports;
    let ports: Vec<String> = pm.slots.iter().map(|s| s.port.to_string()).collect();
    let ports = ports.join(", ");
    let col = |i: Option<usize>| i.map(|i| column(&layout.fields[i]));
    let null = "CAST(NULL AS VARCHAR)".to_owned();
    let addr = |pkt: Option<usize>, plain: Option<usize>| match (col(pkt), col(plain)) {
        (Some(p), Some(a)) => format!("COALESCE(NULLIF({p}, '-'), {a})"),
        (Some(p), None) => format!("NULLIF({p}, '-')"),
        (None, Some(a)) => a,
        (None, None) => null.clone(),
    };
    // NULLIF: DuckDB 2.0 pushes a bare `TRY_CAST(column ...)` into its CSV reader, which
    // then fails (or with ignore_errors drops the line) on `-`; wrapped, it stays a TRY_CAST.
    let int = |c: &str| format!("TRY_CAST(NULLIF({c}, '') AS BIGINT)");
    let port = |c: &str| {
        let i = int(c);
        format!("CASE WHEN {i} BETWEEN 0 AND 65535 THEN {i} END")
    };
    let last = column(layout.fields.last().expect("a layout has fields"));
    let srcport = column(&layout.fields[layout.srcport]);
    let ip4 = |c: &str| {
        let part = |k: u32| format!("TRY_CAST(split_part({c}, '.', {k}) AS BIGINT)");
        format!(
            "{} * 16777216 + {} * 65536 + {} * 256 + {}",
            part(1),
            part(2),
            part(3),
            part(4)
        )
    };
    let (sa4, da4) = match engine {
        Engine::Duckdb => (ip4("sa"), ip4("da")),
        Engine::Athena => ("0".into(), "0".into()),
    };
    let zone_name = |i: usize| quote(&maps.zones.names[i]);
    let zsrc = range_case(&maps.zones.table, "sa", "sa4", engine, zone_name);
    let zdst = range_case(&maps.zones.table, "da", "da4", engine, zone_name);
    // az-id: the capturing interface's zone, for the end in no CIDR (ingress: the
    // destination; egress: the source).
    let (zsrc, zdst) = match (col(layout.az_id), col(layout.flow_direction)) {
        (Some(az), Some(_)) if maps.zones.has_az_ids() => {
            let arms: Vec<String> = maps
                .zones
                .az_id_pairs()
                .map(|(id, z)| format!("WHEN {} THEN {}", quote(id), zone_name(z)))
                .collect();
            let by_id = format!("CASE {az} {} END", arms.join(" "));
            (
                format!("COALESCE({zsrc}, CASE WHEN dir = 'egress' THEN {by_id} END)"),
                format!("COALESCE({zdst}, CASE WHEN dir = 'ingress' THEN {by_id} END)"),
            )
        }
        _ => (zsrc, zdst),
    };
    let slots = pm.slots.len();
    let other = slots + maps.clients.names.len();
    let slot_arms: Vec<String> = pm
        .slots
        .iter()
        .enumerate()
        .map(|(i, s)| format!("WHEN {} THEN {i}", s.port))
        .collect();
    let client_range = |c: &str, n: &str| {
        range_case(&maps.clients.table, c, n, engine, |i| {
            (slots + i).to_string()
        })
    };
    let window = match opts.compare_at {
        Some(at) => format!("CASE WHEN t >= {at} THEN 1 ELSE 0 END"),
        None => "0".into(),
    };
    let mut outside = Vec::new();
    if let Some(s) = opts.since {
        outside.push(format!("t < {s}"));
    }
    if let Some(u) = opts.until {
        outside.push(format!("t >= {u}"));
    }
    let outside = if outside.is_empty() {
        "FALSE".to_owned()
    } else {
        outside.join(" OR ")
    };
    let mut scan_filter = String::new();
    if engine == Engine::Athena {
        // Partition pruning: only the days the window touches are listed in S3.
        let day = |t: u64| super::time::format(t)[..10].replace('-', "/");
        let mut f = Vec::new();
        if let Some(s) = opts.since {
            f.push(format!("day >= {}", quote(&day(s))));
        }
        if let Some(u) = opts.until {
            f.push(format!("day <= {}", quote(&day(u))));
        }
        if !f.is_empty() {
            scan_filter = format!("\n  WHERE {}", f.join(" AND "));
        }
    }
    let status = col(layout.log_status).map_or("'OK'".to_owned(), |s| format!("COALESCE({s}, '')"));
    let time_bad = match (layout.start, layout.end) {
        (None, None) => "FALSE".to_owned(),
        (Some(_), None) => "ts IS NULL".to_owned(),
        (None, Some(_)) => "te IS NULL".to_owned(),
        (Some(_), Some(_)) => "ts IS NULL OR te IS NULL".to_owned(),
    };
    let int_or_null = |c: Option<String>| c.map_or("CAST(NULL AS BIGINT)".into(), |c| int(&c));
    let view_kw = match engine {
        Engine::Athena => "CREATE OR REPLACE VIEW",
        Engine::Duckdb => "CREATE OR REPLACE TEMP VIEW",
    };
    let mut out = String::new();
    out.push_str(&format!(
        "-- part: records\n\
         -- One row per line: its class (counted, not_loki, nodata, skipdata, outside_time,\n\
         -- egress_duplicate, header, or the reason it was skipped), window (w: 0, or 1 at or\n\
         -- after --compare-at), server port, request or response, client (ci: the clients\n\
         -- of the report's edges, in its order) and both zones, oriented client -> server.\n\
         {view_kw} {VIEW} AS\n\
         WITH raw AS (\n  SELECT\n    \
         {srcport} = 'srcport' AS header,\n    \
         {last} IS NULL AS fewer,\n    \
         {EXTRA} IS NOT NULL AS more,\n    \
         {sp} AS sp,\n    {dp} AS dp,\n    {b} AS b,\n    COALESCE({pk}, 0) AS pk,\n    \
         {ts} AS ts,\n    {te} AS te,\n    {proto} AS proto,\n    {status} AS st,\n    \
         {sa} AS sa,\n    {da} AS da,\n    {dir} AS dir{az}\n  FROM {source}{scan_filter}\n),\n\
         timed AS (\n  SELECT *, COALESCE(ts, 0) AS t,\n    \
         sp IN ({ports}) AS sp_loki, dp IN ({ports}) AS dp_loki,\n    {sa4} AS sa4, {da4} AS da4\n  FROM raw\n),\n\
         zoned AS (\n  SELECT *,\n    {zsrc} AS zsrc,\n    {zdst} AS zdst\n  FROM timed\n),\n\
         classed AS (\n  SELECT *,\n    CASE\n      \
         WHEN header THEN 'header'\n      \
         WHEN fewer THEN 'fewer fields than the format'\n      \
         WHEN more THEN 'more fields than the format'\n      \
         WHEN sp IS NOT NULL AND dp IS NOT NULL AND NOT (sp_loki OR dp_loki) THEN 'not_loki'\n      \
         WHEN st = 'NODATA' THEN 'nodata'\n      \
         WHEN st = 'SKIPDATA' THEN 'skipdata'\n      \
         WHEN st <> 'OK' THEN 'unknown log-status'\n      \
         WHEN sp IS NULL OR dp IS NULL THEN 'port is not a number'\n      \
         WHEN proto IS NOT NULL AND proto NOT IN (6, 17) THEN 'not_loki'\n      \
         WHEN b IS NULL THEN 'bytes is not a number'\n      \
         WHEN {time_bad} THEN 'start or end is not a number'\n      \
         WHEN {outside} THEN 'outside_time'\n      \
         -- the egress twin of a flow inside the VPC: its ingress record counts\n      \
         WHEN COALESCE(dir, '') = 'egress' AND zdst IS NOT NULL THEN 'egress_duplicate'\n      \
         ELSE 'counted'\n    END AS class\n  FROM zoned\n)\n\
         SELECT class, {window} AS w,\n  \
         CASE WHEN dp_loki THEN dp ELSE sp END AS port,\n  \
         COALESCE(dp_loki, FALSE) AS req,\n  \
         CASE\n    WHEN dp_loki AND sp_loki THEN CASE sp {slot_arms} END\n    \
         WHEN dp_loki THEN COALESCE({range_src}, {other})\n    \
         ELSE COALESCE({range_dst}, {other})\n  END AS ci,\n  \
         CASE WHEN dp_loki THEN zsrc ELSE zdst END AS zc,\n  \
         CASE WHEN dp_loki THEN zdst ELSE zsrc END AS zs,\n  \
         pk, b, ts, te\nFROM classed;\n",
        sp = port(&srcport),
        dp = port(&column(&layout.fields[layout.dstport])),
        b = int(&column(&layout.fields[layout.bytes])),
        pk = int_or_null(col(layout.packets)),
        ts = int_or_null(col(layout.start)),
        te = int_or_null(col(layout.end)),
        proto = int_or_null(col(layout.protocol)),
        sa = addr(layout.pkt_srcaddr, layout.srcaddr),
        da = addr(layout.pkt_dstaddr, layout.dstaddr),
        dir = col(layout.flow_direction).unwrap_or_else(|| null.clone()),
        az = col(layout.az_id).map_or(String::new(), |a| format!(",\n    {a}")),
        slot_arms = slot_arms.join(" "),
        range_src = client_range("sa", "sa4"),
        range_dst = client_range("da", "da4"),
    ));

    // The report's lookup tables.
    let port_rows: Vec<String> = pm
        .slots
        .iter()
        .map(|s| {
            format!(
                "({}, {}, {}, {}, {}, {})",
                s.port,
                quote(&s.component),
                quote(&s.name),
                quote(&s.service),
                quote(s.steering.as_str()),
                if s.steering.steerable() {
                    "TRUE"
                } else {
                    "FALSE"
                }
            )
        })
        .collect();
    let ports_cte = format!(
        "ports (port, component, name, service, steering, steerable) AS (\n  VALUES\n    {}\n)",
        port_rows.join(",\n    ")
    );
    let client_rows: Vec<String> = pm
        .slots
        .iter()
        .map(|s| s.component.clone())
        .chain(maps.clients.names.iter().cloned())
        .chain(std::iter::once("other".to_owned()))
        .enumerate()
        .map(|(i, n)| format!("({i}, {})", quote(&n)))
        .collect();
    let clients_cte = format!(
        "clients (ci, client) AS (\n  VALUES\n    {}\n)",
        client_rows.join(",\n    ")
    );
    let price = opts.price_per_gb;
    let counted = format!("c AS (\n  SELECT * FROM {VIEW} WHERE class = 'counted'\n)");
    // The span of the counted records with a start and an end, per window.
    let spans = "spans AS (\n  SELECT w, MAX(te) - MIN(ts) AS seconds\n  FROM c WHERE ts IS NOT NULL AND te IS NOT NULL\n  GROUP BY w\n)";
    let span_all = "span AS (\n  SELECT COALESCE(MAX(te) - MIN(ts), 0) AS seconds, MIN(ts) AS first_start, MAX(te) AS last_end\n  FROM c WHERE ts IS NOT NULL AND te IS NOT NULL\n)";

    // ports
    out.push_str(&format!(
        "-- part: ports\n\
         -- ports[]: every port of the map, as the server side of requests and responses.\n\
         WITH {counted},\n{ports_cte}\n\
         SELECT\n  p.port, p.component, p.name, p.steering,\n  \
         COUNT(c.b) FILTER (WHERE c.req) AS request_records,\n  \
         COALESCE(SUM(c.b) FILTER (WHERE c.req), 0) AS request_bytes,\n  \
         COALESCE(SUM(c.b) FILTER (WHERE c.req AND {CROSS}), 0) AS request_cross_zone_bytes,\n  \
         COUNT(c.b) FILTER (WHERE NOT c.req) AS response_records,\n  \
         COALESCE(SUM(c.b) FILTER (WHERE NOT c.req), 0) AS response_bytes,\n  \
         COALESCE(SUM(c.b) FILTER (WHERE NOT c.req AND {CROSS}), 0) AS response_cross_zone_bytes,\n  \
         COALESCE(SUM(c.b) FILTER (WHERE {CROSS}), 0) AS cross_zone_bytes,\n  \
         -- billed out of one zone and into the other: twice the price per GiB\n  \
         {cost} AS cost_usd,\n  \
         COALESCE(SUM(c.pk) FILTER (WHERE c.req), 0) AS request_packets,\n  \
         COALESCE(SUM(c.pk) FILTER (WHERE NOT c.req), 0) AS response_packets,\n  \
         p.service, p.steerable\n\
         FROM ports p\nLEFT JOIN c ON c.port = p.port\n\
         GROUP BY p.port, p.component, p.name, p.steering, p.service, p.steerable\nORDER BY p.port;\n",
        cost = cost(&format!("COALESCE(SUM(c.b) FILTER (WHERE {CROSS}), 0)"), price),
    ));

    // edges
    let edge_sums = |by: &str| {
        format!(
            "SELECT port, ci{by}, COUNT(*) AS records, SUM(pk) AS packets,\n    \
             COALESCE(SUM(b) FILTER (WHERE req), 0) AS request_bytes,\n    \
             COALESCE(SUM(b) FILTER (WHERE NOT req), 0) AS response_bytes,\n    \
             SUM(b) AS bytes,\n    \
             COALESCE(SUM(b) FILTER (WHERE {CROSS}), 0) AS cross_zone_bytes\n  \
             FROM c GROUP BY port, ci{by}"
        )
    };
    out.push_str(&format!(
        "-- part: edges\n\
         -- edges[]: client -> server port, with cost per day and per month (30 days) scaled\n\
         -- by the span of the counted records.\n\
         WITH {counted},\n{span_all},\n{ports_cte},\n{clients_cte},\n\
         e AS (\n  {sums}\n),\n\
         priced AS (\n  SELECT e.*, {ecost} AS cost_usd FROM e\n)\n\
         SELECT k.client, p.component AS server, e.port, p.name, p.service, p.steering, p.steerable,\n  \
         e.records, e.packets, e.request_bytes, e.response_bytes, e.bytes, e.cross_zone_bytes,\n  \
         {eshare} AS cross_zone_share,\n  \
         e.cost_usd,\n  {eday} AS cost_per_day_usd,\n  {emonth} AS cost_per_month_usd\n\
         FROM priced e\nJOIN ports p ON p.port = e.port\nJOIN clients k ON k.ci = e.ci\nCROSS JOIN span\n\
         ORDER BY e.port, e.ci;\n",
        sums = edge_sums(""),
        ecost = cost("e.cross_zone_bytes", price),
        eshare = share("e.cross_zone_bytes", "e.bytes"),
        eday = per("e.cost_usd", "span.seconds", DAY),
        emonth = per("e.cost_usd", "span.seconds", MONTH),
    ));

    // zone pairs
    out.push_str(&format!(
        "-- part: zone_pairs\n\
         -- edges[].zone_pairs[]: bytes per client zone -> server zone (NULL: in no zone).\n\
         WITH {counted},\n{ports_cte},\n{clients_cte}\n\
         SELECT k.client, p.component AS server, c.port, c.zc AS client_zone, c.zs AS server_zone,\n  \
         SUM(c.b) AS bytes\n\
         FROM c\nJOIN ports p ON p.port = c.port\nJOIN clients k ON k.ci = c.ci\n\
         GROUP BY k.client, p.component, c.port, c.ci, c.zc, c.zs\n\
         ORDER BY c.port, c.ci, c.zc NULLS LAST, c.zs NULLS LAST;\n"
    ));

    // totals, per window when comparing
    let totals_select = |secs: &str| {
        let cross = "COALESCE(SUM(e.cross_zone_bytes), 0)";
        let steerable = "COALESCE(SUM(e.cross_zone_bytes) FILTER (WHERE p.steerable), 0)";
        format!(
            "COALESCE(SUM(e.records), 0) AS records, COALESCE(SUM(e.packets), 0) AS packets,\n  \
             COALESCE(SUM(e.bytes), 0) AS bytes, {cross} AS cross_zone_bytes,\n  \
             {tshare} AS cross_zone_share,\n  \
             {steerable} AS steerable_cross_zone_bytes,\n  \
             COALESCE(SUM(e.cross_zone_bytes) FILTER (WHERE NOT p.steerable), 0) AS unsteerable_cross_zone_bytes,\n  \
             {tcost} AS cost_usd,\n  {tday} AS cost_per_day_usd,\n  {tmonth} AS cost_per_month_usd,\n  \
             {smonth} AS steerable_cost_per_month_usd",
            tshare = share(cross, "COALESCE(SUM(e.bytes), 0)"),
            tcost = cost(cross, price),
            tday = per(&cost(cross, price), secs, DAY),
            tmonth = per(&cost(cross, price), secs, MONTH),
            smonth = per(&cost(steerable, price), secs, MONTH),
        )
    };
    out.push_str(&format!(
        "-- part: totals\n\
         -- totals, and the span (Unix seconds) the per-day and per-month costs scale by.\n\
         WITH {counted},\n{span_all},\n{ports_cte},\n\
         e AS (\n  {sums}\n)\n\
         SELECT {tot},\n  MAX(span.seconds) AS span_seconds, MAX(span.first_start) AS first_start, MAX(span.last_end) AS last_end\n\
         FROM e\nJOIN ports p ON p.port = e.port\nCROSS JOIN span;\n",
        sums = edge_sums(""),
        tot = totals_select("MAX(span.seconds)"),
    ));

    if opts.compare_at.is_some() {
        let pick = |what: &str, w: u8| format!("COALESCE(MAX({what}) FILTER (WHERE w = {w}), 0)");
        out.push_str(&format!(
            "-- part: comparison\n\
             -- comparison.edges[]: each edge before (w = 0) and after (w = 1) --compare-at.\n\
             WITH {counted},\n{spans},\n{ports_cte},\n{clients_cte},\n\
             s AS (\n  SELECT {s0} AS s0, {s1} AS s1 FROM spans\n),\n\
             e AS (\n  {sums}\n),\n\
             k AS (\n  SELECT port, ci,\n    \
             {r0} AS r0, {b0} AS b0, {x0} AS x0,\n    \
             {r1} AS r1, {b1} AS b1, {x1} AS x1\n  FROM e GROUP BY port, ci\n),\n\
             m AS (\n  SELECT k.*,\n    \
             CASE WHEN r0 = 0 THEN 0.0 ELSE {m0} END AS before_month,\n    \
             CASE WHEN r1 = 0 THEN 0.0 ELSE {m1} END AS after_month\n  FROM k CROSS JOIN s\n)\n\
             SELECT n.client, p.component AS server, m.port, p.steerable,\n  \
             m.b0 AS before_bytes, m.x0 AS before_cross_zone_bytes, {sh0} AS before_cross_zone_share,\n  \
             m.b1 AS after_bytes, m.x1 AS after_cross_zone_bytes, {sh1} AS after_cross_zone_share,\n  \
             m.before_month AS before_cost_per_month_usd, m.after_month AS after_cost_per_month_usd,\n  \
             ROUND(m.after_month - m.before_month, 6) AS change_per_month_usd\n\
             FROM m\nJOIN ports p ON p.port = m.port\nJOIN clients n ON n.ci = m.ci\n\
             ORDER BY m.port, n.client;\n",
            s0 = pick("seconds", 0),
            s1 = pick("seconds", 1),
            sums = edge_sums(", w"),
            r0 = pick("records", 0),
            b0 = pick("bytes", 0),
            x0 = pick("cross_zone_bytes", 0),
            r1 = pick("records", 1),
            b1 = pick("bytes", 1),
            x1 = pick("cross_zone_bytes", 1),
            m0 = per(&cost("x0", price), "s0", MONTH),
            m1 = per(&cost("x1", price), "s1", MONTH),
            sh0 = share("m.x0", "m.b0"),
            sh1 = share("m.x1", "m.b1"),
        ));
        out.push_str(&format!(
            "-- part: comparison_totals\n\
             -- comparison.before_totals and after_totals (one row per window), and the\n\
             -- change in $/month.\n\
             WITH {counted},\n{spans},\n{ports_cte},\n\
             e AS (\n  {sums}\n),\n\
             ws (w, name) AS (\n  VALUES (0, 'before'), (1, 'after')\n),\n\
             t AS (\n  SELECT ws.w, ws.name, {tot}\n  \
             FROM ws\n  LEFT JOIN e ON e.w = ws.w\n  LEFT JOIN ports p ON p.port = e.port\n  \
             LEFT JOIN spans ON spans.w = ws.w\n  GROUP BY ws.w, ws.name\n)\n\
             SELECT name AS window_name, records, packets, bytes, cross_zone_bytes, cross_zone_share,\n  \
             steerable_cross_zone_bytes, unsteerable_cross_zone_bytes, cost_usd, cost_per_day_usd,\n  \
             cost_per_month_usd, steerable_cost_per_month_usd,\n  \
             ROUND(MAX(cost_per_month_usd) FILTER (WHERE w = 1) OVER () - MAX(cost_per_month_usd) FILTER (WHERE w = 0) OVER (), 6) AS change_per_month_usd\n\
             FROM t\nORDER BY w;\n",
            sums = edge_sums(", w"),
            tot = totals_select("COALESCE(MAX(spans.seconds), 0)"),
        ));
    }

    // coverage
    let n = |class: &str| format!("COUNT(*) FILTER (WHERE class = '{class}')");
    let secs = |class: &str| {
        format!("COALESCE(SUM(GREATEST(te - ts, 0)) FILTER (WHERE class = '{class}'), 0)")
    };
    let timed = "class IN ('counted', 'nodata', 'skipdata') AND ts IS NOT NULL AND te IS NOT NULL";
    let no_zone = "class = 'counted' AND (zc IS NULL OR zs IS NULL)";
    let interval = "class = 'counted' AND ts IS NOT NULL AND te IS NOT NULL";
    out.push_str(&format!(
        "-- part: coverage\n\
         -- coverage: what was read and why records did not count (times in Unix seconds).\n\
         SELECT\n  COUNT(*) FILTER (WHERE class <> 'header') AS records,\n  \
         {headers} AS headers,\n  {counted_n} AS counted,\n  {not_loki} AS not_loki,\n  \
         {outside_time} AS outside_time,\n  \
         {nodata} AS nodata_records,\n  {nodata_s} AS nodata_seconds,\n  \
         {skipdata} AS skipdata_records,\n  {skipdata_s} AS skipdata_seconds,\n  \
         COUNT(*) FILTER (WHERE class NOT IN ('header', 'counted', 'not_loki', 'outside_time', 'nodata', 'skipdata', 'egress_duplicate')) AS skipped_records,\n  \
         COUNT(*) FILTER (WHERE {no_zone}) AS outside_every_zone_records,\n  \
         COALESCE(SUM(b) FILTER (WHERE {no_zone}), 0) AS outside_every_zone_bytes,\n  \
         {egress} AS egress_duplicates,\n  \
         COALESCE(SUM(b) FILTER (WHERE class = 'egress_duplicate'), 0) AS egress_duplicate_bytes,\n  \
         MIN(ts) FILTER (WHERE {timed}) AS first_start,\n  \
         MAX(te) FILTER (WHERE {timed}) AS last_end,\n  \
         MIN(GREATEST(te - ts, 0)) FILTER (WHERE {interval}) AS min_interval_seconds,\n  \
         MAX(GREATEST(te - ts, 0)) FILTER (WHERE {interval}) AS max_interval_seconds\n\
         FROM {VIEW};\n",
        headers = n("header"),
        counted_n = n("counted"),
        not_loki = n("not_loki"),
        outside_time = n("outside_time"),
        nodata = n("nodata"),
        nodata_s = secs("nodata"),
        skipdata = n("skipdata"),
        skipdata_s = secs("skipdata"),
        egress = n("egress_duplicate"),
    ));
    out.push_str(&format!(
        "-- part: skipped\n\
         -- coverage.skipped[]: skipped lines by reason.\n\
         SELECT class AS reason, COUNT(*) AS records\nFROM {VIEW}\n\
         WHERE class NOT IN ('header', 'counted', 'not_loki', 'outside_time', 'nodata', 'skipdata', 'egress_duplicate')\n\
         GROUP BY class\nORDER BY class;\n"
    ));
    out
}
