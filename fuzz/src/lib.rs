//! What each fuzz target runs, shared with `tests/fuzz_regressions.rs` (which includes this
//! file), so a saved crashing input is replayed through exactly the code that found it.
//!
//! Each function takes arbitrary bytes and panics only on a bug: inputs portplan refuses
//! are fine, as long as refusing them (and printing why) does not panic.

use std::path::Path;
use std::sync::OnceLock;

use portplan::diag::Style;
use portplan::lint::Context;
use portplan::validate::{
    CompiledSchema, FileReport, Outcome, SchemaSource, check, report, schema,
};

/// The repository's reference model, which the scanner and the values schema come from.
const REFERENCE: &str = include_str!("../../portplan.yaml");

/// Model text -> parse -> plan -> render: what `portplan gen` does before writing. A model
/// that resolves must render: every valid plan renders without a panic.
pub fn model(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lm = match portplan::model::parse_model("fuzz.yaml", text.to_owned()) {
        Ok(lm) => lm,
        Err(f) => {
            let _ = f.render(Style::plain());
            return;
        }
    };
    // resolve() keeps going after errors (lint reads that Plan); build_plan() refuses one.
    let _ = portplan::plan::resolve(&lm);
    match portplan::plan::build_plan(&lm) {
        Ok(plan) => {
            let files = portplan::render::render(&plan, None)
                .unwrap_or_else(|e| panic!("a valid plan failed to render: {e}"));
            assert!(!files.is_empty());
        }
        Err(f) => {
            let _ = f.render(Style::plain());
        }
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
        let plan = portplan::plan::build_plan(&lm).unwrap();
        let files = portplan::render::render(&plan, None).unwrap();
        let rel = format!("{}/values.schema.json", plan.release);
        let bytes = files.get(&rel).expect("gen writes a values schema");
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
