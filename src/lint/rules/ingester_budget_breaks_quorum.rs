//! `ingester-budget-breaks-quorum`: the ingesters' PodDisruptionBudget lets more ingesters
//! be evicted at once than the write quorum tolerates.
//!
//! Loki writes every stream to `replication_factor` ingesters (3) and a push succeeds when a
//! quorum (2) acknowledge it. A node drain evicts as many pods as the budget allows: with
//! `maxUnavailable: 2` two of a stream's three ingesters can be gone together, and pushes
//! for every stream on both fail with "at least 2 live replicas required" until they are
//! back. Zone-aware ingesters are exempt: each zone has a budget of its own and a stream's
//! copies are in different zones.
//!
//! The check lives in the Plan (`plan/resolve/workloads.rs`), which keeps these warnings
//! apart in the `Resolution`; `gen` prints them, lint reports them as this rule's findings.

use super::{Check, ModelRule, RuleInfo};
use crate::diag::Severity;
use crate::lint::Finding;
use crate::plan::Resolution;

pub static RULE: RuleInfo = RuleInfo {
    slug: "ingester-budget-breaks-quorum",
    severity: Severity::Warning,
    summary: "the ingesters' disruption budget allows evicting more ingesters than the write quorum tolerates",
    fix: "set components.ingester.podDisruptionBudget.maxUnavailable to 1, or make the ingesters zone-aware",
    check: Check::Model(&IngesterBudgetBreaksQuorum),
};

/// Reports the Plan's disruption-budget diagnostics.
struct IngesterBudgetBreaksQuorum;

impl ModelRule for IngesterBudgetBreaksQuorum {
    fn check(&self, res: &Resolution, out: &mut Vec<Finding>) {
        out.extend(
            res.disruption_budget
                .iter()
                .map(|d| Finding::new(&RULE, d.clone())),
        );
    }
}
