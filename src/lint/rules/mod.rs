//! The lint rules: one file each, with the incident class it catches as its doc comment.
//! `docs/lint/<slug>.md` is each rule's page (a test checks every rule has one).

pub mod client_port_drift;
pub mod memcached_port_flag;
pub mod mode_transition;
pub mod port_collision;
pub mod privileged_port;
pub mod probe_port_mismatch;
pub mod structured_metadata_needs_v13;
pub mod tail_limit_below_canaries;
pub mod traffic_distribution_missing;
pub mod traffic_distribution_unsupported;

use crate::diag::Severity;

/// What a rule reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The model and its Plan.
    Model,
    /// Files under the PATHs given to `lint` (charts, client configs, any text).
    Files,
}

/// A rule's identity and documentation, as the output formats present it.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable identifier: `client-port-drift`.
    pub slug: &'static str,
    /// The severity of its findings (a rule may report a lesser one in a specific case).
    pub severity: Severity,
    pub target: Target,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The fix in general, when a finding has no more specific hint.
    pub fix: &'static str,
}

impl RuleInfo {
    /// The rule's documentation page, relative to the repository root.
    pub fn doc_path(&self) -> String {
        format!("docs/lint/{}.md", self.slug)
    }
}

/// Every rule, in the order the rule index lists them.
pub const ALL: &[&RuleInfo] = &[
    &memcached_port_flag::RULE,
    &client_port_drift::RULE,
    &traffic_distribution_missing::RULE,
    &traffic_distribution_unsupported::RULE,
    &tail_limit_below_canaries::RULE,
    &structured_metadata_needs_v13::RULE,
    &mode_transition::RULE,
    &probe_port_mismatch::RULE,
    &port_collision::RULE,
    &privileged_port::RULE,
];

/// The rule named `slug`.
pub fn by_slug(slug: &str) -> Option<&'static RuleInfo> {
    ALL.iter().copied().find(|r| r.slug == slug)
}
