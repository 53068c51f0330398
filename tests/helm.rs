//! Real Helm judges every chart portplan generates, under Helm 3 and Helm 4 (tests/setup.sh
//! installs both, pinned): the reference chart as committed in chart-out/, each example, and
//! every model under tests/cases/ that `portplan gen` accepts (the ones it refuses are error
//! cases, skipped here by construction). Each must pass `helm lint --strict` and render with
//! `helm template` into the model's namespace for the model's Kubernetes version, to the same
//! manifests under both versions; and each version must refuse values that the chart's
//! `values.schema.json` forbids.

use std::path::{Path, PathBuf};

use crate::common::*;
use serde_json::Value;

/// One chart to judge, with what Helm needs to install it as the model says.
struct Chart {
    /// The model file, for messages.
    model: String,
    path: PathBuf,
    plan: Value,
    /// Keeps a generated chart's folder until the chart is judged.
    _generated: Option<Generated>,
}

impl Chart {
    fn release(&self) -> &str {
        self.plan["release"].as_str().unwrap()
    }

    fn namespace(&self) -> &str {
        self.plan["namespace"].as_str().unwrap()
    }

    fn kube_version(&self) -> String {
        format!("{}.0", self.plan["kube_version"].as_str().unwrap())
    }

    /// `helm template RELEASE CHART --namespace NS --kube-version V [-f VALUES]`.
    fn template(&self, helm: &Helm, values: Option<&Path>) -> std::process::Output {
        let kube_version = self.kube_version();
        helm.template(
            self.release(),
            &self.path,
            self.namespace(),
            &kube_version,
            values,
        )
    }

    /// The component whose HTTP port the gateway's push route uses, and its values key.
    fn push_component(&self) -> (&str, &str) {
        let name = self.plan["addresses"]["push"]["component"]
            .as_str()
            .unwrap();
        let c = self.plan["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{}: no component {name} in the plan", self.model));
        (name, c["values_key"].as_str().unwrap())
    }
}

/// Every `.yaml` file under `dir`, sorted.
fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

/// The reference chart as committed, each example's, and each accepted case model's.
fn charts() -> Vec<Chart> {
    let mut charts = Vec::new();
    for (name, model) in models() {
        if name == "reference" {
            let o = portplan(&["plan", "--model", model, "--format", "json"]);
            assert_eq!(o.status.code(), Some(0), "{model}: {}", stderr(&o));
            let plan: Value = serde_json::from_slice(&o.stdout).unwrap();
            let path = root()
                .join("chart-out")
                .join(plan["release"].as_str().unwrap());
            charts.push(Chart {
                model: format!("{model} (chart-out/)"),
                path,
                plan,
                _generated: None,
            });
        } else {
            let g = Generated::ok(model, &format!("helm-{name}"));
            charts.push(Chart {
                model: model.to_owned(),
                path: g.chart(),
                plan: g.plan.clone(),
                _generated: Some(g),
            });
        }
    }
    let mut cases = Vec::new();
    yaml_files(&root().join("tests/cases"), &mut cases);
    let mut accepted = 0;
    for file in &cases {
        let rel = file
            .strip_prefix(root())
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        if let Ok(g) = Generated::new(&rel, &format!("helm-{rel}")) {
            accepted += 1;
            charts.push(Chart {
                model: rel,
                path: g.chart(),
                plan: g.plan.clone(),
                _generated: Some(g),
            });
        }
    }
    eprintln!(
        "judging {} charts: {}",
        charts.len(),
        charts
            .iter()
            .map(|c| c.model.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    // Not vacuous: the cases hold at least one model gen accepts (tests/cases/lint-clean/).
    assert!(
        accepted > 0,
        "no model under tests/cases/ is accepted by gen ({} YAML files)",
        cases.len()
    );
    charts
}

#[test]
fn every_generated_chart_passes_lint_strict_and_renders_under_helm_3_and_4() {
    let Some(helms) = helms() else {
        return;
    };
    let charts = charts();
    // Each chart is judged on its own thread: every Helm run is a process of its own.
    std::thread::scope(|s| {
        for c in &charts {
            let helms = &helms;
            s.spawn(move || {
                let kube_version = c.kube_version();
                let mut renders = Vec::new();
                for helm in helms {
                    let what = format!("{} {}", helm.name(), c.model);
                    helm.lint_strict(&c.path, c.namespace(), &kube_version)
                        .unwrap_or_else(|e| panic!("{what}: {e}"));
                    let text = helm
                        .render(c.release(), &c.path, c.namespace(), &kube_version)
                        .unwrap_or_else(|e| panic!("{what}: {e}"));
                    renders.push((helm.name(), text));
                }
                if let Some(d) = render_differences(&renders).first() {
                    panic!("{}: {d}", c.model);
                }
            });
        }
    });
}

/// A values override and what each Helm version must say about it.
struct Bad {
    what: &'static str,
    values: String,
    /// The message fragment under Helm 3 (gojsonschema) and Helm 4 (santhosh-tekuri/jsonschema).
    helm3: String,
    helm4: String,
}

#[test]
fn helm_3_and_4_refuse_values_the_chart_schema_forbids() {
    let Some(helms) = helms() else {
        return;
    };
    let charts = charts();
    std::thread::scope(|s| {
        for c in &charts {
            let helms = &helms;
            s.spawn(move || {
                let (component, key) = c.push_component();
                let port = c
                    .plan["components"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["name"] == component)
                    .unwrap()["http_port"]
                    .as_u64()
                    .unwrap();
                let tmp = temp_dir("helm-schema");
                let dir = tmp.path();
                let write = |name: &str, text: &str| {
                    let f = dir.join(name);
                    std::fs::write(&f, text).unwrap();
                    f
                };
                // Not vacuous: the same override with the chart's own port is accepted, so a
                // refusal below is about the value, not the shape of the file.
                let good = write("good.yaml", &format!("{key}:\n  ports:\n    http: {port}\n"));
                let bad = [
                    Bad {
                        what: "a port given as a name",
                        values: format!("{key}:\n  ports:\n    http: \"http\"\n"),
                        helm3: format!("- {key}.ports.http: Invalid type. Expected: integer, given: string"),
                        helm4: format!("- at '/{key}/ports/http': got string, want integer"),
                    },
                    Bad {
                        what: "a port above 65535",
                        values: format!("{key}:\n  ports:\n    http: 70000\n"),
                        helm3: format!("- {key}.ports.http: Must be less than or equal to 65535"),
                        helm4: format!("- at '/{key}/ports/http': maximum: got 70,000, want 65,535"),
                    },
                    Bad {
                        what: "the gateway's port as a string",
                        values: "gateway:\n  port: \"8080\"\n".to_owned(),
                        helm3: "- gateway.port: Invalid type. Expected: integer, given: string".to_owned(),
                        helm4: "- at '/gateway/port': got string, want integer".to_owned(),
                    },
                    Bad {
                        what: "an unknown top-level key",
                        values: "trafic: PreferClose\n".to_owned(),
                        helm3: "- (root): Additional property trafic is not allowed".to_owned(),
                        helm4: "- at '': additional properties 'trafic' not allowed".to_owned(),
                    },
                    Bad {
                        what: "an unknown key of a component",
                        values: format!("{key}:\n  portz:\n    http: {port}\n"),
                        helm3: format!("- {key}: Additional property portz is not allowed"),
                        helm4: format!("- at '/{key}': additional properties 'portz' not allowed"),
                    },
                ];
                for helm in helms {
                    let o = c.template(helm, Some(&good));
                    assert!(
                        o.status.success(),
                        "{} {}: the control override {} is refused:\n{}",
                        helm.name(),
                        c.model,
                        good.display(),
                        show(&o)
                    );
                    for (i, b) in bad.iter().enumerate() {
                        let file = write(&format!("bad-{i}.yaml"), &b.values);
                        let o = c.template(helm, Some(&file));
                        let err = stderr(&o);
                        let want = if helm.major == 3 { &b.helm3 } else { &b.helm4 };
                        assert!(
                            o.status.code() == Some(1)
                                && o.stdout.is_empty()
                                && err.contains("values don't meet the specifications of the schema(s) in the following chart(s)")
                                && err.contains(want.as_str()),
                            "{} {}: {}:\n{}\nwant exit 1, no manifests and `{want}`; got:\n{}",
                            helm.name(),
                            c.model,
                            b.what,
                            b.values,
                            show(&o)
                        );
                    }
                }
            });
        }
    });
}

/// values.yaml documents `trafficDistribution: null` as "leaves it unset". Helm deletes null
/// keys from the merged values before it checks them against values.schema.json, so the
/// schema must not require the key (it did: Helm 3 said "(root): trafficDistribution is
/// required", Helm 4 "at '': missing property 'trafficDistribution'").
#[test]
fn helm_accepts_the_documented_null_traffic_distribution() {
    let Some(helms) = helms() else {
        return;
    };
    let file = tempfile::Builder::new()
        .prefix("portplan-helm-td-null-")
        .suffix(".yaml")
        .tempfile()
        .unwrap();
    std::fs::write(file.path(), "trafficDistribution: null\n").unwrap();
    let mut refused = Vec::new();
    for c in charts() {
        for helm in &helms {
            let o = c.template(helm, Some(file.path()));
            if !o.status.success() {
                refused.push(format!("{} {}: {}", helm.name(), c.model, stderr(&o)));
            }
        }
    }
    assert!(refused.is_empty(), "{}", refused.join("\n"));
}
