//! Every combination of mode x port strategy x one component disabled x each cache on or
//! off (120 models): none panics, each plans or is refused with a diagnostic, and each chart
//! that renders (56) passes `helm lint --strict` and `helm template` under Helm 3 and Helm 4,
//! to the same manifests. The models are planned and rendered in-process; Helm runs as
//! processes side by side.

use std::path::{Path, PathBuf};

use crate::common::{Helm, helms, render_differences, temp_dir};

/// A chart rendered from one combination, written out for Helm.
struct Combination {
    /// The model, for messages.
    model: String,
    chart: PathBuf,
    release: String,
    namespace: String,
    /// `<kubeVersion>.0`, as Helm's `--kube-version` takes it.
    kube_version: String,
}

/// Every combination of mode x port strategy x one component disabled x each cache on or
/// off: no panic, every model that plans renders, and every rendered chart passes
/// `helm lint --strict` and `helm template` under Helm 3 and Helm 4, to the same manifests.
#[test]
fn every_combination_plans_or_fails_cleanly_and_each_chart_passes_helm() {
    use portplan::model::Mode;
    let started = std::time::Instant::now();
    let scratch = temp_dir("combinations");
    let mut rendered = Vec::new();
    let mut refused = 0;
    for (mode, name, storage) in [
        (Mode::Monolithic, "monolithic", ""),
        (
            Mode::SimpleScalable,
            "simple-scalable",
            "storage: {type: s3, buckets: {chunks: loki-chunks}}\n",
        ),
        (
            Mode::Distributed,
            "distributed",
            "storage: {type: s3, buckets: {chunks: loki-chunks}}\n",
        ),
    ] {
        let mut disabled: Vec<Option<&str>> = vec![None];
        disabled.extend(mode.components().iter().map(|c| Some(c.name())));
        for strategy in ["shared", "per-component"] {
            for off in &disabled {
                for (chunks, results) in
                    [(true, true), (true, false), (false, true), (false, false)]
                {
                    let mut m = format!(
                        "release: loki\nnamespace: logs\nmode: {name}\nports: {{strategy: {strategy}}}\n{storage}caches: {{chunks: {{enabled: {chunks}}}, results: {{enabled: {results}}}}}\n"
                    );
                    if let Some(c) = off {
                        m.push_str(&format!("components: {{{c}: {{enabled: false}}}}\n"));
                    }
                    let result = std::panic::catch_unwind(|| {
                        let lm = portplan::model::parse_model("m.yaml", m.clone())
                            .expect("the schema accepts it");
                        match portplan::plan::build_plan(&lm) {
                            Ok(plan) => {
                                let files =
                                    portplan::render::render(&plan, None).expect("a plan renders");
                                Some((plan, files))
                            }
                            Err(f) => {
                                assert!(!f.diagnostics.is_empty());
                                None
                            }
                        }
                    });
                    match result {
                        Ok(Some((plan, files))) => {
                            // The chart alone: every file written is one more to delete.
                            let out = scratch.path().join(rendered.len().to_string());
                            let chart = format!("{}/", plan.release);
                            for (path, bytes) in files.iter().filter(|(p, _)| p.starts_with(&chart))
                            {
                                let file = out.join(path);
                                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                                std::fs::write(file, bytes).unwrap();
                            }
                            rendered.push(Combination {
                                model: m,
                                chart: out.join(&plan.release),
                                release: plan.release.clone(),
                                namespace: plan.namespace.clone(),
                                kube_version: format!("{}.0", plan.kube_version),
                            });
                        }
                        Ok(None) => refused += 1,
                        Err(_) => panic!("panicked on:\n{m}"),
                    }
                }
            }
        }
    }
    // Monolithic: 8 plan; simple-scalable: 8; distributed: the 4 optional components and
    // none, 40. Each required component disabled is refused.
    assert_eq!(rendered.len(), 56, "{refused} refused");
    assert_eq!(refused, 64);

    let Some(helms) = helms() else {
        return;
    };
    let (failures, runs, threads) = judge_with_helm(&helms, &rendered);
    assert!(
        failures.is_empty(),
        "{} of {runs} Helm checks failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    eprintln!(
        "{} combinations: {} refused, {} rendered and judged by {runs} Helm runs on {threads} \
         threads; {:.1}s in all",
        rendered.len() + refused,
        refused,
        rendered.len(),
        started.elapsed().as_secs_f64()
    );
}

/// `helm lint --strict` and `helm template` of every chart under every Helm version, as
/// processes run side by side from one queue; then each chart's renders must agree. Returns
/// every failure (each naming its model), the number of Helm runs and of threads.
fn judge_with_helm(helms: &[Helm], charts: &[Combination]) -> (Vec<String>, usize, usize) {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    enum Job {
        /// One Helm run lints a share of the charts (they have one namespace and one
        /// Kubernetes version): fewer runs, each cheaper per chart than a run of its own.
        Lint(usize, std::ops::Range<usize>),
        Render(usize, usize),
    }
    // Helm is mostly CPU but also waits (a lint takes twice its CPU time in wall time): two
    // processes per core keep the cores busy.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
    let per_lint = charts.len().div_ceil(threads.div_ceil(helms.len()));
    let mut jobs = Vec::new();
    // The long lint runs first, so that none is left running alone at the end.
    for h in 0..helms.len() {
        for start in (0..charts.len()).step_by(per_lint) {
            jobs.push(Job::Lint(h, start..charts.len().min(start + per_lint)));
        }
    }
    for c in 0..charts.len() {
        jobs.extend((0..helms.len()).map(|h| Job::Render(h, c)));
    }
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let renders: Mutex<Vec<Vec<(String, String)>>> = Mutex::new(vec![Vec::new(); charts.len()]);
    let fail = |helm: &Helm, chart: &Combination, e: String| {
        failures
            .lock()
            .unwrap()
            .push(format!("{}, model:\n{}{e}", helm.name(), chart.model));
    };
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    match job {
                        Job::Lint(h, range) => {
                            let helm = &helms[*h];
                            let some = &charts[range.clone()];
                            let (ns, kube) = (&some[0].namespace, &some[0].kube_version);
                            assert!(
                                some.iter()
                                    .all(|c| c.namespace == *ns && c.kube_version == *kube)
                            );
                            let paths: Vec<&Path> =
                                some.iter().map(|c| c.chart.as_path()).collect();
                            if helm.lint_strict_all(&paths, ns, kube).is_err() {
                                // Which of them: a run each, for a report per model.
                                for c in some {
                                    if let Err(e) = helm.lint_strict(&c.chart, ns, kube) {
                                        fail(helm, c, e);
                                    }
                                }
                            }
                        }
                        Job::Render(h, c) => {
                            let (helm, chart) = (&helms[*h], &charts[*c]);
                            match helm.render(
                                &chart.release,
                                &chart.chart,
                                &chart.namespace,
                                &chart.kube_version,
                            ) {
                                Ok(text) => renders.lock().unwrap()[*c].push((helm.name(), text)),
                                Err(e) => fail(helm, chart, e),
                            }
                        }
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    for (chart, mut renders) in charts.iter().zip(renders.into_inner().unwrap()) {
        // The judge (Helm 4, first in `helms`) first, whichever finished first.
        renders.sort_by_key(|(name, _)| helms.iter().position(|h| h.name() == *name));
        for d in render_differences(&renders) {
            failures.push(format!("model:\n{}{d}", chart.model));
        }
    }
    (failures, jobs.len(), threads)
}
