//! Reading `portplan.yaml`, in one pass over one tree: YAML is parsed once (with positions),
//! the tree is checked against the model's JSON Schema (every violation, sorted by position),
//! and only a tree the schema accepts is turned into a [`Model`].
//!
//! The schema is generated from the same types that deserialise the tree, and each checked
//! scalar carries its rule into both (see [`super::scalars`]), so `portplan validate`, editors
//! and this loader give one verdict on every value.

use std::path::Path;
use std::sync::OnceLock;

use super::Model;
use crate::diag::{Diagnostic, Failure};
use crate::yaml::{Located, Location, parse_located, yaml_error};

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
    let fail = |d: Vec<Diagnostic>, src: &String| Failure::new(d, Some(src.clone()));
    let located =
        parse_located(&source).map_err(|e| fail(vec![yaml_error(path, &source, &e)], &source))?;
    if !located.value.is_object() {
        let d = Diagnostic::error(
            path,
            Location::new(1, 1),
            "expected a mapping with at least `release`, `namespace` and `mode`",
        );
        return Err(fail(vec![d], &source));
    }
    let (document, validator) = validator();
    let violations = crate::schema_check::violations(validator, document, &located, &source, false);
    if !violations.is_empty() {
        let diagnostics = violations
            .into_iter()
            .map(|v| Diagnostic::error(path, v.location(), v.message))
            .collect();
        return Err(fail(diagnostics, &source));
    }
    typed(path, source, located)
}

/// Types a tree that the model's schema has accepted (as [`parse_model`] and `validate` have
/// checked it), without parsing or checking it again.
pub fn typed(path: &str, source: String, located: Located) -> Result<LoadedModel, Failure> {
    // The schema is generated from these types: this cannot fail unless the two disagree,
    // which tests/trust.rs rules out over a corpus and its mutations.
    let model: Model = match serde_json::from_value(located.value.clone()) {
        Ok(m) => m,
        Err(e) => {
            let d = Diagnostic::error(
                path,
                Location::new(1, 1),
                format!("the model's schema accepted this file but its types did not: {e}"),
            );
            return Err(Failure::new(vec![d], Some(source)));
        }
    };
    Ok(LoadedModel {
        model,
        path: path.to_owned(),
        source,
        located,
    })
}
