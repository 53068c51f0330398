//! Kubernetes names and words the pass-through pod settings carry: object names, label keys
//! and values, environment variable names, command-line flags, and the cloud identities a
//! ServiceAccount is annotated with. Each is checked where the model is read, so a value the
//! API server would refuse never reaches a chart.

use super::checked::string_rule;

string_rule!(
    /// A Kubernetes object name (DNS-1123 subdomain): a PriorityClass, a Secret, a
    /// ConfigMap, an image pull secret.
    ObjectName,
    ObjectNameRule,
    r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?){0,3}$",
    "a Kubernetes object name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
    ["high-priority", "loki-s3-credentials", "registry.example.com"],
    ["", "High", "-x", "x-", "a_b", "a b", "{{x}}"]
);

string_rule!(
    /// A label or annotation key: an optional DNS-subdomain prefix and `/`, then a name of up
    /// to 63 letters, digits, `-`, `_` and `.`.
    LabelKey,
    LabelKeyRule,
    r"^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$",
    "a label key like `team` or `example.com/team`: an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' and '.'",
    ["team", "example.com/team", "azure.workload.identity/use", "a"],
    ["", "/team", "Example.com/team", "team-", "a b", "a/b/c"]
);

string_rule!(
    /// A label value: empty, or up to 63 letters, digits, `-`, `_` and `.`, starting and
    /// ending with a letter or digit.
    LabelValue,
    LabelValueRule,
    r"^([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$",
    "a label value: up to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    ["", "loki", "v1.2", "true"],
    ["-x", "x-", "a b", "a/b"]
);

string_rule!(
    /// An environment variable name, as the API server accepts it.
    EnvName,
    EnvNameRule,
    r"^[-._A-Za-z][-._A-Za-z0-9]{0,255}$",
    "an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit",
    ["GOMAXPROCS", "JAEGER_AGENT_HOST", "my.var"],
    ["", "1X", "A B", "A=B"]
);

string_rule!(
    /// One command-line flag with its value, Go style: `-name`, `-name=value` (`--` too).
    ExtraArg,
    ExtraArgRule,
    r"^--?[A-Za-z0-9][A-Za-z0-9._-]*(=[^\x00-\x1f]*)?$",
    "a flag like `-log.level=debug` (one item per flag, its value after '=')",
    ["-log.level=debug", "-querier.max-concurrent=8", "--memory-file=/x", "-v"],
    ["", "log.level=debug", "-", "-a b", "-x=\n"]
);

string_rule!(
    /// An IAM role ARN for EKS IAM roles for service accounts (`eks.amazonaws.com/role-arn`).
    IamRoleArn,
    IamRoleArnRule,
    r"^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$",
    "an IAM role ARN like `arn:aws:iam::123456789012:role/loki`",
    ["arn:aws:iam::123456789012:role/loki", "arn:aws-cn:iam::123456789012:role/path/loki-s3"],
    ["", "arn:aws:iam::1234:role/loki", "arn:aws:s3:::bucket", "arn:aws:iam::123456789012:user/x", "arn:aws:iam::123456789012:role/a b"]
);

string_rule!(
    /// A Google service account e-mail for GKE workload identity (`iam.gke.io/gcp-service-account`).
    GcpServiceAccount,
    GcpServiceAccountRule,
    r"^[a-z]([a-z0-9-]{4,28}[a-z0-9])@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$",
    "a Google service account like `loki-gcs@my-project.iam.gserviceaccount.com` (an ID of 6 to 30 characters)",
    ["loki-gcs@my-project.iam.gserviceaccount.com", "loki-sa@prod-123456.iam.gserviceaccount.com"],
    ["", "loki@my-project.iam.gserviceaccount.com", "loki-gcs@my-project", "Loki-gcs@my-project.iam.gserviceaccount.com", "lo@my-project.iam.gserviceaccount.com"]
);

string_rule!(
    /// An Azure managed identity's client ID (a UUID) for Azure workload identity
    /// (`azure.workload.identity/client-id`).
    AzureClientId,
    AzureClientIdRule,
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "a client ID (UUID) like `00000000-1111-2222-3333-444444444444`",
    ["00000000-1111-2222-3333-444444444444", "6F9619FF-8B86-D011-B42D-00CF4FC964FF"],
    ["", "0000-1111", "00000000111122223333444444444444", "g0000000-1111-2222-3333-444444444444"]
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scalars::checked::check_rule;

    #[test]
    fn rules() {
        check_rule::<ObjectNameRule>();
        check_rule::<LabelKeyRule>();
        check_rule::<LabelValueRule>();
        check_rule::<EnvNameRule>();
        check_rule::<ExtraArgRule>();
        check_rule::<IamRoleArnRule>();
        check_rule::<GcpServiceAccountRule>();
        check_rule::<AzureClientIdRule>();
    }
}
