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

/// Runs a DuckDB query file and returns its rows as JSON arrays.
fn duckdb_rows(py: &Path, sql: &Path) -> Vec<Value> {
    let o = std::process::Command::new(py)
        .args([
            "-c",
            "import duckdb, json, sys\nrows = duckdb.sql(open(sys.argv[1]).read()).fetchall()\nprint(json.dumps([list(r) for r in rows]))",
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
    serde_json::from_slice::<Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// `--sql duckdb` run by DuckDB gives `--format json`'s per-port numbers, on the
/// handwritten logs and on a 2 MiB synthetic log (bench/flows_gen.py's mix).
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
    let cases: Vec<(Vec<String>, String)> = vec![
        (vec![], "tests/cases/flows/basic".into()),
        (vec![], "tests/cases/flows/windows/rollout.log".into()),
        (
            vec![
                "--since".into(),
                "1700000000".into(),
                "--until".into(),
                "1700003000".into(),
            ],
            "tests/cases/flows/windows/rollout.log".into(),
        ),
        (
            vec!["--log-format".into(), v5_format],
            "tests/cases/flows/custom/header-v5.log".into(),
        ),
        (vec![], syn.to_str().unwrap().into()),
    ];
    for (flags, path) in cases {
        let mut a: Vec<&str> = vec!["flows", "--sql", "duckdb"];
        a.extend(flags.iter().map(String::as_str));
        a.push(&path);
        let sql = d.join("q.sql");
        std::fs::write(&sql, stdout(&portplan(&a))).unwrap();
        let rows = duckdb_rows(&py, &sql);
        let v = json(&a[3..]);
        assert_eq!(rows.len(), v["ports"].as_array().unwrap().len());
        let mut nonzero = 0;
        for r in rows {
            let p = r[0].as_u64().unwrap();
            let want: Vec<u64> = nums(&v, p).to_vec();
            let got: Vec<u64> = r.as_array().unwrap()[4..10]
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
            assert_eq!(got, want, "{path} {flags:?}: port {p}");
            let port = v["ports"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["port"] == p)
                .unwrap();
            assert_eq!(r[10], port["cross_zone_bytes"], "{path}: port {p}");
            let (sql_cost, cost) = (r[11].as_f64().unwrap(), port["cost_usd"].as_f64().unwrap());
            assert!(
                (sql_cost - cost).abs() < 1e-9,
                "{path}: port {p}: {sql_cost} vs {cost}"
            );
            nonzero += usize::from(want[0] + want[3] > 0);
        }
        assert!(nonzero > 0, "{path}: not vacuous");
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
            "${flow-direction} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${bytes}",
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
            sql.contains("(4202, 'ingester', 'grpc', 'ring')"),
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
        assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "Create Select");
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
