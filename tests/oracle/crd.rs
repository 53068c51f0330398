//! Custom resources checked against their CRD's published OpenAPI schema: the
//! prometheus-operator ServiceMonitor CRD in tests/data/prometheus-operator/ (see its
//! SOURCE.md), which kubernetes-validate does not know.

use std::sync::OnceLock;

use serde_json::Value;

use crate::common::root;

/// The `monitoring.coreos.com/v1` ServiceMonitor schema, made strict: every object that lists
/// its properties refuses others (a CRD's structural schema would silently prune them, which
/// hides a misspelt field just as well).
pub fn service_monitor_schema() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let path = root()
            .join("tests/data/prometheus-operator/monitoring.coreos.com_servicemonitors.yaml");
        let crd: Value = serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(crd["spec"]["names"]["kind"], "ServiceMonitor");
        let version = crd["spec"]["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == "v1")
            .expect("the CRD serves v1");
        let mut schema = version["schema"]["openAPIV3Schema"].clone();
        strict(&mut schema);
        jsonschema::draft4::new(&schema).expect("the CRD's schema compiles")
    })
}

/// Adds `additionalProperties: false` to every object schema with `properties` and no word
/// of its own on other keys.
fn strict(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (_, child) in m.iter_mut() {
                strict(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strict),
        _ => {}
    }
}

/// Every error the schema finds in one document, as `path: message` lines.
pub fn service_monitor_errors(doc: &Value) -> Vec<String> {
    service_monitor_schema()
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}
