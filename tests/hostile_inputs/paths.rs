//! Paths that loop (symlink loops) or try to leave the output folder (template names and
//! links, output folders that are no folder name, a user's link during the fallback).

use super::*;

// Symlink loops

#[test]
fn symlink_loops_in_scanned_trees_are_skipped_with_a_note() {
    let tmp = temp_dir("loops");
    let dir = tmp.path();
    let tree = dir.join("repo");
    std::fs::create_dir_all(tree.join("a/b")).unwrap();
    let drift = "url = \"http://loki-v3-distributor:4100/loki/api/v1/push\"\n";
    std::fs::write(tree.join("a/b/client.alloy"), drift).unwrap();
    // A link to itself, two links to each other, a link to an ancestor, a dangling link.
    std::os::unix::fs::symlink("self", tree.join("self")).unwrap();
    std::os::unix::fs::symlink("pong", tree.join("ping")).unwrap();
    std::os::unix::fs::symlink("ping", tree.join("pong")).unwrap();
    std::os::unix::fs::symlink("../..", tree.join("a/b/up")).unwrap();
    std::os::unix::fs::symlink("missing", tree.join("dangling")).unwrap();
    // And a link to the tree from beside it, given as the PATH.
    std::os::unix::fs::symlink("repo", dir.join("link")).unwrap();
    let model = root().join("portplan.yaml");
    for path in ["repo", "link", "repo/self"] {
        let o = bounded(
            dir,
            &[
                "lint",
                "-m",
                model.to_str().unwrap(),
                path,
                "--format",
                "json",
            ],
        );
        let err = err_text(&o);
        assert!(!err.contains("panicked"), "{path}: {err}");
        if path == "repo/self" {
            // The only PATH is a loop: nothing to read, and the user is told why.
            assert_eq!(o.status.code(), Some(2), "{path}: {err}");
            assert!(err.contains("repo/self"), "{path}: {err}");
            continue;
        }
        // The real file is found exactly once; the walk does not go round the loop.
        let found = lint_findings(&o);
        assert_eq!(found.len(), 1, "{path}: {found:?}\n{err}");
        assert!(
            err.contains("up: skipped: symbolic link loop"),
            "{path}: {err}"
        );
    }
}

#[test]
fn a_validated_path_that_loops_is_refused() {
    let tmp = temp_dir("loop-validate");
    let dir = tmp.path();
    std::os::unix::fs::symlink("v.yaml", dir.join("v.yaml")).unwrap();
    let schema = root().join("chart-out/loki-v3/values.schema.json");
    let o = bounded(
        dir,
        &["validate", "--schema", schema.to_str().unwrap(), "v.yaml"],
    );
    assert_refused(&o, "v.yaml: error: cannot read the file");
    let o = bounded(dir, &["plan", "--model", "v.yaml"]);
    assert_refused(&o, "v.yaml: error: cannot read the model");
}

// Template overrides that try to write outside the output folder

/// Runs `gen --templates t --out out/chart` in a fresh folder after `setup` built `t/`; the
/// run must be refused, and nothing outside `out/chart` (or inside it) may change.
fn assert_gen_refused(name: &str, setup: impl FnOnce(&Path), needle: &str) {
    let tmp = temp_dir(&format!("escape-{name}"));
    let dir = tmp.path();
    let t = dir.join("t");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    std::fs::write(dir.join("outside/keep.txt"), "untouched\n").unwrap();
    setup(dir);
    let out = dir.join("out/chart");
    let model = root().join("portplan.yaml");
    let model = model.to_str().unwrap();
    // A first, clean run so the output folder exists and has a manifest.
    let o = bounded(dir, &["gen", "-m", model, "--out", "out/chart"]);
    assert_eq!(o.status.code(), Some(0), "{name}: {}", err_text(&o));
    let before = snapshot(dir, Path::new("/nonexistent"));
    let o = bounded(
        dir,
        &["gen", "-m", model, "--templates", "t", "--out", "out/chart"],
    );
    assert_refused(&o, needle);
    assert_unchanged(
        &before,
        &snapshot(dir, Path::new("/nonexistent")),
        &format!("{name}: the run changed files"),
    );
    assert!(out.join("loki-v3/Chart.yaml").exists());
}

#[test]
fn template_names_cannot_escape_the_output_folder() {
    // Names Linux allows in one path component that would mean something else elsewhere.
    for (i, bad) in [
        "..\\..\\outside\\evil.txt",
        "a\\..\\..\\evil",
        "evil\n.txt",
        "evil\r.txt",
    ]
    .iter()
    .enumerate()
    {
        assert_gen_refused(
            &format!("name-{i}"),
            |d| std::fs::write(d.join("t").join(bad), "pwned\n").unwrap(),
            "template",
        );
    }
}

#[test]
fn symlinked_template_folders_and_files_are_refused() {
    assert_gen_refused(
        "dir-link",
        |d| std::os::unix::fs::symlink("../outside", d.join("t/chart")).unwrap(),
        "templates may not be symlinks",
    );
    assert_gen_refused(
        "up-link",
        |d| std::os::unix::fs::symlink("..", d.join("t/up")).unwrap(),
        "templates may not be symlinks",
    );
    assert_gen_refused(
        "loop-link",
        |d| std::os::unix::fs::symlink("loop", d.join("t/loop")).unwrap(),
        "templates may not be symlinks",
    );
    assert_gen_refused(
        "file-link",
        |d| {
            std::fs::create_dir_all(d.join("t/chart/templates")).unwrap();
            std::os::unix::fs::symlink(
                "../../../outside/keep.txt",
                d.join("t/chart/templates/NOTES.txt"),
            )
            .unwrap()
        },
        "templates may not be symlinks",
    );
}

#[test]
fn a_template_cannot_take_the_manifest_or_write_through_a_link_in_the_output() {
    // A template at the manifest's path would let a template decide what the next run
    // deletes: refused.
    assert_gen_refused(
        "manifest",
        |d| std::fs::write(d.join("t/.portplan-manifest.json"), "{}").unwrap(),
        ".portplan-manifest.json",
    );

    // A user's symlink inside the output folder, where a template adds a file: gen builds
    // the new tree in a staging folder, so nothing is written through the link.
    let tmp = temp_dir("escape-out-link");
    let dir = tmp.path();
    let model = root().join("portplan.yaml");
    let model = model.to_str().unwrap();
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    std::fs::create_dir_all(dir.join("t/extra")).unwrap();
    std::fs::write(dir.join("t/extra/file.txt"), "[[ plan.release ]]\n").unwrap();
    let o = bounded(dir, &["gen", "-m", model, "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", err_text(&o));
    std::os::unix::fs::symlink("../outside", dir.join("out/extra")).unwrap();
    let before = snapshot(dir, &dir.join("out"));
    let o = bounded(
        dir,
        &["gen", "-m", model, "--templates", "t", "--out", "out"],
    );
    assert!(!err_text(&o).contains("panicked"), "{}", err_text(&o));
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", err_text(&o));
    assert_unchanged(
        &before,
        &snapshot(dir, &dir.join("out")),
        "gen wrote outside its output folder",
    );
    assert!(
        std::fs::read_dir(dir.join("outside"))
            .unwrap()
            .next()
            .is_none()
    );
}

#[test]
fn output_folders_that_are_no_folder_name_are_refused() {
    let tmp = temp_dir("out-names");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let model = root().join("portplan.yaml");
    let model = model.to_str().unwrap();
    let before = snapshot(dir, Path::new("/nonexistent"));
    for out in ["..", ".", "sub/..", "/"] {
        let o = bounded(&dir.join("sub"), &["gen", "-m", model, "--out", out]);
        assert_refused(&o, "");
        assert_unchanged(
            &before,
            &snapshot(dir, Path::new("/nonexistent")),
            &format!("--out {out}"),
        );
    }
}

#[test]
fn without_the_atomic_exchange_gen_removes_nothing_through_a_users_symlink() {
    // Where directories cannot be exchanged (another file system, a mount point), gen
    // replaces files one by one and then removes the files its previous run wrote. A folder
    // of that run the user has since replaced by a link must not lead the removal outside.
    let tmp = temp_dir("fallback-link");
    let dir = tmp.path();
    let model = root().join("portplan.yaml");
    let no_exchange = [("PORTPLAN_TEST_NO_EXCHANGE", "1")];
    let o = bounded_env(
        dir,
        &["gen", "-m", model.to_str().unwrap(), "--out", "out"],
        &no_exchange,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err_text(&o));
    assert!(dir.join("out/alloy/argocd-alloy.alloy").is_file());
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    std::fs::write(
        dir.join("outside/argocd-alloy.alloy"),
        "the user's own file\n",
    )
    .unwrap();
    std::fs::remove_dir_all(dir.join("out/alloy")).unwrap();
    std::os::unix::fs::symlink("../outside", dir.join("out/alloy")).unwrap();

    // The next model has no Alloy clients: alloy/argocd-alloy.alloy is no longer generated.
    let text = std::fs::read_to_string(&model).unwrap();
    let without = text.replace(
        "  alloy:\n    - name: argocd-alloy\n      via: direct\n",
        "",
    );
    assert_ne!(without, text);
    std::fs::write(dir.join("m.yaml"), without).unwrap();
    let before = snapshot(dir, &dir.join("out"));
    let o = bounded_env(dir, &["gen", "-m", "m.yaml", "--out", "out"], &no_exchange);
    assert_eq!(o.status.code(), Some(0), "{}", err_text(&o));
    assert_unchanged(
        &before,
        &snapshot(dir, &dir.join("out")),
        "a file outside out/ changed",
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("outside/argocd-alloy.alloy")).unwrap(),
        "the user's own file\n"
    );
    // The rest of the output was replaced in place.
    let values = std::fs::read_to_string(dir.join("out/loki-v3/values.yaml")).unwrap();
    assert!(values.contains("m.yaml"), "the new output is in place");
}
