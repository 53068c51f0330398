//! Object-store names: buckets, S3 regions and endpoints, Azure storage accounts.

use super::checked::string_rule;

string_rule!(
    /// A bucket (or Azure container) name, as S3 and GCS name them.
    Bucket,
    BucketRule,
    r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
    "a bucket name: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
    ["loki-v3-chunks", "abc", "my.bucket.1"],
    ["", "ab", "Loki", "-abc", "abc-", "a_b_c", "a b c"]
);

string_rule!(
    /// An S3 region (`eu-west-1`; MinIO accepts any such word).
    Region,
    RegionRule,
    r"^[a-z0-9][a-z0-9-]{0,62}$",
    "a region like `eu-west-1`: lowercase letters, digits and '-'",
    ["eu-west-1", "us-east-1", "minio"],
    ["", "EU.West:1", "eu west", "-eu"]
);

string_rule!(
    /// An S3-compatible endpoint, `host[:port]`.
    Endpoint,
    EndpointRule,
    r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?$",
    "an endpoint `host[:port]` like `minio.storage.svc:9000` (no scheme)",
    ["minio.storage.svc:9000", "s3.eu-west-1.amazonaws.com", "10.0.0.1:9000"],
    ["", "http://minio:9000", "minio:", "mi nio", "minio:123456"]
);

string_rule!(
    /// An Azure storage account name.
    AccountName,
    AccountNameRule,
    r"^[a-z0-9]{3,24}$",
    "an Azure storage account name: 3 to 24 lowercase letters and digits",
    ["lokistore", "abc", "store2024"],
    ["", "ab", "Loki", "loki-store", "abcdefghijabcdefghijabcde"]
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scalars::checked::check_rule;

    #[test]
    fn rules() {
        check_rule::<BucketRule>();
        check_rule::<RegionRule>();
        check_rule::<EndpointRule>();
        check_rule::<AccountNameRule>();
    }
}
