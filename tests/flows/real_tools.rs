//! DuckDB, sqlglot and chromium as judges of the SQL and HTML outputs (fail under CI=true
//! when missing).

use std::path::{Path, PathBuf};

use super::*;
use crate::common::*;
use serde_json::Value;

/// The oracles' Python (tests/setup.sh's venv, with duckdb, sqlglot and pandas), when it
/// has `module`.
fn python_with(module: &str) -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PORTPLAN_PYTHON").map(PathBuf::from),
        Some(PathBuf::from("/opt/portplan-oracles/venv/bin/python3")),
        on_path("python3"),
    ];
    candidates.into_iter().flatten().find(|p| {
        std::process::Command::new(p)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// A synthetic log of about `bytes` (bench/flows_gen.py's mix, on the reference model's
/// port map) in `dir`.
fn synthetic_log(py: &Path, dir: &Path, bytes: usize) -> PathBuf {
    let ports = dir.join("ports.json");
    std::fs::write(&ports, stdout(&portplan(&["ports", "--format", "json"]))).unwrap();
    let syn = dir.join("synthetic.log");
    let g = std::process::Command::new(py)
        .args([
            root().join("bench/flows_gen.py").to_str().unwrap(),
            ports.to_str().unwrap(),
            syn.to_str().unwrap(),
            &bytes.to_string(),
        ])
        .status()
        .unwrap();
    assert!(g.success());
    syn
}

/// Runs a `--sql duckdb` script (tests/flows/run_sql.py) and returns its parts' rows.
fn duckdb_parts(py: &Path, sql: &Path) -> Value {
    let o = std::process::Command::new(py)
        .args([
            root().join("tests/flows/run_sql.py").to_str().unwrap(),
            sql.to_str().unwrap(),
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "duckdb: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Dollars and shares: both sides round to 6 decimals, so they agree to the last one.
fn assert_close(got: &Value, want: &Value, what: &str) {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= 1e-6 * w.abs().max(1.0),
            "{what}: SQL {g}, JSON {w}"
        ),
        _ => assert_eq!(got, want, "{what}"),
    }
}

/// Each of `keys` of the SQL row equals the JSON object's (numbers within rounding).
fn assert_fields(sql: &Value, json: &Value, keys: &[&str], what: &str) {
    for k in keys {
        assert_close(&sql[k], &json[k], &format!("{what}: {k}"));
    }
}

/// An RFC 3339 time of the JSON as the SQL's Unix seconds.
fn unix(v: &Value) -> Value {
    v.as_str().map_or(Value::Null, |s| {
        portplan::flows::time::parse(s).unwrap().into()
    })
}

const EDGE_KEYS: &[&str] = &[
    "server",
    "name",
    "service",
    "steering",
    "steerable",
    "records",
    "packets",
    "request_bytes",
    "response_bytes",
    "bytes",
    "cross_zone_bytes",
    "cross_zone_share",
    "cost_usd",
    "cost_per_day_usd",
    "cost_per_month_usd",
];
const TOTAL_KEYS: &[&str] = &[
    "records",
    "packets",
    "bytes",
    "cross_zone_bytes",
    "cross_zone_share",
    "steerable_cross_zone_bytes",
    "unsteerable_cross_zone_bytes",
    "cost_usd",
    "cost_per_day_usd",
    "cost_per_month_usd",
    "steerable_cost_per_month_usd",
];

/// The SQL's parts against `--format json`: ports, edges and their zone pairs, totals,
/// the comparison, coverage.
fn assert_same_report(sql: &Value, v: &Value, what: &str) {
    // ports[]
    let ports = v["ports"].as_array().unwrap();
    let rows = sql["ports"].as_array().unwrap();
    assert_eq!(rows.len(), ports.len(), "{what}: ports");
    for (r, p) in rows.iter().zip(ports) {
        assert_eq!(r["port"], p["port"], "{what}: port order");
        assert_fields(
            r,
            p,
            &[
                "component",
                "name",
                "service",
                "steering",
                "steerable",
                "request_records",
                "request_packets",
                "request_bytes",
                "request_cross_zone_bytes",
                "response_records",
                "response_packets",
                "response_bytes",
                "response_cross_zone_bytes",
                "cross_zone_bytes",
                "cost_usd",
            ],
            &format!("{what}: port {}", p["port"]),
        );
    }
    // edges[], in the report's order, and their zone pairs
    let edges = v["edges"].as_array().unwrap();
    let rows = sql["edges"].as_array().unwrap();
    assert_eq!(rows.len(), edges.len(), "{what}: edges");
    let pairs = sql["zone_pairs"].as_array().unwrap();
    for (r, e) in rows.iter().zip(edges) {
        let at = format!("{what}: edge {} -> {}", e["client"], e["port"]);
        assert_eq!(
            (&r["client"], &r["port"]),
            (&e["client"], &e["port"]),
            "{at}"
        );
        assert_fields(r, e, EDGE_KEYS, &at);
        let mine: Vec<(Value, Value, Value)> = pairs
            .iter()
            .filter(|z| z["port"] == e["port"] && z["client"] == e["client"])
            .map(|z| {
                (
                    z["client_zone"].clone(),
                    z["server_zone"].clone(),
                    z["bytes"].clone(),
                )
            })
            .collect();
        let want: Vec<(Value, Value, Value)> = e["zone_pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| {
                (
                    z["client_zone"].clone(),
                    z["server_zone"].clone(),
                    z["bytes"].clone(),
                )
            })
            .collect();
        assert_eq!(mine, want, "{at}: zone pairs");
    }
    // totals, and the span the costs scale by
    let t = &sql["totals"][0];
    assert_fields(t, &v["totals"], TOTAL_KEYS, &format!("{what}: totals"));
    assert_eq!(t["span_seconds"], v["span"]["seconds"], "{what}: span");
    assert_eq!(t["first_start"], unix(&v["span"]["first_start"]), "{what}");
    // the comparison
    if v["comparison"].is_null() {
        assert!(sql.get("comparison").is_none(), "{what}");
    } else {
        let c = &v["comparison"];
        let want = c["edges"].as_array().unwrap();
        let rows = sql["comparison"].as_array().unwrap();
        assert_eq!(rows.len(), want.len(), "{what}: comparison edges");
        for (r, e) in rows.iter().zip(want) {
            let at = format!("{what}: comparison {} -> {}", e["client"], e["port"]);
            assert_eq!(
                (&r["client"], &r["port"]),
                (&e["client"], &e["port"]),
                "{at}"
            );
            assert_fields(
                r,
                e,
                &[
                    "server",
                    "steerable",
                    "before_bytes",
                    "before_cross_zone_bytes",
                    "before_cross_zone_share",
                    "after_bytes",
                    "after_cross_zone_bytes",
                    "after_cross_zone_share",
                    "before_cost_per_month_usd",
                    "after_cost_per_month_usd",
                    "change_per_month_usd",
                ],
                &at,
            );
        }
        let tots = sql["comparison_totals"].as_array().unwrap();
        assert_eq!(tots[0]["window_name"], "before");
        assert_fields(
            &tots[0],
            &c["before_totals"],
            TOTAL_KEYS,
            &format!("{what}: before"),
        );
        assert_fields(
            &tots[1],
            &c["after_totals"],
            TOTAL_KEYS,
            &format!("{what}: after"),
        );
        assert_close(
            &tots[0]["change_per_month_usd"],
            &c["change_per_month_usd"],
            &format!("{what}: change per month"),
        );
    }
    // coverage
    let cov = &v["coverage"];
    let r = &sql["coverage"][0];
    assert_fields(
        r,
        cov,
        &[
            "records",
            "headers",
            "counted",
            "not_loki",
            "outside_time",
            "nodata_records",
            "nodata_seconds",
            "skipdata_records",
            "skipdata_seconds",
            "outside_every_zone_records",
            "outside_every_zone_bytes",
            "egress_duplicates",
            "egress_duplicate_bytes",
            "min_interval_seconds",
            "max_interval_seconds",
        ],
        &format!("{what}: coverage"),
    );
    assert_eq!(r["first_start"], unix(&cov["first_start"]), "{what}");
    assert_eq!(r["last_end"], unix(&cov["last_end"]), "{what}");
    let skipped: Vec<(Value, Value)> = cov["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["reason"].clone(), s["records"].clone()))
        .collect();
    let got: Vec<(Value, Value)> = sql["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["reason"].clone(), s["records"].clone()))
        .collect();
    assert_eq!(got, skipped, "{what}: skipped");
}

/// `--sql duckdb` run by DuckDB gives every part of `--format json`'s report (ports,
/// edges with zone pairs and costs per day and month, totals, the comparison, coverage)
/// on the handwritten logs and on a 2 MiB synthetic log (bench/flows_gen.py's mix).
#[test]
fn duckdb_sql_matches_json() {
    let Some(py) = python_with("duckdb") else {
        require_tool("python3 with duckdb (PyPI)", false);
        return;
    };
    let d = scratch("duckdb");
    let syn = synthetic_log(&py, &d, 2 << 20);
    let v5 =
        std::fs::read_to_string(root().join("tests/cases/flows/custom/header-v5.log")).unwrap();
    let v5_format: Vec<String> = v5
        .lines()
        .next()
        .unwrap()
        .split(' ')
        .map(|f| format!("${{{f}}}"))
        .collect();
    let v5_format = v5_format.join(" ");
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let syn = syn.to_str().unwrap().to_owned();
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            s(&["--price-per-gb", PRICE]),
            "tests/cases/flows/basic".into(),
        ),
        (
            s(&["--price-per-gb", PRICE, "--compare-at", "1700003000"]),
            "tests/cases/flows/windows/rollout.log".into(),
        ),
        (
            s(&["--since", "1700000000", "--until", "1700003000"]),
            "tests/cases/flows/windows/rollout.log".into(),
        ),
        (
            s(&["--log-format", &v5_format, "--az-id", "euw1-az2=eu-west-1b"]),
            "tests/cases/flows/custom/header-v5.log".into(),
        ),
        (
            s(&[
                "-m",
                "tests/cases/flows/clients/portplan.yaml",
                "--price-per-gb",
                PRICE,
            ]),
            "tests/cases/flows/clients/clients.log".into(),
        ),
        (vec![], syn.clone()),
        (s(&["--compare-at", "1767225900"]), syn.clone()),
    ];
    for (flags, path) in cases {
        let mut a: Vec<&str> = vec!["flows", "--sql", "duckdb"];
        a.extend(flags.iter().map(String::as_str));
        a.push(&path);
        let sql = d.join("q.sql");
        let o = portplan(&a);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        std::fs::write(&sql, stdout(&o)).unwrap();
        let parts = duckdb_parts(&py, &sql);
        let v = json(&a[3..]);
        let what = format!("{path} {flags:?}");
        assert!(
            v["totals"]["records"].as_u64().unwrap() > 0,
            "{what}: not vacuous"
        );
        assert_same_report(&parts, &v, &what);
    }
    std::fs::remove_dir_all(&d).unwrap();
}

/// `--sql athena` parses as Trino (sqlglot): a syntax error in the DDL or the query cannot
/// ship.
#[test]
fn athena_sql_parses_as_trino() {
    let Some(py) = python_with("sqlglot") else {
        require_tool("python3 with sqlglot (PyPI)", false);
        return;
    };
    let d = scratch("athena");
    for flags in [
        vec![
            "flows",
            "--sql",
            "athena",
            "s3://bucket/AWSLogs/123456789012/vpcflowlogs/eu-west-1/",
        ],
        vec![
            "flows",
            "--sql",
            "athena",
            "--since",
            "2026-03-01",
            "--until",
            "2026-03-08",
            "s3://b/p",
        ],
        vec![
            "flows",
            "--sql",
            "athena",
            "--log-format",
            "${flow-direction} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${bytes} ${az-id}",
            "--az-id",
            "euw1-az2=eu-west-1b",
            "s3://b/p",
        ],
        vec![
            "flows",
            "--sql",
            "athena",
            "-m",
            "tests/cases/flows/clients/portplan.yaml",
            "--compare-at",
            "2026-03-04T12:00:00Z",
            "s3://b/p",
        ],
    ] {
        let sql = stdout(&portplan(&flags));
        assert!(sql.contains("'projection.enabled' = 'true'"));
        assert!(
            sql.contains("contains('10.0.0.0/19', TRY_CAST(sa AS IPADDRESS))"),
            "zones inlined"
        );
        assert!(
            sql.contains("(4202, 'ingester', 'grpc', 'loki-v3-ingester', 'ring', FALSE)"),
            "the port map inlined"
        );
        let f = d.join("a.sql");
        std::fs::write(&f, &sql).unwrap();
        let o = std::process::Command::new(&py)
            .args([
                "-c",
                "import sqlglot, sys\nfrom sqlglot.errors import ErrorLevel\nx = sqlglot.parse(open(sys.argv[1]).read(), read='trino', error_level=ErrorLevel.RAISE)\nprint(' '.join(type(e).__name__ for e in x))",
                f.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{flags:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        // The table, the view, then the report's SELECTs.
        let kinds = String::from_utf8_lossy(&o.stdout).trim().to_owned();
        assert!(
            kinds.starts_with("Create Create Select Select Select Select")
                && kinds.split(' ').filter(|k| *k == "Select").count() >= 6,
            "{flags:?}: {kinds}"
        );
    }
    std::fs::remove_dir_all(&d).unwrap();
}

/// The HTML report in a real headless browser (Debian's chromium): it renders (a
/// screenshot of a non-trivial size), and the bars of the rendered DOM carry the JSON's
/// numbers, with widths in proportion to them.
#[test]
fn html_report_in_chromium() {
    let Some(chromium) = on_path("chromium").or_else(|| on_path("chromium-browser")) else {
        require_tool("chromium (Debian)", false);
        return;
    };
    let d = scratch("html");
    let html = d.join("report.html");
    let o = portplan(&[
        "flows",
        "--format",
        "json",
        "--html",
        html.to_str().unwrap(),
        "--compare-at",
        "1700003000",
        "tests/cases/flows/windows",
        "tests/cases/flows/basic",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        !page.contains("<script") && !page.contains("http://") && !page.contains("https://"),
        "self-contained"
    );
    let run = |extra: &[&str]| {
        let profile = d.join("profile");
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            format!("--user-data-dir={}", profile.display()),
            "--window-size=1200,1400".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.push(format!("file://{}", html.display()));
        std::process::Command::new(&chromium)
            .args(&args)
            .output()
            .unwrap()
    };
    let png = d.join("shot.png");
    let o = run(&[&format!("--screenshot={}", png.display())]);
    let shot = std::fs::read(&png)
        .unwrap_or_else(|_| panic!("no screenshot: {}", String::from_utf8_lossy(&o.stderr)));
    assert_eq!(&shot[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        shot.len() > 20_000,
        "a rendered page, not a blank one: {} bytes",
        shot.len()
    );
    // The DOM as the browser parsed it: every bar of the edges chart.
    let dom = String::from_utf8(run(&["--dump-dom"]).stdout).unwrap();
    let edges_svg = &dom[dom.find("<svg id=\"edges\"").expect("the edges chart")..];
    let edges_svg = &edges_svg[..edges_svg.find("</svg>").unwrap()];
    let attr = |tag: &str, name: &str| -> String {
        let k = format!("{name}=\"");
        let i = tag.find(&k).unwrap_or_else(|| panic!("{name} in {tag}")) + k.len();
        tag[i..i + tag[i..].find('"').unwrap()].to_owned()
    };
    let bars: Vec<&str> = edges_svg.split("<rect").skip(1).collect();
    let edges = v["edges"].as_array().unwrap();
    assert_eq!(bars.len(), edges.len(), "one bar per edge");
    let max = edges
        .iter()
        .map(|e| e["cross_zone_bytes"].as_u64().unwrap())
        .max()
        .unwrap() as f64;
    let mut steerable = 0;
    for b in bars {
        let port: u64 = attr(b, "data-port").parse().unwrap();
        let client = attr(b, "data-client");
        let e = edges
            .iter()
            .find(|e| e["port"] == port && e["client"] == client.as_str())
            .unwrap();
        let bytes: u64 = attr(b, "data-bytes").parse().unwrap();
        assert_eq!(
            bytes,
            e["cross_zone_bytes"].as_u64().unwrap(),
            "{client} -> {port}"
        );
        assert_eq!(attr(b, "data-steerable"), e["steerable"].to_string());
        let w: f64 = attr(b, "width").parse().unwrap();
        assert!(
            (w - bytes as f64 / max * 560.0).abs() < 0.01,
            "width {w} for {bytes} of {max}"
        );
        if e["steerable"] == true {
            steerable += bytes;
        }
    }
    assert_eq!(
        steerable,
        v["totals"]["steerable_cross_zone_bytes"].as_u64().unwrap()
    );
    // The before/after chart: one bar per edge and window, carrying the JSON's shares.
    let cmp = &dom[dom
        .find("<svg id=\"compare\"")
        .expect("the before/after chart")..];
    let cmp = &cmp[..cmp.find("</svg>").unwrap()];
    let rows = v["comparison"]["edges"].as_array().unwrap();
    let bars: Vec<&str> = cmp.split("<rect").skip(1).collect();
    assert_eq!(bars.len(), rows.len() * 2);
    for b in bars {
        let port: u64 = attr(b, "data-port").parse().unwrap();
        let r = rows
            .iter()
            .find(|r| r["port"] == port && r["client"] == attr(b, "data-client").as_str())
            .unwrap();
        let key = format!("{}_cross_zone_share", attr(b, "data-window"));
        let share: f64 = attr(b, "data-share").parse().unwrap();
        assert_eq!(share, r[&key].as_f64().unwrap());
    }
    std::fs::remove_dir_all(&d).unwrap();
}

/// A Parquet flow log (written by DuckDB as AWS delivers one: GZIP pages, v1; and Snappy
/// with v2 pages and the DELTA encodings; and uncompressed) gives the same report as its
/// text twin, for every handwritten log and a 1 MiB synthetic one; only the coverage's input
/// size and header count differ (Parquet has no header line).
#[test]
fn parquet_gives_the_report_of_its_text_twin() {
    let Some(py) = python_with("duckdb") else {
        require_tool("python3 with duckdb (PyPI)", false);
        return;
    };
    let d = scratch("parquet");
    let syn = synthetic_log(&py, &d, 1 << 20);
    let logs: Vec<PathBuf> = vec![
        root().join("tests/cases/flows/basic/a.log"),
        root().join("tests/cases/flows/custom/header-v5.log"),
        root().join("tests/cases/flows/windows/rollout.log"),
        root().join("tests/cases/flows/dedupe/two-captures.log"),
        syn,
    ];
    let strip = |mut v: Value| {
        let cov = v["coverage"].as_object_mut().unwrap();
        cov.remove("input_bytes");
        cov.remove("headers");
        for f in cov["failures"].as_array_mut().unwrap() {
            f.as_object_mut().unwrap().remove("file");
        }
        v
    };
    for (i, log) in logs.iter().enumerate() {
        for (codec, version) in [("GZIP", "V1"), ("SNAPPY", "V2"), ("UNCOMPRESSED", "V1")] {
            let pq = d.join(format!("{i}-{codec}-{version}.parquet"));
            let twin = d.join(format!("{i}-twin.log"));
            let o = std::process::Command::new(&py)
                .args([
                    root().join("tests/flows/to_parquet.py").to_str().unwrap(),
                    log.to_str().unwrap(),
                    pq.to_str().unwrap(),
                    codec,
                    version,
                    twin.to_str().unwrap(),
                ])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let text = strip(json(&[twin.to_str().unwrap()]));
            assert!(
                text["coverage"]["counted"].as_u64().unwrap() > 0,
                "{}: nothing counted",
                log.display()
            );
            let got = strip(json(&[pq.to_str().unwrap()]));
            assert_eq!(got, text, "{} as {codec} {version}", log.display());
        }
    }
}

/// A Parquet file cut short is a failure with its name, and the run exits 1.
#[test]
fn a_truncated_parquet_file_is_reported() {
    let Some(py) = python_with("duckdb") else {
        require_tool("python3 with duckdb (PyPI)", false);
        return;
    };
    let d = scratch("parquet-cut");
    let pq = d.join("cut.parquet");
    let o = std::process::Command::new(&py)
        .args([
            root().join("tests/flows/to_parquet.py").to_str().unwrap(),
            root()
                .join("tests/cases/flows/basic/a.log")
                .to_str()
                .unwrap(),
            pq.to_str().unwrap(),
            "GZIP",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&pq).unwrap();
    std::fs::write(&pq, &bytes[..bytes.len() / 2]).unwrap();
    let o = portplan(&["flows", "--format", "json", pq.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let failure = &v["coverage"]["failures"][0];
    assert!(failure["file"].as_str().unwrap().ends_with("cut.parquet"));
    assert!(
        failure["error"]
            .as_str()
            .unwrap()
            .contains("no Parquet footer"),
        "{failure}"
    );
}
