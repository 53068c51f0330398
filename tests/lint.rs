//! `portplan lint`: every rule fires exactly where a problem is planted and nowhere else,
//! each has a clean counterpart that turns into a finding when broken, the output formats
//! are stable and SARIF validates against the official schema.

use crate::common::{
    assert_golden, lint_findings, portplan, portplan_in, root, show, stderr, stdout, temp_dir,
};

use std::collections::BTreeSet;
use std::path::Path;

use portplan::lint::rules::ALL;
use serde_json::Value;

const REPO: &str = "tests/cases/lint-repo";
const CLEAN: &str = "tests/cases/lint-clean";

/// `(rule, path, line)` of every finding in `lint --format json` output.
fn findings(out: &std::process::Output) -> BTreeSet<(String, String, u64)> {
    lint_findings(out).into_iter().collect()
}

/// Every text file under `dir`, as `(path relative to the repository root, text)`.
fn text_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                let rel = p
                    .strip_prefix(root())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, text));
            }
        }
    }
    out.sort();
    out
}

/// Lines carrying `<marker> <rule>`, as `(rule, path, line)`.
fn markers(dir: &str, marker: &str) -> BTreeSet<(String, String, u64)> {
    let mut out = BTreeSet::new();
    for (path, text) in text_files(&root().join(dir)) {
        for (i, line) in text.lines().enumerate() {
            if let Some((_, rest)) = line.split_once(marker) {
                let rule = rest.split_whitespace().next().unwrap().to_owned();
                out.insert((rule, path.clone(), i as u64 + 1));
            }
        }
    }
    out
}

fn lint_repo(format: &str) -> std::process::Output {
    portplan(&[
        "lint",
        "-m",
        &format!("{REPO}/portplan.yaml"),
        REPO,
        "--format",
        format,
    ])
}

#[test]
fn every_rule_fires_exactly_where_planted() {
    let out = lint_repo("json");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let got = findings(&out);
    let planted = markers(REPO, "planted: ");
    assert_eq!(got, planted, "findings (left) vs planted markers (right)");
    let fired: BTreeSet<&str> = got.iter().map(|(r, _, _)| r.as_str()).collect();
    for rule in ALL {
        assert!(fired.contains(rule.slug), "rule {} never fired", rule.slug);
    }
    // The ignored file and the binary file hold violations of their own.
    let ignored =
        std::fs::read_to_string(root().join(REPO).join("scratch/alloy-old.yaml")).unwrap();
    assert!(ignored.contains(":4100/"));
    let binary = std::fs::read(root().join(REPO).join("docs/topology.png")).unwrap();
    assert!(binary.contains(&0) && binary.windows(5).any(|w| w == b":4100"));
    assert!(
        stderr(&out).contains("1 binary file skipped"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn output_formats_are_stable() {
    for (format, file) in [
        ("text", "text.txt"),
        ("json", "findings.json"),
        ("sarif", "findings.sarif"),
        ("github", "github.txt"),
    ] {
        let out = lint_repo(format);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert_golden(&format!("lint/{file}"), &out.stdout);
    }
}

#[test]
fn text_format_shows_rule_source_line_caret_and_hint() {
    let out = lint_repo("text");
    let text = stdout(&out);
    let expected = "\
tests/cases/lint-repo/apps/alloy.yaml:30:79: error[client-port-drift]: ";
    assert!(text.starts_with(expected), "{text}");
    let caret_line = text.lines().nth(3).unwrap();
    assert_eq!(caret_line.find('^'), Some(5 + 78), "{text}");
    assert!(
        text.lines()
            .nth(4)
            .unwrap()
            .contains("help: use port 4101 (http-metrics)")
    );
}

fn sarif_validator() -> jsonschema::Validator {
    let mut schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/sarif/sarif-2.1.0-rtm.5.json")).unwrap(),
    )
    .unwrap();
    // The schema's `language` patterns (of `run` and `toolComponent`) end in a stray `]`: a
    // literal to ECMA-262, an invalid regex to the meta-schema check. portplan writes no
    // `language`; dropping those patterns leaves every constraint a portplan log meets.
    let defs = schema["definitions"].as_object_mut().unwrap();
    let mut dropped = 0;
    for def in defs.values_mut() {
        if let Some(lang) = def
            .pointer_mut("/properties/language")
            .and_then(Value::as_object_mut)
            && lang
                .get("pattern")
                .and_then(Value::as_str)
                .is_some_and(|p| p.ends_with("]?$"))
        {
            lang.remove("pattern");
            dropped += 1;
        }
    }
    assert_eq!(dropped, 2, "the schema changed: re-check this workaround");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = sarif_validator();
    for out in [lint_repo("sarif"), portplan(&["lint", "--format", "sarif"])] {
        let log: Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "SARIF schema violations:\n{}",
            errors.join("\n")
        );
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), ALL.len());
        for (r, info) in rules.iter().zip(ALL) {
            assert_eq!(r["id"], info.slug);
            // No base URL configured: no helpUri (SARIF wants an absolute URI), and the
            // help text names the page in the repository.
            assert!(r.get("helpUri").is_none(), "{r}");
            assert!(
                r["help"]["text"]
                    .as_str()
                    .unwrap()
                    .contains(&info.doc_path()),
                "{r}"
            );
        }
        for result in run["results"].as_array().unwrap() {
            let i = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], result["ruleId"]);
        }
    }
    // A sabotaged log is refused: the validator is really checking.
    let mut bad: Value = serde_json::from_slice(&lint_repo("sarif").stdout).unwrap();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
}

#[test]
fn github_commands_escape_as_documented() {
    let out = lint_repo("github");
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::error file=tests/cases/lint-repo/apps/alloy.yaml,line=30,col=79,title=client-port-drift::"
        ),
        "{first}"
    );
    // The hint is on a second line of the same annotation: `\n` escaped, no raw newline.
    assert!(first.contains("%0Ahelp: use port 4101"), "{first}");
    assert_eq!(text.lines().count(), findings(&lint_repo("json")).len());
    let warning = text
        .lines()
        .find(|l| l.contains("title=privileged-port"))
        .unwrap();
    // The Plan refuses a container port below 1024, so lint reports it as an error too.
    assert!(warning.starts_with("::error file="), "{warning}");
}

#[test]
fn clean_counterparts_lint_clean() {
    let out = portplan(&[
        "lint",
        "-m",
        &format!("{CLEAN}/portplan.yaml"),
        CLEAN,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(findings(&out), BTreeSet::new());
    // Every rule has its counterpart: a folder for file rules, a marked line for model rules.
    let marked: BTreeSet<String> = markers(CLEAN, "clean: ")
        .into_iter()
        .map(|(r, _, _)| r)
        .collect();
    for rule in ALL {
        assert!(
            marked.contains(rule.slug) || root().join(CLEAN).join(rule.slug).is_dir(),
            "rule {} has no clean counterpart in {CLEAN}",
            rule.slug
        );
    }
}

/// Copies `dir` into a temporary folder.
fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

#[test]
fn each_clean_counterpart_fires_once_broken() {
    // (file, text, replacement, rule that must then fire, where)
    #[rustfmt::skip]
    let breaks = [
        ("portplan.yaml", "http: 1024", "http: 1023", "privileged-port", "portplan.yaml:23"),
        ("portplan.yaml", "kubeVersion: \"1.34\"", "kubeVersion: \"1.33\"", "traffic-distribution-unsupported", "portplan.yaml:18"),
        ("portplan.yaml", "port: 4091", "port: 4090", "port-collision", "portplan.yaml:32"),
        ("portplan.yaml", "max_concurrent_tail_requests: 14", "max_concurrent_tail_requests: 13", "tail-limit-below-canaries", "portplan.yaml:35"),
        ("portplan.yaml", "schema: v13", "schema: v12", "structured-metadata-needs-v13", "portplan.yaml:47"),
        ("portplan.yaml", "maxUnavailable: 1", "maxUnavailable: 2", "ingester-budget-breaks-quorum", "portplan.yaml:26"),
        ("memcached-port-flag/caches.yaml", "- -p {{", "- -u {{", "memcached-port-flag", "memcached-port-flag/caches.yaml:15"),
        ("memcached-port-flag/caches.yaml", "\"--port=4091\", ", "", "memcached-port-flag", "memcached-port-flag/caches.yaml:39"),
        ("client-port-drift/alloy.alloy", "distributor.loki-v3:4101", "distributor.loki-v3:4100", "client-port-drift", "client-port-drift/alloy.alloy:6"),
        ("client-unknown-service/clients.alloy", "loki-v3-gateway.loki-v3.svc", "loki-v3-write.loki-v3.svc", "client-unknown-service", "client-unknown-service/clients.alloy:4"),
        ("client-port-drift/loki-config.yaml", "cluster.local:7946", "cluster.local:7947", "client-port-drift", "client-port-drift/loki-config.yaml:3"),
        ("traffic-distribution-missing/_helpers.tpl", "trafficDistribution: {{ .Values.trafficDistribution | default \"PreferClose\" }}", "sessionAffinity: None", "traffic-distribution-missing", "traffic-distribution-missing/services.yaml:27"),
        ("traffic-distribution-missing/services.yaml", "  clusterIP: None\n", "", "traffic-distribution-missing", "traffic-distribution-missing/services.yaml:37"),
        ("mode-transition/values.yaml", "SimpleScalable<->Distributed", "SingleBinary<->SimpleScalable", "mode-transition", "mode-transition/values.yaml:2"),
        ("probe-port-mismatch/workload.yaml", "port: http-metrics", "port: http", "probe-port-mismatch", "probe-port-mismatch/workload.yaml:19"),
        ("probe-port-mismatch/workload.yaml", "port: 8080", "port: 8081", "probe-port-mismatch", "probe-port-mismatch/workload.yaml:40"),
    ];
    for (i, (file, from, to, rule, at)) in breaks.iter().enumerate() {
        let tmp = temp_dir(&format!("break-{i}"));
        let dir = tmp.path();
        copy_tree(&root().join(CLEAN), dir);
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no `{from}`");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        let out = portplan_in(dir, &["lint", ".", "--format", "json"]);
        let got = findings(&out);
        let (path, line) = at.split_once(':').unwrap();
        let expected: BTreeSet<_> =
            [(rule.to_string(), path.to_owned(), line.parse().unwrap())].into();
        assert_eq!(got, expected, "breaking {file} ({from} -> {to})");
    }
}

#[test]
fn the_repository_model_and_its_generated_outputs_lint_clean() {
    let out = portplan(&["lint"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let out = portplan(&["lint", "chart-out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "",
        "the generated chart must pass its own lint"
    );
    // The examples may carry warnings about themselves (the monolithic one targets 1.30,
    // where trafficDistribution is alpha), but their generated files add nothing.
    for (name, model) in crate::common::models() {
        let alone = portplan(&["lint", "-m", model, "--format", "json"]);
        let out = portplan(&[
            "lint",
            "-m",
            model,
            &crate::common::committed_output(name),
            "--format",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(findings(&out), findings(&alone), "{name}");
        assert!(!stdout(&out).contains("\"error\""), "{name}");
    }
}

#[test]
fn chart_values_flag_reads_both_layouts() {
    // The official chart's deploymentMode, in a file not named values.yaml.
    let tmp = temp_dir("chart-values");
    let dir = tmp.path();
    let live = dir.join("live.yaml");
    std::fs::write(
        &live,
        "loki:\n  auth_enabled: false\ndeploymentMode: SingleBinary\n",
    )
    .unwrap();
    // Every spelling the community chart accepts, `Monolithic` (its name today) included.
    for (value, code) in [
        ("Monolithic", 1),
        ("\"Monolithic<->SimpleScalable\"", 1),
        ("SimpleScalable", 0),
        ("SimpleScalable<->Distributed", 0),
    ] {
        let f = dir.join("spelling.yaml");
        std::fs::write(&f, format!("deploymentMode: {value}\n")).unwrap();
        let out = portplan(&["lint", "--chart-values", f.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(code), "{value}: {}", show(&out));
    }
    // A value the chart does not accept: located, with the nearest accepted one.
    let f = dir.join("typo.yaml");
    std::fs::write(&f, "loki: {}\ndeploymentMode: Monolitic\n").unwrap();
    let out = portplan(&["lint", "--chart-values", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = stderr(&out);
    assert!(err.contains("typo.yaml:2:17: error: `deploymentMode: Monolitic` is none of the modes the chart accepts"), "{err}");
    assert!(err.contains("did you mean `Monolithic`?"), "{err}");
    let out = portplan(&[
        "lint",
        "--chart-values",
        live.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let got = findings(&out);
    assert_eq!(got.len(), 1);
    let (rule, _, line) = got.into_iter().next().unwrap();
    assert_eq!((rule.as_str(), line), ("mode-transition", 3));
    // A values.yaml portplan generated for the monolithic example.
    let out = portplan(&[
        "lint",
        "--chart-values",
        "golden/gen/monolithic/loki/values.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("the chart runs monolithic"));
    // One step away is fine.
    let out = portplan(&[
        "lint",
        "--chart-values",
        "golden/gen/simple-scalable/loki/values.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn bad_input_exits_2() {
    let out = portplan(&["lint", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("no/such/dir: error: cannot read"),
        "{}",
        stderr(&out)
    );
    let out = portplan(&["lint", "-m", "tests/cases/errors/unknown-key.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown key"), "{}", stderr(&out));
    let out = portplan(&["lint", "--chart-values", "portplan.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the chart's mode is unknown"),
        "{}",
        stderr(&out)
    );
    // A model the Plan refuses for reasons no rule covers.
    let out = portplan(&["lint", "-m", "tests/cases/errors/missing-storage.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn model_problems_the_plan_refuses_are_findings_not_failures() {
    // `portplan plan` stops at these; lint reports them under their rules.
    for (model, rule) in [
        (
            "tests/cases/errors/traffic-distribution-too-new.yaml",
            "traffic-distribution-unsupported",
        ),
        (
            "tests/cases/errors/collision-components.yaml",
            "port-collision",
        ),
        (
            "tests/cases/errors/collision-same-pod.yaml",
            "port-collision",
        ),
    ] {
        assert_eq!(portplan(&["plan", "-m", model]).status.code(), Some(2));
        let out = portplan(&["lint", "-m", model, "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{model}: {}", stderr(&out));
        let rules: BTreeSet<String> = findings(&out).into_iter().map(|(r, _, _)| r).collect();
        assert!(rules.contains(rule), "{model}: {rules:?}");
    }
    // A cluster older than the field: the preset is left out silently; a value the user
    // wrote is a warning, exit 0.
    let tmp = temp_dir("old-kube");
    let dir = tmp.path();
    let model = dir.join("m.yaml");
    let base = "release: loki\nnamespace: logging\nkubeVersion: \"1.29\"\nmode: monolithic\nstorage: {type: filesystem}\n";
    std::fs::write(&model, base).unwrap();
    let out = portplan(&["lint", "-m", model.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"], serde_json::json!([]), "{v}");
    std::fs::write(&model, format!("{base}trafficDistribution: PreferClose\n")).unwrap();
    let out = portplan(&["lint", "-m", model.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "traffic-distribution-unsupported");
    assert_eq!(v["findings"][0]["severity"], "warning");
}

#[test]
fn walker_skips_ignored_binary_huge_and_looping_files() {
    let tmp = temp_dir("walk");
    let dir = tmp.path();
    let drift = "url = \"http://loki-v3-distributor:4100/loki/api/v1/push\"\n";
    // No .git here: .gitignore is honoured all the same.
    std::fs::write(dir.join(".gitignore"), "ignored.alloy\n").unwrap();
    std::fs::write(dir.join("ignored.alloy"), drift).unwrap();
    std::fs::write(dir.join("seen.alloy"), drift).unwrap();
    let mut binary = b"\x00\x01".to_vec();
    binary.extend_from_slice(drift.as_bytes());
    std::fs::write(dir.join("blob.bin"), binary).unwrap();
    let mut huge = drift.to_owned();
    huge.push_str(&"#".repeat(portplan::lint::MAX_FILE_BYTES as usize));
    std::fs::write(dir.join("huge.alloy"), huge).unwrap();
    std::fs::create_dir_all(dir.join("loop")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("loop/up")).unwrap();
    std::fs::create_dir_all(dir.join(".github")).unwrap();
    std::fs::write(dir.join(".github/push.alloy"), drift).unwrap();

    let model = root().join("portplan.yaml");
    let out = portplan_in(
        dir,
        &[
            "lint",
            "-m",
            model.to_str().unwrap(),
            ".",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let paths: BTreeSet<String> = findings(&out).into_iter().map(|(_, p, _)| p).collect();
    assert_eq!(
        paths,
        [".github/push.alloy".to_owned(), "seen.alloy".to_owned()].into()
    );
    let err = stderr(&out);
    assert!(
        err.contains("huge.alloy: skipped: 8.0 MiB is larger than the 8 MiB limit"),
        "{err}"
    );
    assert!(
        err.contains("loop/up: skipped: symbolic link loop"),
        "{err}"
    );
    assert!(err.contains("1 binary file skipped"), "{err}");
    // The same tree on one thread gives the same answer.
    let one = portplan_in(
        dir,
        &[
            "lint",
            "-m",
            model.to_str().unwrap(),
            ".",
            "-j",
            "1",
            "--format",
            "json",
        ],
    );
    assert_eq!(one.stdout, out.stdout);
}

#[test]
fn every_rule_has_a_page_and_an_index_entry() {
    let index = std::fs::read_to_string(root().join("docs/lint/README.md")).unwrap();
    for rule in ALL {
        let page = std::fs::read_to_string(root().join(rule.doc_path()))
            .unwrap_or_else(|_| panic!("{} is missing", rule.doc_path()));
        assert!(
            page.starts_with(&format!("# {}\n", rule.slug)),
            "{}",
            rule.doc_path()
        );
        for section in ["## What", "## Why", "## How to fix"] {
            assert!(
                page.contains(section),
                "{} has no `{section}`",
                rule.doc_path()
            );
        }
        assert!(
            index.contains(&format!("[`{0}`]({0}.md)", rule.slug)),
            "docs/lint/README.md does not list {}",
            rule.slug
        );
    }
}
