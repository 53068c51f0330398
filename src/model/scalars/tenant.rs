//! A Loki tenant ID (`X-Scope-OrgID`): up to 150 of `A-Za-z0-9_.-`, and not `.` or `..`
//! (Loki uses the tenant as a path element).

use super::checked::string_rule;

string_rule!(
    /// A Loki tenant ID.
    Tenant,
    TenantRule,
    r"^([A-Za-z0-9_-][A-Za-z0-9_.-]{0,149}|\.[A-Za-z0-9_-]|\.[A-Za-z0-9_.-]{2,149})$",
    "a Loki tenant ID: up to 150 of a-z, A-Z, 0-9, '_', '.', '-', and not `.` or `..`",
    ["fake", "team-a", "self-monitoring", ".x", "...", "a.b_c-D"],
    ["", ".", "..", "team a", "t/x", "tenant|other"]
);

#[cfg(test)]
mod tests {
    #[test]
    fn rule() {
        crate::model::scalars::checked::check_rule::<super::TenantRule>();
        assert!(super::Tenant::new("a".repeat(150)).is_ok());
        assert!(super::Tenant::new("a".repeat(151)).is_err());
    }
}
