//! `portplan import`: the community chart's values (its defaults and every `ci/*.yaml` file),
//! a fork with its own port values, and the charts `gen` writes, imported into models that
//! plan; what was not carried is golden-tested; bad input is a located error.

use std::path::Path;

use serde_json::Value;

use crate::common::{
    assert_golden, models, portplan, portplan_in, root, show, stderr, stdout, temp_dir,
};

/// Runs `import ARGS --out -`: the model on stdout, the report on stderr.
fn import(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", "-"]);
    let out = portplan(&all);
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

/// `portplan plan --format json` of a model text, without the model's path (which names the
/// file, not the deployment).
fn plan_of_text(dir: &Path, name: &str, model: &str) -> Value {
    let path = dir.join(name);
    std::fs::write(&path, model).unwrap();
    plan_of(&path)
}

fn plan_of(path: &Path) -> Value {
    let out = portplan(&["plan", "--format", "json", "-m", path.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}: {}",
        path.display(),
        show(&out)
    );
    let mut v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    v.as_object_mut().unwrap().remove("model_path");
    v
}

/// The community values files: the chart's defaults, then each CI file.
fn community_files() -> Vec<String> {
    let mut files = vec!["tests/data/community-loki/values.yaml".to_owned()];
    let dir = root().join("tests/data/community-loki/ci");
    let mut ci: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| {
            format!(
                "tests/data/community-loki/ci/{}",
                e.file_name().to_string_lossy()
            )
        })
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    ci.sort();
    assert!(
        ci.len() >= 8,
        "the chart's CI values are in tests/data/community-loki/ci"
    );
    files.extend(ci);
    files
}

#[test]
fn community_values_import_into_models_that_plan() {
    let tmp = temp_dir("import-community");
    for file in community_files() {
        let (code, model, report) = import(&[&file]);
        let name = Path::new(&file)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // Every one of them sets something the model does not say yet (exit 1), and none is
        // bad input.
        assert_eq!(code, 1, "{file}: {report}");
        assert!(
            model.starts_with("# yaml-language-server: $schema=portplan.schema.json\n"),
            "{file}"
        );
        let plan = plan_of_text(tmp.path(), &format!("{name}.yaml"), &model);
        assert!(plan["components"].as_array().is_some_and(|c| !c.is_empty()));
        let out = portplan(&[
            "validate",
            tmp.path().join(format!("{name}.yaml")).to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", show(&out));
        assert_golden(
            &format!("import/community/{name}.model.yaml"),
            model.as_bytes(),
        );
        assert_golden(
            &format!("import/community/{name}.report.txt"),
            report.as_bytes(),
        );
    }
}

#[test]
fn community_defaults_carry_the_charts_own_choices() {
    // The chart's defaults decide what runs where the files say nothing: the gateway Service
    // on 80, no trafficDistribution, auth on, the caches' memory.
    let (_, model, _) = import(&["tests/data/community-loki/ci/default-values.yaml"]);
    for line in [
        "servicePort: 80",
        "trafficDistribution: \"None\"",
        "authEnabled: true",
        "memoryMb: 8192",
    ] {
        assert!(model.contains(line), "{line} missing from\n{model}");
    }
    // A value set to the chart's default is not a loss.
    let (_, _, report) = import(&["tests/data/community-loki/values.yaml", "--all"]);
    assert!(
        report.contains("loki.server.log_level: default: equals the chart's default"),
        "{report}"
    );
}

#[test]
fn files_merge_in_order_as_helm_merges_them() {
    let tmp = temp_dir("import-merge");
    let a = tmp.path().join("a.yaml");
    let b = tmp.path().join("b.yaml");
    std::fs::write(
        &a,
        "deploymentMode: SimpleScalable\nloki:\n  storage:\n    type: s3\n    bucketNames: {chunks: a-chunks}\nwrite:\n  replicas: 5\nread:\n  replicas: 4\n",
    )
    .unwrap();
    // b overrides one key, deletes another with null, and leaves the rest.
    std::fs::write(&b, "write:\n  replicas: 6\nread:\n  replicas: null\n").unwrap();
    let out = portplan_in(
        tmp.path(),
        &[
            "import", "a.yaml", "b.yaml", "--format", "json", "--out", "m.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let carried = report["carried"].as_array().unwrap();
    let write = carried
        .iter()
        .find(|c| c["pointer"] == "/components/write/replicas")
        .unwrap();
    assert_eq!(write["origin"]["file"], "b.yaml");
    assert_eq!(
        write["origin"]["at"],
        serde_json::json!({"line": 2, "column": 3})
    );
    let model = std::fs::read_to_string(tmp.path().join("m.yaml")).unwrap();
    assert!(
        model.contains("# from b.yaml:2:3 write.replicas\n    replicas: 6\n"),
        "{model}"
    );
    // read.replicas was deleted: the chart's default (1) applies again, which is... the
    // default's value, carried from the built-in defaults.
    let plan = plan_of(&tmp.path().join("m.yaml"));
    let read = plan["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "read")
        .unwrap();
    let write = plan["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "write")
        .unwrap();
    assert_eq!(write["replicas"], 6);
    assert_ne!(read["replicas"], 4);
    // Running it again replaces the model import wrote; a file it did not write stays.
    let again = portplan_in(tmp.path(), &["import", "a.yaml", "--out", "m.yaml"]);
    assert_eq!(again.status.code(), Some(0), "{}", show(&again));
    let keep = portplan_in(tmp.path(), &["import", "a.yaml", "--out", "b.yaml"]);
    assert_eq!(keep.status.code(), Some(2), "{}", show(&keep));
    assert!(stderr(&keep).contains("b.yaml: error: exists and was not written by portplan import"));
    assert_eq!(
        std::fs::read_to_string(&b).unwrap(),
        "write:\n  replicas: 6\nread:\n  replicas: null\n"
    );
}

#[test]
fn every_community_mode_spelling_imports() {
    let tmp = temp_dir("import-modes");
    // A transitional mode is the model's `mode` (the set the chart's gateway serves) with
    // `transition` (the set added beside it), nothing lost; the chart's default replication
    // factor (3) differs from the Plan's for one single binary (exit 1).
    for (value, mode, transition, code) in [
        ("Monolithic", "monolithic", None, 1),
        ("SingleBinary", "monolithic", None, 1),
        ("SimpleScalable", "simple-scalable", None, 0),
        ("Distributed", "distributed", None, 0),
        (
            "\"SingleBinary<->SimpleScalable\"",
            "monolithic",
            Some("simple-scalable"),
            1,
        ),
        (
            "\"Monolithic<->SimpleScalable\"",
            "monolithic",
            Some("simple-scalable"),
            1,
        ),
        (
            "SimpleScalable<->Distributed",
            "simple-scalable",
            Some("distributed"),
            0,
        ),
    ] {
        let f = tmp.path().join("v.yaml");
        std::fs::write(
            &f,
            format!("deploymentMode: {value}\nloki:\n  storage:\n    bucketNames:\n      chunks: loki-chunks\n"),
        )
        .unwrap();
        let (got, model, report) = import(&[f.to_str().unwrap()]);
        assert_eq!(got, code, "{value}: {report}");
        assert!(
            model.contains(&format!("\nmode: \"{mode}\"\n")),
            "{value}: {model}"
        );
        match transition {
            Some(t) => assert!(
                model.contains(&format!("\ntransition: \"{t}\"\n")),
                "{value}: {model}"
            ),
            None => assert!(!model.contains("\ntransition:"), "{value}: {model}"),
        }
        let plan = plan_of_text(tmp.path(), "m.yaml", &model);
        assert_eq!(plan["mode"], mode, "{value}");
        assert_eq!(
            plan["transition"]["to"].as_str(),
            transition,
            "{value}: the Plan runs both sets"
        );
        assert!(!report.contains("deploymentMode"), "{value}: {report}");
    }
}

#[test]
fn a_fork_with_its_own_port_values() {
    let tmp = temp_dir("import-fork");
    let (code, model, report) = import(&[
        "--chart",
        "tests/cases/import/fork",
        "tests/cases/import/fork/prod.yaml",
    ]);
    assert_eq!(code, 1, "{report}");
    let plan = plan_of_text(tmp.path(), "fork.yaml", &model);
    let port = |name: &str, kind: &str| {
        plan["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()[kind]
            .clone()
    };
    // prod.yaml's override of the fork's own value, and the fork's defaults.
    assert_eq!(port("distributor", "http_port"), 3111);
    assert_eq!(port("distributor", "grpc_port"), 9101);
    assert_eq!(port("ingester", "http_port"), 3102);
    assert_eq!(port("querier", "grpc_port"), 9103);
    // Components whose ports the fork leaves alone keep the shared ones.
    assert_eq!(port("query-frontend", "http_port"), 3100);
    assert_eq!(plan["gateway"]["port"], 8081);
    assert_eq!(plan["gateway"]["service_port"], 80);
    assert_golden("import/fork/model.yaml", model.as_bytes());
    assert_golden("import/fork/report.txt", report.as_bytes());
}

#[test]
fn gens_own_charts_import_back_to_the_same_plan() {
    let tmp = temp_dir("import-roundtrip");
    // Every example, the model that sets every client key, and one with pod settings on
    // every kind of workload.
    let mut all = models();
    all.push(("clients", "tests/cases/clients/portplan.yaml"));
    all.push(("pods", "tests/cases/import/pods/portplan.yaml"));
    all.push((
        "transition-monolithic",
        "tests/cases/gateway/transition-monolithic.yaml",
    ));
    for (name, model) in all {
        let out_dir = tmp.path().join(name);
        let out = portplan(&["gen", "-m", model, "--out", out_dir.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", show(&out));
        let chart = std::fs::read_dir(&out_dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.join("Chart.yaml").is_file())
            .unwrap();
        let imported = tmp.path().join(format!("{name}.imported.yaml"));
        let out = portplan(&[
            "import",
            "--chart",
            chart.to_str().unwrap(),
            chart.join("values.yaml").to_str().unwrap(),
            "--out",
            imported.to_str().unwrap(),
        ]);
        // Nothing of a generated chart is lost.
        assert_eq!(out.status.code(), Some(0), "{name}: {}", show(&out));
        assert_eq!(
            plan_of(&imported),
            plan_of(&root().join(model)),
            "{name}: the imported model plans differently"
        );
    }
}

/// A generated chart's values.yaml is the values of its model, not defaults to compare with:
/// a value import cannot carry (a key it does not know, or one gen writes that no model key
/// feeds yet) is listed as not modelled, and import exits 1, whether the values file is
/// given or only the chart.
#[test]
fn a_generated_charts_values_import_cannot_carry_are_listed() {
    let tmp = temp_dir("import-generated-unknown");
    let out_dir = tmp.path().join("gen");
    let out = portplan(&[
        "gen",
        "-m",
        "examples/production.yaml",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let chart = out_dir.join("loki-v3");
    let values = chart.join("values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    // A key import does not know, and a value gen writes that no model key feeds.
    assert!(text.contains("\ningester:\n") && text.contains("\ncanary:\n"));
    let edited = text
        .replacen(
            "\ningester:\n",
            "\ningester:\n  terminationGracePeriodSeconds: 600\n",
            1,
        )
        .replacen("\ncanary:\n", "\ncanary:\n  port: 3999\n", 1);
    let edited = drop_second_port(&edited);
    std::fs::write(&values, edited).unwrap();
    for args in [
        vec!["--chart", chart.to_str().unwrap(), values.to_str().unwrap()],
        vec!["--chart", chart.to_str().unwrap()],
    ] {
        let (code, model, err) = import(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(!model.is_empty(), "{args:?}: the model is written");
        for path in ["ingester.terminationGracePeriodSeconds", "canary.port"] {
            assert!(
                err.lines()
                    .any(|l| l.contains(&format!(": {path}: not modelled yet"))),
                "{args:?}: {path} is listed: {err}"
            );
        }
        assert!(
            err.contains("0 equal the chart's default"),
            "{args:?}: a generated chart's values are no defaults: {err}"
        );
    }
}

/// The canary's `port:` that gen wrote, after the one the test put first.
fn drop_second_port(text: &str) -> String {
    let (head, tail) = text.split_once("\ncanary:\n  port: 3999\n").unwrap();
    let mut lines: Vec<&str> = tail.lines().collect();
    let i = lines.iter().position(|l| l.starts_with("  port:")).unwrap();
    lines.remove(i);
    format!("{head}\ncanary:\n  port: 3999\n{}\n", lines.join("\n"))
}

#[test]
fn bad_input_is_a_located_error() {
    let cases = [
        (
            "not-yaml.yaml",
            "tests/cases/import/bad/not-yaml.yaml:2:17: error: unclosed bracket '['",
            None,
        ),
        (
            "unknown-mode.yaml",
            "tests/cases/import/bad/unknown-mode.yaml:4:1: error: `deploymentMode: Distribted` is none of the modes the chart accepts",
            Some("help: did you mean `Distributed`?"),
        ),
        (
            "a-list.yaml",
            "tests/cases/import/bad/a-list.yaml:1:1: error: expected a mapping of chart values",
            None,
        ),
    ];
    for (file, first, hint) in cases {
        let path = format!("tests/cases/import/bad/{file}");
        let (code, model, err) = import(&[&path]);
        assert_eq!(code, 2, "{file}: {err}");
        assert!(model.is_empty(), "{file}: nothing is written on bad input");
        assert!(err.starts_with(first), "{file}: {err}");
        if let Some(h) = hint {
            assert!(err.contains(h), "{file}: {err}");
        }
    }
    // Every bad file of one run is reported.
    let (code, _, err) = import(&[
        "tests/cases/import/bad/not-yaml.yaml",
        "tests/cases/import/bad/a-list.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("not-yaml.yaml:2:17") && err.contains("a-list.yaml:1:1"),
        "{err}"
    );
    let out = portplan(&["import"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
}

#[test]
fn older_chart_names_are_read_too() {
    // tests/cases/import/v6/values.yaml spells things as older charts did.
    let tmp = temp_dir("import-v6");
    let (code, model, report) = import(&["tests/cases/import/v6/values.yaml"]);
    assert_eq!(code, 0, "{report}");
    assert!(model.contains("# from tests/cases/import/v6/values.yaml:12:5 monitoring.lokiCanary.enabled\n  enabled: false\n"), "{model}");
    let plan = plan_of_text(tmp.path(), "v6.yaml", &model);
    assert_eq!(plan["mode"], "monolithic");
    assert_eq!(plan["kube_version"], "1.34");
    assert_eq!(plan["traffic_distribution"], "PreferSameZone");
    assert_eq!(plan["canary"]["enabled"], false);
    assert_eq!(plan["replication_factor"], 1);
}
