//! The model: what a user writes in `portplan.yaml`.
//!
//! Every field is optional where a preset for the deployment mode can fill it; the [`crate::plan`]
//! resolves defaults and checks everything that spans more than one field. Unknown keys are
//! rejected so a typo never silently falls back to a default.

mod clients;
mod component;
mod kube;
mod load;
pub mod pod;
pub mod scalars;
mod types;

pub use crate::suggest::did_you_mean;
pub use clients::*;
pub use component::{Component, Mode};
pub use kube::KubeVersion;
pub use load::{LoadedModel, load_model, model_of, parse_model, typed};
pub use scalars::Port;
pub use types::*;

/// The model's JSON Schema (draft-07), as `portplan schema` prints it.
///
/// Beyond what the types say, the schema knows which components each mode runs, so an editor
/// flags a component of another mode too.
pub fn json_schema() -> serde_json::Value {
    let settings = schemars::generate::SchemaSettings::draft07();
    let schema = settings.into_generator().into_root_schema_for::<Model>();
    let mut schema = serde_json::to_value(schema).unwrap_or_default();
    let modes = [Mode::Monolithic, Mode::SimpleScalable, Mode::Distributed];
    let rules: Vec<serde_json::Value> = modes
        .iter()
        .map(|&mode| {
            let spellings: Vec<&str> = Mode::spellings()
                .filter(|s| Mode::from_spelling(s) == Some(mode))
                .collect();
            let names: Vec<&str> = mode.components().iter().map(|c| c.name()).collect();
            // (That a mode other than monolithic needs `storage` is left to the Plan, whose
            // message says why.)
            let then = serde_json::json!({
                "properties": { "components": { "propertyNames": { "enum": names } } }
            });
            serde_json::json!({
                "if": { "properties": { "mode": { "enum": spellings } }, "required": ["mode"] },
                "then": then,
            })
        })
        .collect();
    schema["allOf"] = serde_json::Value::Array(rules);
    schema
}
