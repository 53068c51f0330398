//! The community Loki chart (tests/data/community-loki, chart 18.11.0) rendered by Helm 4 and
//! Helm 3 with its CI default values, its distributed-values.yaml and its
//! simple-scalable-values.yaml, each against the chart portplan generates from the
//! hand-written twin model of those values (tests/cases/rendered-diff/<case>.yaml), both
//! sides rendered by the same Helm. The breakers are golden (golden/rendered-diff/<case>/),
//! the ones the switch is known to hit are asserted by name, Helm 3 must find what Helm 4
//! finds, and no noise (chart labels, checksums) may reach the report.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

/// The three cases: name, the community values files (merged in order, the overlay last).
const CASES: &[(&str, &[&str])] = &[
    (
        "monolithic",
        &["tests/data/community-loki/ci/default-values.yaml"],
    ),
    (
        "distributed",
        &["tests/data/community-loki/distributed-values.yaml"],
    ),
    (
        "simple-scalable",
        &["tests/data/community-loki/simple-scalable-values.yaml"],
    ),
];
const OVERLAY: &str = "tests/cases/rendered-diff/community-overlay.yaml";
const RELEASE: &str = "loki";
const NAMESPACE: &str = "loki";

/// A copy of the community chart Helm renders without its subcharts: the Chart.yaml
/// `dependencies:` entry dropped (SOURCE.md says why).
fn community_chart(dir: &Path) -> PathBuf {
    let src = root().join("tests/data/community-loki");
    let dst = dir.join("loki");
    copy_dir(&src, &dst);
    let chart = std::fs::read_to_string(dst.join("Chart.yaml")).unwrap();
    let start = chart
        .find("\ndependencies:\n")
        .expect("Chart.yaml names its dependencies");
    let end = start + 1 + chart[start + 1..].find("\nmaintainers:").unwrap();
    let stripped = format!("{}{}", &chart[..start], &chart[end..]);
    assert!(!stripped.contains("minio"), "{stripped}");
    std::fs::write(dst.join("Chart.yaml"), stripped).unwrap();
    dst
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// `helm template loki CHART --namespace loki [--values F]...`, which must succeed.
fn template(helm: &Helm, chart: &Path, values: &[PathBuf]) -> String {
    let mut args: Vec<std::ffi::OsString> = vec![
        "template".into(),
        RELEASE.into(),
        chart.into(),
        "--namespace".into(),
        NAMESPACE.into(),
    ];
    for v in values {
        args.push("--values".into());
        args.push(v.into());
    }
    let o = helm.run(&args);
    assert!(o.status.success(), "{}: {}", helm.name(), show(&o));
    stdout(&o)
}

/// One case rendered by one Helm: the folder holding `community.yaml` and `generated.yaml`.
struct Rendered {
    dir: tempfile::TempDir,
    model: PathBuf,
    community_chart: PathBuf,
    values: Vec<PathBuf>,
}

fn render(helm: &Helm, case: &str, values: &[&str]) -> Rendered {
    let dir = temp_dir(&format!("rendered-{case}-helm{}", helm.major));
    let chart = community_chart(dir.path());
    let mut files: Vec<PathBuf> = values.iter().map(|v| root().join(v)).collect();
    files.push(root().join(OVERLAY));
    std::fs::write(
        dir.path().join("community.yaml"),
        template(helm, &chart, &files),
    )
    .unwrap();
    let model = format!("tests/cases/rendered-diff/{case}.yaml");
    let generated = Generated::ok(&model, &format!("rendered-{case}"));
    std::fs::write(
        dir.path().join("generated.yaml"),
        template(helm, &generated.chart(), &[]),
    )
    .unwrap();
    Rendered {
        dir,
        model: root().join(&model),
        community_chart: chart,
        values: files,
    }
}

impl Rendered {
    fn diff(&self, extra: &[&str]) -> std::process::Output {
        let mut args = vec![
            "diff",
            "--manifests",
            "community.yaml",
            "generated.yaml",
            "-m",
            self.model.to_str().unwrap(),
        ];
        args.extend(extra);
        portplan_in(self.dir.path(), &args)
    }
}

/// The breaker section of the text report.
fn breakers_text(out: &str) -> String {
    let start = out
        .find("migration breakers:\n")
        .expect("the report lists breakers");
    let end = out.rfind("\nobjects: ").unwrap();
    out[start..end + 1].to_owned()
}

/// `(rule, severity, object, path)` of every breaker of the JSON report.
fn breakers(json: &Value) -> Vec<(String, String, String, String)> {
    json["breakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let s = |k: &str| b[k].as_str().unwrap().to_owned();
            (s("rule"), s("severity"), s("object"), s("path"))
        })
        .collect()
}

fn has(
    list: &[(String, String, String, String)],
    rule: &str,
    sev: &str,
    object: &str,
    path: &str,
) -> bool {
    list.iter()
        .any(|(r, s, o, p)| r == rule && s == sev && o == object && p == path)
}

/// The breakers the switch is known to hit, asserted one by one (the golden holds them all).
fn assert_expected(case: &str, list: &[(String, String, String, String)]) {
    let expect: &[(&str, &str, &str, &str)] = match case {
        "monolithic" => &[
            (
                "service-renamed-or-removed",
                "error",
                "Service loki/loki",
                "metadata.name",
            ),
            (
                "service-renamed-or-removed",
                "warning",
                "Service loki/loki-headless",
                "metadata.name",
            ),
            (
                "claim-template-changed",
                "error",
                "StatefulSet loki/loki",
                "spec.volumeClaimTemplates[storage]",
            ),
            (
                "port-changed",
                "warning",
                "Service loki/loki-gateway",
                "spec.ports[http]",
            ),
            (
                "immutable-field-changed",
                "error",
                "StatefulSet loki/loki-chunks-cache",
                "spec.selector",
            ),
            (
                "storage-changed-without-period",
                "error",
                "ConfigMap loki/loki",
                "data[\"config.yaml\"].schema_config.configs[2024-04-01].object_store",
            ),
        ],
        "distributed" => &[
            (
                "port-changed",
                "error",
                "Service loki/loki-gateway",
                "spec.ports[http]",
            ),
            (
                "immutable-field-changed",
                "error",
                "StatefulSet loki/loki-compactor",
                "spec.volumeClaimTemplates",
            ),
            (
                "immutable-field-changed",
                "error",
                "StatefulSet loki/loki-ruler",
                "spec.podManagementPolicy",
            ),
            (
                "service-renamed-or-removed",
                "warning",
                "Service loki/loki-ingester-zone-b-headless",
                "metadata.name",
            ),
        ],
        "simple-scalable" => &[
            (
                "service-renamed-or-removed",
                "warning",
                "Service loki/loki-query-scheduler-discovery",
                "metadata.name",
            ),
            (
                "port-changed",
                "warning",
                "Service loki/loki-write",
                "spec.ports[grpclb]",
            ),
            (
                "immutable-field-changed",
                "error",
                "StatefulSet loki/loki-results-cache",
                "spec.selector",
            ),
        ],
        _ => unreachable!(),
    };
    for (rule, sev, object, path) in expect {
        assert!(
            has(list, rule, sev, object, path),
            "{case}: expected {sev}[{rule}] on {object} at {path}; found:\n{list:#?}"
        );
    }
    // Every twin keeps auth, the memberlist ring and the mode: none of those may be reported.
    for rule in [
        "auth-enabled-changed",
        "memberlist-ring-split",
        "mode-switch-direct",
    ] {
        assert!(
            !list.iter().any(|b| b.0 == rule),
            "{case}: {rule} reported:\n{list:#?}"
        );
    }
}

/// Nothing the noise rules drop may show up as a difference.
fn assert_no_noise(case: &str, json: &Value) {
    for o in json["objects"].as_array().unwrap() {
        for c in o["changes"].as_array().unwrap() {
            let p = c["path"].as_str().unwrap();
            for noise in [
                "helm.sh/chart",
                "checksum/",
                "app.kubernetes.io/version",
                "app.kubernetes.io/managed-by",
            ] {
                assert!(
                    !p.contains(noise),
                    "{case}: noise reported as a change: {p}"
                );
            }
        }
    }
}

#[test]
fn community_chart_against_its_generated_twins() {
    let Some(helms) = helms() else { return };
    for (case, values) in CASES {
        let mut judged: Option<Vec<(String, String, String, String)>> = None;
        for helm in &helms {
            let r = render(helm, case, values);
            let json_out = r.diff(&["--format", "json"]);
            assert_eq!(
                json_out.status.code(),
                Some(1),
                "{case}: {}",
                stderr(&json_out)
            );
            let json: Value = serde_json::from_slice(&json_out.stdout).unwrap();
            let list = breakers(&json);
            assert_expected(case, &list);
            assert_no_noise(case, &json);
            match &judged {
                None => {
                    // Helm 4, the judge: its report is the golden.
                    let text = r.diff(&[]);
                    assert_eq!(text.status.code(), Some(1));
                    assert_golden(
                        &format!("rendered-diff/{case}/breakers.txt"),
                        breakers_text(&stdout(&text)).as_bytes(),
                    );
                    let stat = r.diff(&["--stat"]);
                    assert_golden(&format!("rendered-diff/{case}/stat.txt"), &stat.stdout);
                    if *case == "monolithic" {
                        assert_golden("rendered-diff/monolithic/diff.txt", &text.stdout);
                    }
                    judged = Some(list);
                }
                Some(first) => assert_eq!(
                    &list,
                    first,
                    "{case}: {} finds other breakers than Helm 4",
                    helm.name()
                ),
            }
        }
    }
}

/// `diff --chart PATH -f ... --rendered` renders both sides itself and says what
/// `--manifests` says of the same renders.
#[test]
fn rendered_shortcut_matches_the_manifests_diff() {
    let Some(helms) = helms() else { return };
    let helm = &helms[0];
    let r = render(helm, "monolithic", CASES[0].1);
    let manifests = r.diff(&["--stat"]);
    let mut args: Vec<String> = vec![
        "diff".into(),
        "--chart".into(),
        r.community_chart.display().to_string(),
        "--rendered".into(),
        "--helm".into(),
        helm.bin.display().to_string(),
        "-m".into(),
        r.model.display().to_string(),
        "--stat".into(),
    ];
    for v in &r.values {
        args.push("-f".into());
        args.push(v.display().to_string());
    }
    let home = temp_dir("rendered-helm-home");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args(&args)
        .current_dir(r.dir.path())
        .env("HELM_CACHE_HOME", home.path().join("cache"))
        .env("HELM_CONFIG_HOME", home.path().join("config"))
        .env("HELM_DATA_HOME", home.path().join("data"))
        .env("KUBECONFIG", "/dev/null")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&manifests));
}

#[test]
fn rendered_without_helm_is_an_error() {
    let chart = root().join("tests/data/community-loki");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args([
            "diff",
            "--chart",
            chart.to_str().unwrap(),
            "--rendered",
            "-m",
            "tests/cases/rendered-diff/monolithic.yaml",
        ])
        .current_dir(root())
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no `helm` on PATH"), "{}", stderr(&o));
    let o = portplan(&[
        "diff",
        "--chart",
        chart.to_str().unwrap(),
        "--rendered",
        "--helm",
        "/nonexistent/helm",
        "-m",
        "tests/cases/rendered-diff/monolithic.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--helm: no such file"),
        "{}",
        stderr(&o)
    );
}

/// The switch as a team would make it: `portplan import` of the very values the community
/// chart renders with (no hand-written twin), `portplan gen`, both rendered by Helm 4, and
/// diffed. Import keeps the community's own choices it can express (the gateway Service on
/// 80, the release's Service names where the model has them), so what is left are the
/// breakers the switch really hits; they are golden (golden/rendered-diff/imported/), and
/// no noise may reach the report.
#[test]
fn community_chart_against_its_imported_twins() {
    let Some(helms) = helms() else { return };
    let helm = &helms[0];
    for (case, values) in CASES {
        let dir = temp_dir(&format!("imported-{case}"));
        let chart = community_chart(dir.path());
        let mut files: Vec<PathBuf> = values.iter().map(|v| root().join(v)).collect();
        files.push(root().join(OVERLAY));
        std::fs::write(
            dir.path().join("community.yaml"),
            template(helm, &chart, &files),
        )
        .unwrap();
        let model = dir.path().join("portplan.yaml");
        let mut args: Vec<String> = vec!["import".into()];
        args.extend(files.iter().map(|f| f.display().to_string()));
        args.extend(
            ["--release", RELEASE, "--namespace", NAMESPACE, "--out"]
                .iter()
                .map(|s| s.to_string()),
        );
        args.push(model.display().to_string());
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = portplan(&a);
        assert_ne!(o.status.code(), Some(2), "{case}: import: {}", show(&o));
        let generated = dir.path().join("gen");
        let o = portplan(&[
            "gen",
            "-m",
            model.to_str().unwrap(),
            "--out",
            generated.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{case}: gen: {}", show(&o));
        std::fs::write(
            dir.path().join("generated.yaml"),
            template(helm, &generated.join(RELEASE), &[]),
        )
        .unwrap();
        let diff = |extra: &[&str]| {
            let mut a = vec![
                "diff",
                "--manifests",
                "community.yaml",
                "generated.yaml",
                "-m",
                model.to_str().unwrap(),
            ];
            a.extend(extra);
            portplan_in(dir.path(), &a)
        };
        let json_out = diff(&["--format", "json"]);
        assert_eq!(
            json_out.status.code(),
            Some(1),
            "{case}: {}",
            stderr(&json_out)
        );
        let json: Value = serde_json::from_slice(&json_out.stdout).unwrap();
        assert_no_noise(case, &json);
        let text = diff(&[]);
        assert_golden(
            &format!("rendered-diff/imported/{case}/breakers.txt"),
            breakers_text(&stdout(&text)).as_bytes(),
        );
        assert_golden(
            &format!("rendered-diff/imported/{case}/stat.txt"),
            &diff(&["--stat"]).stdout,
        );
        if *case == "monolithic" {
            assert_golden("rendered-diff/imported/monolithic/diff.txt", &text.stdout);
        }
    }
}
