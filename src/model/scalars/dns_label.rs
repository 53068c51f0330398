//! Kubernetes names: a DNS-1035 label, as Services and namespaces need. A name that passes is
//! safe as literal text in a Helm template: no `{{`, quotes, spaces, newlines or `/`.

use super::checked::string_rule;

/// The label rule with its length bound, shared by both types.
macro_rules! label {
    ($max:literal) => {
        concat!("^[a-z]([-a-z0-9]{0,", $max, "}[a-z0-9])?$")
    };
}

string_rule!(
    /// A DNS-1035 label of at most 63 characters: a namespace, an Alloy client's name.
    DnsLabel,
    DnsLabelRule,
    label!(61),
    "a DNS-1035 label: at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (e.g. `loki-v3`)",
    ["loki", "loki-v3", "a", "on", "a1"],
    ["", "Loki", "3loki", "loki-", "lo{{ki", "lo ki", "lo.ki", "loki\n"]
);

string_rule!(
    /// A Helm release name: a DNS-1035 label of at most 40 characters, so that
    /// `<release>-query-scheduler-headless` still fits the 63 of a Service name.
    ReleaseName,
    ReleaseRule,
    label!(38),
    "a release name: a DNS-1035 label of at most 40 lowercase letters, digits and '-', starting with a letter (e.g. `loki-v3`)",
    ["loki", "loki-v3", "l"],
    ["", "Loki", "3loki", "loki-", "abcdefghijabcdefghijabcdefghijabcdefghijx"]
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scalars::checked::check_rule;

    #[test]
    fn rules() {
        check_rule::<DnsLabelRule>();
        check_rule::<ReleaseRule>();
        assert!(DnsLabel::new("a".repeat(63)).is_ok());
        assert!(DnsLabel::new("a".repeat(64)).is_err());
        assert!(ReleaseName::new("a".repeat(40)).is_ok());
        assert!(ReleaseName::new("a".repeat(41)).is_err());
    }
}
