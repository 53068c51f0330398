//! The Loki config against Loki's own configuration reference: the committed key table parses,
//! names its source and matches the chart's Loki version, and its script reproduces it; every
//! model's config as Helm renders it uses only keys of the reference, with the model's Loki
//! settings merged in (pass-through, limits) and the per-tenant overrides in the runtime file
//! that every Loki pod mounts where `runtime_config.file` says.

use std::path::PathBuf;
use std::process::Command;

use crate::common::*;
use portplan::loki::reference::{KEYS, Reference, VERSION, reference};
use serde_json::Value;

/// The models whose Loki configs are checked: the examples, the repository's own, and the
/// case that uses every Loki-config key of the model.
fn all_models() -> Vec<&'static str> {
    let mut m: Vec<&'static str> = models().into_iter().map(|(_, p)| p).collect();
    m.push("tests/cases/loki-config/everything.yaml");
    m
}

#[test]
fn the_key_table_parses_names_its_source_and_is_the_image_version() {
    let r = Reference::parse(KEYS).expect("keys.txt parses");
    assert!(r.key_count() > 1500, "{} keys", r.key_count());
    for block in [
        "root",
        "limits_config",
        "cache_config",
        "period_config",
        "attributes_config",
    ] {
        assert!(r.block(block).is_some(), "no block {block}");
    }
    assert!(
        KEYS.contains(&format!("at tag v{VERSION} (commit ")),
        "keys.txt names its tag"
    );
    let source = std::fs::read_to_string(root().join("src/loki/reference/SOURCE.md")).unwrap();
    assert!(
        source.contains(&format!("tag `v{VERSION}`")),
        "SOURCE.md names v{VERSION}"
    );
    assert!(source.contains("AGPL-3.0"), "SOURCE.md names the licence");
    // The chart's default Loki image is the version the table describes.
    let plan: Value = serde_json::from_slice(
        &portplan(&["plan", "-m", "examples/monolithic.yaml", "--format", "json"]).stdout,
    )
    .unwrap();
    let image = plan["images"]["loki"].as_str().unwrap();
    assert!(
        image.ends_with(&format!(":{VERSION}")),
        "{image} is not Loki {VERSION}"
    );
}

/// A git directory of grafana/loki: `PORTPLAN_LOKI_GIT`, else the local mirror.
fn loki_git() -> Option<PathBuf> {
    std::env::var_os("PORTPLAN_LOKI_GIT")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/work/.mirror/grafana+loki/repo")))
        .filter(|p| p.is_dir())
}

#[test]
fn the_script_reproduces_the_committed_table() {
    let Some(git) = loki_git() else {
        // Source data, not a tool: without a Loki clone only the parse test above runs.
        eprintln!(
            "no grafana/loki git directory (set PORTPLAN_LOKI_GIT): not re-deriving keys.txt"
        );
        return;
    };
    let python = on_path("python3");
    if !require_tool("python3", python.is_some()) {
        return;
    }
    let tag = format!("v{VERSION}");
    let show = Command::new("git")
        .arg("-C")
        .arg(&git)
        .args([
            "show",
            &format!("{tag}:docs/sources/shared/configuration.md"),
        ])
        .output()
        .unwrap();
    assert!(show.status.success(), "{}", stderr(&show));
    let commit = Command::new("git")
        .arg("-C")
        .arg(&git)
        .args(["rev-parse", &format!("{tag}^{{commit}}")])
        .output()
        .unwrap();
    let commit = stdout(&commit).trim().to_owned();
    let dir = temp_dir("loki-keys");
    let md = dir.path().join("configuration.md");
    std::fs::write(&md, &show.stdout).unwrap();
    let out = Command::new(python.unwrap())
        .arg(root().join("src/loki/reference/derive.py"))
        .arg(&md)
        .arg(&tag)
        .arg(&commit)
        .output()
        .unwrap();
    assert!(out.status.success(), "derive.py: {}", stderr(&out));
    assert!(
        stdout(&out) == KEYS,
        "derive.py's output differs from the committed src/loki/reference/keys.txt (commit {commit}): regenerate it as SOURCE.md says"
    );
}

/// The YAML file `key` of the one ConfigMap a template renders.
fn config_map_file(helm: &Helm, g: &Generated, template: &str, key: &str) -> (Value, Value) {
    let docs = helm.show_only(g, template);
    let [cm] = docs.as_slice() else {
        panic!("{}: {template} is not one document", g.model);
    };
    let text = cm["data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("{}: no {key}", g.model));
    (cm.clone(), serde_saphyr::from_str(text).unwrap())
}

/// Every (JSON pointer, leaf value) of a tree.
fn leaves(v: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                leaves(
                    x,
                    &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        // An absent section has no leaves.
        Value::Null if at.is_empty() || !at[1..].contains('/') => {}
        other => out.push((at.to_owned(), other.clone())),
    }
}

/// A number from the model and the rendered config compare as numbers (50 and 50.0 are one).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[test]
fn every_rendered_loki_config_is_accepted_by_the_reference_with_the_model_merged_in() {
    let Some(helms) = helms() else {
        return;
    };
    let helm = &helms[0];
    for model in all_models() {
        let g = Generated::ok(model, "loki-config");
        let (_, config) = config_map_file(helm, &g, "templates/loki/config.yaml", "config.yaml");
        let problems = reference().check("root", &config, "", "", &|_| None);
        assert!(
            problems.is_empty(),
            "{model}: rendered config.yaml: {problems:#?}"
        );

        let text = std::fs::read_to_string(root().join(model)).unwrap();
        let source: Value = serde_saphyr::from_str(&text).unwrap();
        // Every leaf of the pass-through, and every key of `limits`, is in the rendered config
        // with its value: merged, not dropped, and not overwritten by the generated config.
        let mut want = Vec::new();
        leaves(&source["loki"]["config"], "", &mut want);
        leaves(&source["limits"], "/limits_config", &mut want);
        for (ptr, value) in want.iter().filter(|(p, _)| !p.is_empty()) {
            let got = config.pointer(ptr).unwrap_or(&Value::Null);
            assert!(
                same(got, value),
                "{model}: {ptr} is {got}, the model says {value}"
            );
        }
        // Merging keeps the generated keys next to the passed-through ones.
        for ptr in [
            "/ingester/chunk_encoding",
            "/limits_config/allow_structured_metadata",
            "/memberlist/join_members",
        ] {
            assert!(
                config.pointer(ptr).is_some(),
                "{model}: the merge dropped {ptr}"
            );
        }

        let overrides = source["overrides"].as_object().cloned().unwrap_or_default();
        let runtime_file = config.pointer("/runtime_config/file");
        if overrides.is_empty() {
            assert!(
                runtime_file.is_none(),
                "{model}: runtime_config without overrides"
            );
            continue;
        }
        let file = runtime_file
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{model}: no runtime_config.file"));
        let (cm, runtime) =
            config_map_file(helm, &g, "templates/loki/runtime.yaml", "runtime.yaml");
        for (tenant, limits) in &overrides {
            let got = &runtime["overrides"][tenant];
            let problems = reference().check("limits_config", got, "", "", &|_| None);
            assert!(
                problems.is_empty(),
                "{model}: runtime.yaml {tenant}: {problems:#?}"
            );
            let mut want = Vec::new();
            leaves(limits, "", &mut want);
            for (ptr, value) in &want {
                let v = got.pointer(ptr).unwrap_or(&Value::Null);
                assert!(
                    same(v, value),
                    "{model}: override {tenant}{ptr} is {v}, the model says {value}"
                );
            }
        }
        // Every Loki pod mounts that ConfigMap so that `runtime_config.file` is its file.
        let cm_name = cm["metadata"]["name"].as_str().unwrap();
        let mut workloads = 0;
        for c in g.plan["components"].as_array().unwrap() {
            let name = c["name"].as_str().unwrap();
            let docs = helm.show_only(&g, &format!("templates/{name}/workload.yaml"));
            let spec = &docs[0]["spec"]["template"]["spec"];
            let volume = spec["volumes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["configMap"]["name"] == cm_name)
                .unwrap_or_else(|| panic!("{model}: {name} has no volume of ConfigMap {cm_name}"));
            let loki = &spec["containers"][0];
            let mount = loki["volumeMounts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["name"] == volume["name"])
                .unwrap_or_else(|| panic!("{model}: {name} does not mount {cm_name}"));
            let path = format!("{}/runtime.yaml", mount["mountPath"].as_str().unwrap());
            assert_eq!(
                path, file,
                "{model}: {name} mounts the runtime config elsewhere"
            );
            workloads += 1;
        }
        assert!(workloads > 0, "{model}: no Loki workload checked");
    }
}

/// The canary's tenant may have its own tail limit in `overrides`: that one is what Loki
/// applies to the canaries, so it is the one held to the canary pod count.
#[test]
fn the_tail_limit_checked_is_the_canary_tenants_own() {
    let dir = temp_dir("canary-override");
    let model = |global: u32, own: u32| {
        format!(
            "release: loki\nnamespace: logs\nmode: monolithic\nauthEnabled: true\nstorage: {{type: filesystem}}\nlimits:\n  max_concurrent_tail_requests: {global}\ncanary:\n  kind: Deployment\n  replicas: 3\n  tenant: canary\noverrides:\n  canary:\n    max_concurrent_tail_requests: {own}\n"
        )
    };
    let path = dir.path().join("m.yaml");
    std::fs::write(&path, model(2, 20)).unwrap();
    let out = portplan(&["plan", "-m", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(&path, model(20, 2)).unwrap();
    let out = portplan(&["plan", "-m", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("m.yaml:14:35: error: max_concurrent_tail_requests is 2"),
        "{}",
        stderr(&out)
    );
}

/// The lines under the first `key` line (at its indent) of `text`, up to the next line at that
/// indent or less.
fn block_under<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let mut lines = text.lines().skip_while(|l| *l != key);
    lines
        .next()
        .unwrap_or_else(|| panic!("no `{key}` in:\n{text}"));
    let indent = key.len() - key.trim_start().len();
    lines
        .take_while(|l| l.len() - l.trim_start().len() > indent)
        .collect()
}

/// `partials/object-store.yaml`, which a template folder includes under `storage:`, writes the
/// same block as the built-in config (both come from one function).
#[test]
fn the_object_store_partial_is_the_built_in_configs_block() {
    let dir = temp_dir("object-store-partial");
    let templates = dir.path().join("templates/chart/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("storage.yaml"),
        "[%- set s = plan.storage -%]\ncommon:\n      storage:\n[%- set bucket = s.chunks_bucket %]\n[%- include \"partials/object-store.yaml\" %]\nruler:\n      storage:\n[%- set bucket = s.ruler_bucket %]\n[%- include \"partials/object-store.yaml\" %]\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = portplan(&[
        "gen",
        "-m",
        "examples/simple-scalable.yaml",
        "--templates",
        dir.path().join("templates").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fork = std::fs::read_to_string(out.join("loki/templates/storage.yaml")).unwrap();
    let built_in = std::fs::read_to_string(out.join("loki/templates/loki/config.yaml")).unwrap();
    let common_text = block_under(&built_in, "    common:").join("\n");
    let common = block_under(&common_text, "      storage:");
    let ruler_text = block_under(&built_in, "    ruler:").join("\n");
    let ruler = block_under(&ruler_text, "      storage:");
    assert!(
        common.iter().any(|l| l.contains("bucketnames")),
        "{common:?}"
    );
    let fork_common = block_under(&fork, "common:");
    let fork_ruler = block_under(&fork, "ruler:");
    assert_eq!(&fork_common[1..], &common[..], "common.storage");
    // ruler.storage has `type` first, then the same block.
    assert_eq!(&fork_ruler[1..], &ruler[1..], "ruler.storage");
}
