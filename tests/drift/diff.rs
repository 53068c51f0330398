//! `portplan diff --chart` on hand-edited copies of a generated chart: each kind of edit in
//! text, stat and JSON, what is not drift, errors, and colour on a terminal.

use super::*;

#[test]
fn untouched_copy_is_one_summary_line_and_exit_0() {
    let fx = Fixture::new("clean");
    fx.chart_copy("chart");
    let o = fx.run(&["diff", "--chart", "chart"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let files = fx.tree("chart").len();
    assert_eq!(
        stdout(&o),
        format!("no drift: chart matches the model ({files} files)\n")
    );
    assert_golden("drift/clean.txt", &o.stdout);
    let stat = fx.run(&["diff", "--chart", "chart", "--stat"]);
    assert_eq!((stat.status.code(), stdout(&stat)), (Some(0), stdout(&o)));
    let json = json_of(&fx.run(&["diff", "--chart", "chart", "--format", "json"]));
    assert_eq!(json["summary"]["drift"], false);
    assert_eq!(json["summary"]["files_generated"], files);
    assert_eq!(json["files"], Value::Array(vec![]));
    assert_eq!(json["values"], Value::Array(vec![]));
}

#[test]
fn changed_port_in_a_template() {
    let fx = Fixture::new("template-port");
    let chart = fx.chart_copy("chart");
    let file = chart.join("templates/distributor/service.yaml");
    edit(
        &file,
        "      port: {{ $v.ports.http | int }}\n",
        "      port: 4100\n",
    );
    let at = line_of(&file, "      port: 4100");
    let (text, report) = drifted(&fx, "template-port");
    assert!(text.contains("--- chart/templates/distributor/service.yaml\t(chart)\n+++ loki-v3/templates/distributor/service.yaml\t(generated from portplan.yaml)\n"), "{text}");
    let f = file_entry(&report, "templates/distributor/service.yaml");
    assert_eq!(f["status"], "changed");
    let lines = changed_lines(f);
    assert!(
        lines.contains(&('-', at, "      port: 4100".into())),
        "{lines:?}"
    );
    assert!(lines.contains(&('+', at, "      port: {{ $v.ports.http | int }}".into())));
    assert_eq!(report["files"].as_array().unwrap().len(), 1);
}

#[test]
fn memcached_user_flag_instead_of_port_flag() {
    let fx = Fixture::new("memcached-u");
    let chart = fx.chart_copy("chart");
    let file = chart.join("templates/chunks-cache/statefulset.yaml");
    edit(&file, "            - -p\n", "            - -u\n");
    let at = line_of(&file, "            - -u");
    let (text, report) = drifted(&fx, "memcached-user-flag");
    assert!(
        text.contains("\n-            - -u\n+            - -p\n"),
        "{text}"
    );
    let lines = changed_lines(file_entry(
        &report,
        "templates/chunks-cache/statefulset.yaml",
    ));
    assert_eq!(
        lines,
        [
            ('-', at, "            - -u".to_owned()),
            ('+', at, "            - -p".to_owned())
        ]
    );
}

#[test]
fn removed_traffic_distribution_line() {
    let fx = Fixture::new("traffic");
    let chart = fx.chart_copy("chart");
    let path = "templates/query-frontend/service.yaml";
    let line = "  trafficDistribution: {{ . }}";
    let generated_at = line_of(&fx.path("gen/loki-v3").join(path), line);
    edit(&chart.join(path), &format!("{line}\n"), "");
    let (text, report) = drifted(&fx, "traffic-distribution");
    assert!(text.contains(&format!("\n+{line}\n")), "{text}");
    let f = file_entry(&report, path);
    assert_eq!(
        (f["added"].as_u64(), f["removed"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(changed_lines(f), [('+', generated_at, line.to_owned())]);
}

#[test]
fn extra_file_in_the_chart() {
    let fx = Fixture::new("extra");
    let chart = fx.chart_copy("chart");
    std::fs::write(chart.join("templates/extra.yaml"), "kind: ConfigMap\n").unwrap();
    let (text, report) = drifted(&fx, "extra-file");
    assert!(
        text.contains("Only in chart: chart/templates/extra.yaml\n"),
        "{text}"
    );
    let f = file_entry(&report, "templates/extra.yaml");
    assert_eq!(f["status"], "only-in-chart");
    assert_eq!(report["summary"]["only_in_chart"], 1);
}

#[test]
fn missing_file_in_the_chart() {
    let fx = Fixture::new("missing");
    let chart = fx.chart_copy("chart");
    std::fs::remove_file(chart.join("templates/gateway/service.yaml")).unwrap();
    let (text, report) = drifted(&fx, "missing-file");
    assert!(
        text.contains(
            "Only in model: loki-v3/templates/gateway/service.yaml (missing from chart)\n"
        ),
        "{text}"
    );
    let f = file_entry(&report, "templates/gateway/service.yaml");
    assert_eq!(f["status"], "only-in-model");
    let lines = std::fs::read_to_string(fx.path("gen/loki-v3/templates/gateway/service.yaml"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(f["added"], lines);
}

#[test]
fn changed_port_in_values_is_reported_by_key_with_its_position() {
    let fx = Fixture::new("values-port");
    let chart = fx.chart_copy("chart");
    let values = chart.join("values.yaml");
    edit(&values, "  port: 4090\n", "  port: 11211\n");
    let line = line_of(&values, "  port: 11211");
    let column = "  port: 11211".find("11211").unwrap() + 1;
    let (text, report) = drifted(&fx, "values-port");
    assert!(
        text.contains(&format!(
            "chart/values.yaml:{line}:{column}: chunksCache.port: 4090 (model) != 11211 (chart)\n"
        )),
        "{text}"
    );
    let v = &report["values"][0];
    assert_eq!(v["path"], "chunksCache.port");
    assert_eq!(v["status"], "changed");
    assert_eq!(
        (v["model"].as_u64(), v["chart"].as_u64()),
        (Some(4090), Some(11211))
    );
    assert_eq!(
        (v["line"].as_u64(), v["column"].as_u64()),
        (Some(line as u64), Some(column as u64))
    );
    assert_eq!(report["values"].as_array().unwrap().len(), 1);
    assert_eq!(report["summary"]["values"], 1);
}

#[test]
fn renamed_values_key_is_one_key_on_each_side() {
    let fx = Fixture::new("values-key");
    let chart = fx.chart_copy("chart");
    let values = chart.join("values.yaml");
    edit(
        &values,
        "  maxConcurrentTailRequests: 20\n",
        "  maxConcurrentTailRequest: 20\n",
    );
    let line = line_of(&values, "  maxConcurrentTailRequest: 20");
    let (text, report) = drifted(&fx, "values-key");
    assert!(
        text.contains(&format!(
            "chart/values.yaml:{line}:3: loki.maxConcurrentTailRequest: only in the chart: 20\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(": loki.maxConcurrentTailRequests: only in the model: 20\n"),
        "{text}"
    );
    let got: Vec<(&str, &str)> = report["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["path"].as_str().unwrap(), v["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("loki.maxConcurrentTailRequests", "only-in-model"),
            ("loki.maxConcurrentTailRequest", "only-in-chart")
        ]
    );
}

#[test]
fn every_edit_at_once_text_stat_and_json() {
    let fx = Fixture::new("all");
    let chart = fx.chart_copy("chart");
    edit(
        &chart.join("templates/chunks-cache/statefulset.yaml"),
        "            - -p\n",
        "            - -u\n",
    );
    edit(
        &chart.join("templates/distributor/service.yaml"),
        "  trafficDistribution: {{ . }}\n",
        "",
    );
    edit(
        &chart.join("values.yaml"),
        "  port: 4090\n",
        "  port: 11211\n",
    );
    std::fs::write(chart.join("templates/extra.yaml"), "kind: ConfigMap\n").unwrap();
    std::fs::remove_file(chart.join("templates/gateway/service.yaml")).unwrap();
    let (_, report) = drifted(&fx, "all-edits");
    let stat = fx.run(&["diff", "--chart", "chart", "--stat"]);
    assert_golden("drift/all-edits-stat.txt", &stat.stdout);
    assert_golden(
        "drift/all-edits.json",
        fx.run(&["diff", "--chart", "chart", "--format", "json"])
            .stdout
            .as_slice(),
    );
    let statuses: Vec<(&str, &str)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("templates/chunks-cache/statefulset.yaml", "changed"),
            ("templates/distributor/service.yaml", "changed"),
            ("templates/extra.yaml", "only-in-chart"),
            ("templates/gateway/service.yaml", "only-in-model"),
            ("values.yaml", "changed"),
        ]
    );
    let s = &report["summary"];
    assert_eq!(
        (
            &s["changed"],
            &s["only_in_chart"],
            &s["only_in_model"],
            &s["values"]
        ),
        (
            &Value::from(3),
            &Value::from(1),
            &Value::from(1),
            &Value::from(1)
        )
    );
    assert_eq!(
        (&s["lines_added"], &s["lines_removed"]),
        (&Value::from(3), &Value::from(2))
    );
}

#[test]
fn header_only_differences_are_not_drift() {
    let fx = Fixture::new("header");
    // Generated from the same model at another path: every header names that path.
    std::fs::create_dir_all(fx.path("clusters/eu-1")).unwrap();
    std::fs::copy(
        fx.path("portplan.yaml"),
        fx.path("clusters/eu-1/portplan.yaml"),
    )
    .unwrap();
    let o = fx.run(&["gen", "-m", "clusters/eu-1/portplan.yaml", "--out", "eu-1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let chart_yaml = std::fs::read_to_string(fx.path("eu-1/loki-v3/Chart.yaml")).unwrap();
    assert!(
        chart_yaml.starts_with("# Code generated by portplan from clusters/eu-1/portplan.yaml.")
    );
    let o = fx.run(&["diff", "--chart", "eu-1/loki-v3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    assert!(stdout(&o).starts_with("no drift: eu-1/loki-v3 matches the model"));

    // A copy whose header lines alone were edited, in several comment syntaxes.
    let chart = fx.chart_copy("chart");
    let from = "from portplan.yaml. DO NOT EDIT.";
    edit(
        &chart.join("templates/_helpers.tpl"),
        from,
        "from somewhere-else.yaml. DO NOT EDIT.",
    );
    edit(
        &chart.join("values.schema.json"),
        from,
        "from x.yaml. DO NOT EDIT.",
    );
    edit(
        &chart.join("values.yaml"),
        "# Regenerate with: portplan gen --model portplan.yaml",
        "# Regenerate with: portplan gen --model y.yaml",
    );
    let o = fx.run(&["diff", "--chart", "chart"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o).lines().count(), 1);

    // The header rule covers the header only: the same words further down are content, and a
    // real change next to an edited header is still drift.
    edit(
        &chart.join("templates/_helpers.tpl"),
        "{{/*\n",
        "{{/* edited\n",
    );
    let o = fx.run(&["diff", "--chart", "chart", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let report = json_of(&o);
    let lines = changed_lines(file_entry(&report, "templates/_helpers.tpl"));
    assert_eq!(
        lines,
        [('-', 2, "{{/* edited".into()), ('+', 2, "{{/*".into())]
    );
}

#[test]
fn errors_exit_2_with_a_clear_message() {
    let fx = Fixture::new("errors");
    let o = fx.run(&["diff", "--chart", "nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "nowhere: error: no such folder\n");

    // gen's output folder instead of the chart inside it.
    let o = fx.run(&["diff", "--chart", "gen"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("gen: error: is not a Helm chart: it has no Chart.yaml"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("--chart gen/loki-v3"), "{}", stderr(&o));

    // A values.yaml that is not YAML: its position, exit 2.
    let chart = fx.chart_copy("chart");
    edit(
        &chart.join("values.yaml"),
        "  port: 4090\n",
        "  port: [4090\n",
    );
    let o = fx.run(&["diff", "--chart", "chart"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).starts_with("chart/values.yaml:"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());

    // A bad model.
    std::fs::write(fx.path("bad.yaml"), "release: [\n").unwrap();
    let o = fx.run(&["diff", "--chart", "gen/loki-v3", "-m", "bad.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("bad.yaml:"), "{}", stderr(&o));

    let o = fx.run(&[
        "diff",
        "--chart",
        "gen/loki-v3",
        "--stat",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--stat: error: cannot be combined with --format json"));
}

/// `NO_COLOR`, and returns what the terminal received.
fn on_terminal(dir: &Path, args: &str, no_color: bool) -> Option<String> {
    let found = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !require_tool("script (util-linux/bsdutils)", found) {
        return None;
    }
    let command = format!("'{}' {args}", env!("CARGO_BIN_EXE_portplan"));
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &command, "/dev/null"])
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .env_remove("NO_COLOR");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let o = cmd.output().expect("script runs");
    Some(String::from_utf8(o.stdout).unwrap())
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let fx = Fixture::new("colour");
    let chart = fx.chart_copy("chart");
    edit(
        &chart.join("templates/chunks-cache/statefulset.yaml"),
        "            - -p\n",
        "            - -u\n",
    );
    let Some(coloured) = on_terminal(fx.dir.path(), "diff --chart chart", false) else {
        return;
    };
    assert!(
        coloured.contains("\x1b[31m-            - -u\x1b[0m"),
        "{coloured:?}"
    );
    assert!(
        coloured.contains("\x1b[32m+            - -p\x1b[0m"),
        "{coloured:?}"
    );
    assert!(
        coloured.contains("\x1b[36m@@ -41,7 +41,7 @@\x1b[0m"),
        "{coloured:?}"
    );
    let plain = on_terminal(fx.dir.path(), "diff --chart chart", true).unwrap();
    assert!(!plain.contains('\x1b'), "{plain:?}");
    assert!(plain.contains("-            - -u"));
    // Not a terminal: plain even without NO_COLOR.
    let piped = std::process::Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args(["diff", "--chart", "chart"])
        .current_dir(fx.dir.path())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!String::from_utf8(piped.stdout).unwrap().contains('\x1b'));
}
