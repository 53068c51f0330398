//! `structured-metadata-needs-v13`: structured metadata on while the newest schema period is
//! not tsdb with schema v13.
//!
//! Loki stores structured metadata only in v13 chunks with the tsdb index. With
//! `allow_structured_metadata: true` (the default since Loki 3.0) and an older active
//! period, Loki refuses to start: "schema v13 is required to store Structured Metadata and
//! use native OTLP ingestion". This is what stopped the small cluster's monolithic
//! migration: an existing v11 store, structured metadata left on.

use super::{RuleInfo, Target};
use crate::diag::{Diagnostic, Severity};
use crate::lint::Finding;
use crate::model::LoadedModel;
use crate::plan::Plan;

pub const RULE: RuleInfo = RuleInfo {
    slug: "structured-metadata-needs-v13",
    severity: Severity::Error,
    target: Target::Model,
    summary: "structured metadata is on but the newest schema period is not tsdb/v13",
    fix: "add a schema period with store: tsdb, schema: v13 from a future date, or set structuredMetadata: false",
};

/// Errors when the last period cannot hold structured metadata.
pub fn check(lm: &LoadedModel, plan: &Plan, out: &mut Vec<Finding>) {
    if !plan.structured_metadata {
        return;
    }
    let Some(last) = plan.schema_config.last() else {
        return;
    };
    if last.schema == "v13" && last.store == "tsdb" {
        return;
    }
    let i = plan.schema_config.len() - 1;
    let key = if last.schema != "v13" {
        "schema"
    } else {
        "store"
    };
    let at = lm
        .located
        .value_location(&format!("/schemaConfig/{i}/{key}"));
    let what = match (last.schema == "v13", last.store == "tsdb") {
        (false, false) => format!("schema {} with {}", last.schema, last.store),
        (false, true) => format!("schema {}", last.schema),
        _ => format!("the {} index", last.store),
    };
    let on = if lm.located.contains("/structuredMetadata") {
        "structuredMetadata is true"
    } else {
        "structured metadata is on by default"
    };
    let mut d = Diagnostic::error(
        &lm.path,
        at,
        format!(
            "{on}, but the newest schema period (from {}) uses {what}: Loki refuses to start (\"schema v13 is required to store Structured Metadata\")",
            last.from
        ),
    )
    .with_hint(
        "add a period `{from: <a date after the rollout>, store: tsdb, schema: v13}`, or set `structuredMetadata: false`",
    );
    if lm.located.contains("/structuredMetadata") {
        d = d.with_related(
            &lm.path,
            lm.located.value_location("/structuredMetadata"),
            "structured metadata is turned on here",
        );
    }
    out.push(Finding::new(&RULE, d));
}
