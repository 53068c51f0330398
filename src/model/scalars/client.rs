//! Values of the client configs portplan writes (Alloy's `loki.write`, Grafana datasources):
//! where a secret comes from, and the durations and sizes Alloy reads.
//!
//! A credential never enters the model: a client names the file or the environment variable
//! holding it, so the generated config can be committed.

use super::bounded::Bounded;
use super::checked::string_rule;

string_rule!(
    /// An environment variable's name, as `sys.env("...")` in Alloy reads it.
    EnvVarName,
    EnvVarNameRule,
    r"^[A-Za-z_][A-Za-z0-9_]{0,127}$",
    "an environment variable name: letters, digits and '_', not starting with a digit",
    ["LOKI_PASSWORD", "_X", "a1"],
    ["", "1X", "LOKI-PASSWORD", "A B", "X=1", "$X"]
);

string_rule!(
    /// An absolute path to a file in the client's container (a mounted Secret).
    SecretFile,
    SecretFileRule,
    r"^/[A-Za-z0-9_./-]{1,255}$",
    "an absolute file path of letters, digits and `_./-` (e.g. `/var/run/secrets/loki/password`)",
    ["/var/run/secrets/loki/password", "/etc/alloy/pw"],
    ["", "relative/path", "/", "/a b", "/a\"b", "/a{{b}}"]
);

string_rule!(
    /// A basic-auth user name (not a secret: it is written into the config).
    Username,
    UsernameRule,
    r"^[A-Za-z0-9_.@-]{1,128}$",
    "a user name of up to 128 letters, digits and `_.@-`",
    ["tenant-a", "123456", "alloy@example.com"],
    ["", "a b", "a:b", "a\"b"]
);

string_rule!(
    /// A Go duration, as Alloy reads them: `500ms`, `1s`, `5m`, `1h30m` (no days).
    GoDuration,
    GoDurationRule,
    r"^([0-9]{1,9}(ns|us|ms|s|m|h))+$",
    "a duration like `500ms`, `10s`, `5m` or `1h30m` (Go units: ns, us, ms, s, m, h)",
    ["500ms", "1s", "5m", "1h30m", "0s"],
    ["", "1d", "5", "1.5s", "-1s", "1 s"]
);

string_rule!(
    /// A byte size as Alloy's `batch_size` reads it: `1MiB`, `512KiB`, `2MB`.
    ByteSize,
    ByteSizeRule,
    r"^[0-9]{1,9}(B|KB|MB|GB|KiB|MiB|GiB)$",
    "a size like `1MiB`, `512KiB` or `2MB`",
    ["1MiB", "512KiB", "2MB", "100B"],
    ["", "1", "1 MiB", "1mib", "1.5MiB", "-1MiB"]
);

/// Retries of a failed push (Alloy's `max_backoff_retries`; 0 retries forever).
pub type Retries = Bounded<0, 1000>;

/// A query timeout in seconds (Grafana's datasource `timeout`).
pub type TimeoutSeconds = Bounded<1, 86_400>;

/// The most lines a Grafana datasource asks for per query (its `maxLines`).
pub type MaxLines = Bounded<1, 1_000_000>;

#[cfg(test)]
mod tests {
    use crate::model::scalars::checked::check_rule;

    #[test]
    fn rules() {
        check_rule::<super::EnvVarNameRule>();
        check_rule::<super::SecretFileRule>();
        check_rule::<super::UsernameRule>();
        check_rule::<super::GoDurationRule>();
        check_rule::<super::ByteSizeRule>();
    }
}
