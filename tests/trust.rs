//! One verdict per model, and no panic on any model: the regressions of issue 10, and a
//! property test that `validate` and `plan` agree over a corpus and its mutations. (Every
//! combination of mode, port strategy, disabled component and cache: tests/combinations.rs.)

use std::path::{Path, PathBuf};

use crate::common::{portplan, root, stderr, stdout, temp_dir};
use serde_json::{Value, json};

/// A scratch folder removed when the test ends, pass or fail.
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new(name: &str) -> Self {
        Scratch(temp_dir(&format!("trust-{name}")))
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
    fn write(&self, name: &str, text: &str) -> String {
        let p = self.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_owned()
    }
}

fn reference() -> String {
    std::fs::read_to_string(root().join("portplan.yaml")).unwrap()
}

/// Bug 1: a disabled required component is a located error (exit 2), never a panic (101).
#[test]
fn a_disabled_required_component_is_an_error_at_enabled_false() {
    let s = Scratch::new("disabled");
    let ssd = "release: loki\nnamespace: logs\nmode: simple-scalable\nstorage: {type: s3, buckets: {chunks: loki-chunks}}";
    for (name, text, component) in [
        (
            "dist.yaml",
            format!(
                "{}\ncomponents:\n  distributor:\n    enabled: false\n",
                reference()
            ),
            "distributor",
        ),
        (
            "ssd.yaml",
            format!("{ssd}\ncomponents:\n  read:\n    enabled: false\n"),
            "read",
        ),
    ] {
        let path = s.write(name, &text);
        let line = text.lines().count();
        for cmd in [
            &["plan", "-m", &path][..],
            &["lint", "-m", &path],
            &["gen", "-m", &path, "--check"],
        ] {
            let out = portplan(cmd);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{cmd:?}: {err}");
            assert!(
                err.starts_with(&format!(
                    "{path}:{line}:14: error: component `{component}` is required"
                )),
                "{cmd:?}: {err}"
            );
        }
    }
}

/// Bug 4: every error of a model in one run, sorted by position.
#[test]
fn every_model_error_is_reported_in_one_run_in_file_order() {
    let s = Scratch::new("all-errors");
    let path = s.write(
        "m.yaml",
        "release: loki\nnamespace: logs\nmode: distributed\ntrafic: PreferClose\ngateway:\n  prot: 1\ncaches:\n  chunks:\n    memoryMb: 4\n",
    );
    let out = portplan(&["plan", "-m", &path]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines[0].starts_with(&format!("{path}:4:1: error: unknown key `trafic`")),
        "{err}"
    );
    assert!(
        lines[1].starts_with(&format!("{path}:6:3: error: unknown key `prot`")),
        "{err}"
    );
    assert!(
        lines[2].starts_with(&format!("{path}:9:15: error: 4 is below the minimum 16")),
        "{err}"
    );
}

/// Bug 5: a duplicate key is named at its second occurrence, with a note at the first.
#[test]
fn a_duplicate_key_is_named_with_both_places() {
    let s = Scratch::new("dup");
    let path = s.write(
        "m.yaml",
        "release: loki\nnamespace: logs\nmode: monolithic\nmode: distributed\n",
    );
    let err = stderr(&portplan(&["plan", "-m", &path]));
    assert!(
        err.starts_with(&format!("{path}:4:1: error: duplicate key `mode`")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{path}:3:1: note: `mode` is first given here")),
        "{err}"
    );
    assert!(!err.contains("DuplicateKeyPolicy"), "{err}");
}

/// Bug 3: words a YAML 1.1 reader takes for booleans or null stay strings in what gen writes.
#[test]
fn yaml_words_stay_strings_in_generated_files() {
    let s = Scratch::new("words");
    let model = s.write(
        "m.yaml",
        "release: \"on\"\nnamespace: \"no\"\nmode: monolithic\nstorage: {type: s3, region: \"off\", buckets: {chunks: \"yes\"}}\nschemaConfig:\n  - {from: \"2024-04-01\", store: tsdb, schema: v13, indexPrefix: \"123\"}\n",
    );
    let out_dir = s.path().join("out");
    let out = portplan(&["gen", "-m", &model, "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut checked = 0;
    for entry in walk(&out_dir) {
        let text = std::fs::read_to_string(&entry).unwrap();
        for line in text.lines() {
            let t = line.trim_start().trim_start_matches("- ");
            for key in [
                "namespace:",
                "name:",
                "serviceAccountName:",
                "region:",
                "bucketnames:",
                "prefix:",
            ] {
                if let Some(v) = t.strip_prefix(key) {
                    let v = v.trim();
                    if ["on", "no", "off", "yes", "123"].contains(&v) {
                        panic!("{}: `{line}` is unquoted", entry.display());
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 20, "{checked} values checked");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "tpl") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Bug 6: one canary pod count, checked against the tail limit by plan and lint alike.
#[test]
fn the_canary_has_one_pod_count() {
    let s = Scratch::new("canary");
    let base = "release: loki\nnamespace: logs\nmode: monolithic\n";
    let both = s.write(
        "both.yaml",
        &format!("{base}canary: {{kind: Deployment, replicas: 12, expectedPods: 1}}\n"),
    );
    let err = stderr(&portplan(&["plan", "-m", &both]));
    assert!(
        err.contains("`expectedPods` applies only to a canary DaemonSet"),
        "{err}"
    );
    let many = s.write(
        "many.yaml",
        &format!("{base}canary: {{kind: Deployment, replicas: 12}}\n"),
    );
    let out = portplan(&["plan", "-m", &many]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("12 loki-canary pods each hold one tail request"),
        "{}",
        stderr(&out)
    );
    let out = portplan(&["lint", "-m", &many, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "tail-limit-below-canaries", "{v}");
    let one = s.write(
        "one.yaml",
        &format!("{base}canary: {{kind: Deployment, replicas: 1}}\n"),
    );
    let text = stdout(&portplan(&["plan", "-m", &one]));
    assert!(text.contains("(1 canary pod)"), "{text}");
}

/// Bug 7: a privileged container port is refused; a low Service port is what servicePort is
/// for, and clients dial it.
#[test]
fn the_gateway_service_port_may_be_low_its_container_port_may_not() {
    let s = Scratch::new("gateway");
    let base =
        "release: loki\nnamespace: logs\nmode: monolithic\nclients: {alloy: [{name: alloy}]}\n";
    let low = s.write("low.yaml", &format!("{base}gateway: {{port: 80}}\n"));
    let out = portplan(&["gen", "-m", &low, "--check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("set `gateway.servicePort: 80`"),
        "{}",
        stderr(&out)
    );
    let ok = s.write(
        "ok.yaml",
        &format!("{base}gateway: {{port: 8080, servicePort: 80}}\n"),
    );
    let out_dir = s.path().join("out");
    let out = portplan(&["gen", "-m", &ok, "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let values = std::fs::read_to_string(out_dir.join("loki/values.yaml")).unwrap();
    assert!(
        values.contains("  port: 8080\n") && values.contains("  servicePort: 80\n"),
        "{values}"
    );
    let alloy = std::fs::read_to_string(out_dir.join("alloy/alloy.alloy")).unwrap();
    assert!(
        alloy.contains("loki-gateway.logs.svc.cluster.local:80/loki/api/v1/push"),
        "{alloy}"
    );
    let svc = std::fs::read_to_string(out_dir.join("loki/templates/gateway/service.yaml")).unwrap();
    assert!(svc.contains(".Values.gateway.servicePort"), "{svc}");
}

/// Bug 8: only ring members carry the memberlist label and port; the delete API is routed
/// only where the compactor serves it (retention on).
#[test]
fn memberlist_and_the_delete_route_follow_the_topology() {
    let plan: Value =
        serde_json::from_slice(&portplan(&["plan", "--format", "json"]).stdout).unwrap();
    let members: Vec<&str> = plan["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["memberlist"] == true)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["distributor", "ingester", "querier", "compactor"]);
    for c in ["index-gateway", "query-frontend", "query-scheduler"] {
        let w = std::fs::read_to_string(
            root().join(format!("chart-out/loki-v3/templates/{c}/workload.yaml")),
        )
        .unwrap();
        assert!(!w.contains("memberlist"), "{c}: {w}");
    }
    let w =
        std::fs::read_to_string(root().join("chart-out/loki-v3/templates/ingester/workload.yaml"))
            .unwrap();
    assert!(w.contains("app.kubernetes.io/part-of: memberlist") && w.contains("http-memberlist"));
    let roles = |p: &Value| -> Vec<String> {
        p["gateway"]["upstreams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["role"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!roles(&plan).contains(&"compactor".to_owned()));
    let config =
        std::fs::read_to_string(root().join("chart-out/loki-v3/templates/gateway/config.yaml"))
            .unwrap();
    assert!(!config.contains("/loki/api/v1/delete"), "{config}");
    // With retention on, the compactor serves deletes and the gateway routes them there.
    let model = "tests/cases/gateway/retention.yaml";
    let out = portplan(&["plan", "-m", model, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let with: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(roles(&with).contains(&"compactor".to_owned()), "{with}");
    let s = Scratch::new("retention");
    let out_dir = s.path().join("out");
    let out = portplan(&["gen", "-m", model, "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config =
        std::fs::read_to_string(out_dir.join("loki-v3/templates/gateway/config.yaml")).unwrap();
    assert!(
        config.contains(
            "location ^~ /loki/api/v1/delete {\n          proxy_pass http://compactor$request_uri;"
        ),
        "{config}"
    );
}

/// Bug 9: the canary's port is in the port map.
#[test]
fn the_canary_port_is_in_the_port_map() {
    let csv = stdout(&portplan(&["ports", "--format", "csv"]));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("canary,http-metrics,3500,TCP")),
        "{csv}"
    );
}

/// Bug 9: lint in a machine format prints a broken model's errors in that format.
#[test]
fn lint_json_and_sarif_report_a_broken_model_on_stdout() {
    let s = Scratch::new("lint-broken");
    let m = s.write(
        "m.yaml",
        "release: loki\nnamespace: logs\nmode: monolithic\ntrafic: x\n",
    );
    let out = portplan(&["lint", "-m", &m, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"][0]["line"], 4, "{v}");
    let out = portplan(&["lint", "-m", &m, "--format", "sarif"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["runs"][0]["invocations"][0]["executionSuccessful"], false,
        "{v}"
    );
}

/// Mutations of a model: each a small change a person might make, good or bad.
fn mutations(model: &Value, seed: u64, count: usize) -> Vec<Value> {
    let mut leaves = Vec::new();
    collect_leaves(model, String::new(), &mut leaves);
    let replacements = [
        json!("on"),
        json!("y"),
        json!("EU.West:1"),
        json!(""),
        json!("a".repeat(70)),
        json!(0),
        json!(-1),
        json!(4),
        json!(80),
        json!(5000),
        json!(70000),
        json!(true),
        json!(null),
        json!({}),
        json!("1.30"),
        json!("loki-v3"),
        json!("2024-13-01"),
        json!("5m"),
        json!("30d"),
        json!("10.0.0.0/33"),
        json!("SingleBinary"),
        json!(3),
    ];
    let extra = [
        ("/components", "write", json!({"replicas": 1})),
        ("/components", "distributor", json!({"enabled": false})),
        ("/components", "ruler", json!({"enabled": true})),
        ("/canary", "replicas", json!(12)),
        ("/gateway", "servicePort", json!(80)),
        ("", "mode", json!("Monolithic")),
        ("", "mode", json!("simple-scalable")),
        ("", "unknownKey", json!(1)),
    ];
    let mut rng = seed;
    let mut next = |n: usize| {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((rng >> 33) as usize) % n.max(1)
    };
    let mut out = Vec::new();
    for _ in 0..count {
        let mut m = model.clone();
        match next(3) {
            0 if !leaves.is_empty() => {
                let p = &leaves[next(leaves.len())];
                if let Some(v) = m.pointer_mut(p) {
                    *v = replacements[next(replacements.len())].clone();
                }
            }
            1 if !leaves.is_empty() => {
                let p = leaves[next(leaves.len())].clone();
                let (parent, key) = p.rsplit_once('/').unwrap();
                if let Some(Value::Object(o)) = m.pointer_mut(parent) {
                    o.remove(key);
                }
            }
            _ => {
                let (parent, key, v) = &extra[next(extra.len())];
                if m.pointer(parent).is_none() {
                    m[parent.trim_start_matches('/')] = json!({});
                }
                if let Some(Value::Object(o)) = m.pointer_mut(parent) {
                    o.insert((*key).to_owned(), v.clone());
                }
            }
        }
        out.push(m);
    }
    out
}

fn collect_leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, c) in o {
                collect_leaves(
                    c,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                collect_leaves(c, format!("{at}/{i}"), out);
            }
        }
        _ => out.push(at),
    }
}

/// Every model file of the repository: the reference, the examples and the test cases.
fn corpus() -> Vec<PathBuf> {
    let mut files = vec![root().join("portplan.yaml")];
    for dir in ["examples", "tests/cases"] {
        let mut stack = vec![root().join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "yaml") {
                    let text = std::fs::read_to_string(&p).unwrap_or_default();
                    if text.lines().any(|l| l.starts_with("release:"))
                        && text.lines().any(|l| l.starts_with("mode:"))
                    {
                        files.push(p);
                    }
                }
            }
        }
    }
    files.sort();
    files
}

/// What each judge says of one model file, computed by the library as the CLI does.
struct Verdicts {
    /// `portplan validate`.
    validate: bool,
    /// `portplan plan`.
    plan: bool,
    /// The model's JSON Schema alone, as an editor applies it.
    schema: bool,
    /// The model's types alone (`serde`), before the Plan.
    typed: bool,
}

fn verdicts(path: &Path) -> Verdicts {
    let run = portplan::validate::validate_files(&[path.to_path_buf()], None);
    let validate = run.is_ok_and(|r| r.reports[0].is_valid());
    let text = std::fs::read_to_string(path).unwrap();
    let plan = portplan::model::parse_model(&path.display().to_string(), text.clone())
        .ok()
        .is_some_and(|lm| portplan::plan::build_plan(&lm).is_ok());
    let (schema, typed) = match portplan::yaml::parse_located(&text) {
        Ok(located) => {
            let compiled = model_schema();
            let errors = portplan::schema_check::violations(
                &compiled.validator,
                &compiled.document,
                &located,
                &text,
                false,
            );
            let typed = serde_json::from_value::<portplan::model::Model>(located.value).is_ok();
            (errors.is_empty(), typed)
        }
        Err(_) => (false, false),
    };
    Verdicts {
        validate,
        plan,
        schema,
        typed,
    }
}

fn model_schema() -> &'static portplan::validate::CompiledSchema {
    static SCHEMA: std::sync::OnceLock<portplan::validate::CompiledSchema> =
        std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        portplan::validate::schema::compile(&portplan::validate::SchemaSource::Model).unwrap()
    })
}

/// One verdict: `validate` and `plan` agree; the model's types accept everything its schema
/// (what editors enforce) accepts, and where the schema is stricter than the types (a
/// component of another mode), the Plan refuses the model too.
fn assert_one_verdict(v: &Verdicts, what: &dyn std::fmt::Display) {
    assert_eq!(
        v.validate, v.plan,
        "{what}: validate says {}, plan says {}",
        v.validate, v.plan
    );
    assert!(
        !v.schema || v.typed,
        "{what}: the schema accepts it, the types do not"
    );
    assert!(
        v.schema || !v.plan,
        "{what}: the schema refuses it, plan accepts it"
    );
}

/// Bug 2: `validate`, `plan`, the schema and the types give one verdict on every model of
/// the corpus and on a few hundred mutations of them; none panics.
#[test]
fn validate_and_plan_agree_on_every_model() {
    let s = Scratch::new("agree");
    let mut checked = 0;
    let mut valid = 0;
    for (i, file) in corpus().iter().enumerate() {
        assert_one_verdict(&verdicts(file), &file.display());
        checked += 1;
        let text = std::fs::read_to_string(file).unwrap();
        let Ok(located) = portplan::yaml::parse_located(&text) else {
            continue;
        };
        for (j, m) in mutations(&located.value, i as u64 + 1, 25)
            .iter()
            .enumerate()
        {
            // JSON is YAML: the mutation is written as JSON (validate knows it for a model by
            // its top-level `release` and `mode`).
            let path = s.write(&format!("m{i}-{j}.yaml"), &format!("{m}\n"));
            let v = verdicts(Path::new(&path));
            assert_one_verdict(&v, m);
            checked += 1;
            valid += usize::from(v.validate);
        }
    }
    assert!(checked > 300, "{checked} models");
    assert!(
        valid > 30,
        "only {valid} mutations were valid: the corpus tests too little"
    );
}
