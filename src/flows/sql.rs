//! SQL that computes the report's per-port numbers at scale: Athena (Trino) with the table
//! DDL over AWS's S3 layout (partition projection, so no crawler and no `MSCK REPAIR`),
//! and DuckDB over local files. The Plan's port map and the model's zones are inlined, so
//! the SQL is self-contained; both follow the rules of [`super::attribute`]:
//!
//! - a record is a request when `dstport` is a Loki port, else a response when `srcport`
//!   is; ports, bytes (and start/end when the format has them) must be numbers; TCP or UDP
//!   or no protocol column;
//! - `pkt-srcaddr`/`pkt-dstaddr` win over `srcaddr`/`dstaddr` unless `-`;
//! - an egress record whose destination is in a zone is the twin of an ingress record and
//!   is not counted;
//! - cross-zone means both ends in a zone and the zones differ.
//!
//! Per port, the SQL gives what `--format json`'s `ports` give, with the cost of the
//! cross-zone bytes at `--price-per-gb`; the edges, the per-day and per-month costs, the
//! comparison and the coverage are the local command's.
//!
//! Not in the SQL: `--dedupe`, `--az-id`, per-file header layouts (one format for the
//! table), and in DuckDB IPv6 zones (its `inet` extension is a download; IPv6 addresses
//! are in no zone there). Athena matches IPv6 with Trino's `contains(cidr, ipaddress)`.

use super::Options;
use super::format::Layout;
use super::portmap::PortMap;
use super::zones::{Addr, parse_addr};
use crate::plan::Plan;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Engine {
    Athena,
    Duckdb,
}

/// A field's column name: `-` as `_`, and `start`/`end` (reserved words) as
/// `start_time`/`end_time`.
pub fn column(field: &str) -> String {
    match field {
        "start" => "start_time".into(),
        "end" => "end_time".into(),
        f => f.replace('-', "_"),
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The Athena DDL and query.
pub fn athena(plan: &Plan, layout: &Layout, location: &str, opts: &Options) -> String {
    let location = if location.starts_with("s3://") {
        let mut l = location.to_owned();
        if !l.ends_with('/') {
            l.push('/');
        }
        l
    } else {
        "s3://BUCKET/AWSLogs/ACCOUNT/vpcflowlogs/REGION/".to_owned()
    };
    let cols: Vec<String> = layout
        .fields
        .iter()
        .map(|f| format!("  {} string", column(f)))
        .collect();
    let mut out = format!(
        "-- portplan flows --sql athena: the flow-log table over AWS's S3 layout\n\
         -- (AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/), one partition per day by\n\
         -- projection. Every column is a string: `-` stands for a missing value.\n\
         CREATE EXTERNAL TABLE IF NOT EXISTS vpc_flow_logs (\n{}\n)\n\
         PARTITIONED BY (day string)\n\
         ROW FORMAT DELIMITED FIELDS TERMINATED BY ' '\n\
         LOCATION {}\n\
         TBLPROPERTIES (\n  'skip.header.line.count' = '1',\n  'projection.enabled' = 'true',\n  \
         'projection.day.type' = 'date',\n  'projection.day.format' = 'yyyy/MM/dd',\n  \
         'projection.day.range' = '2015/01/01,NOW',\n  'projection.day.interval' = '1',\n  \
         'projection.day.interval.unit' = 'DAYS',\n  'storage.location.template' = {}\n);\n\n",
        cols.join(",\n"),
        quote(&location),
        quote(&format!("{location}${{day}}")),
    );
    out.push_str(&query(plan, layout, "vpc_flow_logs", opts, Engine::Athena));
    out
}

/// The DuckDB query over local files (`location` may be a glob: `logs/**/*.log.gz`).
pub fn duckdb(plan: &Plan, layout: &Layout, location: &str, opts: &Options) -> String {
    let loc = if std::path::Path::new(location).is_dir() {
        format!("{}/**/*.*", location.trim_end_matches('/'))
    } else {
        location.to_owned()
    };
    let cols: Vec<String> = layout
        .fields
        .iter()
        .map(|f| format!("'{}': 'VARCHAR'", column(f)))
        .collect();
    let source = format!(
        "read_csv({}, delim = ' ', header = false, quote = '', escape = '', auto_detect = false, \
         ignore_errors = true, compression = 'auto', columns = {{{}}})",
        quote(&loc),
        cols.join(", ")
    );
    format!(
        "-- portplan flows --sql duckdb: the per-port numbers of `portplan flows --format json`\n{}",
        query(plan, layout, &source, opts, Engine::Duckdb)
    )
}

/// The zone of an address column, longest prefix first (the order of `Zones::of`).
fn zone_case(plan: &Plan, col: &str, num: &str, engine: Engine) -> String {
    let mut cidrs: Vec<(u32, &str, String)> = Vec::new();
    for z in &plan.zones {
        for c in &z.cidrs {
            let len: u32 = c
                .split_once('/')
                .and_then(|(_, l)| l.parse().ok())
                .unwrap_or(0);
            cidrs.push((len, &z.name, c.clone()));
        }
    }
    // Stable: equal prefixes keep the zones' order, as the Rust table does.
    cidrs.sort_by_key(|(len, _, _)| std::cmp::Reverse(*len));
    let mut arms = Vec::new();
    for (len, zone, cidr) in cidrs {
        let (net, _) = cidr.split_once('/').unwrap_or((&cidr, ""));
        match engine {
            Engine::Athena => arms.push(format!(
                "WHEN contains({}, TRY_CAST({col} AS IPADDRESS)) THEN {}",
                quote(&cidr),
                quote(zone)
            )),
            Engine::Duckdb => {
                // IPv4 as a number; DuckDB has no IP type without an extension download.
                if let Some(Addr::V4(n)) = parse_addr(net.as_bytes()) {
                    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
                    let lo = n & mask;
                    let hi = lo | !mask;
                    arms.push(format!(
                        "WHEN {num} BETWEEN {lo} AND {hi} THEN {}",
                        quote(zone)
                    ));
                }
            }
        }
    }
    if arms.is_empty() {
        return "CAST(NULL AS VARCHAR)".into();
    }
    format!("CASE {} END", arms.join(" "))
}

fn query(plan: &Plan, layout: &Layout, source: &str, opts: &Options, engine: Engine) -> String {
    let pm = PortMap::from_plan(plan);
    let ports: Vec<String> = pm.slots.iter().map(|s| s.port.to_string()).collect();
    let ports = ports.join(", ");
    let col = |i: Option<usize>| i.map(|i| column(&layout.fields[i]));
    let addr = |pkt: Option<usize>, plain: Option<usize>| match (col(pkt), col(plain)) {
        (Some(p), Some(a)) => format!("COALESCE(NULLIF({p}, '-'), {a})"),
        (Some(p), None) => format!("NULLIF({p}, '-')"),
        (None, Some(a)) => a,
        (None, None) => "CAST(NULL AS VARCHAR)".into(),
    };
    let or_null = |c: Option<String>| c.unwrap_or_else(|| "CAST(NULL AS VARCHAR)".into());
    let int = |c: String| format!("TRY_CAST({c} AS BIGINT)");
    let mut filters = vec![
        format!("(sp IN ({ports}) OR dp IN ({ports}))"),
        "b IS NOT NULL".to_owned(),
        "(proto IS NULL OR proto IN (6, 17))".to_owned(),
    ];
    let mut extra = String::new();
    if let Some(s) = col(layout.log_status) {
        extra.push_str(&format!(",\n    {s} AS st"));
        filters.push("st = 'OK'".into());
    }
    if layout.start.is_some() {
        filters.push("t IS NOT NULL".into());
    }
    if let Some(e) = col(layout.end) {
        extra.push_str(&format!(",\n    {} AS te", int(e)));
        filters.push("te IS NOT NULL".into());
    }
    if let Some(s) = opts.since {
        filters.push(format!("t >= {s}"));
    }
    if let Some(u) = opts.until {
        filters.push(format!("t < {u}"));
    }
    if engine == Engine::Athena {
        // Partition pruning: only the days the window touches are listed in S3.
        let day = |t: u64| super::time::format(t)[..10].replace('-', "/");
        if let Some(s) = opts.since {
            filters.push(format!("day >= {}", quote(&day(s))));
        }
        if let Some(u) = opts.until {
            filters.push(format!("day <= {}", quote(&day(u))));
        }
    }
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
    let values: Vec<String> = pm
        .slots
        .iter()
        .map(|s| {
            format!(
                "({}, {}, {}, {})",
                s.port,
                quote(&s.component),
                quote(&s.name),
                quote(s.steering.as_str())
            )
        })
        .collect();
    let dir_col = or_null(col(layout.flow_direction));
    let proto = col(layout.protocol).map_or("CAST(NULL AS BIGINT)".into(), int);
    let (sa4, da4) = match engine {
        Engine::Duckdb => (ip4("sa"), ip4("da")),
        Engine::Athena => ("0".into(), "0".into()),
    };
    format!(
        "WITH r AS (\n  SELECT\n    TRY_CAST({sp} AS INTEGER) AS sp,\n    TRY_CAST({dp} AS INTEGER) AS dp,\n    \
         {b} AS b,\n    {t} AS t,\n    {proto} AS proto,\n    {sa} AS sa,\n    {da} AS da,\n    {dir} AS dir{extra}\n  FROM {source}\n),\n\
         loki AS (\n  SELECT sp, dp, b, dp IN ({ports}) AS req, sa, da, dir{n4}\n  FROM r\n  WHERE {filters}\n),\n\
         zoned AS (\n  SELECT req, b, CASE WHEN req THEN dp ELSE sp END AS port,\n    {zsa} AS zsrc,\n    {zda} AS zdst,\n    dir\n  FROM loki\n),\n\
         counted AS (\n  SELECT port, req, b,\n    CASE WHEN req THEN zsrc ELSE zdst END AS zc,\n    CASE WHEN req THEN zdst ELSE zsrc END AS zs\n  \
         FROM zoned\n  -- the egress twin of a flow inside the VPC: its ingress record counts\n  \
         WHERE NOT (COALESCE(dir, '') = 'egress' AND zdst IS NOT NULL)\n),\n\
         ports (port, component, name, steering) AS (\n  VALUES\n    {values}\n)\n\
         SELECT\n  p.port, p.component, p.name, p.steering,\n  \
         COUNT(c.b) FILTER (WHERE c.req) AS request_records,\n  \
         COALESCE(SUM(c.b) FILTER (WHERE c.req), 0) AS request_bytes,\n  \
         COALESCE(SUM(c.b) FILTER (WHERE c.req AND c.zc <> c.zs), 0) AS request_cross_zone_bytes,\n  \
         COUNT(c.b) FILTER (WHERE NOT c.req) AS response_records,\n  \
         COALESCE(SUM(c.b) FILTER (WHERE NOT c.req), 0) AS response_bytes,\n  \
         COALESCE(SUM(c.b) FILTER (WHERE NOT c.req AND c.zc <> c.zs), 0) AS response_cross_zone_bytes,\n  \
         COALESCE(SUM(c.b) FILTER (WHERE c.zc <> c.zs), 0) AS cross_zone_bytes,\n  \
         -- billed out of one zone and into the other: twice the price per GiB\n  \
         ROUND(COALESCE(SUM(c.b) FILTER (WHERE c.zc <> c.zs), 0) / 1073741824.0 * {price} * 2, 6) AS cost_usd\n\
         FROM ports p\nLEFT JOIN counted c ON c.port = p.port\n\
         GROUP BY p.port, p.component, p.name, p.steering\nORDER BY p.port;\n",
        sp = column(&layout.fields[layout.srcport]),
        dp = column(&layout.fields[layout.dstport]),
        b = int(column(&layout.fields[layout.bytes])),
        t = col(layout.start).map_or("CAST(NULL AS BIGINT)".into(), int),
        proto = proto,
        sa = addr(layout.pkt_srcaddr, layout.srcaddr),
        da = addr(layout.pkt_dstaddr, layout.dstaddr),
        dir = dir_col,
        extra = extra,
        source = source,
        ports = ports,
        n4 = if engine == Engine::Duckdb {
            format!(",\n    {sa4} AS sa4,\n    {da4} AS da4")
        } else {
            String::new()
        },
        filters = filters.join("\n    AND "),
        zsa = zone_case(plan, "sa", "sa4", engine),
        zda = zone_case(plan, "da", "da4", engine),
        values = values.join(",\n    "),
        price = opts.price_per_gb,
    )
}
