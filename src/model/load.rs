//! Reading `portplan.yaml`: YAML syntax and types first (serde), then the located tree that
//! later checks use to point at the exact key or value they are about.

use std::path::Path;

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

/// Parses model text; `path` is only used in messages.
pub fn parse_model(path: &str, source: String) -> Result<LoadedModel, Failure> {
    let fail = |d: Diagnostic, src: &String| Failure::new(vec![d], Some(src.clone()));
    let located =
        parse_located(&source).map_err(|e| fail(yaml_error(path, &source, &e), &source))?;
    if !located.value.is_object() {
        let d = Diagnostic::error(
            path,
            Location::new(1, 1),
            "expected a mapping with at least `release`, `namespace` and `mode`",
        );
        return Err(fail(d, &source));
    }
    let model: Model = serde_saphyr::from_str_with_options(&source, crate::yaml::options())
        .map_err(|e| fail(yaml_error(path, &source, &e), &source))?;
    Ok(LoadedModel {
        model,
        path: path.to_owned(),
        source,
        located,
    })
}
