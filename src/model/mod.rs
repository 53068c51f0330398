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
mod storage;
mod types;

pub use crate::suggest::did_you_mean;
pub use clients::*;
pub use component::{Component, Mode, Stage, StageError, TRANSITION_SLOT_OFFSET};
pub use kube::KubeVersion;
pub use load::{LoadedModel, load_model, model_of, parse_model, typed};
pub use scalars::Port;
pub use storage::*;
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
    let spellings_of = |mode: Mode| -> Vec<&'static str> {
        Mode::spellings()
            .filter(|s| Mode::from_spelling(s) == Some(mode))
            .collect()
    };
    let names_of = |modes: &[Mode]| -> Vec<&'static str> {
        modes
            .iter()
            .flat_map(|m| m.components().iter().map(|c| c.name()))
            .collect()
    };
    let components_only = |names: Vec<&'static str>| {
        serde_json::json!({
            "properties": { "components": { "propertyNames": { "enum": names } } }
        })
    };
    let mut rules: Vec<serde_json::Value> = Vec::new();
    for &mode in &modes {
        // (That a mode other than monolithic needs `storage` is left to the Plan, whose
        // message says why.)
        let neighbours: Vec<Mode> = modes
            .iter()
            .copied()
            .filter(|&to| Stage::new(mode, to).is_ok())
            .collect();
        let neighbour_spellings: Vec<&str> =
            neighbours.iter().flat_map(|&m| spellings_of(m)).collect();
        // One mode: its own components. With `transition:`, a neighbour only.
        rules.push(serde_json::json!({
            "if": {
                "properties": { "mode": { "enum": spellings_of(mode) } },
                "required": ["mode"],
                "not": { "required": ["transition"] }
            },
            "then": components_only(names_of(&[mode])),
        }));
        rules.push(serde_json::json!({
            "if": { "properties": { "mode": { "enum": spellings_of(mode) } }, "required": ["mode", "transition"] },
            "then": { "properties": { "transition": { "enum": neighbour_spellings } } },
        }));
        for to in neighbours {
            rules.push(serde_json::json!({
                "if": {
                    "properties": {
                        "mode": { "enum": spellings_of(mode) },
                        "transition": { "enum": spellings_of(to) }
                    },
                    "required": ["mode", "transition"]
                },
                "then": components_only(names_of(&[mode, to])),
            }));
        }
    }
    // The community chart's transitional spellings name both modes; `transition:` beside
    // them would say it twice.
    for (from, to) in [
        (Mode::Monolithic, Mode::SimpleScalable),
        (Mode::SimpleScalable, Mode::Distributed),
    ] {
        let spellings: Vec<&str> = Stage::transition_spellings(from, to).collect();
        let mut then = components_only(names_of(&[from, to]));
        then["properties"]["transition"] = serde_json::json!(false);
        rules.push(serde_json::json!({
            "if": { "properties": { "mode": { "enum": spellings } }, "required": ["mode"] },
            "then": then,
        }));
    }
    schema["allOf"] = serde_json::Value::Array(rules);
    schema
}
