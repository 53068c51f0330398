//! Render: Plan -> FileSet. Tera templates produce the chart's templates and the client
//! configs; values.yaml, values.schema.json and the port map are built from typed data.

mod engine;
pub mod facts;
pub mod fileset;
pub mod header;
pub mod loki_config;
pub mod values;

use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;
use tera::Context;

pub use fileset::FileSet;

use crate::plan::Plan;
use crate::report;

/// Templates under this folder are only included by others; they produce no file.
const PARTIALS: &str = "partials/";

/// The chart's identity, as Chart.yaml and templates see it.
#[derive(Serialize)]
pub struct ChartInfo {
    /// Chart name and folder: the release name.
    pub name: String,
    pub version: &'static str,
    /// Loki's version, from the image tag.
    pub app_version: String,
    /// The model facts the chart renders in rather than reads from values, as Chart.yaml's
    /// `portplan/model` annotation (a quoted JSON string, [`facts`]).
    pub model_facts: String,
}

/// What the chart's templates must know of Kubernetes itself, from the one place that says
/// it: a template that decides at install time (on the cluster's real version, which may not
/// be the model's) uses the same numbers as the Plan.
#[derive(Serialize)]
pub struct KubeFacts {
    /// Each `trafficDistribution` value and the first Kubernetes version whose API takes it.
    pub traffic_distribution_since: Vec<Since>,
}

/// A value and the first Kubernetes version (`1.30`) whose API takes it.
#[derive(Serialize)]
pub struct Since {
    pub value: &'static str,
    pub kube: String,
}

impl KubeFacts {
    pub fn new() -> Self {
        KubeFacts {
            traffic_distribution_since: crate::model::TrafficDistribution::ALL
                .iter()
                .filter_map(|td| {
                    Some(Since {
                        value: td.api_value()?,
                        kube: td.min_kube()?.to_string(),
                    })
                })
                .collect(),
        }
    }
}

impl Default for KubeFacts {
    fn default() -> Self {
        Self::new()
    }
}

/// Loki's config files as YAML text, indented for a ConfigMap's block scalar: built as data
/// trees ([`loki_config`]) rather than in a template, so the model's settings merge into them.
#[derive(Serialize)]
pub struct LokiFiles {
    /// `config.yaml`.
    pub config: String,
    /// The runtime config (per-tenant overrides), empty without overrides.
    pub runtime: String,
    /// Bucket -> its object-store block (`s3: ...`) at indent 8 after a newline, for
    /// `partials/object-store.yaml` (template folders include it under `storage:`).
    pub object_stores: std::collections::BTreeMap<String, String>,
}

impl LokiFiles {
    pub fn new(plan: &Plan) -> Self {
        let s = &plan.storage;
        let object_stores = [&s.chunks_bucket, &s.ruler_bucket]
            .into_iter()
            .flatten()
            .map(|b| {
                let text = loki_config::object_store(s, b).to_yaml(8);
                (b.clone(), format!("\n{}", text.trim_end_matches('\n')))
            })
            .collect();
        LokiFiles {
            config: loki_config::config(plan).to_yaml(4),
            runtime: loki_config::runtime(plan).map_or_else(String::new, |n| n.to_yaml(4)),
            object_stores,
        }
    }
}

/// The chart's name (the release), version, and Loki's version from the image tag.
pub fn chart_info(plan: &Plan) -> ChartInfo {
    let tag = plan
        .images
        .loki
        .rsplit_once(':')
        .map_or("latest", |(_, t)| t);
    ChartInfo {
        name: plan.release.clone(),
        version: "0.1.0",
        app_version: tag.to_owned(),
        model_facts: facts::annotation(plan),
    }
}

/// The built-in templates and their compiled engine, once per process. Compiling them is
/// the largest part of a render, and the fuzz targets and tests render thousands of plans in
/// one process; a template folder (`--templates`) is compiled on every call, as it may change.
fn builtin() -> &'static (engine::Templates, Result<engine::Engine, String>) {
    static BUILTIN: OnceLock<(engine::Templates, Result<engine::Engine, String>)> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        let sources = engine::Templates::builtin();
        let engine = sources.compile();
        (sources, engine)
    })
}

/// Which templates a render uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Source<'a> {
    /// The built-in chart and client configs.
    #[default]
    Builtin,
    /// The built-in set, with a folder's files replacing those at the same relative path and
    /// adding the others (`gen --templates DIR`).
    Overlay(&'a Path),
    /// Only the folder's files produce output: the folder is the chart (a team's own fork,
    /// with `[[ ]]` holes), and every built-in template, partial or not, is there to
    /// include. The typed files (values.yaml, values.schema.json, ports.json, ports.csv) are
    /// not written unless the folder has a template at their path
    /// (`gen --templates DIR --templates-only`).
    Only(&'a Path),
}

impl<'a> Source<'a> {
    /// `--templates DIR`, with or without `--templates-only`.
    pub fn from_flags(templates: Option<&'a Path>, only: bool) -> Self {
        match templates {
            None => Source::Builtin,
            Some(dir) if only => Source::Only(dir),
            Some(dir) => Source::Overlay(dir),
        }
    }

    /// The template folder, if any.
    pub fn folder(self) -> Option<&'a Path> {
        match self {
            Source::Builtin => None,
            Source::Overlay(d) | Source::Only(d) => Some(d),
        }
    }
}

/// Renders everything `gen` writes. `templates` overlays the built-in templates.
pub fn render(plan: &Plan, templates: Option<&Path>) -> Result<FileSet, String> {
    render_from(plan, Source::from_flags(templates, false))
}

/// Renders what `gen` writes from `source`'s templates.
pub fn render_from(plan: &Plan, source: Source<'_>) -> Result<FileSet, String> {
    let overlaid;
    // With `Only`, the folder's own paths: the only templates that produce files.
    let mut own: Option<std::collections::BTreeSet<String>> = None;
    let (sources, engine) = match source {
        Source::Builtin => {
            let (sources, engine) = builtin();
            (sources, engine.as_ref().map_err(Clone::clone)?)
        }
        Source::Overlay(dir) | Source::Only(dir) => {
            let mut sources = engine::Templates::builtin();
            let added = sources.overlay(dir)?;
            if matches!(source, Source::Only(_)) {
                own = Some(added.into_iter().collect());
            }
            let engine = sources.compile()?;
            overlaid = (sources, engine);
            (&overlaid.0, &overlaid.1)
        }
    };
    let chart = chart_info(plan);

    let mut base = Context::new();
    base.insert("plan", plan);
    base.insert("chart", &chart);
    base.insert("kube", &KubeFacts::new());
    base.insert("loki", &LokiFiles::new(plan));

    let mut files = FileSet::new();
    let mut put = |path: String, text: String| -> Result<(), String> {
        let text = header::add(&path, &text, &plan.model_path);
        files.insert(&path, text.into_bytes())
    };

    for path in sources.paths() {
        if path.starts_with(PARTIALS) || own.as_ref().is_some_and(|o| !o.contains(path)) {
            continue;
        }
        let out_base = match path.strip_prefix("chart/") {
            Some(rest) => format!("{}/{rest}", chart.name),
            None => path.to_owned(),
        };
        for (out, ctx) in expand(plan, &base, path, &out_base) {
            let text = engine.render(path, &ctx)?;
            if text.trim().is_empty() {
                continue;
            }
            put(out, text)?;
        }
    }

    // The typed files, unless a template wrote the same path (the template wins), or the
    // template folder is the whole output.
    let typed = own.is_none();
    let comment = header::sentence(&plan.model_path);
    let values_path = format!("{}/values.yaml", chart.name);
    let schema_path = format!("{}/values.schema.json", chart.name);
    let vals = values::values(plan);
    let schema = values::schema(plan, &comment);
    if typed && files.get(&values_path).is_none() {
        let values_yaml = format!(
            "# yaml-language-server: $schema=values.schema.json\n{}\n\n{}",
            header::regenerate_line(&plan.model_path),
            values::to_yaml(&vals, &schema)
        );
        let text = header::add(&values_path, &values_yaml, &plan.model_path);
        files.insert(&values_path, text.into_bytes())?;
    }
    let mut typed_file = |path: &str, bytes: Vec<u8>| -> Result<(), String> {
        if typed && files.get(path).is_none() {
            files.insert(path, bytes)?;
        }
        Ok(())
    };
    typed_file(&schema_path, report::to_json(&schema).into_bytes())?;
    typed_file(
        "ports.json",
        report::ports::json_document(plan, &comment).into_bytes(),
    )?;
    typed_file("ports.csv", report::ports::csv(plan).into_bytes())?;
    Ok(files)
}

/// One template renders once, or once per component / cache / Alloy client when its path
/// holds `__component__`, `__cache__` or `__client__` (replaced by the validated name).
fn expand(plan: &Plan, base: &Context, path: &str, out: &str) -> Vec<(String, Context)> {
    let with = |key: &str, value: &dyn erased::Ser, name: &str, marker: &str| {
        let mut c = base.clone();
        value.insert_into(&mut c, key);
        (out.replace(marker, name), c)
    };
    if path.contains("__component__") {
        plan.components
            .iter()
            .map(|c| with("component", c, c.name, "__component__"))
            .collect()
    } else if path.contains("__cache__") {
        plan.caches
            .iter()
            .map(|c| with("cache", c, c.name, "__cache__"))
            .collect()
    } else if path.contains("__client__") {
        plan.clients
            .alloy
            .iter()
            .map(|c| with("client", c, &c.name, "__client__"))
            .collect()
    } else {
        vec![(out.to_owned(), base.clone())]
    }
}

mod erased {
    /// Lets `expand` insert differently typed plan items into a context.
    pub trait Ser {
        fn insert_into(&self, ctx: &mut tera::Context, key: &str);
    }
    impl<T: serde::Serialize> Ser for T {
        fn insert_into(&self, ctx: &mut tera::Context, key: &str) {
            ctx.insert(key.to_owned(), self);
        }
    }
}
