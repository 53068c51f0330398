//! Absurd nesting, alias bombs and 50 MB files: refused at a position or read, within the
//! parser's budgets.

use super::*;

/// `[[[...x...]]]`, `{a: {a: ...}}` and block mappings, `levels` deep.
fn nested(kind: &str, levels: usize) -> String {
    match kind {
        "flow-sequence" => format!("{}x{}\n", "[".repeat(levels), "]".repeat(levels)),
        "flow-mapping" => format!("{}x{}\n", "{a: ".repeat(levels), "}".repeat(levels)),
        "block-mapping" => {
            // One space per level keeps 10,000 levels at 50 MB.
            let mut s = String::with_capacity(levels * levels / 2 + levels * 4);
            for i in 0..levels {
                s.push_str(&" ".repeat(i));
                s.push_str("a:\n");
            }
            s.push_str(&" ".repeat(levels));
            s.push_str("x\n");
            s
        }
        _ => unreachable!(),
    }
}

const NESTINGS: &[&str] = &["flow-sequence", "flow-mapping", "block-mapping"];

/// A billion laughs: 10 aliases to the level below, 9 levels deep (10^9 leaves).
fn alias_bomb(top_key: &str) -> String {
    let mut s = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        let p = i - 1;
        let refs = vec![format!("*l{p}"); 10].join(", ");
        s.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    s.push_str(&format!("{top_key}: *l8\n"));
    s
}

#[test]
fn deeply_nested_models_are_refused_at_a_position() {
    let tmp = temp_dir("nested-model");
    let dir = tmp.path();
    for kind in NESTINGS {
        std::fs::write(dir.join("m.yaml"), nested(kind, 10_000)).unwrap();
        let o = bounded(dir, &["plan", "--model", "m.yaml"]);
        assert_refused_at(&o, "m.yaml", "too deeply");
        assert!(o.stdout.is_empty(), "{kind}");
    }
}

#[test]
fn deeply_nested_values_files_are_refused_at_a_position() {
    let tmp = temp_dir("nested-values");
    let dir = tmp.path();
    let schema = root().join("chart-out/loki-v3/values.schema.json");
    let schema = schema.to_str().unwrap();
    for kind in NESTINGS {
        std::fs::write(dir.join("values.yaml"), nested(kind, 10_000)).unwrap();
        let o = bounded(dir, &["validate", "--schema", schema, "values.yaml"]);
        assert_refused_at(&o, "values.yaml", "too deeply");
    }
}

#[test]
fn deeply_nested_files_in_a_linted_tree_are_read_safely() {
    let tmp = temp_dir("nested-lint");
    let dir = tmp.path();
    let model = root().join("portplan.yaml");
    for kind in NESTINGS {
        // Under the 8 MiB scanning limit, so the file is read, not skipped.
        let levels = if *kind == "block-mapping" {
            3_000
        } else {
            10_000
        };
        let tree = dir.join(kind);
        std::fs::create_dir_all(tree.join("templates")).unwrap();
        let text = format!("kind: Service\n{}", nested(kind, levels));
        std::fs::write(tree.join("templates/service.yaml"), &text).unwrap();
        std::fs::write(tree.join("values.yaml"), &text).unwrap();
        let o = bounded(&tree, &["lint", "-m", model.to_str().unwrap(), "."]);
        // Not a manifest a rule understands, and no address: nothing to report.
        assert_eq!(o.status.code(), Some(0), "{kind}: {}", err_text(&o));
        assert!(
            err_text(&o).contains("2 files scanned"),
            "{kind}: {}",
            err_text(&o)
        );
        // As --chart-values (read line by line for `deploymentMode`): no mode, exit 2.
        let o = bounded(
            &tree,
            &[
                "lint",
                "-m",
                model.to_str().unwrap(),
                "--chart-values",
                "values.yaml",
            ],
        );
        assert_refused(&o, "the chart's mode is unknown");
    }
}

#[test]
fn alias_bombs_are_refused_in_models_and_values_files() {
    let tmp = temp_dir("bomb");
    let dir = tmp.path();
    std::fs::write(dir.join("m.yaml"), alias_bomb("release")).unwrap();
    let o = bounded(dir, &["plan", "--model", "m.yaml"]);
    assert_refused_at(&o, "m.yaml", "nodes (aliases expanded)");

    std::fs::write(dir.join("values.yaml"), alias_bomb("loki")).unwrap();
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
    assert_refused_at(&o, "values.yaml", "nodes (aliases expanded)");

    // A chart whose values.yaml is a bomb: `diff --chart` parses it to compare by key.
    let chart = dir.join("chart");
    std::fs::create_dir_all(&chart).unwrap();
    std::fs::copy(
        root().join("chart-out/loki-v3/Chart.yaml"),
        chart.join("Chart.yaml"),
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), alias_bomb("loki")).unwrap();
    let model = root().join("portplan.yaml");
    let o = bounded(
        dir,
        &["diff", "-m", model.to_str().unwrap(), "--chart", "chart"],
    );
    assert_refused_at(&o, "chart/values.yaml", "nodes (aliases expanded)");
}

#[test]
fn alias_bombs_in_a_linted_tree_are_read_as_text() {
    let tmp = temp_dir("bomb-lint");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("apps")).unwrap();
    // Aliases naming the release's Services: a YAML loader would expand 10^9 of them; the
    // scanner reads the text once and finds the one stale port in each file.
    let mut bomb = alias_bomb("app");
    bomb = bomb.replacen(
        "lol, lol",
        "\"http://loki-v3-distributor:4100/loki/api/v1/push\", lol",
        1,
    );
    std::fs::write(
        dir.join("apps/alloy.yaml"),
        format!("kind: ConfigMap\n{bomb}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("values.yaml"),
        format!("deploymentMode: Distributed\n{bomb}"),
    )
    .unwrap();
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
    assert_eq!(o.status.code(), Some(1), "{}", err_text(&o));
    let found = lint_findings(&o);
    let rules: Vec<&str> = found.iter().map(|(rule, _, _)| rule.as_str()).collect();
    assert_eq!(
        rules,
        ["client-port-drift", "client-port-drift"],
        "{found:?}"
    );
}

// Huge files

/// The reference model followed by `mb` megabytes of comment lines.
fn padded_model(mb: usize) -> Vec<u8> {
    let mut text = std::fs::read(root().join("portplan.yaml")).unwrap();
    let line = format!("# {}\n", "x".repeat(97));
    text.reserve(mb << 20);
    while text.len() < mb << 20 {
        text.extend_from_slice(line.as_bytes());
    }
    text
}

#[test]
fn a_50_mb_model_is_read_or_refused_cleanly() {
    let tmp = temp_dir("huge-model");
    let dir = tmp.path();
    // Valid but padded: planned like the small one.
    std::fs::write(dir.join("m.yaml"), padded_model(50)).unwrap();
    let o = bounded(dir, &["ports", "--model", "m.yaml", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", err_text(&o));
    let small = portplan(&["ports", "--format", "csv"]);
    assert_eq!(o.stdout, small.stdout);

    // 50 MB of distinct keys: more nodes than the parser's budget allows.
    let mut text = String::from("release: loki\nnamespace: logging\nmode: monolithic\nextra:\n");
    let mut i = 0u64;
    while text.len() < 50 << 20 {
        text.push_str(&format!("  key{i:020}: value{i:020}\n"));
        i += 1;
    }
    std::fs::write(dir.join("big.yaml"), text).unwrap();
    let o = bounded(dir, &["plan", "--model", "big.yaml"]);
    assert_refused_at(&o, "big.yaml", "more than 250,000 nodes");
}

#[test]
fn a_50_mb_values_file_is_read_or_refused_cleanly() {
    let tmp = temp_dir("huge-values");
    let dir = tmp.path();
    let schema = root().join("chart-out/loki-v3/values.schema.json");
    let schema = schema.to_str().unwrap();
    // The generated values, padded with comments: still valid.
    let mut text = std::fs::read(root().join("chart-out/loki-v3/values.yaml")).unwrap();
    let line = format!("# {}\n", "x".repeat(97));
    while text.len() < 50 << 20 {
        text.extend_from_slice(line.as_bytes());
    }
    std::fs::write(dir.join("values.yaml"), &text).unwrap();
    let o = bounded(dir, &["validate", "--schema", schema, "values.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", err_text(&o));

    // 50 MB of extra keys under one component: over the parser's node budget, refused at
    // the node that breaks it.
    let mut text = String::from("gateway:\n");
    let mut i = 0u64;
    while text.len() < 50 << 20 {
        text.push_str(&format!("  key{i:020}: value{i:020}\n"));
        i += 1;
    }
    std::fs::write(dir.join("values.yaml"), text).unwrap();
    let o = bounded(dir, &["validate", "--schema", schema, "values.yaml"]);
    assert_refused_at(&o, "values.yaml", "more than 250,000 nodes");
}
