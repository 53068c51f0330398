//! Hostile strings in the model never reach a Helm template as template text, nor YAML
//! structure, nor a path outside the output folder: they are rejected with a position, or land
//! quoted in a data file.

use crate::common::*;

const BASE: &str = r#"release: loki
namespace: logging
clusterDomain: cluster.local
mode: monolithic
authEnabled: true
storage:
  type: s3
  region: eu-west-1
  endpoint: minio.local:9000
  buckets: {chunks: my-chunks}
limits:
  retention_period: 744h
schemaConfig:
  - from: "2024-04-01"
    store: tsdb
    schema: v13
    indexPrefix: loki_index_
caches:
  results:
    maxItemSize: 2m
components:
  single-binary:
    resources:
      requests: {cpu: 250m, memory: 512Mi}
images:
  loki: docker.io/grafana/loki:3.5.7
clients:
  alloy:
    - name: writer
      tenant: team-a
  grafana:
    - name: Loki
      tenant: team-a
zones:
  zone-a: ["10.0.0.0/16"]
"#;

/// Values an attacker (or a careless copy-paste) might put in a model string.
const HOSTILE: &[&str] = &[
    "x{{ .Values.evil }}",
    "}}",
    "{{- fail \"boom\" -}}",
    "a\nkind: Secret",
    "a\"b",
    "a: b",
    "a'b",
    "../../etc/passwd",
    "caf\u{e9}",
    "[% raw %]",
];

/// (description, the line of BASE to replace, its replacement with `{V}` for the value)
const FIELDS: &[(&str, &str, &str)] = &[
    ("release", "release: loki", "release: {V}"),
    ("namespace", "namespace: logging", "namespace: {V}"),
    (
        "clusterDomain",
        "clusterDomain: cluster.local",
        "clusterDomain: {V}",
    ),
    (
        "bucket",
        "  buckets: {chunks: my-chunks}",
        "  buckets: {chunks: {V}}",
    ),
    ("region", "  region: eu-west-1", "  region: {V}"),
    (
        "endpoint",
        "  endpoint: minio.local:9000",
        "  endpoint: {V}",
    ),
    (
        "retention",
        "  retention_period: 744h",
        "  retention_period: {V}",
    ),
    ("from", "  - from: \"2024-04-01\"", "  - from: {V}"),
    (
        "indexPrefix",
        "    indexPrefix: loki_index_",
        "    indexPrefix: {V}",
    ),
    ("maxItemSize", "    maxItemSize: 2m", "    maxItemSize: {V}"),
    (
        "cpu",
        "      requests: {cpu: 250m, memory: 512Mi}",
        "      requests: {cpu: {V}, memory: 512Mi}",
    ),
    (
        "memory",
        "      requests: {cpu: 250m, memory: 512Mi}",
        "      requests: {cpu: 250m, memory: {V}}",
    ),
    (
        "image",
        "  loki: docker.io/grafana/loki:3.5.7",
        "  loki: {V}",
    ),
    ("alloy name", "    - name: writer", "    - name: {V}"),
    (
        "alloy tenant",
        "      tenant: team-a\n  grafana:",
        "      tenant: {V}\n  grafana:",
    ),
    ("datasource name", "    - name: Loki", "    - name: {V}"),
    (
        "zone name",
        "  zone-a: [\"10.0.0.0/16\"]",
        "  {V}: [\"10.0.0.0/16\"]",
    ),
    (
        "zone cidr",
        "  zone-a: [\"10.0.0.0/16\"]",
        "  zone-a: [{V}]",
    ),
    ("component key", "  single-binary:", "  {V}:"),
];

#[test]
fn the_base_model_is_valid() {
    let tmp = temp_dir("base");
    let dir = tmp.path();
    std::fs::write(dir.join("m.yaml"), BASE).unwrap();
    let o = portplan_in(dir, &["gen", "--model", "m.yaml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn hostile_strings_are_rejected_with_a_position_and_nothing_is_written() {
    let tmp = temp_dir("fields");
    let dir = tmp.path();
    let mut checked = 0;
    for (what, line, replacement) in FIELDS {
        assert!(
            BASE.contains(line),
            "{what}: the base model has no line {line:?}"
        );
        for value in HOSTILE {
            // JSON quoting is valid YAML: the string arrives in the model exactly as written.
            let quoted = serde_json::to_string(value).unwrap();
            let model = BASE.replacen(line, &replacement.replace("{V}", &quoted), 1);
            std::fs::write(dir.join("m.yaml"), &model).unwrap();
            let o = portplan_in(dir, &["gen", "--model", "m.yaml", "--out", "out"]);
            let err = stderr(&o);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{what} = {value:?} was accepted:\n{err}"
            );
            let first = err.lines().next().unwrap_or_default();
            let pos: Vec<&str> = first.splitn(4, ':').collect();
            assert!(
                pos[0] == "m.yaml"
                    && pos[1].parse::<u32>().unwrap() > 0
                    && pos[2].parse::<u32>().is_ok(),
                "{what} = {value:?}: no position in {first:?}"
            );
            assert!(
                !dir.join("out").exists(),
                "{what} = {value:?}: something was written"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, FIELDS.len() * HOSTILE.len());
}

#[test]
fn accepted_free_text_lands_quoted() {
    let tmp = temp_dir("quoted");
    let dir = tmp.path();
    let model = BASE.replace("    - name: Loki", "    - name: Loki (team-a) v2.0");
    std::fs::write(dir.join("m.yaml"), model).unwrap();
    let o = portplan_in(dir, &["gen", "--model", "m.yaml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ds = std::fs::read_to_string(dir.join("out/grafana/datasources.yaml")).unwrap();
    assert!(ds.contains("  - name: \"Loki (team-a) v2.0\"\n"), "{ds}");
}

#[test]
fn a_hostile_model_path_cannot_reach_template_text() {
    let tmp = temp_dir("path");
    let dir = tmp.path();
    // A folder named `{{ fail "x" }}*` holding ` #.yaml`: the path closes a Go template
    // comment and opens an action.
    let name = "{{ fail \"x\" }}*/ #.yaml";
    std::fs::create_dir_all(dir.join("{{ fail \"x\" }}*")).unwrap();
    std::fs::write(dir.join(name), BASE).unwrap();
    let o = portplan_in(dir, &["gen", "--model", name, "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (path, bytes) in portplan::output::read_tree(&dir.join("out")).unwrap() {
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains("{{ fail"), "{path}");
        assert!(!text.contains("*/ #"), "{path}");
    }
    let notes = std::fs::read_to_string(dir.join("out/loki/templates/NOTES.txt")).unwrap();
    assert!(
        notes.starts_with(
            "{{- /* Code generated by portplan from ___fail__x_____/__.yaml. DO NOT EDIT. */ -}}"
        ),
        "{notes}"
    );
}
