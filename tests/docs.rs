//! docs/model.md and the model's schema cannot drift: every documented section lists exactly
//! the properties of its schema definition, and every definition is documented.

use crate::common::root;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

fn documented_sections(doc: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        if let Some(rest) = line.strip_prefix("<!-- schema: ") {
            let name = rest.trim_end_matches(" -->").trim().to_owned();
            out.entry(name.clone()).or_default();
            current = Some(name);
        } else if line.starts_with('#') {
            current = None;
        } else if let (Some(sec), Some(rest)) = (&current, line.strip_prefix("| `"))
            && let Some((key, _)) = rest.split_once('`')
        {
            out.get_mut(sec).unwrap().insert(key.to_owned());
        }
    }
    out
}

#[test]
fn model_reference_matches_schema() {
    let doc = std::fs::read_to_string(root().join("docs/model.md")).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schema/portplan.schema.json")).unwrap(),
    )
    .unwrap();
    let sections = documented_sections(&doc);

    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let keys = |v: &Value| {
        v["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect::<BTreeSet<_>>())
    };
    expected.insert("root".into(), keys(&schema).unwrap());
    for (name, def) in schema["definitions"].as_object().unwrap() {
        if let Some(k) = keys(def) {
            expected.insert(name.clone(), k);
        }
    }
    for (name, props) in &expected {
        let got = sections
            .get(name)
            .unwrap_or_else(|| panic!("docs/model.md has no section for {name}"));
        assert_eq!(got, props, "docs/model.md section {name} vs the schema");
    }
    for name in sections.keys() {
        assert!(
            expected.contains_key(name),
            "docs/model.md documents {name}, which the schema does not have"
        );
    }

    // Every enum value a user can write is named in the reference.
    for def in schema["definitions"].as_object().unwrap().values() {
        let values = def["enum"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .chain(
                def["oneOf"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|v| v.get("const").cloned()),
            );
        for v in values {
            let v = v.as_str().unwrap();
            assert!(
                doc.contains(&format!("`{v}`")),
                "docs/model.md never names the value `{v}`"
            );
        }
    }
}
