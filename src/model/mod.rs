//! The model: what a user writes in `portplan.yaml`.
//!
//! Every field is optional where a preset for the deployment mode can fill it; the [`crate::plan`]
//! resolves defaults and checks everything that spans more than one field. Unknown keys are
//! rejected so a typo never silently falls back to a default.

mod component;
mod kube;
mod load;
mod names;
mod types;

pub use crate::suggest::did_you_mean;
pub use component::{Component, Mode};
pub use kube::KubeVersion;
pub use load::{LoadedModel, load_model, parse_model};
pub use names::{check_dns1035_label, check_dns1123_subdomain};
pub use types::*;

/// The model's JSON Schema (draft-07), as `portplan schema` prints it.
pub fn json_schema() -> serde_json::Value {
    let settings = schemars::generate::SchemaSettings::draft07();
    let schema = settings.into_generator().into_root_schema_for::<Model>();
    serde_json::to_value(schema).expect("a schema is always serialisable")
}
