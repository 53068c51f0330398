//! Client configs outside the chart: every Alloy and Grafana setting of the model lands in
//! them (tests/cases/clients/portplan.yaml; goldens in golden/clients/), and no password does.

use crate::common::*;

#[test]
fn every_client_setting_reaches_its_config() {
    let tmp = temp_dir("clients");
    let out = tmp.path().join("out");
    let o = portplan(&[
        "gen",
        "-m",
        "tests/cases/clients/portplan.yaml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for file in [
        "alloy/edge.alloy",
        "alloy/ci.alloy",
        "grafana/datasources.yaml",
    ] {
        let bytes = std::fs::read(out.join(file)).unwrap();
        assert_golden(&format!("clients/{file}"), &bytes);
    }
    let edge = std::fs::read_to_string(out.join("alloy/edge.alloy")).unwrap();
    assert!(
        edge.contains("password_file = \"/var/run/secrets/loki/password\""),
        "{edge}"
    );
    assert!(
        edge.contains("max_backoff_retries = 0"),
        "0 is a value, not unset: {edge}"
    );
    let ci = std::fs::read_to_string(out.join("alloy/ci.alloy")).unwrap();
    assert!(ci.contains("password = sys.env(\"LOKI_PASSWORD\")"), "{ci}");
    // The datasources parse as YAML and carry each tenant as the X-Scope-OrgID header.
    let text = std::fs::read_to_string(out.join("grafana/datasources.yaml")).unwrap();
    let v: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let ds = v["datasources"].as_array().unwrap();
    assert_eq!(ds[0]["jsonData"]["timeout"], 120);
    assert_eq!(ds[0]["jsonData"]["maxLines"], 5000);
    assert_eq!(ds[1]["jsonData"]["maxLines"], 1000);
    for (d, tenant) in ds.iter().zip(["team-a", "ci"]) {
        assert_eq!(d["jsonData"]["httpHeaderName1"], "X-Scope-OrgID");
        assert_eq!(d["secureJsonData"]["httpHeaderValue1"], tenant);
    }
}
