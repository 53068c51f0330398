//! A duration as Loki reads them (Prometheus style): `30d`, `744h`, `1h30m`.

use super::checked::string_rule;

string_rule!(
    /// A Prometheus-style duration.
    Duration,
    DurationRule,
    r"^([0-9]{1,9}(ms|s|m|h|d|w|y))+$",
    "a duration like `744h`, `30d` or `1h30m`",
    ["744h", "30d", "1h30m", "0s", "500ms"],
    ["", "30", "d", "1 h", "1.5h", "-1h", "30days"]
);

#[cfg(test)]
mod tests {
    #[test]
    fn rule() {
        crate::model::scalars::checked::check_rule::<super::DurationRule>();
    }
}
