//! `portplan validate`: every violation at its own line, valid files pass, schema and file
//! problems exit 2 with one clear message, per-file reports in the order given.

use crate::common::*;

use std::path::Path;

use serde_json::Value;

fn json_report(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(out),
            stderr(out)
        )
    })
}

/// The `# wrong: A | B` markers of a case file: (line, texts the errors there must contain).
fn markers(source: &str) -> Vec<(u64, Vec<String>)> {
    source
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let (_, rest) = l.split_once("# wrong: ")?;
            let needles = rest.split(" | ").map(|s| s.trim().to_owned()).collect();
            Some((i as u64 + 1, needles))
        })
        .collect()
}

/// Validates `file` (in `dir`) and checks that the errors are exactly the marked ones, each
/// at its marked line.
fn assert_marked_errors(dir: &Path, file: &str) {
    let source = std::fs::read_to_string(dir.join(file)).unwrap();
    let expected = markers(&source);
    assert!(expected.len() >= 3, "{file} needs several marked errors");
    let out = portplan_in(dir, &["validate", "--format", "json", file]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let report = json_report(&out);
    let errors = report["files"][0]["errors"].as_array().unwrap().clone();
    let mut wanted = 0;
    for (line, needles) in &expected {
        for needle in needles {
            wanted += 1;
            assert!(
                errors.iter().any(|e| e["line"].as_u64() == Some(*line)
                    && e["message"].as_str().unwrap().contains(needle.as_str())),
                "{file}:{line}: no error containing {needle:?}; got:\n{errors:#?}"
            );
        }
    }
    for e in &errors {
        let line = e["line"].as_u64().unwrap();
        assert!(
            expected.iter().any(|(l, _)| *l == line),
            "{file}: unexpected error at line {line}: {e}"
        );
    }
    assert_eq!(errors.len(), wanted, "{file}: {errors:#?}");
}

#[test]
fn a_model_with_several_wrong_values_reports_each_at_its_line() {
    assert_marked_errors(&root().join("tests/cases/validate"), "several-wrong.yaml");
    let out = portplan(&["validate", "tests/cases/validate/several-wrong.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "");
    assert_golden("validate/several-wrong.txt", &out.stdout);
}

#[test]
fn a_draft_2020_12_schema_named_by_the_modeline_is_honoured() {
    assert_marked_errors(
        &root().join("tests/cases/validate"),
        "draft2020-values.yaml",
    );
    let out = portplan(&["validate", "tests/cases/validate/draft2020-values.yaml"]);
    assert_golden("validate/draft2020-values.txt", &out.stdout);
    // The same file under draft-07 rules: `unevaluatedProperties` and `prefixItems` do not
    // exist there, so the unknown key passes and `items: false` forbids every item.
    let tmp = temp_dir("draft07");
    let dir = tmp.path();
    let schema = std::fs::read_to_string(root().join("tests/cases/validate/draft2020.schema.json"))
        .unwrap()
        .replace(
            "https://json-schema.org/draft/2020-12/schema",
            "http://json-schema.org/draft-07/schema#",
        );
    std::fs::write(dir.join("s.json"), schema).unwrap();
    let values = root().join("tests/cases/validate/draft2020-values.yaml");
    let out = portplan_in(
        dir,
        &[
            "validate",
            "--format",
            "json",
            "--schema",
            "s.json",
            values.to_str().unwrap(),
        ],
    );
    let report = json_report(&out);
    let keywords: Vec<&str> = report["files"][0]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["keyword"].as_str().unwrap())
        .collect();
    assert_eq!(
        keywords,
        [
            "required",
            "uniqueItems",
            "falseSchema",
            "falseSchema",
            "falseSchema"
        ],
        "{report:#}"
    );
}

#[test]
fn wrong_values_in_a_generated_chart_are_found_through_its_values_schema() {
    let tmp = temp_dir("chart");
    let dir = tmp.path();
    let chart = root().join("chart-out/loki-v3");
    std::fs::copy(
        chart.join("values.schema.json"),
        dir.join("values.schema.json"),
    )
    .unwrap();
    let mut values = std::fs::read_to_string(chart.join("values.yaml")).unwrap();
    for (from, to) in [
        (
            "\n  port: 7946\n",
            "\n  port: 70000  # wrong: 70000 is above the maximum 65535\n",
        ),
        (
            "\n  replicas: 3\n",
            "\n  replicas: three  # wrong: expected an integer, found the string \"three\"\n",
        ),
        (
            "\ntrafficDistribution: \"PreferClose\"\n",
            "\ntrafficDistribution: PreferFar  # wrong: `PreferFar` is not one of PreferClose, None\n",
        ),
        (
            "\nmemberlist:\n",
            "\nmemberlist:\n  prot: 1  # wrong: unknown key `prot` (did you mean `port`?)\n",
        ),
    ] {
        assert!(
            values.contains(from),
            "chart-out values.yaml has no {from:?}"
        );
        values = values.replacen(from, to, 1);
    }
    std::fs::write(dir.join("values.yaml"), values).unwrap();
    // No --schema: the modeline names values.schema.json beside the file.
    assert_marked_errors(dir, "values.yaml");
}

#[test]
fn valid_files_exit_0() {
    let mut files: Vec<String> = models().iter().map(|(_, p)| (*p).to_owned()).collect();
    // Each model's committed values.yaml: chart-out/loki-v3/ and the examples' golden ones.
    for (name, _) in models() {
        let dir = root().join(committed_output(name));
        for entry in std::fs::read_dir(&dir).unwrap() {
            let values = entry.unwrap().path().join("values.yaml");
            if values.is_file() {
                files.push(values.strip_prefix(root()).unwrap().display().to_string());
            }
        }
    }
    files.push("tests/cases/validate/draft2020-valid.yaml".into());
    let args: Vec<&str> = ["validate"]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();
    let out = portplan(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), files.len(), "{text}");
    for (line, file) in lines.iter().zip(&files) {
        assert!(
            line.starts_with(&format!("{file}: valid against ")),
            "{line}"
        );
    }
    assert!(lines[0].ends_with("against portplan.schema.json (built in)"));
}

#[test]
fn a_missing_or_malformed_schema_exits_2_with_one_clear_message() {
    let tmp = temp_dir("bad-schema");
    let dir = tmp.path();
    std::fs::write(dir.join("v.yaml"), "a: 1\n").unwrap();
    std::fs::write(
        dir.join("broken.json"),
        "{\n  \"type\": \"object\",\n  \"properties\": {\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("wrong.json"),
        "{\n  \"properties\": {\"a\": {\"type\": \"strin\"}}\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("remote.json"),
        "{\"properties\": {\"a\": {\"$ref\": \"https://example.com/port.json\"}}}\n",
    )
    .unwrap();
    for (schema, first_line) in [
        (
            "missing.json",
            "missing.json: error: cannot read the schema: No such file or directory (os error 2)",
        ),
        (
            "broken.json",
            "broken.json:4:1: error: the schema is not valid JSON: EOF while parsing an object",
        ),
        (
            "wrong.json",
            "wrong.json:2:32: error: the schema is not valid draft 2020-12: `strin` is not one of array, boolean, integer, null, number, object, string (did you mean `string`?) (at /properties/a/type)",
        ),
        (
            "remote.json",
            "remote.json:1:31: error: the schema refers to `https://example.com/port.json`, which portplan does not fetch",
        ),
    ] {
        let out = portplan_in(dir, &["validate", "--schema", schema, "v.yaml"]);
        assert_eq!(out.status.code(), Some(2), "{schema}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{schema}");
        let err = stderr(&out);
        assert_eq!(err.lines().next(), Some(first_line), "{schema}:\n{err}");
        assert_eq!(err.matches(": error: ").count(), 1, "{schema}:\n{err}");
    }
}

#[test]
fn files_that_cannot_be_checked_exit_2_and_the_rest_are_still_reported() {
    let tmp = temp_dir("bad-files");
    let dir = tmp.path();
    std::fs::write(
        dir.join("malformed.yaml"),
        "release: loki\nmode: [distributed\nnamespace: x\n",
    )
    .unwrap();
    std::fs::write(dir.join("values.yaml"), "replicas: 3\n").unwrap();
    let model = root().join("portplan.yaml");
    let out = portplan_in(
        dir,
        &[
            "validate",
            "malformed.yaml",
            "values.yaml",
            model.to_str().unwrap(),
            "gone.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stdout(&out),
        format!(
            "{}: valid against portplan.schema.json (built in)\n",
            model.display()
        )
    );
    let err = stderr(&out);
    let firsts: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(firsts.len(), 3, "{err}");
    assert!(firsts[0].starts_with("malformed.yaml:3:"), "{err}");
    assert!(
        firsts[1].starts_with("values.yaml: error: no schema for this file"),
        "{err}"
    );
    assert!(err.contains("help: pass --schema PATH"), "{err}");
    assert!(
        firsts[2].starts_with("gone.yaml: error: cannot read the file"),
        "{err}"
    );
}

#[test]
fn several_files_are_reported_per_file_in_the_order_given() {
    let files = [
        "tests/cases/validate/several-wrong.yaml",
        "portplan.yaml",
        "tests/cases/validate/draft2020-values.yaml",
        "examples/monolithic.yaml",
    ];
    let args: Vec<&str> = ["validate"].into_iter().chain(files).collect();
    let out = portplan(&args);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let summaries: Vec<&str> = text
        .lines()
        .filter(|l| files.iter().any(|f| l.starts_with(&format!("{f}: "))))
        .collect();
    assert_eq!(
        summaries,
        [
            "tests/cases/validate/several-wrong.yaml: 9 errors against portplan.schema.json (built in)",
            "portplan.yaml: valid against portplan.schema.json (built in)",
            "tests/cases/validate/draft2020-values.yaml: 5 errors against tests/cases/validate/draft2020.schema.json",
            "examples/monolithic.yaml: valid against portplan.schema.json (built in)",
        ],
        "{text}"
    );
    // Each file's errors come right before its summary, never mixed with another file's.
    let mut current = 0;
    for line in text.lines().filter(|l| l.contains(": error: ")) {
        while !line.starts_with(files[current]) {
            current += 1;
            assert!(current < files.len(), "error out of order: {line}\n{text}");
        }
    }
}

#[test]
fn the_json_format_has_one_entry_per_file_with_located_errors() {
    let out = portplan(&[
        "validate",
        "--format",
        "json",
        "tests/cases/validate/several-wrong.yaml",
        "portplan.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json_report(&out);
    let top: Vec<&String> = report.as_object().unwrap().keys().collect();
    assert_eq!(top, ["files"]);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    for f in files {
        let keys: Vec<&String> = f.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["path", "schema", "valid", "errors"]);
    }
    assert_eq!(files[0]["path"], "tests/cases/validate/several-wrong.yaml");
    assert_eq!(files[0]["valid"], false);
    assert_eq!(files[1]["path"], "portplan.yaml");
    assert_eq!(files[1]["valid"], true);
    assert_eq!(files[1]["errors"].as_array().unwrap().len(), 0);
    let errors = files[0]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 9);
    for e in errors {
        let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["pointer", "line", "column", "message", "keyword"]);
    }
    let port = errors
        .iter()
        .find(|e| e["pointer"] == "/gateway/port")
        .unwrap();
    assert_eq!(port["line"], 11);
    assert_eq!(port["column"], 9);
    assert_eq!(port["keyword"], "maximum");
    assert_eq!(port["message"], "70000 is above the maximum 65535");
    let prot = errors
        .iter()
        .find(|e| e["keyword"] == "additionalProperties")
        .unwrap();
    assert_eq!(prot["pointer"], "/caches/chunks/prot");
    assert_eq!(
        (prot["line"].as_u64(), prot["column"].as_u64()),
        (Some(15), Some(5))
    );
}

#[test]
fn a_values_file_without_a_schema_asks_for_one() {
    let tmp = temp_dir("no-schema");
    let dir = tmp.path();
    std::fs::write(dir.join("my-values.yaml"), "gateway:\n  replicas: 2\n").unwrap();
    let out = portplan_in(dir, &["validate", "my-values.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "my-values.yaml: error: no schema for this file: it is not a portplan model (no top-level `release` and `mode`), has no `# yaml-language-server: $schema=` modeline, and there is no values.schema.json beside it\n  help: pass --schema PATH\n"
    );
    // With --schema the same file is checked.
    let schema = root().join("chart-out/loki-v3/values.schema.json");
    let out = portplan_in(
        dir,
        &[
            "validate",
            "--schema",
            schema.to_str().unwrap(),
            "my-values.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("missing required key `images`"));
}

#[test]
fn the_example_in_docs_editors_is_real_output() {
    let doc = std::fs::read_to_string(root().join("docs/editors.md")).unwrap();
    let start = doc
        .find("$ portplan validate ")
        .expect("docs/editors.md shows a run");
    let block = &doc[start..];
    let block = &block[..block.find("```").unwrap()];
    let (command, shown) = block.split_once('\n').unwrap();
    let args: Vec<&str> = command
        .trim_start_matches("$ portplan ")
        .split_whitespace()
        .collect();
    let out = portplan(&args);
    assert_eq!(
        stdout(&out),
        shown,
        "docs/editors.md's example is stale: `{command}`"
    );
}
