//! The values each field draws from, and the choices that pick among them.

use super::*;

/// Strings that break naive YAML writers, template engines and shells, concatenated into
/// the occasional hostile value.
pub(crate) const HOSTILE: &[&str] = &[
    "on",
    "off",
    "yes",
    "no",
    "y",
    "n",
    "null",
    "Null",
    "~",
    "true",
    "False",
    "0o17",
    "017",
    "0x1F",
    "1e3",
    "1_000",
    ".inf",
    "-.nan",
    "+1",
    "1.30",
    "{{",
    "}}",
    "{{ .Values.x }}",
    "{{- include \"loki.fullname\" . }}",
    "{{/*",
    "[[",
    "]]",
    "[%",
    "'",
    "\"",
    "\\",
    "\n",
    "\r\n",
    "\t",
    " ",
    ": ",
    "- ",
    " #",
    "&a",
    "*a",
    "!!str",
    "!!binary",
    "%YAML",
    "@",
    "`",
    "|",
    ">",
    "[",
    "]",
    "{",
    "}",
    ",",
    "?",
    "<<",
    "---",
    "...",
    "\u{0}",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "\u{feff}",
    "é",
    "日本",
    "🙂",
    "$(id)",
    "${HOME}",
    "../",
    "/",
    "%2e",
    "loki",
    "logs",
    "a",
    "-",
    ".",
    "_",
];

/// A kind of string value: the values a field usually holds, and a few just past its rule.
pub trait Kind {
    /// Values portplan accepts; the first is what a run out of input gets.
    fn valid() -> &'static [&'static str];
    /// Values just past the rule (one character, one unit, one case too far).
    fn invalid() -> &'static [&'static str];
    /// Whether a plain spelling of a valid value would read as a number (`1.30` is 1.3), so
    /// it is usually quoted.
    const NUMERIC: bool = false;
    /// Whether the model's own type for this field accepts `word` (see
    /// [`check_dictionaries`]).
    fn accepts(word: &str) -> bool;
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident: $ty:ty $(, $numeric:literal)? =
        [$($w:expr),+ $(,)?] / [$($x:expr),* $(,)?];)+) => {
        $(
            $(#[$doc])*
            pub enum $name {}
            impl Kind for $name {
                fn valid() -> &'static [&'static str] {
                    &[$($w),+]
                }
                fn invalid() -> &'static [&'static str] {
                    &[$($x),*]
                }
                $(const NUMERIC: bool = $numeric;)?
                fn accepts(word: &str) -> bool {
                    serde_json::from_value::<$ty>(serde_json::Value::String(word.into())).is_ok()
                }
            }
        )+
        /// Every string kind declared here, through [`check_kind`].
        fn check_string_kinds() {
            $(check_kind::<$name>(stringify!($name));)+
        }
    };
}

kinds! {
    /// Release names (DNS-1035 labels; long ones push Service names to the limit).
    Release: portplan::model::scalars::ReleaseName = ["loki", "loki-v3", "l", "observability",
        "team-a-logs", "loki-with-a-release-name-of-forty-charsx"]
        / ["Loki", "1loki", "loki-", "lo_ki", "loki-with-a-release-name-of-forty-one-chx"];
    /// Namespaces and Alloy client names (DNS-1035 labels).
    Label: portplan::model::scalars::DnsLabel = ["logs", "loki", "observability", "a",
        "monitoring", "ns-1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]
        / ["Logs", "a_b", "-a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"];
    /// Cluster DNS domains.
    Domain: portplan::model::scalars::ClusterDomain = ["cluster.local", "k8s.internal", "c",
        "example.com"] / ["cluster.local.", "a..b"];
    /// Kubernetes versions: quoted they are strings, plain `1.30` is the number 1.3.
    Kube: portplan::model::KubeVersion, true = ["1.31", "1.29", "1.30", "1.33", "1.34", "1.35",
        "1.31.2", "v1.32"] / ["2.0", "1.3.x", "1"];
    /// Port strategies.
    Strategy: portplan::model::PortStrategy = ["shared", "per-component"]
        / ["perComponent", "Shared"];
    /// trafficDistribution values.
    Td: portplan::model::TrafficDistribution = ["PreferClose", "PreferSameZone", "PreferSameNode",
        "None"] / ["none", "Local"];
    /// loki-canary kinds.
    CanaryKind: portplan::model::CanaryKind = ["DaemonSet", "Deployment"]
        / ["daemonset", "StatefulSet"];
    /// Durations (the retention period).
    Duration: portplan::model::scalars::Duration = ["744h", "0s", "30d", "1h30m", "500ms", "1w",
        "1y", "24h"] / ["30days", "1.5h"];
    /// Loki tenant IDs, up to the 150-character limit.
    Tenant: portplan::model::scalars::Tenant = ["fake", "team-a", "self-monitoring", ".x", "...",
        "a.b_c-D",
        "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"]
        / [".", "..", "team a", "t/x"];
    /// CPU quantities.
    Cpu: portplan::model::scalars::CpuQuantity, true = ["250m", "1", "2", "0.5", "100m", "1.5"]
        / ["2k", "-1", "1Gi", "1 m"];
    /// Memory quantities.
    Memory: portplan::model::scalars::MemoryQuantity, true = ["512Mi", "1Gi", "2G", "100M", "0",
        "1.5Gi", "256Ki"] / ["1m", "-1Gi", "1GB", "1e3"];
    /// memcached item sizes.
    ItemSize: portplan::model::scalars::ItemSize, true = ["5m", "1m", "512k", "1024", "2m"]
        / ["0m", "1g", "5M"];
    /// Schema period start dates. The model's rule is a pattern, so it accepts 2024-02-30,
    /// which Loki's config parser would refuse.
    Date: portplan::model::scalars::Date = ["2024-04-01", "2020-10-24", "2023-01-01", "2025-12-31",
        "2024-02-30"] / ["2024-4-1"];
    /// Index stores.
    Store: portplan::model::IndexStore = ["tsdb", "boltdb-shipper"] / ["boltdb"];
    /// Schema versions.
    SchemaVersion: portplan::model::SchemaVersion = ["v13", "v11", "v12"] / ["v14", "13"];
    /// Storage types.
    StorageType: portplan::model::StorageType = ["s3", "gcs", "azure", "filesystem"]
        / ["S3", "minio"];
    /// Bucket names.
    Bucket: portplan::model::scalars::Bucket = ["loki-chunks", "loki-ruler", "abc", "my.bucket.1"]
        / ["ab", "Loki", "a_b_c"];
    /// s3 regions.
    Region: portplan::model::scalars::Region = ["eu-west-1", "us-east-1", "minio"]
        / ["EU", "eu west"];
    /// s3 endpoints.
    Endpoint: portplan::model::scalars::Endpoint = ["minio.storage.svc:9000",
        "s3.eu-west-1.amazonaws.com", "10.0.0.1:9000"] / ["http://minio:9000", "minio:123456"];
    /// Azure storage accounts.
    Account: portplan::model::scalars::AccountName = ["lokistore", "abc", "store2024"]
        / ["ab", "loki-store"];
    /// Index table prefixes.
    IndexPrefix: portplan::model::scalars::IndexPrefix = ["loki_index_", "index_", "x"]
        / ["Loki-", "a b"];
    /// Grafana datasource names.
    Datasource: portplan::model::scalars::DatasourceName = ["Loki", "Loki (gateway)", "loki-eu.1",
        "Loki direct", "a"] / [" Loki", "Lo\"ki"];
    /// How a client reaches Loki.
    Route: portplan::model::Route = ["gateway", "direct"] / ["Gateway"];
    /// Zone names.
    Zone: portplan::model::scalars::ZoneName = ["eu-west-1a", "zone_a", "a"]
        / ["zone a", "eu.west"];
    /// CIDRs, IPv4 and IPv6.
    Cidr: portplan::model::scalars::Cidr = ["10.0.0.0/8", "192.168.0.0/16", "10.0.0.1/32", "::/0",
        "fd00::/8", "10.0.0.1/8"] / ["10.0.0.0/33", "10.0.0.0"];
    /// Container images, with a registry port, a digest, no tag.
    Image: portplan::model::scalars::ImageRef = ["grafana/loki:3.5.7", "grafana/loki:latest",
        "localhost:5000/grafana/loki", "docker.io/nginxinc/nginx-unprivileged:1.29-alpine",
        "memcached@sha256:abc", "memcached:1.6.38-alpine", "prom/memcached-exporter:v0.15.3",
        "loki"] / ["grafana/loki canary", "-x"];
}

/// Every spelling of a mode, from the model's own table (so a new spelling is fuzzed the
/// day it is added).
pub enum ModeName {}
impl Kind for ModeName {
    fn valid() -> &'static [&'static str] {
        static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
        WORDS.get_or_init(|| portplan::model::Mode::spellings().collect())
    }
    fn invalid() -> &'static [&'static str] {
        &["single-binary", "MONOLITHIC", "scalable", "simple_scalable"]
    }
    fn accepts(word: &str) -> bool {
        portplan::model::Mode::from_spelling(word).is_some()
    }
}

/// Every component name of every mode (`components:` keys; those of another mode are
/// refused, so only some of these fit a given model).
pub enum ComponentName {}
impl Kind for ComponentName {
    fn valid() -> &'static [&'static str] {
        static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
        WORDS.get_or_init(|| {
            portplan::model::Component::ALL
                .iter()
                .map(|c| c.name())
                .collect()
        })
    }
    fn invalid() -> &'static [&'static str] {
        &[
            "queryFrontend",
            "singleBinary",
            "query_scheduler",
            "gateway",
        ]
    }
    fn accepts(word: &str) -> bool {
        portplan::model::Component::from_name(word).is_some()
    }
}

/// A kind of number: the values a field usually holds, and a few just past its range.
pub trait Numbers {
    /// Values portplan accepts here; the first is what a run out of input gets.
    fn valid() -> &'static [i64];
    /// Values just outside the range.
    fn invalid() -> &'static [i64];
    /// Whether the model's own type for this field accepts `n`.
    fn accepts(n: i64) -> bool;
}

macro_rules! numbers {
    ($($(#[$doc:meta])* $name:ident: $ty:ty =
        [$($n:expr),+ $(,)?] / [$($x:expr),* $(,)?];)+) => {
        $(
            $(#[$doc])*
            pub enum $name {}
            impl Numbers for $name {
                fn valid() -> &'static [i64] {
                    &[$($n),+]
                }
                fn invalid() -> &'static [i64] {
                    &[$($x),*]
                }
                fn accepts(n: i64) -> bool {
                    serde_json::from_value::<$ty>(n.into()).is_ok()
                }
            }
        )+
        /// Every number kind declared here, through [`check_numbers`].
        fn check_number_kinds() {
            $(check_numbers::<$name>(stringify!($name));)+
        }
    };
}

numbers! {
    /// Ports: each mode's defaults, the privileged edge, the top of the range.
    PortNumber: portplan::model::Port = [3100, 9095, 4100, 4200, 8080, 4080, 80, 443, 1023, 1024,
        7946, 9150, 11211, 4090, 4091, 65535] / [0, 65536, -1];
    /// Replicas: a single ingester, the two that are refused, the bound.
    Replicas: portplan::model::scalars::Replicas = [1, 3, 0, 2, 5, 1000] / [1001, -1];
    /// Per-component port slots.
    Slot: portplan::model::scalars::Slot = [1, 0, 2, 7, 99, 999] / [1000];
    /// memcached memory in MiB.
    MemoryMb: portplan::model::scalars::MemoryMb = [1024, 64, 16, 8192, 1048576] / [15, 1048577];
    /// memcached connection limits.
    Connections: portplan::model::scalars::ConnectionLimit = [16384, 1, 1024, 1000000]
        / [0, 1000001];
    /// Tail request limits and canary pod counts.
    Count: portplan::model::scalars::Count = [10, 0, 1, 3, 100, 1000, 100000] / [100001];
}

/// Panics unless `K`'s valid words pass the model's own type and its invalid ones do not: a
/// "valid" word the model refuses would quietly make most inputs that draw it useless.
pub(crate) fn check_kind<K: Kind>(name: &str) {
    for w in K::valid() {
        assert!(
            K::accepts(w),
            "{name}: {w:?} is listed as valid, and the model refuses it"
        );
    }
    for w in K::invalid() {
        assert!(
            !K::accepts(w),
            "{name}: {w:?} is listed as invalid, and the model accepts it"
        );
    }
}

/// [`check_kind`] for numbers.
pub(crate) fn check_numbers<K: Numbers>(name: &str) {
    for &n in K::valid() {
        assert!(
            K::accepts(n),
            "{name}: {n} is listed as valid, and the model refuses it"
        );
    }
    for &n in K::invalid() {
        assert!(
            !K::accepts(n),
            "{name}: {n} is listed as invalid, and the model accepts it"
        );
    }
}

/// Checks every dictionary against the model's types (once per process: the target calls it
/// before its first input, the regression tests cannot, as they do not build this file).
pub fn check_dictionaries() {
    check_string_kinds();
    check_kind::<ModeName>("ModeName");
    check_kind::<ComponentName>("ComponentName");
    check_number_kinds();
}

/// Numbers that are not plain decimal integers, or not numbers at all.
pub(crate) const ODD_NUMBERS: &[&str] = &[
    "-1",
    "1e3",
    "0o17",
    "0x1F",
    "3100.0",
    "\"3100\"",
    "'8080'",
    "99999999999999999999",
    ".inf",
    "~",
    "null",
    "true",
    "1_000",
    "+80",
    "",
];

/// Picks one of `items`; the first when the input has run out.
pub(crate) fn pick<T: Copy>(u: &mut Unstructured, items: &[T]) -> Result<T> {
    Ok(items[u.choose_index(items.len())?])
}

/// A choice byte. The rare branches below are windows in the middle of its range: libFuzzer's
/// mutations favour 0x00 and 0xFF (and the input runs out as zeros), which must land on the
/// common branch, or most inputs would be refused for a hostile value or a missing key.
pub(crate) fn choice(u: &mut Unstructured) -> Result<u8> {
    u8::arbitrary(u)
}

/// Whether to take a rare branch that `n` of 256 choice bytes take (from 0x40 up).
pub(crate) fn rarely(u: &mut Unstructured, n: u8) -> Result<bool> {
    Ok((0x40..0x40 + n).contains(&choice(u)?))
}

/// `text` as a YAML scalar: plain half of the time (what people write: YAML then decides
/// its type), else single- or double-quoted.
pub(crate) fn styled(u: &mut Unstructured, text: &str) -> Result<String> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 | 1 => text.to_owned(),
        2 => format!("'{}'", text.replace('\'', "''")),
        // A JSON string is a YAML double-quoted scalar with the same escapes.
        _ => serde_json::to_string(text).expect("strings serialise"),
    })
}

/// One to three hostile pieces, concatenated.
pub(crate) fn hostile(u: &mut Unstructured) -> Result<String> {
    let n = u.int_in_range(1u8..=3)?;
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(pick(u, HOSTILE)?);
    }
    Ok(s)
}
