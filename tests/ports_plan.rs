//! `portplan ports`, `plan` and `schema` on the repository's models.

use crate::common::*;

use serde_json::Value;

#[test]
fn reference_port_map_is_the_reference_layout() {
    let out = portplan(&["ports", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ports: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let got: Vec<(String, String, u64, String)> = ports
        .iter()
        .map(|p| {
            (
                p["component"].as_str().unwrap().to_owned(),
                p["name"].as_str().unwrap().to_owned(),
                p["port"].as_u64().unwrap(),
                p["service"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The table of the design notes, plus the exporters.
    let mut expected = Vec::new();
    let components = [
        "distributor",
        "ingester",
        "querier",
        "query-frontend",
        "query-scheduler",
        "index-gateway",
        "compactor",
    ];
    for (i, c) in components.iter().enumerate() {
        let svc = format!("loki-v3-{c}");
        expected.push((
            c.to_string(),
            "http-metrics".to_string(),
            4101 + i as u64,
            svc.clone(),
        ));
        expected.push((c.to_string(), "grpc".to_string(), 4201 + i as u64, svc));
    }
    expected.push((
        "gateway".into(),
        "http-metrics".into(),
        4080,
        "loki-v3-gateway".into(),
    ));
    expected.push((
        "chunks-cache".into(),
        "client".into(),
        4090,
        "loki-v3-chunks-cache".into(),
    ));
    expected.push((
        "chunks-cache".into(),
        "http-metrics".into(),
        9150,
        "loki-v3-chunks-cache".into(),
    ));
    expected.push((
        "results-cache".into(),
        "client".into(),
        4091,
        "loki-v3-results-cache".into(),
    ));
    expected.push((
        "results-cache".into(),
        "http-metrics".into(),
        9150,
        "loki-v3-results-cache".into(),
    ));
    expected.push((
        "memberlist".into(),
        "http-memberlist".into(),
        7946,
        "loki-v3-memberlist".into(),
    ));
    // The canary's metrics port (scraped from its pods; no Service).
    expected.push(("canary".into(), "http-metrics".into(), 3500, String::new()));
    assert_eq!(got, expected);
    assert!(ports.iter().all(|p| p["protocol"] == "TCP"));
}

#[test]
fn golden_ports_and_plans() {
    for (name, model) in models() {
        for (cmd, format, ext) in [
            ("ports", "table", "txt"),
            ("ports", "json", "json"),
            ("ports", "csv", "csv"),
            ("plan", "text", "txt"),
            ("plan", "json", "json"),
        ] {
            let out = portplan(&[cmd, "--model", model, "--format", format]);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{cmd} {model}: {}",
                stderr(&out)
            );
            assert_golden(&format!("{cmd}/{name}.{ext}"), &out.stdout);
        }
    }
}

#[test]
fn plan_text_ends_with_the_resource_summary() {
    let out = portplan(&["plan", "--model", "examples/monolithic.yaml"]);
    let text = stdout(&out);
    let tail: Vec<&str> = text.lines().rev().take(6).collect();
    assert!(tail[0].trim_start().starts_with("total"), "{text}");
    // single-binary 250m + gateway 100m + results-cache 100m + canary 10m
    assert!(tail[0].contains("0.46 cores"), "{}", tail[0]);
    assert!(text.contains("\nResources (requests)\n"));
}

#[test]
fn monolithic_example_has_no_chunks_cache_and_a_v11_schema() {
    let out = portplan(&[
        "plan",
        "--model",
        "examples/monolithic.yaml",
        "--format",
        "json",
    ]);
    let plan: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let caches: Vec<&str> = plan["caches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(caches, ["results-cache"]);
    assert_eq!(plan["schema_config"][0]["schema"], "v11");
    assert_eq!(plan["schema_config"][0]["store"], "boltdb-shipper");
    assert_eq!(plan["structured_metadata"], false);
    assert_eq!(plan["storage"]["type"], "filesystem");
    assert_eq!(plan["components"][0]["replicas"], 1);
    assert!(plan["addresses"]["chunks_cache"].is_null());
}

#[test]
fn committed_schema_is_current() {
    let out = portplan(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let committed =
        std::fs::read_to_string(root().join("schema/portplan.schema.json")).unwrap_or_default();
    assert!(
        committed == stdout(&out),
        "schema/portplan.schema.json is stale: run `cargo run -- schema --out schema/portplan.schema.json`"
    );
    let schema: Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn help_has_examples() {
    for cmd in [
        vec!["--help"],
        vec!["ports", "--help"],
        vec!["plan", "--help"],
        vec!["schema", "--help"],
    ] {
        let out = portplan(&cmd);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("Examples:"), "{cmd:?}");
    }
    let out = portplan(&["ports", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2), "a bad flag value is exit 2");
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_stdout_is_an_error() {
    let full = std::fs::File::create("/dev/full").unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args(["ports"])
        .current_dir(root())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot write to stdout"),
        "{}",
        stderr(&o)
    );
}
