//! Reading `portplan.yaml`, in one pass over one tree: YAML is parsed once (with positions)
//! and typed; a tree the types refuse is explained by the model's JSON Schema (every
//! violation, sorted by position).
//!
//! The schema is generated from the same types that deserialise the tree, and each checked
//! scalar carries its rule into both (see [`super::scalars`]), so `portplan validate`, editors
//! and this loader give one verdict on every value.

use std::path::Path;
use std::sync::OnceLock;

use super::Model;
use crate::diag::{Diagnostic, Failure};
use crate::schema_check::Violation;
use crate::yaml::{Located, parse_located, yaml_error};

/// A model together with everything needed to report on it.
#[derive(Debug)]
pub struct LoadedModel {
    pub model: Model,
    /// The model's path as the user gave it; diagnostics and generated headers name it.
    pub path: String,
    pub source: String,
    pub located: Located,
}

impl LoadedModel {
    pub fn error_at_value(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, self.located.value_location(pointer), message)
    }

    pub fn error_at_key(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, self.located.key_location(pointer), message)
    }
}

/// Reads and parses a model file.
pub fn load_model(path: &Path) -> Result<LoadedModel, Failure> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        let mut f = Failure::plain(&shown, format!("cannot read the model: {e}"));
        if e.kind() == std::io::ErrorKind::NotFound {
            f.diagnostics[0].hint = Some(
                "run portplan in the folder that holds portplan.yaml, or pass --model PATH".into(),
            );
        }
        f
    })?;
    let source = crate::yaml::decode_utf8(&shown, bytes, "the model")
        .map_err(|d| Failure::new(vec![d], None))?;
    parse_model(&shown, source)
}

/// The model's schema, compiled once per process.
fn validator() -> &'static (serde_json::Value, jsonschema::Validator) {
    static SCHEMA: OnceLock<(serde_json::Value, jsonschema::Validator)> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let document = super::json_schema();
        // The generated schema is a constant of this build; a test compiles it.
        let validator = jsonschema::validator_for(&document)
            .unwrap_or_else(|e| panic!("the model's own schema does not compile: {e}"));
        (document, validator)
    })
}

/// Parses model text; `path` is only used in messages.
pub fn parse_model(path: &str, source: String) -> Result<LoadedModel, Failure> {
    let located = parse_located(&source).map_err(|e| {
        let d = yaml_error(path, &source, &e);
        Failure::new(vec![d], Some(source.clone()))
    })?;
    typed(path, source, located)
}

/// Types a parsed tree; see [`model_of`].
pub fn typed(path: &str, source: String, located: Located) -> Result<LoadedModel, Failure> {
    match model_of(&located, &source) {
        Ok(model) => Ok(LoadedModel {
            model,
            path: path.to_owned(),
            source,
            located,
        }),
        Err(violations) => {
            let diagnostics = violations
                .into_iter()
                .map(|v| Diagnostic::error(path, v.location(), v.message))
                .collect();
            Err(Failure::new(diagnostics, Some(source)))
        }
    }
}

/// The tree as a [`Model`], or every reason it is not one, sorted by position.
///
/// The types accept exactly what the model's schema accepts (its per-mode component lists
/// aside, which the Plan checks with a message that says which mode a component belongs to):
/// a tree they refuse is explained by the schema, so the user sees every violation at once.
/// Typing first keeps a good model cheap: compiling the schema costs more than everything
/// else `gen` does, and only a refused tree needs it.
pub fn model_of(located: &Located, source: &str) -> Result<Model, Vec<Violation>> {
    let whole = |keyword: &str, message: String| Violation {
        message,
        pointer: String::new(),
        line: 1,
        column: 1,
        keyword: keyword.to_owned(),
    };
    if !located.value.is_object() {
        let m = "expected a mapping with at least `release`, `namespace` and `mode`";
        return Err(vec![whole("type", m.to_owned())]);
    }
    let refused = match serde_json::from_value::<Model>(located.value.clone()) {
        Ok(model) => return Ok(model),
        Err(e) => e,
    };
    let (document, validator) = validator();
    let violations = crate::schema_check::violations(validator, document, located, source, false);
    if violations.is_empty() {
        // tests/trust.rs rules this out over a corpus and its mutations.
        let m = format!("the model's schema accepted this file but its types did not: {refused}");
        return Err(vec![whole("type", m)]);
    }
    Err(violations)
}
