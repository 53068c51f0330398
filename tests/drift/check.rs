//! `portplan gen --check` on edited output folders: it reports what gen would change and
//! writes nothing; and both commands render with the same template overrides as gen.

use super::*;

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
