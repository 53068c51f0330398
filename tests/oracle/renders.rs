//! The renders every oracle judges, made once per test binary: each model's chart from
//! `portplan gen`, rendered by real `helm template` with its own values and with an override
//! file that moves one component's HTTP port and changes trafficDistribution. Helm 4 renders
//! what the oracles read; Helm 3 must render the same text.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Output;
use std::sync::OnceLock;

use serde_json::Value;

use super::manifests::Render;
use super::port_change::{PortChange, contains_number};
use crate::common::{Helm, helms, models as model_files, portplan, stderr, stdout, temp_dir};

/// The trafficDistribution the override file gives the moved component's Service.
const OVERRIDE_TRAFFIC_DISTRIBUTION: &str = "PreferClose";

/// One model and everything rendered from it.
pub struct Model {
    pub name: &'static str,
    pub path: &'static str,
    /// `portplan plan --format json`.
    pub plan: Value,
    /// `<kubeVersion>.0`, as Helm's `--kube-version` and kubernetes-validate's `-k` take it.
    pub kube_version: String,
    pub default: Render,
    pub overridden: Render,
    /// The override values file, for messages.
    pub override_values: String,
    pub change: PortChange,
    /// Each Helm version's attempt to render into another namespace.
    pub wrong_namespace: Vec<(String, Output)>,
}

impl Model {
    pub fn namespace(&self) -> &str {
        self.plan["namespace"].as_str().unwrap()
    }

    pub fn cluster_domain(&self) -> &str {
        self.plan["cluster_domain"].as_str().unwrap()
    }

    /// The trafficDistribution the plan gives each component's and the gateway's Service.
    pub fn modelled_traffic_distribution(&self) -> BTreeMap<String, Option<String>> {
        self.services_with(|_, td, _| td)
    }

    /// The trafficDistribution the override file gives: no default, so each Service keeps only
    /// its own override, and the moved component's Service gets OVERRIDE_TRAFFIC_DISTRIBUTION.
    pub fn overridden_traffic_distribution(&self) -> BTreeMap<String, Option<String>> {
        let moved = self.change.component.clone();
        self.services_with(move |name, _, over| {
            if name == moved {
                Some(OVERRIDE_TRAFFIC_DISTRIBUTION.to_owned())
            } else {
                // The override file removes the default: only a Service's own value remains,
                // and `None` is the model's way to say "unset".
                over.filter(|v| v != "None")
            }
        })
    }

    fn services_with(
        &self,
        pick: impl Fn(&str, Option<String>, Option<String>) -> Option<String>,
    ) -> BTreeMap<String, Option<String>> {
        let entry = |c: &Value| {
            let s = |k: &str| c[k].as_str().map(str::to_owned);
            let name = c["name"].as_str().unwrap_or("gateway");
            (
                c["service"]["name"].as_str().unwrap().to_owned(),
                pick(
                    name,
                    s("traffic_distribution"),
                    s("traffic_distribution_override"),
                ),
            )
        };
        let components = self.plan["components"].as_array().unwrap();
        components
            .iter()
            .chain([&self.plan["gateway"]])
            .map(entry)
            .collect()
    }
}

/// Every model of `common::models()`, generated and rendered once per test binary.
pub fn models() -> Option<&'static [Model]> {
    static MODELS: OnceLock<Vec<Model>> = OnceLock::new();
    let helms = helms()?;
    Some(MODELS.get_or_init(|| {
        let dir = temp_dir("oracles");
        model_files()
            .into_iter()
            .map(|(name, path)| prepare(&helms, &dir.path().join(name), name, path))
            .collect()
    }))
}

fn prepare(helms: &[Helm], dir: &Path, name: &'static str, path: &'static str) -> Model {
    let o = portplan(&["plan", "--model", path, "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{path}: plan failed: {}",
        stderr(&o)
    );
    let plan: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let o = portplan(&["gen", "--model", path, "--out", dir.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{path}: gen failed: {}",
        stderr(&o)
    );

    let release = plan["release"].as_str().unwrap();
    let namespace = plan["namespace"].as_str().unwrap();
    let kube_version = format!("{}.0", plan["kube_version"].as_str().unwrap());
    let chart = dir.join(release);
    let render = |helm: &Helm, ns: &str, values: Option<&Path>| {
        let mut args: Vec<&OsStr> = vec![
            "template".as_ref(),
            release.as_ref(),
            chart.as_os_str(),
            "--namespace".as_ref(),
            ns.as_ref(),
            "--kube-version".as_ref(),
            kube_version.as_ref(),
        ];
        if let Some(v) = values {
            args.extend(["--values".as_ref(), v.as_os_str()]);
        }
        helm.run(args)
    };
    // Helm 4 (the first) renders what the oracles read; every other version must agree.
    let ok = |values: Option<&Path>, what: &str| {
        let texts: Vec<(String, String)> = helms
            .iter()
            .map(|helm| {
                let o = render(helm, namespace, values);
                assert_eq!(
                    o.status.code(),
                    Some(0),
                    "{path}: {} rendering {what} failed:\n{}",
                    helm.name(),
                    stderr(&o)
                );
                (helm.name(), stdout(&o))
            })
            .collect();
        let (first, text) = &texts[0];
        for (other, other_text) in &texts[1..] {
            assert!(
                text == other_text,
                "{path}: {first} and {other} render {what} differently:\n{}",
                similar::TextDiff::from_lines(text, other_text)
                    .unified_diff()
                    .header(first, other)
            );
        }
        Render::parse(texts.into_iter().next().unwrap().1)
    };
    let default = ok(None, "with the chart's values");

    // The push component (the gateway's write route) moves its HTTP port to a number found
    // nowhere in the default render, so every occurrence of the new number is the change.
    let push = plan["addresses"]["push"]["component"].as_str().unwrap();
    let component = plan["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == push)
        .unwrap_or_else(|| panic!("{path}: the push component {push} is not in the plan"));
    let old = u16::try_from(component["http_port"].as_u64().unwrap()).unwrap();
    let new = (old.saturating_add(10000)..=u16::MAX)
        .chain(1024..old)
        .find(|&n| !default.text.lines().any(|l| contains_number(l, n)))
        .unwrap();
    let values_key = component["values_key"].as_str().unwrap();
    // The default is removed with `None`, not with the `null` values.yaml documents: Helm drops
    // null keys before it checks values.schema.json, which requires trafficDistribution, so
    // both Helm versions refuse `trafficDistribution: null` (tests/helm.rs, ignored test).
    let override_values = format!(
        "# Written by tests/oracles.rs: {push} moves its HTTP port {old} -> {new}; no default\n\
         # trafficDistribution, only {push}'s own.\n\
         trafficDistribution: None\n\
         {values_key}:\n  ports:\n    http: {new}\n  trafficDistribution: {OVERRIDE_TRAFFIC_DISTRIBUTION}\n"
    );
    let values_file = dir.join("override.yaml");
    std::fs::write(&values_file, &override_values).unwrap();
    let overridden = ok(Some(&values_file), "with the override file");
    let elsewhere = format!("{namespace}-elsewhere");
    let wrong_namespace = helms
        .iter()
        .map(|helm| (helm.name(), render(helm, &elsewhere, None)))
        .collect();

    Model {
        name,
        path,
        change: PortChange {
            component: push.to_owned(),
            service: component["service"]["name"].as_str().unwrap().to_owned(),
            old,
            new,
        },
        plan,
        kube_version,
        default,
        overridden,
        override_values,
        wrong_namespace,
    }
}
