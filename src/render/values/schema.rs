//! values.schema.json: generated from the value types, with the keys one plan's chart reads.

use serde_json::{Map, Value, json};

use super::types::*;
use crate::plan::Plan;

/// values.schema.json (draft-07): exactly the keys this chart's templates read.
pub fn schema(plan: &Plan, comment: &str) -> Value {
    let mut generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut props = Map::new();
    described(
        &mut props,
        "trafficDistribution",
        "Default spec.trafficDistribution of every ClusterIP Service; null leaves it unset.".into(),
        generator.subschema_for::<Option<TrafficDistributionValue>>(),
    );
    described(
        &mut props,
        "images",
        "Container images.".into(),
        generator.subschema_for::<ImagesValues>(),
    );
    described(
        &mut props,
        "loki",
        "Settings rendered into Loki's config file.".into(),
        generator.subschema_for::<LokiValues>(),
    );
    described(
        &mut props,
        "memberlist",
        "Memberlist (gossip ring).".into(),
        generator.subschema_for::<MemberlistValues>(),
    );
    described(
        &mut props,
        "serviceAccount",
        "The ServiceAccount of the Loki pods.".into(),
        generator.subschema_for::<ServiceAccountValues>(),
    );
    described(
        &mut props,
        "monitoring",
        "Prometheus monitoring.".into(),
        generator.subschema_for::<MonitoringValues>(),
    );
    let component = generator.subschema_for::<ComponentValues>().to_value();
    let persistence = generator.subschema_for::<PersistenceValues>().to_value();
    for c in &plan.components {
        // StatefulSets read `persistence` (their volume claim); Deployments have none.
        let volumes = if c.kind == crate::plan::WorkloadKind::StatefulSet {
            json!({ "required": ["persistence"], "properties": { "persistence": persistence } })
        } else {
            json!({ "not": { "required": ["persistence"] } })
        };
        // Only the components an autoscaler may scale read `autoscaling`.
        let scaled = if c.autoscaling.is_some() {
            json!({ "required": ["autoscaling"] })
        } else {
            json!({ "not": { "required": ["autoscaling"] } })
        };
        props.insert(
            c.values_key.to_owned(),
            json!({
                "description": format!("The {} ({}).", c.name, c.kind),
                "allOf": [component, volumes, scaled],
            }),
        );
    }
    described(
        &mut props,
        "gateway",
        "The nginx gateway.".into(),
        generator.subschema_for::<GatewayValues>(),
    );
    for c in &plan.caches {
        described(
            &mut props,
            c.values_key,
            format!("The {} (memcached).", c.name),
            generator.subschema_for::<CacheValues>(),
        );
    }
    if plan.canary.enabled {
        described(
            &mut props,
            "canary",
            "loki-canary.".into(),
            generator.subschema_for::<CanaryValues>(),
        );
    }
    // trafficDistribution may be null ("unset"), and Helm drops null keys before it checks
    // the schema: requiring it would refuse the chart's own values.
    let required: Vec<Value> = props
        .keys()
        .filter(|k| *k != "trafficDistribution")
        .cloned()
        .map(Value::String)
        .collect();
    let mut definitions = generator.take_definitions(true);
    // Only the trafficDistribution values this cluster's API accepts.
    if let Some(Value::Array(values)) = definitions
        .get_mut("TrafficDistributionValue")
        .and_then(|d| d.get_mut("enum"))
    {
        values.retain(|v| {
            v == "None"
                || v.as_str()
                    .and_then(crate::model::TrafficDistribution::from_api)
                    .and_then(|td| td.min_kube())
                    .is_some_and(|min| plan.kube_version >= min)
        });
    }
    props.insert(
        "global".into(),
        json!({ "description": "Values a parent chart shares with its subcharts.", "type": "object" }),
    );
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$comment": comment,
        "title": format!("Values of the {} chart", plan.release),
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": props,
        "definitions": definitions,
    })
}

/// Adds a property with a description (draft-07 ignores keywords beside `$ref`, so a
/// referenced schema is wrapped in `allOf`).
fn described(
    props: &mut Map<String, Value>,
    key: &str,
    description: String,
    schema: schemars::Schema,
) {
    let mut s = schema.to_value();
    let obj = s.as_object_mut().expect("subschemas are objects");
    if obj.contains_key("$ref") {
        s = json!({ "description": description, "allOf": [s] });
    } else {
        obj.insert("description".into(), Value::String(description));
    }
    props.insert(key.to_owned(), s);
}
