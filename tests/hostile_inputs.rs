//! Hostile inputs to every command: absurd nesting, alias bombs, huge files, bytes that are
//! not UTF-8, symlink loops, and template folders that try to write outside the output
//! folder. Each run is bounded in time by the harness; each must end with a clear error
//! (exit 2, `file:line:col` where there is a position) or a safe result, never a panic
//! (exit 101), a hang, or a write outside the folder it was given.

use crate::common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long one run may take. Generous: the debug binary on a loaded two-core machine; a
/// hang is minutes, not seconds.
const LIMIT: Duration = Duration::from_secs(60);

fn workdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("portplan-hostile-in-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs portplan in `dir` and waits at most `LIMIT`; a run still going then is killed and
/// the test fails as a hang. Output goes to files, so a large report cannot block the child
/// on a full pipe while the harness waits.
fn bounded(dir: &Path, args: &[&str]) -> Output {
    bounded_env(dir, args, &[])
}

/// [`bounded`] with extra environment variables.
fn bounded_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    // Outside `dir`: a linted tree must not see the harness's files.
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, Ordering::Relaxed);
    let io = std::env::temp_dir().join(format!("portplan-hostile-io-{}-{n}", std::process::id()));
    let out_path = io.with_extension("stdout");
    let err_path = io.with_extension("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("portplan starts");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("portplan {args:?} hung: still running after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let o = Output {
        status,
        stdout: std::fs::read(&out_path).unwrap(),
        stderr: std::fs::read(&err_path).unwrap(),
    };
    std::fs::remove_file(out_path).unwrap();
    std::fs::remove_file(err_path).unwrap();
    o
}

fn err_text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2, no panic, and the first line is `file:line:col: error: ...` containing `needle`.
fn assert_refused_at(o: &Output, file: &str, needle: &str) {
    let err = err_text(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let first = err.lines().next().unwrap_or_default();
    let rest = first
        .strip_prefix(&format!("{file}:"))
        .unwrap_or_else(|| panic!("first line does not name {file}: {first:?}"));
    let pos: Vec<&str> = rest.splitn(3, ':').collect();
    assert!(
        pos.len() == 3
            && pos[0].parse::<u32>().is_ok_and(|l| l > 0)
            && pos[1].parse::<u32>().is_ok(),
        "no line:col in {first:?}"
    );
    assert!(err.contains(needle), "{needle:?} not in:\n{err}");
}

/// Exit 2, no panic, one message containing `needle`.
fn assert_refused(o: &Output, needle: &str) {
    let err = err_text(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(needle), "{needle:?} not in:\n{err}");
}

/// Every file (and symlink, by its target) under `dir`, except `skip`, with its contents:
/// the parent folder's state, to show a run wrote nothing outside its output folder.
fn snapshot(dir: &Path, skip: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p == skip {
                continue;
            }
            let ft = e.file_type().unwrap();
            if ft.is_symlink() {
                let target = std::fs::read_link(&p).unwrap();
                out.insert(p, target.into_os_string().into_encoded_bytes());
            } else if ft.is_dir() {
                out.insert(p.clone(), b"<dir>".to_vec());
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Fails naming the paths that differ between two snapshots.
fn assert_unchanged(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
    what: &str,
) {
    let changed: Vec<&PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    assert!(changed.is_empty(), "{what}: changed {changed:?}");
}

// ---------------------------------------------------------------------------------------
// Nesting and alias bombs

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
    let dir = workdir("nested-model");
    for kind in NESTINGS {
        std::fs::write(dir.join("m.yaml"), nested(kind, 10_000)).unwrap();
        let o = bounded(&dir, &["plan", "--model", "m.yaml"]);
        assert_refused_at(&o, "m.yaml", "too deeply");
        assert!(o.stdout.is_empty(), "{kind}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn deeply_nested_values_files_are_refused_at_a_position() {
    let dir = workdir("nested-values");
    let schema = root().join("chart-out/loki-v3/values.schema.json");
    let schema = schema.to_str().unwrap();
    for kind in NESTINGS {
        std::fs::write(dir.join("values.yaml"), nested(kind, 10_000)).unwrap();
        let o = bounded(&dir, &["validate", "--schema", schema, "values.yaml"]);
        assert_refused_at(&o, "values.yaml", "too deeply");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn deeply_nested_files_in_a_linted_tree_are_read_safely() {
    let dir = workdir("nested-lint");
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
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn alias_bombs_are_refused_in_models_and_values_files() {
    let dir = workdir("bomb");
    std::fs::write(dir.join("m.yaml"), alias_bomb("release")).unwrap();
    let o = bounded(&dir, &["plan", "--model", "m.yaml"]);
    assert_refused_at(&o, "m.yaml", "nodes (aliases expanded)");

    std::fs::write(dir.join("values.yaml"), alias_bomb("loki")).unwrap();
    let schema = root().join("chart-out/loki-v3/values.schema.json");
    let o = bounded(
        &dir,
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
        &dir,
        &["diff", "-m", model.to_str().unwrap(), "--chart", "chart"],
    );
    assert_refused_at(&o, "chart/values.yaml", "nodes (aliases expanded)");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn alias_bombs_in_a_linted_tree_are_read_as_text() {
    let dir = workdir("bomb-lint");
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
        &dir,
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
    std::fs::remove_dir_all(dir).unwrap();
}

// ---------------------------------------------------------------------------------------
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
    let dir = workdir("huge-model");
    // Valid but padded: planned like the small one.
    std::fs::write(dir.join("m.yaml"), padded_model(50)).unwrap();
    let o = bounded(&dir, &["ports", "--model", "m.yaml", "--format", "csv"]);
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
    let o = bounded(&dir, &["plan", "--model", "big.yaml"]);
    assert_refused_at(&o, "big.yaml", "more than 250,000 nodes");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_50_mb_values_file_is_read_or_refused_cleanly() {
    let dir = workdir("huge-values");
    let schema = root().join("chart-out/loki-v3/values.schema.json");
    let schema = schema.to_str().unwrap();
    // The generated values, padded with comments: still valid.
    let mut text = std::fs::read(root().join("chart-out/loki-v3/values.yaml")).unwrap();
    let line = format!("# {}\n", "x".repeat(97));
    while text.len() < 50 << 20 {
        text.extend_from_slice(line.as_bytes());
    }
    std::fs::write(dir.join("values.yaml"), &text).unwrap();
    let o = bounded(&dir, &["validate", "--schema", schema, "values.yaml"]);
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
    let o = bounded(&dir, &["validate", "--schema", schema, "values.yaml"]);
    assert_refused_at(&o, "values.yaml", "more than 250,000 nodes");
    std::fs::remove_dir_all(dir).unwrap();
}

// ---------------------------------------------------------------------------------------
// Bytes that are not UTF-8

#[test]
fn non_utf8_values_files_and_schemas_are_refused_at_the_byte() {
    let dir = workdir("utf8-values");
    std::fs::write(dir.join("values.yaml"), b"gateway:\n  replicas: \xc3\x28\n").unwrap();
    let schema = root().join("chart-out/loki-v3/values.schema.json");
    let o = bounded(
        &dir,
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
    let o = bounded(&dir, &["validate", "--schema", "s.json", "ok.yaml"]);
    assert_refused(&o, "s.json");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn non_utf8_chart_values_and_chart_files_are_refused() {
    let dir = workdir("utf8-chart");
    let model = root().join("portplan.yaml");
    let model = model.to_str().unwrap();
    std::fs::write(dir.join("values.yaml"), b"deploymentMode: Distr\xffbuted\n").unwrap();
    let o = bounded(
        &dir,
        &["lint", "-m", model, "--chart-values", "values.yaml"],
    );
    assert_refused(&o, "values.yaml");

    // A copy of the generated chart with a byte broken in values.yaml and in a template.
    let chart = dir.join("chart");
    copy_tree(&root().join("chart-out/loki-v3"), &chart);
    std::fs::write(chart.join("values.yaml"), b"gateway:\n  replicas: \xff\n").unwrap();
    let o = bounded(&dir, &["diff", "-m", model, "--chart", "chart"]);
    assert_refused_at(&o, "chart/values.yaml", "not valid UTF-8");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn non_utf8_contents_and_names_in_a_linted_tree_are_read_safely() {
    use std::os::unix::ffi::OsStrExt;
    let dir = workdir("utf8-lint");
    let drift = b"url = \"http://loki-v3-distributor:4100/loki/api/v1/push\" \xff\xfe\n";
    std::fs::write(dir.join("latin1.alloy"), drift).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.alloy");
    std::fs::write(dir.join(name), drift).unwrap();
    let model = root().join("portplan.yaml");
    let o = bounded(
        &dir,
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
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn non_utf8_templates_are_refused_and_nothing_is_written() {
    use std::os::unix::ffi::OsStrExt;
    let dir = workdir("utf8-templates");
    let t = dir.join("t");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(t.join("extra.txt"), b"release [[ plan.release ]] \xff\n").unwrap();
    let o = bounded(
        &dir,
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
        &dir,
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
    std::fs::remove_dir_all(dir).unwrap();
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

// ---------------------------------------------------------------------------------------
// Symlink loops

#[test]
fn symlink_loops_in_scanned_trees_are_skipped_with_a_note() {
    let dir = workdir("loops");
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
            &dir,
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
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_validated_path_that_loops_is_refused() {
    let dir = workdir("loop-validate");
    std::os::unix::fs::symlink("v.yaml", dir.join("v.yaml")).unwrap();
    let schema = root().join("chart-out/loki-v3/values.schema.json");
    let o = bounded(
        &dir,
        &["validate", "--schema", schema.to_str().unwrap(), "v.yaml"],
    );
    assert_refused(&o, "v.yaml: error: cannot read the file");
    let o = bounded(&dir, &["plan", "--model", "v.yaml"]);
    assert_refused(&o, "v.yaml: error: cannot read the model");
    std::fs::remove_dir_all(dir).unwrap();
}

// ---------------------------------------------------------------------------------------
// Template overrides that try to write outside the output folder

/// Runs `gen --templates t --out out/chart` in a fresh folder after `setup` built `t/`; the
/// run must be refused, and nothing outside `out/chart` (or inside it) may change.
fn assert_gen_refused(name: &str, setup: impl FnOnce(&Path), needle: &str) {
    let dir = workdir(&format!("escape-{name}"));
    let t = dir.join("t");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    std::fs::write(dir.join("outside/keep.txt"), "untouched\n").unwrap();
    setup(&dir);
    let out = dir.join("out/chart");
    let model = root().join("portplan.yaml");
    let model = model.to_str().unwrap();
    // A first, clean run so the output folder exists and has a manifest.
    let o = bounded(&dir, &["gen", "-m", model, "--out", "out/chart"]);
    assert_eq!(o.status.code(), Some(0), "{name}: {}", err_text(&o));
    let before = snapshot(&dir, Path::new("/nonexistent"));
    let o = bounded(
        &dir,
        &["gen", "-m", model, "--templates", "t", "--out", "out/chart"],
    );
    assert_refused(&o, needle);
    assert_unchanged(
        &before,
        &snapshot(&dir, Path::new("/nonexistent")),
        &format!("{name}: the run changed files"),
    );
    assert!(out.join("loki-v3/Chart.yaml").exists());
    std::fs::remove_dir_all(dir).unwrap();
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
    let dir = workdir("escape-out-link");
    let model = root().join("portplan.yaml");
    let model = model.to_str().unwrap();
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    std::fs::create_dir_all(dir.join("t/extra")).unwrap();
    std::fs::write(dir.join("t/extra/file.txt"), "[[ plan.release ]]\n").unwrap();
    let o = bounded(&dir, &["gen", "-m", model, "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", err_text(&o));
    std::os::unix::fs::symlink("../outside", dir.join("out/extra")).unwrap();
    let before = snapshot(&dir, &dir.join("out"));
    let o = bounded(
        &dir,
        &["gen", "-m", model, "--templates", "t", "--out", "out"],
    );
    assert!(!err_text(&o).contains("panicked"), "{}", err_text(&o));
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", err_text(&o));
    assert_unchanged(
        &before,
        &snapshot(&dir, &dir.join("out")),
        "gen wrote outside its output folder",
    );
    assert!(
        std::fs::read_dir(dir.join("outside"))
            .unwrap()
            .next()
            .is_none()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn output_folders_that_are_no_folder_name_are_refused() {
    let dir = workdir("out-names");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let model = root().join("portplan.yaml");
    let model = model.to_str().unwrap();
    let before = snapshot(&dir, Path::new("/nonexistent"));
    for out in ["..", ".", "sub/..", "/"] {
        let o = bounded(&dir.join("sub"), &["gen", "-m", model, "--out", out]);
        assert_refused(&o, "");
        assert_unchanged(
            &before,
            &snapshot(&dir, Path::new("/nonexistent")),
            &format!("--out {out}"),
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn without_the_atomic_exchange_gen_removes_nothing_through_a_users_symlink() {
    // Where directories cannot be exchanged (another file system, a mount point), gen
    // replaces files one by one and then removes the files its previous run wrote. A folder
    // of that run the user has since replaced by a link must not lead the removal outside.
    let dir = workdir("fallback-link");
    let model = root().join("portplan.yaml");
    let no_exchange = [("PORTPLAN_TEST_NO_EXCHANGE", "1")];
    let o = bounded_env(
        &dir,
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
    let before = snapshot(&dir, &dir.join("out"));
    let o = bounded_env(&dir, &["gen", "-m", "m.yaml", "--out", "out"], &no_exchange);
    assert_eq!(o.status.code(), Some(0), "{}", err_text(&o));
    assert_unchanged(
        &before,
        &snapshot(&dir, &dir.join("out")),
        "a file outside out/ changed",
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("outside/argocd-alloy.alloy")).unwrap(),
        "the user's own file\n"
    );
    // The rest of the output was replaced in place.
    let values = std::fs::read_to_string(dir.join("out/loki-v3/values.yaml")).unwrap();
    assert!(values.contains("m.yaml"), "the new output is in place");
    std::fs::remove_dir_all(dir).unwrap();
}
