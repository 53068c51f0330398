//! The counting rules on handwritten logs, each test's numbers worked out in its comments.

use super::*;
use crate::common::*;
use serde_json::Value;

#[test]
fn default_format_by_hand() {
    // tests/cases/flows/basic/a.log, default v2 format, no header:
    //  1  10.0.0.5 (1a) :51000 -> 10.0.32.7 (1b) :4101  1000 B  request, distributor, cross
    //  2  10.0.32.7 (1b) :4101 -> 10.0.0.5 (1a) :51000   200 B  response, distributor, cross
    //  3  10.0.0.6 (1a) -> 10.0.0.9 (1a) :4202          5000 B  request, ingester, same zone
    //  4  10.0.64.1 (1c) -> 10.0.32.2 (1b) :4202        3000 B  request, ingester, cross
    //  5  10.0.0.5:7946 (1a) -> 10.0.32.9:7946 (1b)      400 B  request, memberlist -> memberlist, cross
    //  6  :44000 -> :443                                        not Loki
    //  7  52.1.1.1 (no zone) -> 10.0.0.5 :4080           700 B  request, gateway, outside every zone
    //  8  NODATA 60 s, 9 SKIPDATA 60 s, 10 "garbage line" (2 fields)
    let v = json(&["--price-per-gb", PRICE, "tests/cases/flows/basic"]);
    assert_eq!(nums(&v, 4101), [1, 1000, 1000, 1, 200, 200]);
    assert_eq!(nums(&v, 4202), [2, 8000, 3000, 0, 0, 0]);
    assert_eq!(nums(&v, 7946), [1, 400, 400, 0, 0, 0]);
    assert_eq!(nums(&v, 4080), [1, 700, 0, 0, 0, 0]);
    assert_eq!(nums(&v, 4102), [0; 6], "every port of the map is listed");
    assert_eq!(port(&v, 4202)["steering"], "ring");
    assert_eq!(port(&v, 4101)["steerable"], true);
    let t = &v["totals"];
    // 1000 + 200 + 5000 + 3000 + 400 + 700 = 10300 bytes; cross 1000 + 200 + 3000 + 400.
    assert_eq!(t["bytes"], 10300);
    assert_eq!(t["cross_zone_bytes"], 4600);
    // Steerable: the distributor's ClusterIP (1200); not: ring 3000 + gossip 400.
    assert_eq!(t["steerable_cross_zone_bytes"], 1200);
    assert_eq!(t["unsteerable_cross_zone_bytes"], 3400);
    // $0.002 per cross byte: 4600 -> $9.2 over 120 s (1700000000 .. 1700000120);
    // per day x 86400/120 = 720 -> 6624; per month x 30 -> 198720.
    assert_eq!(t["cost_usd"], 9.2);
    assert_eq!(t["cost_per_day_usd"], 6624.0);
    assert_eq!(t["cost_per_month_usd"], 198720.0);
    assert_eq!(v["span"]["seconds"], 120);
    // Edges: the memberlist record's client port is in the map too.
    let edges = v["edges"].as_array().unwrap();
    let e = edges.iter().find(|e| e["port"] == 7946).unwrap();
    assert_eq!(e["client"], "memberlist");
    let e = edges.iter().find(|e| e["port"] == 4101).unwrap();
    assert_eq!(
        (
            e["client"].as_str(),
            e["request_bytes"].as_u64(),
            e["response_bytes"].as_u64()
        ),
        (Some("other"), Some(1000), Some(200))
    );
    // Zone pairs are oriented client -> server: the request 1a -> 1b, and the response's
    // client (its destination, 1a) -> server (its source, 1b): both 1a -> 1b.
    assert_eq!(e["zone_pairs"].as_array().unwrap().len(), 1);
    assert_eq!(e["zone_pairs"][0]["client_zone"], "eu-west-1a");
    assert_eq!(e["zone_pairs"][0]["server_zone"], "eu-west-1b");
    assert_eq!(e["zone_pairs"][0]["bytes"], 1200);
    assert_eq!(e["cross_zone_share"], 1.0);
    let e = edges.iter().find(|e| e["port"] == 4202).unwrap();
    assert_eq!(e["cross_zone_share"], 0.375, "3000 of 8000");
    let c = &v["coverage"];
    assert_eq!(c["records"], 10);
    assert_eq!(c["counted"], 6);
    assert_eq!(c["not_loki"], 1);
    assert_eq!(
        (c["nodata_records"].as_u64(), c["nodata_seconds"].as_u64()),
        (Some(1), Some(60))
    );
    assert_eq!(
        (
            c["skipdata_records"].as_u64(),
            c["skipdata_seconds"].as_u64()
        ),
        (Some(1), Some(60))
    );
    assert_eq!(c["outside_every_zone_records"], 1);
    assert_eq!(c["outside_every_zone_bytes"], 700);
    assert_eq!(c["files_without_flow_direction"], 1);
    assert_eq!(c["skipped"][0]["reason"], "fewer fields than the format");
    assert_eq!(c["skipped"][0]["records"], 1);
    // The first skipped line is located by its byte offset in the file.
    let text = std::fs::read_to_string(root().join("tests/cases/flows/basic/a.log")).unwrap();
    assert_eq!(
        c["skipped"][0]["first_offset"],
        text.find("garbage").unwrap() as u64
    );
    assert_eq!(
        (
            c["min_interval_seconds"].as_u64(),
            c["max_interval_seconds"].as_u64()
        ),
        (Some(60), Some(60))
    );
}

#[test]
fn header_v5_fields_any_order_gzip() {
    // tests/cases/flows/custom/header-v5.log has a header line with the fields shuffled
    // and v3-v5 fields, and is read here gzipped, in a folder, as AWS delivers it.
    //  1  ingress, pkt 10.0.0.5 (1a) -> 10.0.32.7 (1b) :4101, 1000 B: cross. The node
    //     addresses (10.0.32.100 -> .101, both 1b) would say same-zone: pkt-* wins.
    //  2  its egress capture: destination in a zone -> the ingress record counts instead
    //  3  egress 10.0.0.5:4080 -> 52.1.1.1: left the VPC, no twin: counts, a gateway
    //     response of 700 B outside every zone
    //  4  ingress, pkt-* are `-`: srcaddr/dstaddr 10.0.0.9 -> 10.0.0.10 (1a, 1a) :4202, 300 B
    //  5  ingress 10.0.0.5 (1a) -> 100.64.0.5 (no zone) :4090, 500 B; az-id euw1-az2 is the
    //     capturing (destination) interface's zone: with --az-id euw1-az2=eu-west-1b, cross.
    //  6  NODATA
    let d = scratch("v5");
    let deep = d.join("AWSLogs/123456789012/vpcflowlogs/eu-west-1/2023/11/14");
    std::fs::create_dir_all(&deep).unwrap();
    let text = std::fs::read(root().join("tests/cases/flows/custom/header-v5.log")).unwrap();
    gz(
        &deep.join("123456789012_vpcflowlogs_eu-west-1_fl-1_20231114T2210Z_hash.log.gz"),
        &text,
    );
    let dir = d.join("AWSLogs");
    let v = json(&["--az-id", "euw1-az2=eu-west-1b", dir.to_str().unwrap()]);
    assert_eq!(nums(&v, 4101), [1, 1000, 1000, 0, 0, 0]);
    assert_eq!(nums(&v, 4080), [0, 0, 0, 1, 700, 0]);
    assert_eq!(nums(&v, 4202), [1, 300, 0, 0, 0, 0]);
    assert_eq!(nums(&v, 4090), [1, 500, 500, 0, 0, 0]);
    let c = &v["coverage"];
    assert_eq!(c["headers"], 1);
    assert_eq!(c["records"], 6, "the header is not a record");
    assert_eq!(c["egress_duplicates"], 1);
    assert_eq!(c["egress_duplicate_bytes"], 1000);
    assert_eq!(c["files_without_flow_direction"], 0);
    assert_eq!(c["nodata_records"], 1);
    assert_eq!(
        c["outside_every_zone_records"], 1,
        "only the public end of record 3"
    );
    assert_eq!(
        c["input_bytes"],
        std::fs::metadata(
            std::fs::read_dir(&deep)
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path()
        )
        .unwrap()
        .len()
    );
    // The same map in the model (`zoneIds`) instead of the flag.
    let model = std::fs::read_to_string(root().join("portplan.yaml")).unwrap()
        + "zoneIds:\n  euw1-az2: eu-west-1b\n";
    std::fs::write(d.join("m.yaml"), &model).unwrap();
    let v = json(&[
        "-m",
        d.join("m.yaml").to_str().unwrap(),
        dir.to_str().unwrap(),
    ]);
    assert_eq!(nums(&v, 4090), [1, 500, 500, 0, 0, 0]);
    // A zoneIds entry naming no zone is a model error at its value: exit 2.
    std::fs::write(
        d.join("bad.yaml"),
        model.replace("euw1-az2: eu-west-1b", "euw1-az2: eu-west-1x"),
    )
    .unwrap();
    let o = portplan(&[
        "flows",
        "-m",
        d.join("bad.yaml").to_str().unwrap(),
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains(":62:13: error: zoneIds maps euw1-az2 to `eu-west-1x`"),
        "{e}"
    );
    assert!(
        e.contains("did you mean `eu-west-1a`?") || e.contains("did you mean `eu-west-1b`?"),
        "{e}"
    );
    // Without the az-id map, record 5's destination is in no zone.
    let v = json(&[dir.to_str().unwrap()]);
    assert_eq!(nums(&v, 4090), [1, 500, 0, 0, 0, 0]);
    assert_eq!(v["coverage"]["outside_every_zone_records"], 2);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn log_format_flag_and_its_errors() {
    // The same records without the header line, the format given by --log-format.
    let d = scratch("logformat");
    let text =
        std::fs::read_to_string(root().join("tests/cases/flows/custom/header-v5.log")).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    std::fs::write(d.join("x.log"), body).unwrap();
    let fmt: Vec<String> = header.split(' ').map(|f| format!("${{{f}}}")).collect();
    let fmt = fmt.join(" ");
    let v = json(&["--log-format", &fmt, d.join("x.log").to_str().unwrap()]);
    assert_eq!(nums(&v, 4101), [1, 1000, 1000, 0, 0, 0]);
    assert_eq!(v["coverage"]["headers"], 0);
    // Read with the default format instead, every line has the wrong field count
    // (14 fields but not the v2 ones: the ports columns hold addresses).
    let o = portplan(&[
        "flows",
        "--format",
        "json",
        d.join("x.log").to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["totals"]["records"], 0);

    // An unknown field: exit 2, located in the flag's value, with a suggestion.
    let o = portplan(&[
        "flows",
        "--log-format",
        "${srcaddr} ${dstadr} ${srcport} ${dstport} ${bytes}",
        "x.log",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("--log-format:1:12: error: unknown flow-log field `dstadr`"),
        "{e}"
    );
    assert!(e.contains("did you mean `dstaddr`?"), "{e}");
    // A format without a port: exit 2.
    let o = portplan(&[
        "flows",
        "--log-format",
        "${srcaddr} ${dstaddr} ${bytes}",
        "x.log",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the format has no `srcport`"),
        "{}",
        stderr(&o)
    );
    // Bad times and az-ids: exit 2.
    let o = portplan(&["flows", "--since", "yesterday", "x.log"]);
    assert_eq!(o.status.code(), Some(2));
    let o = portplan(&[
        "flows",
        "--az-id",
        "euw1-az1=mars-1a",
        "tests/cases/flows/basic",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the model has no zone `mars-1a`"));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn corrupt_gzip_is_named_with_its_offset_and_the_rest_counts() {
    // good.log.gz holds basic/a.log; bad.log.gz is the same stream cut in its middle.
    // Exit 1; the good file's numbers are all there (4101: 1 request of 1000 bytes), the
    // bad one's decoded part may add records but never a torn line.
    let d = scratch("corrupt");
    let text = std::fs::read(root().join("tests/cases/flows/basic/a.log")).unwrap();
    gz(&d.join("good.log.gz"), &text);
    let mut big = Vec::new();
    for _ in 0..2000 {
        big.extend_from_slice(&text);
    }
    gz(&d.join("bad.log.gz"), &big);
    let bytes = std::fs::read(d.join("bad.log.gz")).unwrap();
    let cut = bytes.len() / 2;
    std::fs::write(d.join("bad.log.gz"), &bytes[..cut]).unwrap();
    let o = portplan(&["flows", "--format", "json", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["coverage"]["failures"][0];
    assert!(f["file"].as_str().unwrap().ends_with("bad.log.gz"));
    assert!(
        f["error"].as_str().unwrap().starts_with("corrupt gzip"),
        "{f}"
    );
    let at = f["offset"].as_u64().unwrap();
    assert!(
        at > 0 && at <= cut as u64,
        "offset {at} within the {cut} bytes"
    );
    assert_eq!(v["coverage"]["files"], 2);
    assert_eq!(v["coverage"]["files_failed"], 1);
    let n = nums(&v, 4101);
    // Whole lines only: every request counted has its 1000 bytes, every response its 200,
    // and the cut may fall between a copy's request and its response line.
    assert!(
        n[0] >= 1 && n[1] == 1000 * n[0] && n[4] == 200 * n[3],
        "{n:?}"
    );
    assert!(n[0] == n[3] || n[0] == n[3] + 1, "{n:?}");
    assert!(
        stderr(&o).contains("bad.log.gz: error: corrupt gzip"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn dedupe_matches_the_two_captures_of_a_flow() {
    // tests/cases/flows/dedupe/two-captures.log, no flow-direction:
    //  1  eni-src  10.0.0.5:51000 -> 10.0.32.7:4101  [0, 60]   1000 B
    //  2  eni-dst  the same 5-tuple                  [10, 70]  1000 B  overlaps 1: duplicate
    //  3  eni-dst  the response 4101 -> 51000        [10, 70]   200 B
    //  4  eni-src  the response                      [0, 60]    200 B  starts first: kept, 3 goes
    //  5  eni-src  the 5-tuple of 1 again            [600, 660] 1000 B  no overlap: kept
    let f = "tests/cases/flows/dedupe/two-captures.log";
    let v = json(&[f]);
    assert_eq!(nums(&v, 4101), [3, 3000, 3000, 2, 400, 400]);
    let v = json(&["--dedupe", f]);
    assert_eq!(nums(&v, 4101), [2, 2000, 2000, 1, 200, 200]);
    assert_eq!(v["coverage"]["deduped"], 2);
    assert_eq!(v["coverage"]["deduped_bytes"], 1200);
    assert_eq!(v["coverage"]["dedupe"], true);
}

#[test]
fn compare_at_and_baseline() {
    // tests/cases/flows/windows/rollout.log; --compare-at 1700003000 splits it:
    //  before: 4101 1000 B same zone + 3000 B 1a -> 1b (share 0.75); 4202 2000 B cross (1.0);
    //          span 1700000000 .. 1700000120 = 120 s
    //  after:  4101 3000 B same zone + 1000 B cross (0.25); 4202 2000 B cross; 120 s
    // At $0.002 per cross byte per 120 s, a month (2592000 s) is x 21600:
    //  4101: before 3000 -> $6 -> 129600/month; after 1000 -> $2 -> 43200; change -86400
    //  4202: 2000 -> $4 -> 86400 both; totals before 216000, after 129600, change -86400
    let f = "tests/cases/flows/windows/rollout.log";
    let v = json(&[
        "--price-per-gb",
        PRICE,
        "--compare-at",
        "2023-11-14T23:03:20Z",
        f,
    ]);
    let c = &v["comparison"];
    assert_eq!(c["mode"], "compare-at");
    assert_eq!(c["at"], "2023-11-14T23:03:20Z");
    assert_eq!(c["before"]["seconds"], 120);
    let e = c["edges"].as_array().unwrap();
    let d = e.iter().find(|x| x["port"] == 4101).unwrap();
    assert_eq!(d["before_cross_zone_share"], 0.75);
    assert_eq!(d["after_cross_zone_share"], 0.25);
    assert_eq!(d["before_cost_per_month_usd"], 129600.0);
    assert_eq!(d["after_cost_per_month_usd"], 43200.0);
    assert_eq!(d["change_per_month_usd"], -86400.0);
    assert_eq!(d["steerable"], true);
    let i = e.iter().find(|x| x["port"] == 4202).unwrap();
    assert_eq!(i["change_per_month_usd"], 0.0);
    assert_eq!(c["before_totals"]["cost_per_month_usd"], 216000.0);
    assert_eq!(c["after_totals"]["cost_per_month_usd"], 129600.0);
    assert_eq!(c["change_per_month_usd"], -86400.0);
    // The top level covers both windows.
    assert_eq!(nums(&v, 4101), [4, 8000, 4000, 0, 0, 0]);

    // --since/--until keep the first hour only: the "before" records.
    let v = json(&["--since", "1700000000", "--until", "1700003000", f]);
    assert_eq!(nums(&v, 4101), [2, 4000, 3000, 0, 0, 0]);
    assert_eq!(v["coverage"]["outside_time"], 3);

    // --baseline: the baseline is "before", the PATHs "after" and the top level.
    let d = scratch("baseline");
    let text = std::fs::read_to_string(root().join(f)).unwrap();
    let (a, b): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| l.contains(" 1700000"));
    std::fs::write(d.join("before.log"), a.join("\n")).unwrap();
    std::fs::write(d.join("after.log"), b.join("\n") + "\n").unwrap();
    let v = json(&[
        "--price-per-gb",
        PRICE,
        "--baseline",
        d.join("before.log").to_str().unwrap(),
        "--",
        d.join("after.log").to_str().unwrap(),
    ]);
    assert_eq!(v["comparison"]["mode"], "baseline");
    assert_eq!(v["comparison"]["change_per_month_usd"], -86400.0);
    assert_eq!(
        nums(&v, 4101),
        [2, 4000, 1000, 0, 0, 0],
        "the top level is the PATHs"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn ipv6_zones() {
    // A model whose zones carry IPv6 CIDRs next to the IPv4 ones.
    let d = scratch("v6");
    let model = std::fs::read_to_string(root().join("portplan.yaml")).unwrap();
    let model = model
        .replace(
            "eu-west-1a: [\"10.0.0.0/19\"]",
            "eu-west-1a: [\"10.0.0.0/19\", \"2600:1f18:0:100::/56\"]",
        )
        .replace(
            "eu-west-1b: [\"10.0.32.0/19\"]",
            "eu-west-1b: [\"10.0.32.0/19\", \"2600:1f18:0:200::/56\"]",
        );
    std::fs::write(d.join("m.yaml"), model).unwrap();
    // 2600:1f18:0:1ab::5 is in 1a's /56, 2600:1f18:0:2cd::7 in 1b's, 2600:1f18:0:1ff::9 in 1a's:
    // a cross request of 900 B and a same-zone one of 100 B.
    std::fs::write(
        d.join("v6.log"),
        "2 1 eni-a 2600:1f18:0:1ab::5 2600:1f18:0:2cd::7 51000 4101 6 1 900 1700000000 1700000060 ACCEPT OK\n\
         2 1 eni-a 2600:1f18:0:1ab::5 2600:1f18:0:1ff::9 51001 4101 6 1 100 1700000000 1700000060 ACCEPT OK\n",
    )
    .unwrap();
    let v = json(&[
        "-m",
        d.join("m.yaml").to_str().unwrap(),
        d.join("v6.log").to_str().unwrap(),
    ]);
    assert_eq!(nums(&v, 4101), [2, 1000, 900, 0, 0, 0]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn chunks_and_threads_do_not_change_the_numbers() {
    // One plain file cut into 1 KiB chunks (every boundary falls inside some line) and read
    // by 1 and 4 workers, against the same lines in one .gz: identical reports.
    let d = scratch("chunks");
    let text = std::fs::read(root().join("tests/cases/flows/basic/a.log")).unwrap();
    let rollout = std::fs::read(root().join("tests/cases/flows/windows/rollout.log")).unwrap();
    let mut big = Vec::new();
    for i in 0..300 {
        big.extend_from_slice(if i % 3 == 0 { &rollout } else { &text });
    }
    std::fs::write(d.join("big.log"), &big).unwrap();
    gz(&d.join("big.gz"), &big);
    let run = |chunk: &str, threads: &str, file: &str| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_portplan"))
            .args([
                "flows",
                "--format",
                "json",
                "--threads",
                threads,
                d.join(file).to_str().unwrap(),
            ])
            .current_dir(root())
            .env("PORTPLAN_FLOWS_CHUNK", chunk)
            .output()
            .unwrap();
        let mut v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["coverage"]["input_bytes"] = Value::Null;
        v["coverage"]["skipped"] = Value::Null;
        (
            v["ports"].clone(),
            v["totals"].clone(),
            v["coverage"].clone(),
        )
    };
    let whole = run("1000000000", "1", "big.log");
    assert_eq!(run("1024", "1", "big.log"), whole);
    assert_eq!(run("1024", "4", "big.log"), whole);
    assert_eq!(run("1024", "4", "big.gz"), whole);
    // The last line without its newline: the mapped reader and the buffered one (gzip)
    // both still count it.
    assert_eq!(big.pop(), Some(b'\n'));
    std::fs::write(d.join("cut.log"), &big).unwrap();
    gz(&d.join("cut.gz"), &big);
    assert_eq!(run("1024", "3", "cut.log"), run("1024", "1", "cut.gz"));
    assert_eq!(run("1000000000", "1", "cut.log"), whole);
    // 200 copies of a.log (1 request of 1000 B on 4101 each) + 100 of rollout.log (4 each).
    assert_eq!(
        whole
            .0
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["port"] == 4101)
            .unwrap()["request_records"],
        600
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn text_and_csv_goldens() {
    let o = portplan(&[
        "flows",
        "--price-per-gb",
        PRICE,
        "tests/cases/flows/basic",
        "tests/cases/flows/custom",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_golden("flows/basic.txt", &o.stdout);
    let o = portplan(&["flows", "--format", "csv", "tests/cases/flows/basic"]);
    assert_golden("flows/basic.csv", &o.stdout);
    let o = portplan(&[
        "flows",
        "--format",
        "json",
        "--compare-at",
        "1700003000",
        "tests/cases/flows/windows",
    ]);
    assert_golden("flows/windows.json", &o.stdout);
}

/// A Parquet file whose footer is empty fails alone: the other files still count.
#[test]
fn a_broken_parquet_file_fails_alone() {
    let d = scratch("parquet");
    std::fs::write(d.join("x.parquet"), b"PAR1\0\0\0\0PAR1").unwrap();
    let o = portplan(&[
        "flows",
        "--format",
        "json",
        d.to_str().unwrap(),
        "tests/cases/flows/basic",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["coverage"]["failures"][0]["error"]
            .as_str()
            .unwrap()
            .contains("Parquet footer:"),
        "{}",
        v["coverage"]["failures"]
    );
    assert_eq!(nums(&v, 4101)[0], 1, "the other files still count");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn clients_named_by_address_range() {
    // tests/cases/flows/clients/portplan.yaml: the reference zones, and `flows.clients`
    // alloy = 10.0.16.0/24 (in 1a) + 10.0.48.0/24 (in 1b), ops-vpn = 10.0.20.0/24 (1a),
    // grafana = 10.0.20.10/32 (inside ops-vpn: the longer prefix wins).
    // tests/cases/flows/clients/clients.log:
    //  1  10.0.16.5 (alloy, 1a) -> 10.0.32.7 (1b) :4101    1000 B  request, cross
    //  2  the response 10.0.32.7:4101 -> 10.0.16.5          300 B  client = its destination: alloy, cross
    //  3  10.0.48.9 (alloy, 1b) -> 10.0.32.7 (1b) :4101    2000 B  same zone
    //  4  10.0.20.10 (grafana, 1a) -> 10.0.0.9 (1a) :4080   500 B  same zone
    //  5  10.0.20.11 (ops-vpn, 1a) -> 10.0.64.4 (1c) :4080  400 B  cross
    //  6  10.0.5.5 (no range, 1a) -> 10.0.32.7 :4101        100 B  other, cross
    //  7  10.0.16.5:7946 -> 10.0.32.9:7946                   60 B  a Loki client port wins over
    //     the range: memberlist -> memberlist, cross
    //  8  record 7 with one field too many: skipped
    // alloy -> distributor: 3 records, 3000 + 300 = 3300 B, cross 1000 + 300 = 1300,
    // share 1300 / 3300 = 0.393939; at $0.002 per cross byte $2.6 over the 60 s window.
    let m = "tests/cases/flows/clients/portplan.yaml";
    let v = json(&[
        "-m",
        m,
        "--price-per-gb",
        PRICE,
        "tests/cases/flows/clients/clients.log",
    ]);
    let edges = v["edges"].as_array().unwrap();
    let edge = |client: &str, port: u64| {
        edges
            .iter()
            .find(|e| e["client"] == client && e["port"] == port)
            .unwrap_or_else(|| panic!("no edge {client} -> {port}: {edges:?}"))
    };
    let e = edge("alloy", 4101);
    assert_eq!(
        (&e["records"], &e["request_bytes"], &e["response_bytes"]),
        (&3.into(), &3000.into(), &300.into())
    );
    assert_eq!(e["cross_zone_bytes"], 1300);
    assert_eq!(e["cross_zone_share"], 0.393939);
    assert_eq!(e["cost_usd"], 2.6);
    assert_eq!(edge("grafana", 4080)["cross_zone_bytes"], 0);
    assert_eq!(edge("grafana", 4080)["bytes"], 500);
    assert_eq!(edge("ops-vpn", 4080)["cross_zone_bytes"], 400);
    assert_eq!(edge("other", 4101)["bytes"], 100);
    assert_eq!(edge("memberlist", 7946)["bytes"], 60);
    assert_eq!(edges.len(), 5, "{edges:?}");
    // Per port nothing changes: the client ranges only name the client side.
    assert_eq!(nums(&v, 4101), [3, 3100, 1100, 1, 300, 300]);
    assert_eq!(
        v["coverage"]["skipped"][0]["reason"],
        "more fields than the format"
    );
    // Without the ranges every one of them is `other`.
    let v = json(&["tests/cases/flows/clients/clients.log"]);
    let clients: Vec<&str> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["client"].as_str().unwrap())
        .collect();
    assert_eq!(clients, ["other", "other", "memberlist"]);
}

#[test]
fn a_flows_client_named_like_a_component_or_twice_is_a_model_error() {
    let d = scratch("clients-bad");
    let base = std::fs::read_to_string(root().join("portplan.yaml")).unwrap();
    for (clients, want) in [
        (
            "    - name: distributor\n      cidrs: [\"10.0.16.0/24\"]\n",
            "flows client `distributor` has the name of the Loki component `distributor`",
        ),
        (
            "    - name: other\n      cidrs: [\"10.0.16.0/24\"]\n",
            "flows client `other` has the name of the report's unknown clients",
        ),
        (
            "    - name: alloy\n      cidrs: [\"10.0.16.0/24\"]\n    - name: alloy\n      cidrs: [\"10.0.17.0/24\"]\n",
            "flows client `alloy` is listed twice",
        ),
    ] {
        let model = format!("{base}flows:\n  clients:\n{clients}");
        let path = d.join("m.yaml");
        std::fs::write(&path, &model).unwrap();
        let p = path.to_str().unwrap();
        // flows refuses the model (exit 2); validate finds it invalid (exit 1).
        for (cmd, code) in [
            (&["flows", "-m", p, "tests/cases/flows/basic"][..], 2),
            (&["validate", p], 1),
        ] {
            let o = portplan(cmd);
            let said = format!("{}{}", stdout(&o), stderr(&o));
            assert_eq!(o.status.code(), Some(code), "{cmd:?}: {said}");
            assert!(said.contains(want), "{cmd:?}: {said}");
        }
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn dedupe_across_files_chunks_and_threads() {
    // 3000 flows 10.0.0.5:n -> 10.0.32.7:4101 (1a -> 1b), 100 B each, captured twice: on
    // eni-src in a.log over [t, t + 60] and on eni-dst in b.log over [t + 5, t + 65] (the
    // twin in the other file, so the match cannot rely on one worker seeing both); and 500
    // flows captured once (c.log). Without --dedupe: 6500 requests, 650000 B. With it,
    // every twin pairs: 3500 requests of 100 B, 3000 deduped (300000 B), whatever the chunk
    // size and the number of workers.
    let d = scratch("dedupe-many");
    let mut a = String::new();
    let mut b = String::new();
    let mut c = String::new();
    for n in 0..3500u32 {
        let t = 1_700_000_000 + u64::from(n % 50) * 60;
        let line = |eni: &str, t: u64| {
            format!(
                "2 1 {eni} 10.0.0.5 10.0.32.7 {} 4101 6 1 100 {t} {} ACCEPT OK\n",
                20000 + n,
                t + 60
            )
        };
        if n < 3000 {
            a.push_str(&line("eni-src", t));
            b.push_str(&line("eni-dst", t + 5));
        } else {
            c.push_str(&line("eni-src", t));
        }
    }
    std::fs::write(d.join("a.log"), &a).unwrap();
    std::fs::write(d.join("b.log"), &b).unwrap();
    std::fs::write(d.join("c.log"), &c).unwrap();
    let v = json(&[d.to_str().unwrap()]);
    assert_eq!(nums(&v, 4101), [6500, 650000, 650000, 0, 0, 0]);
    for (chunk, threads) in [("1000000000", "1"), ("4096", "1"), ("4096", "3")] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_portplan"))
            .args([
                "flows",
                "--format",
                "json",
                "--dedupe",
                "--threads",
                threads,
                d.to_str().unwrap(),
            ])
            .current_dir(root())
            .env("PORTPLAN_FLOWS_CHUNK", chunk)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            nums(&v, 4101),
            [3500, 350000, 350000, 0, 0, 0],
            "chunk {chunk}, {threads} threads"
        );
        assert_eq!(v["coverage"]["deduped"], 3000);
        assert_eq!(v["coverage"]["deduped_bytes"], 300000);
        assert_eq!(v["coverage"]["counted"], 3500);
    }
    std::fs::remove_dir_all(&d).unwrap();
}
