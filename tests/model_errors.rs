//! Bad models: each class exits 2 with one clear message at `file:line:col`.

use crate::common::*;

/// (case file, expected `line:col` of the primary error, text the message must contain)
const CASES: &[(&str, &str, &str)] = &[
    ("malformed-yaml", "3:5", "illegal placement of ':'"),
    (
        "wrong-type",
        "6:15",
        "expected an integer or null, found the string \"three\"",
    ),
    ("unknown-key", "4:1", "did you mean `trafficDistribution`?"),
    ("unknown-nested-key", "5:3", "did you mean `port`?"),
    (
        "invalid-name",
        "1:10",
        "is not a release name: a DNS-1035 label",
    ),
    ("template-in-name", "1:10", "is not a release name"),
    (
        "bad-enum",
        "4:22",
        "`Sideways` is not one of PreferClose, PreferSameZone, PreferSameNode, None",
    ),
    ("bad-mode", "3:7", "did you mean `distributed`?"),
    (
        "port-out-of-range",
        "7:11",
        "70000 is above the maximum 65535",
    ),
    (
        "collision-components",
        "11:11",
        "port 4080 of ingester (http-metrics) collides with gateway (http-metrics)",
    ),
    ("collision-same-pod", "5:9", "in the same pod"),
    (
        "component-of-other-mode",
        "6:3",
        "component `read` is not part of mode distributed (it belongs to simple-scalable)",
    ),
    ("unknown-component", "6:3", "did you mean `distributor`?"),
    (
        "traffic-distribution-too-new",
        "5:22",
        "needs Kubernetes >= 1.34",
    ),
    (
        "unquoted-kube-version",
        "4:14",
        "(write \"1.30\" to keep it a string)",
    ),
    ("missing-mode", "1:1", "missing required key `mode`"),
    ("missing-storage", "3:1", "needs object storage"),
    ("client-path-traversal", "6:13", "is not a DNS-1035 label"),
    ("datasource-newline", "6:13", "is not a datasource name"),
    (
        "basic-auth-inline-password",
        "9:9",
        "unknown key `password` (did you mean `passwordFile`?)",
    ),
    (
        "basic-auth-no-password",
        "8:9",
        "basicAuth has no password source",
    ),
    (
        "alloy-duration-days",
        "8:21",
        "(Go units: ns, us, ms, s, m, h)",
    ),
    (
        "extra-arg-owns-port",
        "8:9",
        "extra arg `-server.http-listen-port=3200` sets -server.http-listen-port",
    ),
    (
        "zone-aware-too-few-replicas",
        "10:16",
        "replication factor 3 needs at least 3 zones",
    ),
    (
        "identity-wrong-cloud",
        "9:5",
        "`awsRoleArn` is an identity for s3 storage, and the storage is gcs",
    ),
    (
        "env-owned-by-chart",
        "6:13",
        "env var `POD_NAME` is set by the chart",
    ),
    ("bad-role-arn", "9:17", "is not an IAM role ARN"),
    (
        "zone-name-too-long",
        "10:16",
        "would be 56 characters; its pods' revision label allows 52",
    ),
    (
        "passthrough-owned-key",
        "8:7",
        "set it in the model: `ports` / `components.<name>.http`",
    ),
    ("misspelt-loki-key", "7:7", "did you mean `max_concurrent`?"),
    (
        "misspelt-limits-key",
        "5:3",
        "did you mean `ingestion_rate_mb`?",
    ),
    (
        "canary-override-tail-limit",
        "14:35",
        "set `overrides.canary.max_concurrent_tail_requests: 5`",
    ),
    (
        "otlp-client-batch",
        "8:7",
        "`batch` configures loki.write; this client sends OTLP",
    ),
    (
        "override-wrong-type",
        "7:25",
        "`overrides.team-a.reject_old_samples` is a boolean in Loki's configuration",
    ),
    (
        "transition-not-neighbours",
        "5:13",
        "monolithic cannot move to distributed in one transition",
    ),
    (
        "transition-same-mode",
        "4:13",
        "`transition: simple-scalable` is the mode the model already runs",
    ),
    (
        "transition-said-twice",
        "4:1",
        "`mode: SingleBinary<->SimpleScalable` names its transition already",
    ),
    (
        "transition-component-of-neither",
        "12:3",
        "component `ingester` is not part of the transition monolithic -> simple-scalable (it belongs to distributed)",
    ),
];

#[test]
fn each_bad_input_class_exits_2_with_its_location() {
    for (case, at, needle) in CASES {
        let rel = format!("tests/cases/errors/{case}.yaml");
        let out = portplan(&["plan", "--model", &rel]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{case}: {err}");
        assert!(out.stdout.is_empty(), "{case}: nothing on stdout");
        let first = err.lines().next().unwrap_or("");
        assert!(
            first.starts_with(&format!("{rel}:{at}: error: ")),
            "{case}: first line {first:?}"
        );
        assert!(err.contains(needle), "{case}: {err}");
        assert_golden(&format!("errors/{case}.txt"), err.as_bytes());
    }
}

#[test]
fn a_collision_names_both_sides() {
    let out = portplan(&[
        "ports",
        "--model",
        "tests/cases/errors/collision-components.yaml",
    ]);
    let err = stderr(&out);
    assert!(
        err.contains("collision-components.yaml:11:11: error"),
        "{err}"
    );
    assert!(
        err.contains("collision-components.yaml:8:9: note: gateway http-metrics is set here"),
        "{err}"
    );
}

#[test]
fn a_missing_model_exits_2_with_a_hint() {
    // An empty folder of its own: the shared temporary folder might hold such a file.
    let dir = temp_dir("missing-model");
    let out = portplan_in(dir.path(), &["ports", "--model", "no-such-portplan.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("no-such-portplan.yaml: error: cannot read the model"),
        "{err}"
    );
    assert!(err.contains("--model"));
}

#[test]
fn non_utf8_model_is_rejected_with_position() {
    let tmp = temp_dir("utf8");
    let dir = tmp.path();
    std::fs::write(dir.join("m.yaml"), b"release: loki\nnamespace: a\xffb\n").unwrap();
    let out = portplan_in(dir, &["ports", "--model", "m.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("m.yaml:2:13: error: the model is not valid UTF-8"),
        "{}",
        stderr(&out)
    );
}
