//! Every lint rule's good and bad fixtures, in the style of clippy's UI tests: one folder per
//! rule, `tests/cases/lint-rules/<rule>/`, holding cases named `bad*` and `good*`. A bad case's
//! findings (the text output) are its golden, `golden/lint-rules/<rule>/<case>.txt`, and all
//! of them are that rule's; a good case has no finding of the rule. Adding a rule's folder
//! adds its test, and a rule of the registry without one fails.
//!
//! A case is a folder that `portplan lint` reads from the repository root: its `portplan.yaml`
//! when it has one (else tests/cases/lint-clean/portplan.yaml), then the folder itself as the
//! PATH. A case whose folder holds `args` runs with those arguments instead (whitespace
//! separated, `#` lines are comments), so fixtures elsewhere in tests/cases are reused as they
//! are. `PORTPLAN_BLESS=1` rewrites the goldens.

use crate::common::{assert_golden, blessing, lint_findings, portplan, root, stderr, stdout};

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use portplan::lint::rules::{ALL, by_slug};

const CASES: &str = "tests/cases/lint-rules";
const GOLDEN: &str = "golden/lint-rules";
/// The model of a case without its own: the clean counterpart of tests/lint.rs.
const DEFAULT_MODEL: &str = "tests/cases/lint-clean/portplan.yaml";

/// The sub-folders of `dir` (relative to the repository root), sorted by name.
fn folders(dir: &str) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    out
}

/// The `lint` arguments of the case at `rel` (relative to the repository root).
fn case_args(rel: &str) -> Vec<String> {
    let dir = root().join(rel);
    if let Ok(text) = std::fs::read_to_string(dir.join("args")) {
        return text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .flat_map(str::split_whitespace)
            .map(str::to_owned)
            .collect();
    }
    let model = if dir.join("portplan.yaml").is_file() {
        format!("{rel}/portplan.yaml")
    } else {
        DEFAULT_MODEL.to_owned()
    };
    vec!["-m".into(), model, rel.into()]
}

fn lint(args: &[String], format: &str) -> std::process::Output {
    let mut all: Vec<&str> = vec!["lint"];
    all.extend(args.iter().map(String::as_str));
    all.extend(["--format", format]);
    portplan(&all)
}

/// Runs one case; panics with what is wrong.
fn check_case(rule: &str, case: &str) {
    let rel = format!("{CASES}/{rule}/{case}");
    let args = case_args(&rel);
    let out = lint(&args, "json");
    assert_ne!(
        out.status.code(),
        Some(2),
        "{rel}: lint {args:?} failed:\n{}",
        stderr(&out)
    );
    let rules: Vec<String> = lint_findings(&out).into_iter().map(|(r, _, _)| r).collect();
    if case.starts_with("bad") {
        assert!(
            rules.iter().any(|r| r == rule),
            "{rel}: no finding of {rule}:\n{}",
            stdout(&out)
        );
        let others: BTreeSet<&String> = rules.iter().filter(|r| *r != rule).collect();
        assert!(
            others.is_empty(),
            "{rel}: a bad case of {rule} must find only {rule}, not {others:?}:\n{}",
            stdout(&out)
        );
        let text = lint(&args, "text");
        assert_eq!(text.status.code(), out.status.code(), "{rel}: exit status");
        assert_golden(&format!("lint-rules/{rule}/{case}.txt"), &text.stdout);
    } else {
        assert!(
            !rules.iter().any(|r| r == rule),
            "{rel}: a good case of {rule} has a finding of it:\n{}",
            stdout(&out)
        );
    }
}

#[test]
fn every_rule_has_good_and_bad_cases_and_each_case_holds() {
    let mut failures: Vec<String> = Vec::new();
    let found: Vec<(String, PathBuf)> = folders(CASES);
    let slugs: BTreeSet<&str> = found.iter().map(|(s, _)| s.as_str()).collect();
    for rule in ALL {
        if !slugs.contains(rule.slug) {
            failures.push(format!(
                "rule {} has no fixtures: add {CASES}/{}/bad/ and good/",
                rule.slug, rule.slug
            ));
        }
    }
    for (rule, dir) in &found {
        if by_slug(rule).is_none() {
            failures.push(format!("{CASES}/{rule}: no rule is called {rule}"));
            continue;
        }
        let cases = folders(&format!("{CASES}/{rule}"));
        for kind in ["bad", "good"] {
            if !cases.iter().any(|(c, _)| c.starts_with(kind)) {
                failures.push(format!("{}: no {kind} case", dir.display()));
            }
        }
        for (case, _) in &cases {
            if !case.starts_with("bad") && !case.starts_with("good") {
                failures.push(format!(
                    "{CASES}/{rule}/{case}: a case is named bad* or good*"
                ));
                continue;
            }
            // Every case runs, so one broken rule does not hide the others.
            if let Err(e) = catch_unwind(AssertUnwindSafe(|| check_case(rule, case))) {
                failures.push(panic_message(e.as_ref()));
            }
        }
    }
    failures.extend(orphan_goldens(&found));
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// Goldens whose case is gone (or has become a good one); blessing removes them.
fn orphan_goldens(found: &[(String, PathBuf)]) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(rules) = std::fs::read_dir(root().join(GOLDEN)) else {
        return out;
    };
    for rule_dir in rules.map(|e| e.unwrap().path()) {
        let rule = rule_dir.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&rule_dir).into_iter().flatten() {
            let path = file.unwrap().path();
            let case = path.file_stem().unwrap().to_string_lossy().into_owned();
            let live = found
                .iter()
                .any(|(r, d)| *r == rule && is_bad_case(d, &case))
                && path.extension().is_some_and(|e| e == "txt");
            if live {
                continue;
            }
            if blessing() {
                std::fs::remove_file(&path).unwrap();
            } else {
                out.push(format!(
                    "{}: no bad case {CASES}/{rule}/{case} (PORTPLAN_BLESS=1 removes it)",
                    path.strip_prefix(root()).unwrap().display()
                ));
            }
        }
    }
    out
}

fn is_bad_case(rule_dir: &Path, case: &str) -> bool {
    case.starts_with("bad") && rule_dir.join(case).is_dir()
}

fn panic_message(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a case panicked".to_owned())
}

#[test]
fn list_rules_prints_the_registry() {
    let out = portplan(&["lint", "--list-rules", "-m", "no/such/model.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let listed: Vec<&str> = text
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let registry: Vec<&str> = ALL.iter().map(|r| r.slug).collect();
    assert_eq!(listed, registry);
    for (line, rule) in text.lines().zip(ALL) {
        assert!(line.ends_with(rule.summary), "{line}");
        assert!(line.contains(&format!("  {}  ", rule.reads())), "{line}");
    }
}

/// The rule index (docs/lint/README.md) and each rule's page say what the registry says:
/// what the rule reads and its severity.
#[test]
fn the_rule_docs_match_the_registry() {
    let index = std::fs::read_to_string(root().join("docs/lint/README.md")).unwrap();
    let rows: Vec<&str> = index.lines().filter(|l| l.starts_with("| [`")).collect();
    let slugs: Vec<&str> = rows.iter().map(|r| r.split('`').nth(1).unwrap()).collect();
    let registry: Vec<&str> = ALL.iter().map(|r| r.slug).collect();
    assert_eq!(
        slugs, registry,
        "docs/lint/README.md lists the rules in registry order"
    );
    for (row, rule) in rows.iter().zip(ALL) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[2], rule.reads(), "docs/lint/README.md, {}", rule.slug);
        let severity = rule.severity.to_string();
        assert!(
            cells[3].starts_with(&severity),
            "docs/lint/README.md, {}: severity `{}`, the rule says {severity}",
            rule.slug,
            cells[3]
        );
        let page = std::fs::read_to_string(root().join(rule.doc_path())).unwrap();
        assert!(
            page.contains(&format!("**Severity:** {severity}")),
            "{}: the rule's severity is {severity}",
            rule.doc_path()
        );
    }
}
