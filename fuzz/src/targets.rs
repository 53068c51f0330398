//! What each fuzz target runs, shared with `tests/fuzz_regressions.rs` (which includes this
//! file), so a saved crashing input is replayed through exactly the code that found it.
//!
//! Each function takes arbitrary bytes (or, for `structured`, the model text its input
//! becomes) and panics only on a bug: inputs portplan refuses are fine, as long as refusing
//! them (and printing why) does not panic. Nothing here uses `arbitrary`, so the tests can
//! include this file without the main crate depending on it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use portplan::diag::Style;
use portplan::generate::{Generated, Options};
use portplan::lint::Context;
use portplan::model::LoadedModel;
use portplan::validate::{
    CompiledSchema, FileReport, Outcome, ParsedFile, SchemaSource, check, format, schema,
};

/// The repository's reference model, which the scanner and the values schema come from.
const REFERENCE: &str = include_str!("../../portplan.yaml");

/// Model text -> parse -> `portplan::generate`, the library call `portplan gen` makes
/// before it writes. Every model whose plan resolves must generate (render without a panic,
/// to at least one file), and every model gen generates must have a plan.
pub fn model(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match portplan::model::parse_model("fuzz.yaml", text.to_owned()) {
        Ok(lm) => {
            generate_checked(&lm);
        }
        Err(f) => {
            let _ = f.render(Style::plain());
        }
    }
}

/// Runs the gen entry point on a loaded model, as `portplan gen` does, and prints every
/// message as the CLI would; returns what it generated. Panics when gen and the plan
/// disagree on the verdict, or when a valid plan does not render.
fn generate_checked(lm: &LoadedModel) -> Option<Generated> {
    // The verdict `portplan plan` gives; gen runs lint's model rules first, which refuse
    // only what build_plan refuses too.
    let planned = portplan::plan::build_plan(lm);
    let generation = portplan::generate(lm, &Options::default());
    let _ = generation.notices(lm, Style::plain());
    match (generation.result, planned) {
        (Ok(generated), Ok(_)) => {
            assert!(!generated.files.is_empty());
            // On filesystem storage each pod keeps its chunks on its own disk: a second pod
            // would split the data, and queries would miss what the other one holds.
            let plan = &generated.plan;
            if plan.storage.kind == "filesystem" {
                for c in &plan.components {
                    assert!(
                        c.replicas <= 1,
                        "{} runs {} replicas on filesystem storage",
                        c.name,
                        c.replicas
                    );
                }
            }
            Some(generated)
        }
        (Err(f), Err(_)) => {
            let _ = f.render(Style::plain());
            None
        }
        (Err(f), Ok(_)) => panic!("a valid plan did not generate: {f}"),
        (Ok(_), Err(f)) => panic!("gen generated a model the plan refuses: {f}"),
    }
}

/// A folder of this process and thread's own, for the files `structured` hands to
/// `portplan validate` and `gen --model` (both read files: the target runs them as the
/// CLI does, on a file).
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "portplan-fuzz-structured-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(dir.join("chart")).expect("a scratch folder");
    dir
}

/// Schemas compiled by `portplan validate`'s own `schema::compile`, kept for the process and
/// keyed by their text. Compiling a schema cost about six times everything else an execution
/// does (perf, on the first run's corpus: 47% of the time against 6% for gen), and the fuzzer
/// meets the built-in model schema every time and a plan's values schema (which depends only
/// on its components, caches, canary and Kubernetes version) again and again.
fn compiled(source: &SchemaSource) -> std::sync::Arc<CompiledSchema> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<CompiledSchema>>>> = OnceLock::new();
    let key = match source {
        SchemaSource::Model => String::new(),
        SchemaSource::File(p) => std::fs::read_to_string(p).expect("the schema was written"),
    };
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    if cache.len() > 1000 {
        // A bound on memory: plans have far fewer shapes than this.
        cache.clear();
    }
    cache
        .entry(key)
        .or_insert_with(|| {
            Arc::new(
                schema::compile(source).unwrap_or_else(|f| panic!("{}", f.render(Style::plain()))),
            )
        })
        .clone()
}

/// `portplan validate FILE`'s verdict on one file, with its report as the CLI prints it: the
/// steps of `validate::validate_files` for one file (read, parse with positions, choose the
/// schema, check), with a schema file's schema from [`compiled`] instead of compiled anew. A
/// model is checked as validate checks it, by `validate::model_violations` (the loader, then
/// the Plan).
fn validates(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).expect("the scratch file was written");
    let file = check::parse_bytes(path, bytes).map_err(|f| f.render(Style::plain()))?;
    validates_parsed(path, file)
}

/// [`validates`] on a file already read and parsed.
fn validates_parsed(path: &Path, file: ParsedFile) -> Result<(), String> {
    let plain = Style::plain();
    let source = portplan::validate::detect::detect(path, &file.source, &file.value)
        .map_err(|d| d.render(Some(&file.source), plain))?;
    let (schema, violations) = if source == SchemaSource::Model {
        (
            source.display(),
            portplan::validate::model_violations(&file),
        )
    } else {
        let compiled = compiled(&source);
        let violations = check::check(&file, &compiled);
        (compiled.source.display(), violations)
    };
    if violations.is_empty() {
        return Ok(());
    }
    let report = FileReport {
        path: file.shown.clone(),
        outcome: Outcome::Checked {
            schema,
            file: Box::new(file),
            violations,
        },
    };
    Err(format::text(&[report], plain))
}

/// A model's text (what the `structured` target builds from its input, or a saved case)
/// through the library as `portplan validate portplan.yaml` and `portplan gen` run it.
/// Asserts:
/// - validate and gen (and the plan, see [`generate_checked`]) give the same verdict;
/// - a model that generates has a values.yaml that reads back as the values the plan maps
///   to, and that `portplan validate` accepts against the chart's own values.schema.json
///   (found, as Helm finds it, beside values.yaml);
/// - ports.json is JSON.
pub fn structured_text(text: &str) {
    let dir = scratch();
    let model = dir.join("portplan.yaml");
    std::fs::write(&model, text).expect("the scratch model is written");
    let valid = validates(&model);
    let generated = match portplan::model::load_model(&model) {
        Ok(lm) => generate_checked(&lm),
        Err(f) => {
            let _ = f.render(Style::plain());
            None
        }
    };
    match (&valid, &generated) {
        (Ok(()), None) => panic!("validate accepts a model gen refuses:\n{text}"),
        (Err(why), Some(_)) => panic!("gen generates a model validate refuses:\n{why}\n{text}"),
        _ => {}
    }
    let Some(g) = generated else {
        return;
    };
    let release = &g.plan.release;
    let file = |name: &str| {
        let rel = format!("{release}/{name}");
        let bytes = g
            .files
            .get(&rel)
            .unwrap_or_else(|| panic!("gen wrote no {rel}"));
        std::str::from_utf8(bytes)
            .unwrap_or_else(|e| panic!("{rel} is not UTF-8: {e}"))
            .to_owned()
    };
    let chart = dir.join("chart");
    let values_path = chart.join("values.yaml");
    let values = file("values.yaml");
    std::fs::write(&values_path, &values).unwrap();
    std::fs::write(chart.join("values.schema.json"), file("values.schema.json")).unwrap();
    // Parsed once, as `portplan validate` parses it, for both checks.
    let parsed = check::parse_bytes(&values_path, values.clone().into_bytes())
        .unwrap_or_else(|f| panic!("values.yaml is not YAML: {f}\n{values}"));
    assert_eq!(
        parsed.value,
        portplan::render::values::values(&g.plan),
        "values.yaml does not read back as the plan's values:\n{values}"
    );
    if let Err(why) = validates_parsed(&values_path, parsed) {
        panic!("the chart's values break its own schema:\n{why}\nmodel:\n{text}");
    }
    let ports = g.files.get("ports.json").expect("gen writes ports.json");
    serde_json::from_slice::<serde_json::Value>(ports).expect("ports.json is JSON");
}

/// File names the scanner treats differently: the first input byte picks one.
pub const SCANNED_NAMES: &[&str] = &[
    "charts/loki/templates/service.yaml",
    "charts/loki/templates/_helpers.tpl",
    "charts/loki/values.yaml",
    "apps/alloy.alloy",
    "apps/argocd/application.yml",
    "grafana/datasources.json",
    "README.md",
];

fn lint_context() -> &'static Context {
    static CTX: OnceLock<Context> = OnceLock::new();
    CTX.get_or_init(|| {
        let lm = portplan::model::parse_model("portplan.yaml", REFERENCE.to_owned()).unwrap();
        let plan = portplan::plan::build_plan(&lm).unwrap();
        Context::new(plan, "portplan.yaml")
    })
}

/// Arbitrary file contents through `portplan lint`'s file rules, against the reference
/// model; the first byte picks the file name, since the name decides which rules read it.
pub fn scanner(data: &[u8]) {
    let Some((&pick, contents)) = data.split_first() else {
        return;
    };
    let path = SCANNED_NAMES[pick as usize % SCANNED_NAMES.len()];
    for f in portplan::lint::scan_file(lint_context(), path, contents) {
        assert_eq!(f.path(), path);
    }
}

struct Schemas {
    model: CompiledSchema,
    values: CompiledSchema,
}

fn schemas() -> &'static Schemas {
    static S: OnceLock<Schemas> = OnceLock::new();
    S.get_or_init(|| {
        let lm = portplan::model::parse_model("portplan.yaml", REFERENCE.to_owned()).unwrap();
        let generated = portplan::generate(&lm, &Options::default()).result.unwrap();
        let rel = format!("{}/values.schema.json", generated.plan.release);
        let bytes = generated
            .files
            .get(&rel)
            .expect("gen writes a values schema");
        // compile() reads a schema file, as `validate --schema` does.
        let dir = std::env::temp_dir().join(format!("portplan-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("values.schema.json");
        std::fs::write(&path, bytes).unwrap();
        let values = schema::compile(&SchemaSource::File(path)).unwrap();
        let _ = std::fs::remove_dir_all(dir);
        Schemas {
            model: schema::compile(&SchemaSource::Model).unwrap(),
            values,
        }
    })
}

/// Arbitrary YAML through `portplan validate`: parsed with positions, its schema detected,
/// checked against the built-in model schema and the reference chart's values.schema.json,
/// and both reports printed.
pub fn validate(data: &[u8]) {
    let s = schemas();
    let path = Path::new("/nonexistent/values.yaml");
    let file = match check::parse_bytes(path, data.to_vec()) {
        Ok(f) => f,
        Err(f) => {
            let _ = f.render(Style::plain());
            return;
        }
    };
    let _ = portplan::validate::detect::detect(path, &file.source, &file.value);
    let mut reports = Vec::new();
    for compiled in [&s.model, &s.values] {
        let violations = check::check(&file, compiled);
        for v in &violations {
            assert!(v.line >= 1 && v.column >= 1, "{v:?} has no position");
        }
        // Each report owns its file; parsing is deterministic, so the second parse succeeds.
        let file = check::parse_bytes(path, data.to_vec()).expect("parsed once already");
        reports.push(FileReport {
            path: "values.yaml".into(),
            outcome: Outcome::Checked {
                schema: compiled.source.display(),
                file: Box::new(file),
                violations,
            },
        });
    }
    let _ = format::text(&reports, Style::plain());
    let _ = format::json(&reports);
}

/// Bytes as a Parquet flow log (`portplan flows` on a `.parquet` file): the footer and every
/// row group are read; a file may be refused, and every batch of lines handed on ends with a
/// newline (the line splitter's contract).
pub fn parquet(data: &[u8]) {
    let Ok(log) = portplan::flows::parquet::from_bytes(data.to_vec()) else {
        return;
    };
    let _ = log.lines(|text, _| assert!(text.ends_with(b"\n"), "a batch cut mid-line"));
}
