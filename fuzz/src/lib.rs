//! What each fuzz target runs, shared with `tests/fuzz_regressions.rs` (which includes this
//! file), so a saved crashing input is replayed through exactly the code that found it.
//!
//! Each function takes arbitrary bytes and panics only on a bug: inputs portplan refuses
//! are fine, as long as refusing them (and printing why) does not panic.

use std::path::Path;
use std::sync::OnceLock;

use portplan::diag::Style;
use portplan::generate::Options;
use portplan::lint::Context;
use portplan::validate::{
    CompiledSchema, FileReport, Outcome, SchemaSource, check, report, schema,
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
    generate_text(text);
}

/// Parses `text` as the model file and runs the gen entry point on it, as `portplan gen`
/// does; prints every message as the CLI would. Returns whether it generated. Panics when
/// gen and the plan disagree on the verdict, or when a valid plan does not render.
fn generate_text(text: &str) -> bool {
    let lm = match portplan::model::parse_model("fuzz.yaml", text.to_owned()) {
        Ok(lm) => lm,
        Err(f) => {
            let _ = f.render(Style::plain());
            return false;
        }
    };
    // The verdict `portplan plan` gives; gen runs lint's model rules first, which refuse
    // only what build_plan refuses too.
    let planned = portplan::plan::build_plan(&lm);
    let generation = portplan::generate(&lm, &Options::default());
    let _ = generation.notices(&lm, Style::plain());
    match (generation.result, planned) {
        (Ok(generated), Ok(_)) => {
            assert!(!generated.files.is_empty());
            true
        }
        (Err(f), Err(_)) => {
            let _ = f.render(Style::plain());
            false
        }
        (Err(f), Ok(_)) => panic!("a valid plan did not generate: {f}"),
        (Ok(_), Err(f)) => panic!("gen generated a model the plan refuses: {f}"),
    }
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
    let _ = portplan::validate::detect::detect(path, &file.source, &file.located.value);
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
    let _ = report::text(&reports, Style::plain());
    let _ = report::json(&reports);
}
