//! `structured-metadata-needs-v13`: structured metadata on while the newest schema period is
//! not tsdb with schema v13.
//!
//! Loki stores structured metadata only in v13 chunks with the tsdb index. With
//! `allow_structured_metadata: true` (the default since Loki 3.0) and an older active
//! period, Loki refuses to start: "schema v13 is required to store Structured Metadata and
//! use native OTLP ingestion". This is what stopped the small cluster's monolithic
//! migration: an existing v11 store, structured metadata left on.
//!
//! The Plan refuses such a model (`plan/checks.rs`); lint reports the same diagnostics as
//! findings of this rule.

use super::{Check, ModelRule, RuleInfo};
use crate::diag::Severity;
use crate::lint::Finding;
use crate::plan::Resolution;

pub static RULE: RuleInfo = RuleInfo {
    slug: "structured-metadata-needs-v13",
    severity: Severity::Error,
    summary: "structured metadata is on but the newest schema period is not tsdb/v13",
    fix: "add a schema period with store: tsdb, schema: v13 from a future date, or set structuredMetadata: false",
    check: Check::Model(&StructuredMetadataNeedsV13),
};

/// Reports the Plan's structured-metadata diagnostics.
struct StructuredMetadataNeedsV13;

impl ModelRule for StructuredMetadataNeedsV13 {
    fn check(&self, res: &Resolution, out: &mut Vec<Finding>) {
        out.extend(
            res.structured_metadata
                .iter()
                .map(|d| Finding::new(&RULE, d.clone())),
        );
    }
}
