//! Bytes that are not UTF-8, in contents and in file names.

use super::*;

#[test]
fn non_utf8_values_files_and_schemas_are_refused_at_the_byte() {
    let tmp = temp_dir("utf8-values");
    let dir = tmp.path();
    std::fs::write(dir.join("values.yaml"), b"gateway:\n  replicas: \xc3\x28\n").unwrap();
    let schema = root().join("chart-out/loki-v3/values.schema.json");
    let o = bounded(
        dir,
        &[
            "validate",
            "--schema",
            schema.to_str().unwrap(),
            "values.yaml",
        ],
    );
    assert_refused_at(&o, "values.yaml", "not valid UTF-8");
    assert!(
        err_text(&o).starts_with("values.yaml:2:13:"),
        "{}",
        err_text(&o)
    );

    let mut bad = std::fs::read(&schema).unwrap();
    bad.splice(1..1, b"\xff".iter().copied());
    std::fs::write(dir.join("s.json"), bad).unwrap();
    std::fs::write(dir.join("ok.yaml"), "gateway: {}\n").unwrap();
    let o = bounded(dir, &["validate", "--schema", "s.json", "ok.yaml"]);
    assert_refused(&o, "s.json");
}

#[test]
fn non_utf8_chart_values_and_chart_files_are_refused() {
    let tmp = temp_dir("utf8-chart");
    let dir = tmp.path();
    let model = root().join("portplan.yaml");
    let model = model.to_str().unwrap();
    std::fs::write(dir.join("values.yaml"), b"deploymentMode: Distr\xffbuted\n").unwrap();
    let o = bounded(dir, &["lint", "-m", model, "--chart-values", "values.yaml"]);
    assert_refused(&o, "values.yaml");

    // A copy of the generated chart with a byte broken in values.yaml and in a template.
    let chart = dir.join("chart");
    copy_tree(&root().join("chart-out/loki-v3"), &chart);
    std::fs::write(chart.join("values.yaml"), b"gateway:\n  replicas: \xff\n").unwrap();
    let o = bounded(dir, &["diff", "-m", model, "--chart", "chart"]);
    assert_refused_at(&o, "chart/values.yaml", "not valid UTF-8");
}

#[test]
fn non_utf8_contents_and_names_in_a_linted_tree_are_read_safely() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = temp_dir("utf8-lint");
    let dir = tmp.path();
    let drift = b"url = \"http://loki-v3-distributor:4100/loki/api/v1/push\" \xff\xfe\n";
    std::fs::write(dir.join("latin1.alloy"), drift).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.alloy");
    std::fs::write(dir.join(name), drift).unwrap();
    let model = root().join("portplan.yaml");
    let o = bounded(
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
    // Both files are read (lossily): the stale port is found in each.
    assert_eq!(o.status.code(), Some(1), "{}", err_text(&o));
    let found = lint_findings(&o);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found.iter().any(|(_, path, _)| path == "latin1.alloy"),
        "{found:?}"
    );
}

#[test]
fn non_utf8_templates_are_refused_and_nothing_is_written() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = temp_dir("utf8-templates");
    let dir = tmp.path();
    let t = dir.join("t");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(t.join("extra.txt"), b"release [[ plan.release ]] \xff\n").unwrap();
    let o = bounded(
        dir,
        &[
            "gen",
            "-m",
            root().join("portplan.yaml").to_str().unwrap(),
            "--templates",
            "t",
            "--out",
            "out",
        ],
    );
    assert_refused(&o, "extra.txt");
    assert!(!dir.join("out").exists());

    std::fs::remove_file(t.join("extra.txt")).unwrap();
    std::fs::write(t.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")), "x\n").unwrap();
    let o = bounded(
        dir,
        &[
            "gen",
            "-m",
            root().join("portplan.yaml").to_str().unwrap(),
            "--templates",
            "t",
            "--out",
            "out",
        ],
    );
    assert_refused(&o, "template paths must be UTF-8");
    assert!(!dir.join("out").exists());
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
