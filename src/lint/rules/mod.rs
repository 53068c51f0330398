//! The lint rules: one file each, with the incident class it catches as its doc comment.
//! `docs/lint/<slug>.md` is each rule's page (a test checks every rule has one), and
//! `tests/cases/lint-rules/<slug>/` its good and bad fixtures (a test checks those too).

pub mod client_port_drift;
pub mod client_unknown_service;
pub mod memcached_port_flag;
pub mod mode_transition;
pub mod port_collision;
pub mod privileged_port;
pub mod probe_port_mismatch;
pub mod structured_metadata_needs_v13;
pub mod tail_limit_below_canaries;
pub mod traffic_distribution_missing;
pub mod traffic_distribution_unsupported;

pub use super::rule::{
    Check, Deferred, FileOutcome, FileRule, ModelRule, Reads, RuleInfo, SourceFile, Target,
};

/// Every rule, once, in the order the rule index (docs/lint/README.md) and SARIF's
/// `tool.driver.rules` list them. Everything that runs or lists rules reads this.
pub static ALL: &[&RuleInfo] = &[
    &memcached_port_flag::RULE,
    &client_port_drift::RULE,
    &client_unknown_service::RULE,
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

/// The model rules, in registry order.
pub fn model_rules() -> impl Iterator<Item = &'static dyn ModelRule> {
    ALL.iter().filter_map(|r| match r.check {
        Check::Model(m) => Some(m),
        Check::Files(_) => None,
    })
}

/// The file rules, in registry order.
pub fn file_rules() -> impl Iterator<Item = &'static dyn FileRule> {
    ALL.iter().filter_map(|r| match r.check {
        Check::Files(f) => Some(f),
        Check::Model(_) => None,
    })
}
