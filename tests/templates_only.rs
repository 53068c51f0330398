//! `gen --templates DIR --templates-only`: the folder is the chart. examples/fork/templates
//! is a forked chart converted to `[[ ]]` holes (docs/templates.md walks through it); its
//! output is golden (golden/templates-only/), real Helm 3 and 4 lint and render it, and
//! `gen --check`, `diff` and `lint` accept it.

use crate::common::*;

use std::path::Path;

const FORK: &str = "examples/fork/templates";

fn gen_fork(model: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "gen",
        "-m",
        model,
        "--templates",
        FORK,
        "--templates-only",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    portplan(&args)
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_converted_fork_regenerates_and_only_its_files_are_written() {
    let tmp = temp_dir("fork");
    let out = tmp.path().join("out");
    let o = gen_fork("portplan.yaml", &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = files(&out);
    // No built-in file: no gateway, no generated values.schema.json, no port map.
    for builtin in [
        "loki-v3/templates/gateway/deployment.yaml",
        "loki-v3/values.schema.json",
        "ports.json",
        "ports.csv",
        "alloy/argocd-alloy.alloy",
    ] {
        assert!(
            !written.iter().any(|p| p == builtin),
            "{builtin} was written"
        );
    }
    for path in &written {
        let bytes = std::fs::read(out.join(path)).unwrap();
        assert_golden(&format!("templates-only/{path}"), &bytes);
    }
    // The golden folder holds exactly these files.
    let golden = files(&root().join("golden/templates-only"));
    assert_eq!(golden, written, "golden/templates-only has other files");

    let o = gen_fork("portplan.yaml", &out, &["--check"]);
    assert_eq!(o.status.code(), Some(0), "gen --check: {}", stdout(&o));
    let chart = out.join("loki-v3");
    let o = portplan(&[
        "diff",
        "--chart",
        chart.to_str().unwrap(),
        "--templates",
        FORK,
        "--templates-only",
    ]);
    assert_eq!(o.status.code(), Some(0), "diff: {}", stdout(&o));
    let o = portplan(&["lint", out.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(lint_findings(&o).is_empty(), "{}", stdout(&o));

    let Some(helms) = helms() else { return };
    for h in helms {
        let o = h.run(["lint", "--strict", chart.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", h.name(), show(&o));
        let o = h.run([
            "template",
            "loki-v3",
            chart.to_str().unwrap(),
            "--namespace",
            "loki-v3",
        ]);
        assert!(o.status.success(), "{}: {}", h.name(), show(&o));
        let rendered = stdout(&o);
        assert!(rendered.contains("containerPort: 4090"), "{rendered}");
        assert!(rendered.contains("- -p 4090"), "{rendered}");
    }
}

#[test]
fn a_port_change_in_the_model_reaches_every_hole() {
    let tmp = temp_dir("fork-ports");
    let model = tmp.path().join("portplan.yaml");
    let text = std::fs::read_to_string(root().join("portplan.yaml")).unwrap();
    let moved = text
        .replace("httpBase: 4100", "httpBase: 5100")
        .replace("port: 4090", "port: 5090");
    std::fs::write(&model, moved).unwrap();
    let out = tmp.path().join("out");
    let o = gen_fork(model.to_str().unwrap(), &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    assert!(read("loki-v3/values.yaml").contains("httpPort: 5101"));
    assert!(read("loki-v3/values.yaml").contains("port: 5090"));
    assert!(
        read("loki-v3/templates/config.yaml")
            .contains("chunks-cache.loki-v3.svc.cluster.local:5090")
    );
    assert!(read("argocd/alloy.yaml").contains("svc.cluster.local:5101/loki/api/v1/push"));
    // ...and the output still lints clean against the moved model.
    let o = portplan(&[
        "lint",
        "-m",
        model.to_str().unwrap(),
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(lint_findings(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn templates_only_needs_a_template_folder() {
    let o = portplan(&["gen", "--templates-only", "--check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--templates"), "{}", stderr(&o));
}
