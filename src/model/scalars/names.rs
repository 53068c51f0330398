//! Names that are not Kubernetes object names: zones, datasources, index prefixes.

use super::checked::string_rule;

string_rule!(
    /// A network zone's name (`eu-west-1a`, `zone_a`).
    ZoneName,
    ZoneNameRule,
    r"^[A-Za-z0-9_-]{1,63}$",
    "a zone name: up to 63 letters, digits, '-' and '_'",
    ["eu-west-1a", "zone_a", "a"],
    ["", "zone a", "eu.west", "z/1"]
);

string_rule!(
    /// An AWS availability-zone ID, as flow logs' `az-id` field carries it (`euw1-az1`, the
    /// same physical zone in every account, unlike the zone names).
    AzId,
    AzIdRule,
    r"^[a-z]{2,5}[0-9]{1,2}(-[a-z]{3}[0-9]{1,2})?-az[0-9]{1,2}$",
    "an availability-zone ID like `euw1-az1` or `usw2-lax1-az1`",
    ["euw1-az1", "use1-az6", "apne1-az4", "usw2-lax1-az1"],
    ["", "eu-west-1a", "euw1-az", "EUW1-AZ1", "euw1_az1"]
);

string_rule!(
    /// A Grafana datasource's display name.
    DatasourceName,
    DatasourceNameRule,
    r"^[A-Za-z0-9][A-Za-z0-9 _.()-]{0,99}$",
    "a datasource name: up to 100 letters, digits, spaces and `_.()-`, starting with a letter or digit",
    ["Loki", "Loki (gateway)", "loki-eu.1"],
    ["", " Loki", "Loki\n", "Lo\"ki", "Lo{{ki}}"]
);

string_rule!(
    /// A Loki index table prefix.
    IndexPrefix,
    IndexPrefixRule,
    r"^[a-z0-9_]{1,64}$",
    "an index prefix: up to 64 lowercase letters, digits and '_' (e.g. `loki_index_`)",
    ["loki_index_", "index_", "x"],
    ["", "Loki_", "loki-index", "a b"]
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scalars::checked::check_rule;

    #[test]
    fn rules() {
        check_rule::<ZoneNameRule>();
        check_rule::<DatasourceNameRule>();
        check_rule::<IndexPrefixRule>();
    }
}
