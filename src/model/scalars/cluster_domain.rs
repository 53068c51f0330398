//! The cluster's DNS domain: an RFC 1123 subdomain such as `cluster.local`.

use super::checked::string_rule;

string_rule!(
    /// A cluster DNS domain (RFC 1123 subdomain, labels of at most 63 characters).
    ClusterDomain,
    ClusterDomainRule,
    r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$",
    "a DNS domain like `cluster.local`: dot-separated labels of lowercase letters, digits and '-'",
    ["cluster.local", "k8s.example.com", "local"],
    ["", "cluster..local", ".local", "local.", "Cluster.local", "-a.local", "a b"]
);

#[cfg(test)]
mod tests {
    #[test]
    fn rule() {
        crate::model::scalars::checked::check_rule::<super::ClusterDomainRule>();
    }
}
