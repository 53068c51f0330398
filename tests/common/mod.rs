//! Shared test helpers: running the binary and comparing with golden files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `portplan` with `args` in `dir`, without colour, and returns its output.
pub fn portplan_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("portplan runs")
}

pub fn portplan(args: &[&str]) -> Output {
    portplan_in(&root(), args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// Whether golden files are being rewritten (`PORTPLAN_BLESS=1`).
pub fn blessing() -> bool {
    std::env::var_os("PORTPLAN_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Compares `actual` with `golden/<rel>`; with `PORTPLAN_BLESS=1`, rewrites the file instead.
pub fn assert_golden(rel: &str, actual: &[u8]) {
    let path = root().join("golden").join(rel);
    if blessing() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|_| {
        panic!("golden/{rel} is missing; run the tests with PORTPLAN_BLESS=1 to create it")
    });
    if expected != actual {
        let e = String::from_utf8_lossy(&expected);
        let a = String::from_utf8_lossy(actual);
        let diff = similar::TextDiff::from_lines(e.as_ref(), a.as_ref())
            .unified_diff()
            .header(&format!("golden/{rel}"), "actual")
            .to_string();
        panic!("golden/{rel} differs (PORTPLAN_BLESS=1 rewrites it):\n{diff}");
    }
}

/// Whether a real tool a test needs must be present: under CI (`CI=true`) a missing tool is
/// a failure, never a skip.
pub fn require_tool(name: &str, found: bool) -> bool {
    if found {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false") {
        panic!("{name} is required under CI=true but was not found; run tests/setup.sh");
    }
    eprintln!("SKIPPED: {name} not found (run tests/setup.sh; under CI=true this fails)");
    false
}

/// The models with golden outputs: the repository's own and each example.
pub fn models() -> Vec<(&'static str, &'static str)> {
    vec![
        ("reference", "portplan.yaml"),
        ("monolithic", "examples/monolithic.yaml"),
        ("simple-scalable", "examples/simple-scalable.yaml"),
    ]
}

/// `(rule, path, line)` of every finding in `lint --format json` output, in report order.
pub fn lint_findings(out: &Output) -> Vec<(String, String, u64)> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("lint printed no JSON ({e}): {}", stdout(out)));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}
