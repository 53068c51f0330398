//! The library's gen entry point (`portplan::generate`) on its own, without the binary: it
//! produces the golden files byte for byte (so the fuzz targets, which call it, test what
//! `gen` writes), and it refuses a model with lint errors, saying why.

use crate::common::{self, root};

use std::path::Path;

use portplan::diag::Style;
use portplan::generate::Options;
use portplan::model::{load_model, parse_model};

#[test]
fn generates_the_golden_files_for_every_model() {
    for (name, model) in common::models() {
        // Relative, as the CLI tests pass it: the headers name the model as given.
        let lm = load_model(Path::new(model)).unwrap();
        let generation = portplan::generate(&lm, &Options::default());
        assert_eq!(generation.lint.errors_found(), 0, "{model}");
        let generated = generation.result.unwrap();
        let committed = common::committed_output(name);
        let golden = portplan::output::read_tree(&root().join(&committed)).unwrap();
        let mut expected: Vec<(&str, &[u8])> = golden
            .iter()
            .filter(|(p, _)| p.as_str() != portplan::output::MANIFEST)
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect();
        expected.sort();
        let got: Vec<(&str, &[u8])> = generated.files.iter().collect();
        let paths = |v: &[(&str, &[u8])]| v.iter().map(|(p, _)| p.to_string()).collect::<Vec<_>>();
        assert_eq!(paths(&got), paths(&expected), "{model}: the set of files");
        for ((path, got), (_, want)) in got.iter().zip(&expected) {
            assert!(
                got == want,
                "{model}: {path} differs from {committed}/{path}"
            );
        }
        assert_eq!(
            generated.comment,
            portplan::render::header::sentence(&generated.plan.model_path)
        );
    }
}

#[test]
fn a_model_with_lint_errors_generates_nothing_and_says_why() {
    let text = "release: loki\nnamespace: logs\nmode: monolithic\nkubeVersion: \"1.33\"\ngateway:\n  trafficDistribution: PreferSameNode\n";
    let lm = parse_model("m.yaml", text.to_owned()).unwrap();
    let generation = portplan::generate(&lm, &Options::default());
    assert_eq!(generation.lint.errors_found(), 1);
    let notices = generation.notices(&lm, Style::plain());
    assert!(
        notices.starts_with("m.yaml:6:24: error[traffic-distribution-unsupported]: "),
        "{notices}"
    );
    let f = generation.result.unwrap_err();
    assert!(
        f.to_string()
            .starts_with("m.yaml: error: nothing generated: the model has the errors above"),
        "{f}"
    );
}

#[test]
fn a_model_that_does_not_resolve_fails_without_lint_findings() {
    // simple-scalable has no default storage: a resolver error, before any lint rule runs.
    let lm = parse_model(
        "m.yaml",
        "release: loki\nnamespace: logs\nmode: simple-scalable\n".into(),
    )
    .unwrap();
    let generation = portplan::generate(&lm, &Options::default());
    assert!(generation.lint.findings.is_empty());
    assert_eq!(generation.notices(&lm, Style::plain()), "");
    assert!(generation.result.is_err());
}

#[test]
fn template_overrides_apply_and_a_broken_one_names_its_folder() {
    let scratch = common::temp_dir("generate");
    let dir = scratch.path().to_path_buf();
    std::fs::create_dir_all(dir.join("extra")).unwrap();
    std::fs::write(dir.join("extra/release.txt"), "[[ plan.release ]]\n").unwrap();
    let lm = load_model(Path::new("examples/monolithic.yaml")).unwrap();
    let opts = Options {
        templates: Some(dir.clone()),
        ..Options::default()
    };
    let generated = portplan::generate(&lm, &opts).result.unwrap();
    let added = String::from_utf8(generated.files.get("extra/release.txt").unwrap().to_vec());
    assert!(added.unwrap().contains(&generated.plan.release));

    std::fs::write(dir.join("extra/release.txt"), "[[ plan.release \n").unwrap();
    let f = portplan::generate(&lm, &opts).result.unwrap_err();
    assert_eq!(f.diagnostics[0].path, dir.display().to_string());
}

#[test]
fn monolithic_without_storage_keeps_one_replica() {
    // No `storage` means the pod's own disk: as refused as `storage: {type: filesystem}` with
    // three replicas (the structured fuzzer's corpus was full of 1000-replica monoliths).
    let text = "release: loki\nnamespace: logs\nmode: monolithic\ncomponents:\n  single-binary:\n    replicas: 3\n";
    let lm = parse_model("m.yaml", text.to_owned()).unwrap();
    let f = portplan::generate(&lm, &Options::default())
        .result
        .unwrap_err();
    assert!(
        f.to_string().starts_with("m.yaml:6:15: error: without `storage`, chunks are kept on filesystem storage, which needs exactly one single-binary replica"),
        "{f}"
    );
    assert!(portplan::plan::build_plan(&lm).is_err());
}
