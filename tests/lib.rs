//! portplan's integration tests: one test binary, one module per concept.
//!
//! Every file here used to be a test binary of its own, each linking the portplan library and
//! its dependencies again; one binary links them once (Cargo.toml: `[[test]] integration`,
//! `autotests = false`). `cargo test --test integration drift::` runs one module.
//!
//! The shared helpers are `common`: running the binary, golden files, temporary folders, Helm.

mod common;
// The real-tool oracles the `oracles` tests use (Helm renders, wiring, memcached, ...).
mod oracle;

mod chart_features;
mod clients;
mod combinations;
mod crash_safety;
mod docs;
mod drift;
mod editors;
mod flows;
// Loaded by path so that the file keeps its own `mod common;` and `#[path]` to fuzz/src/lib.rs
// working unchanged (both resolve from tests/, as when it was a binary of its own); its
// `common` is a second copy of the helpers.
#[allow(clippy::duplicate_mod)]
#[path = "fuzz_regressions.rs"]
mod fuzz_regressions;
mod gateway_routes;
mod gen_memo;
mod generate;
mod generate_entry;
mod helm;
mod hostile;
mod hostile_inputs;
mod import;
mod lint;
mod lint_render;
mod lint_rules;
mod loki_config;
mod model_errors;
mod oracles;
mod ports_plan;
mod rendered_diff;
mod templates;
mod templates_only;
mod trust;
mod validate;

/// Cargo builds only this file's binary (`autotests = false`), so a test file added to tests/
/// without a `mod` line above would compile nowhere and never run: this test refuses it.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let dir = common::root().join("tests");
    let lib = std::fs::read_to_string(dir.join("lib.rs")).unwrap();
    let declared: std::collections::BTreeSet<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let is_module = if path.is_dir() {
            path.join("mod.rs").is_file()
        } else {
            path.extension().is_some_and(|e| e == "rs") && name != "lib"
        };
        if is_module && !declared.contains(name.as_str()) {
            missing.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "tests/{} not declared in tests/lib.rs: add `mod NAME;` there (and use \
         `crate::common::...` instead of a `mod common;` of its own)",
        missing.join(", tests/")
    );
}
