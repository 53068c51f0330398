//! `portplan lint --render`: charts among the PATHs are also checked as real Helm renders
//! them, so a value's default counts (tests/cases/lint-render/fork defaults
//! trafficDistribution to `""`).

use crate::common::{helms, lint_findings, portplan, stderr, stdout};

const FORK: &str = "tests/cases/lint-render/fork";
const MODEL: &str = "tests/cases/lint-clean/portplan.yaml";

#[test]
fn a_default_that_drops_the_field_is_found_once_rendered() {
    // As source, the template mentions the field: nothing to report.
    let out = portplan(&["lint", "-m", MODEL, FORK, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(lint_findings(&out).is_empty(), "{}", stdout(&out));
    let Some(helms) = helms() else { return };
    for h in helms {
        let bin = h.bin.to_string_lossy().into_owned();
        let render = |extra: &[&str]| {
            let mut args = vec!["lint", "-m", MODEL, FORK, "--render", "--helm", &bin];
            args.extend(extra);
            args.extend(["--format", "json"]);
            portplan(&args)
        };
        let out = render(&[]);
        assert_eq!(out.status.code(), Some(0), "{}: {}", h.name(), stderr(&out));
        let rendered = format!("{FORK} (rendered)/templates/service.yaml");
        assert_eq!(
            lint_findings(&out),
            vec![("traffic-distribution-missing".to_owned(), rendered, 2)],
            "{}",
            h.name()
        );
        // The values the release runs with set it: clean again.
        let out = render(&["--values", "tests/cases/lint-render/prefer-close.yaml"]);
        assert!(
            lint_findings(&out).is_empty(),
            "{}: {}",
            h.name(),
            stdout(&out)
        );
    }
}

#[test]
fn render_without_helm_is_an_error() {
    let out = portplan(&[
        "lint",
        "-m",
        MODEL,
        FORK,
        "--render",
        "--helm",
        "/nonexistent/helm",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot run /nonexistent/helm"),
        "{}",
        stderr(&out)
    );
}
