//! Drift: `portplan diff --chart` on hand-edited copies of a generated chart, and
//! `portplan gen --check` on edited output folders.

use crate::common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// A temporary folder holding a copy of the reference model and `gen`'s output of it in
/// `gen/`; commands run inside it, so every path in their output is relative and stable.
struct Fixture {
    dir: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("portplan-drift-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(root().join("portplan.yaml"), dir.join("portplan.yaml")).unwrap();
        let fx = Fixture { dir };
        let o = fx.run(&["gen", "--out", "gen"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        fx
    }

    fn run(&self, args: &[&str]) -> Output {
        portplan_in(&self.dir, args)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// A copy of the generated chart at `rel`.
    fn chart_copy(&self, rel: &str) -> PathBuf {
        let to = self.path(rel);
        copy_dir(&self.path("gen/loki-v3"), &to);
        to
    }

    fn tree(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        portplan::output::read_tree(&self.path(rel)).unwrap()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for (rel, bytes) in portplan::output::read_tree(from).unwrap() {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Replaces the first `from` in the file by `to`; the edit must apply.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The 1-based line of `path` that is exactly `line`.
fn line_of(path: &Path, line: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("{}: no line {line:?}", path.display()))
        + 1
}

/// The `-` and `+` lines of a JSON file entry's hunks, each with its line number on its
/// own side (old = the chart, new = generated), found by walking the hunks.
fn changed_lines(file: &Value) -> Vec<(char, usize, String)> {
    let mut out = Vec::new();
    for h in file["hunks"].as_array().unwrap() {
        let mut old = h["old_start"].as_u64().unwrap() as usize;
        let mut new = h["new_start"].as_u64().unwrap() as usize;
        for line in h["lines"].as_array().unwrap() {
            let line = line.as_str().unwrap();
            let (tag, text) = line.split_at(1);
            match tag {
                " " => {
                    old += 1;
                    new += 1;
                }
                "-" => {
                    out.push(('-', old, text.to_owned()));
                    old += 1;
                }
                "+" => {
                    out.push(('+', new, text.to_owned()));
                    new += 1;
                }
                _ => {}
            }
        }
    }
    out
}

fn json_of(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn file_entry<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no file {path} in {report:#}"))
}

/// Runs `diff --chart chart` as text, stat and JSON; each must exit 1. Returns the text
/// output (compared with `golden/drift/<golden>.txt`) and the JSON report.
fn drifted(fx: &Fixture, golden: &str) -> (String, Value) {
    let text = fx.run(&["diff", "--chart", "chart"]);
    assert_eq!(
        text.status.code(),
        Some(1),
        "{}{}",
        stdout(&text),
        stderr(&text)
    );
    assert!(!stdout(&text).contains('\x1b'), "no colour with NO_COLOR");
    assert_golden(&format!("drift/{golden}.txt"), &text.stdout);
    let stat = fx.run(&["diff", "--chart", "chart", "--stat"]);
    assert_eq!(stat.status.code(), Some(1));
    let json = fx.run(&["diff", "--chart", "chart", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report = json_of(&json);
    assert_eq!(report["summary"]["drift"], true);
    // The stat lists exactly the files the JSON does, with the same counts.
    let stat_out = stdout(&stat);
    for f in report["files"].as_array().unwrap() {
        let line = stat_out
            .lines()
            .find(|l| {
                l.trim_start()
                    .starts_with(&format!("{} ", f["path"].as_str().unwrap()))
            })
            .unwrap_or_else(|| panic!("{f} not in --stat:\n{stat_out}"));
        assert!(
            line.contains(&format!("+{} -{}", f["added"], f["removed"])),
            "{line}"
        );
    }
    assert_eq!(
        stat_out.lines().count(),
        report["files"].as_array().unwrap().len() + 1,
        "one line per file and the summary:\n{stat_out}"
    );
    (stdout(&text), report)
}

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

// gen --check

/// Runs `gen --check` on `gen/`; the folder must be the same afterwards (nothing written).
fn check(fx: &Fixture) -> Output {
    let before = fx.tree("gen");
    let o = fx.run(&["gen", "--check", "--out", "gen"]);
    assert_eq!(fx.tree("gen"), before, "gen --check wrote into the folder");
    o
}

#[test]
fn check_is_clean_on_fresh_output_and_keeps_foreign_files() {
    let fx = Fixture::new("check-clean");
    let generated = fx.tree("gen").len() - 1; // the manifest is not counted
    let o = check(&fx);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), format!("gen: up to date ({generated} files)\n"));
    // A file the user keeps beside the output is not drift.
    std::fs::write(
        fx.path("gen/loki-v3/templates/mine.yaml"),
        "kind: ConfigMap\n",
    )
    .unwrap();
    std::fs::write(fx.path("gen/NOTES.md"), "ours\n").unwrap();
    let o = check(&fx);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn check_reports_a_changed_file_as_a_diff() {
    let fx = Fixture::new("check-changed");
    let file = fx.path("gen/loki-v3/templates/chunks-cache/statefulset.yaml");
    edit(&file, "            - -p\n", "            - -u\n");
    let o = check(&fx);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("--- gen/loki-v3/templates/chunks-cache/statefulset.yaml\t(on disk)\n+++ gen/loki-v3/templates/chunks-cache/statefulset.yaml\t(gen would write)\n"), "{out}");
    let at = line_of(&file, "            - -u");
    assert!(
        out.contains(&format!("@@ -{},7 +{},7 @@\n", at - 3, at - 3)),
        "{out}"
    );
    assert!(out.ends_with("gen: out of date: 1 file changed, 0 to add, 0 to remove; run `portplan gen` with the same flags to update it\n"), "{out}");
    assert_golden("drift/check-changed.txt", &o.stdout);
}

#[test]
fn check_reports_missing_and_stale_files() {
    let fx = Fixture::new("check-files");
    std::fs::remove_file(fx.path("gen/grafana/datasources.yaml")).unwrap();
    // A file the previous run wrote (the manifest lists it) that gen no longer generates.
    std::fs::write(
        fx.path("gen/loki-v3/templates/old.yaml"),
        "kind: ConfigMap\n",
    )
    .unwrap();
    edit(
        &fx.path("gen/.portplan-manifest.json"),
        "    \"loki-v3/templates/_helpers.tpl\",\n",
        "    \"loki-v3/templates/_helpers.tpl\",\n    \"loki-v3/templates/old.yaml\",\n",
    );
    let o = check(&fx);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("Missing: gen/grafana/datasources.yaml (gen would write it)\n"),
        "{out}"
    );
    assert!(
        out.contains("Stale: gen/loki-v3/templates/old.yaml (gen would remove it"),
        "{out}"
    );
    assert!(
        out.contains("\n-    \"loki-v3/templates/old.yaml\",\n"),
        "the manifest differs too: {out}"
    );
    assert!(out.ends_with("gen: out of date: 1 file changed, 1 to add, 1 to remove; run `portplan gen` with the same flags to update it\n"), "{out}");
    assert_golden("drift/check-files.txt", &o.stdout);

    // gen itself agrees: it writes the missing file and removes the stale one.
    let o = fx.run(&["gen", "--out", "gen"]);
    assert!(
        stderr(&o).contains("removed loki-v3/templates/old.yaml"),
        "{}",
        stderr(&o)
    );
    assert_eq!(check(&fx).status.code(), Some(0));
}

#[test]
fn check_of_a_missing_folder_is_drift_and_creates_nothing() {
    let fx = Fixture::new("check-none");
    let o = fx.run(&["gen", "--check", "--out", "not-yet"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!fx.path("not-yet").exists());
    let generated = fx.tree("gen").len();
    assert_eq!(
        stdout(&o)
            .lines()
            .filter(|l| l.starts_with("Missing: "))
            .count(),
        generated,
        "every file and the manifest"
    );
    let o = fx.run(&["gen", "--check", "--force"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Runs `portplan ARGS` in `dir` on a pseudo-terminal (util-linux `script`), with or without
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
    let Some(coloured) = on_terminal(&fx.dir, "diff --chart chart", false) else {
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
        coloured.contains("\x1b[36m@@ -36,7 +36,7 @@\x1b[0m"),
        "{coloured:?}"
    );
    let plain = on_terminal(&fx.dir, "diff --chart chart", true).unwrap();
    assert!(!plain.contains('\x1b'), "{plain:?}");
    assert!(plain.contains("-            - -u"));
    // Not a terminal: plain even without NO_COLOR.
    let piped = std::process::Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args(["diff", "--chart", "chart"])
        .current_dir(&fx.dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!String::from_utf8(piped.stdout).unwrap().contains('\x1b'));
}

#[test]
fn diff_and_check_render_with_the_same_template_overrides_as_gen() {
    let fx = Fixture::new("templates");
    std::fs::create_dir_all(fx.path("overrides/chart/templates")).unwrap();
    std::fs::write(
        fx.path("overrides/chart/templates/team.yaml"),
        "kind: ConfigMap\nmetadata:\n  name: [[ plan.release ]]-team\n",
    )
    .unwrap();
    let o = fx.run(&["gen", "--templates", "overrides", "--out", "with"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = fx.run(&[
        "diff",
        "--chart",
        "with/loki-v3",
        "--templates",
        "overrides",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = fx.run(&[
        "gen",
        "--check",
        "--templates",
        "overrides",
        "--out",
        "with",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Without them, the team's template is a file only the chart has.
    let o = fx.run(&["diff", "--chart", "with/loki-v3", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let report = json_of(&o);
    assert_eq!(
        file_entry(&report, "templates/team.yaml")["status"],
        "only-in-chart"
    );
    let o = fx.run(&["gen", "--check", "--out", "with"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("Stale: with/loki-v3/templates/team.yaml"),
        "{}",
        stdout(&o)
    );
}
