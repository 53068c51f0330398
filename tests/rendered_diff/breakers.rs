//! Every migration breaker's good and bad manifest pairs, in the style of the lint rules'
//! cases: `tests/cases/rendered-diff-breakers/<slug>/<case>/` holds `before.yaml` and
//! `after.yaml` (and `args`, extra arguments, when the case needs them); a `bad*` case
//! reports the breaker (its breakers, as text, are `golden/rendered-diff-breakers/<slug>/
//! <case>.txt`), a `good*` case reports none of it. A breaker of the registry without a
//! folder, or a folder without both kinds of case, fails.

use crate::common::*;

use portplan::objdiff::breakers::ALL;

const CASES: &str = "tests/cases/rendered-diff-breakers";

fn cases(slug: &str) -> Vec<String> {
    let dir = root().join(CASES).join(slug);
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (every breaker needs good and bad cases)",
                dir.display()
            )
        })
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| root().join(CASES).join(slug).join(n).is_dir())
        .collect();
    out.sort();
    out
}

#[test]
fn every_breaker_has_good_and_bad_cases() {
    for b in ALL {
        let names = cases(b.slug);
        assert!(
            names.iter().any(|n| n.starts_with("bad")),
            "{}: no bad case",
            b.slug
        );
        assert!(
            names.iter().any(|n| n.starts_with("good")),
            "{}: no good case",
            b.slug
        );
        for case in names {
            let rel = format!("{CASES}/{}/{case}", b.slug);
            let dir = root().join(&rel);
            let mut args = vec![
                "diff".to_owned(),
                "--manifests".into(),
                "before.yaml".into(),
                "after.yaml".into(),
            ];
            if let Ok(extra) = std::fs::read_to_string(dir.join("args")) {
                args.extend(extra.split_whitespace().map(str::to_owned));
            }
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut json_args = argv.clone();
            json_args.extend(["--format", "json"]);
            let o = portplan_in(&dir, &json_args);
            assert_ne!(o.status.code(), Some(2), "{rel}: {}", stderr(&o));
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let found: Vec<&str> = v["breakers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["rule"].as_str().unwrap())
                .collect();
            if case.starts_with("bad") {
                assert!(
                    found.contains(&b.slug),
                    "{rel}: no {} finding: {found:?}",
                    b.slug
                );
                assert_eq!(o.status.code(), Some(1));
                let text = portplan_in(&dir, &argv);
                let out = stdout(&text);
                let start = out.find("migration breakers:\n").unwrap();
                let end = out.rfind("\nobjects: ").unwrap();
                assert_golden(
                    &format!("rendered-diff-breakers/{}/{case}.txt", b.slug),
                    &out.as_bytes()[start..end + 1],
                );
            } else {
                assert!(
                    !found.contains(&b.slug),
                    "{rel}: {} reported: {found:?}",
                    b.slug
                );
            }
        }
    }
}
