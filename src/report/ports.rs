//! The port map, for people (table), flow-log tooling (CSV) and scripts (JSON).

use super::{columns, to_json};
use crate::plan::Plan;

pub fn table(plan: &Plan) -> String {
    let mut rows = vec![
        vec!["COMPONENT", "NAME", "PORT", "PROTOCOL", "SERVICE"]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>(),
    ];
    for p in &plan.ports {
        rows.push(vec![
            p.component.into(),
            p.name.into(),
            p.port.to_string(),
            p.protocol.into(),
            p.service.clone(),
        ]);
    }
    columns(&rows)
}

pub fn json(plan: &Plan) -> String {
    to_json(&plan.ports)
}

/// ports.json as `gen` writes it: the port map and the network zones, with a `$comment`
/// saying it is generated.
pub fn json_document(plan: &Plan, comment: &str) -> String {
    to_json(&serde_json::json!({
        "$comment": comment,
        "release": plan.release,
        "namespace": plan.namespace,
        "ports": plan.ports,
        "zones": plan.zones,
    }))
}

/// RFC 4180 CSV with a header row. Every field is a validated name or a number, so none
/// needs quoting.
pub fn csv(plan: &Plan) -> String {
    let mut out = String::from("component,name,port,protocol,service,fqdn\n");
    for p in &plan.ports {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            p.component, p.name, p.port, p.protocol, p.service, p.fqdn
        ));
    }
    out
}
