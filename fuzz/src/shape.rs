//! The `structured` target's input: a model in the shape of `portplan.yaml`, built by
//! `arbitrary` from the fuzzer's bytes and written out as YAML text.
//!
//! Byte-level fuzzing of the model (the `model` target) spends most of its executions on
//! text that is not YAML, or not a model; the plan, the lint rules and the render only see
//! the few inputs that get through. Here every input is a model, and mostly a valid one:
//! each value is drawn from a short list of values portplan accepts (and a few it should
//! refuse, just past each rule), and only now and then replaced by a hostile string: YAML 1.1
//! words (`on`, `no`, `~`, `0o17`, `1e3`), Go-template actions (`{{`), quotes, newlines,
//! control characters. Strings are written plain, single- or double-quoted, and mappings in
//! block or flow style, so the same model reaches the parser in several spellings.
//!
//! The mirror is not the model's own types: those accept only valid values, and a mirror
//! can also omit a required key, repeat a component, add an unknown key, or write a number
//! where a string belongs. Its `Debug` is the YAML text, so `cargo fuzz fmt structured FILE`
//! prints the model a crashing input stands for, ready to save as a regression case.
//!
//! When the input runs out, `arbitrary` yields zeros: every choice below is ordered so that
//! zeros make the smallest valid model (`release: loki`, `namespace: logs`,
//! `mode: monolithic`). Rare choices (omitting a required key, a hostile string) sit in a
//! window in the middle of a choice byte, away from 0x00 and 0xFF, which libFuzzer's
//! mutations write most (see [`choice`]).

use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Result, Unstructured};

/// Strings that break naive YAML writers, template engines and shells, concatenated into
/// the occasional hostile value.
const HOSTILE: &[&str] = &[
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
fn check_kind<K: Kind>(name: &str) {
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
fn check_numbers<K: Numbers>(name: &str) {
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
const ODD_NUMBERS: &[&str] = &[
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
fn pick<T: Copy>(u: &mut Unstructured, items: &[T]) -> Result<T> {
    Ok(items[u.choose_index(items.len())?])
}

/// A choice byte. The rare branches below are windows in the middle of its range: libFuzzer's
/// mutations favour 0x00 and 0xFF (and the input runs out as zeros), which must land on the
/// common branch, or most inputs would be refused for a hostile value or a missing key.
fn choice(u: &mut Unstructured) -> Result<u8> {
    u8::arbitrary(u)
}

/// Whether to take a rare branch that `n` of 256 choice bytes take (from 0x40 up).
fn rarely(u: &mut Unstructured, n: u8) -> Result<bool> {
    Ok((0x40..0x40 + n).contains(&choice(u)?))
}

/// `text` as a YAML scalar: plain half of the time (what people write: YAML then decides
/// its type), else single- or double-quoted.
fn styled(u: &mut Unstructured, text: &str) -> Result<String> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 | 1 => text.to_owned(),
        2 => format!("'{}'", text.replace('\'', "''")),
        // A JSON string is a YAML double-quoted scalar with the same escapes.
        _ => serde_json::to_string(text).expect("strings serialise"),
    })
}

/// One to three hostile pieces, concatenated.
fn hostile(u: &mut Unstructured) -> Result<String> {
    let n = u.int_in_range(1u8..=3)?;
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(pick(u, HOSTILE)?);
    }
    Ok(s)
}

/// A YAML scalar token as it is written in the file.
pub struct Scalar(String);

/// A string value of kind `K`: valid, or now and then just past the rule or hostile.
pub struct Str<K>(Scalar, PhantomData<K>);

impl<'a, K: Kind> Arbitrary<'a> for Str<K> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let text = match choice(u)? {
            0x40..=0x47 if !K::invalid().is_empty() => pick(u, K::invalid())?.to_owned(),
            0x40..=0x4F => hostile(u)?,
            _ => pick(u, K::valid())?.to_owned(),
        };
        let token = if K::NUMERIC && u.int_in_range(0u8..=3)? < 3 {
            serde_json::to_string(&text).expect("strings serialise")
        } else {
            styled(u, &text)?
        };
        Ok(Str(Scalar(token), PhantomData))
    }
}

impl<K> Str<K> {
    /// The token as written (quotes included).
    fn token(&self) -> &str {
        &(self.0).0
    }
    /// The token's text, as YAML reads it for the words compared here.
    fn text(&self) -> &str {
        unquoted(self.token())
    }
}

/// A whole number of kind `K`: valid, or now and then any u16, just out of range, oddly
/// spelt (`1e3`, `0o17`, quoted) or hostile.
pub struct Num<K>(Scalar, PhantomData<K>);

impl<'a, K: Numbers> Arbitrary<'a> for Num<K> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let token = match choice(u)? {
            0x40..=0x43 => u16::arbitrary(u)?.to_string(),
            0x44..=0x47 => pick(u, K::invalid())?.to_string(),
            0x48..=0x4B => pick(u, ODD_NUMBERS)?.to_owned(),
            0x4C..=0x4F => {
                let h = hostile(u)?;
                styled(u, &h)?
            }
            _ => pick(u, K::valid())?.to_string(),
        };
        Ok(Num(Scalar(token), PhantomData))
    }
}

/// A boolean: mostly `true` or `false`, sometimes a YAML 1.1 spelling (a string in YAML
/// 1.2), a quoted one, or a hostile string.
pub struct Flag(Scalar);

impl<'a> Arbitrary<'a> for Flag {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let token = match choice(u)? {
            0x40..=0x43 => pick(
                u,
                &[
                    "yes", "no", "on", "off", "True", "FALSE", "\"true\"", "1", "0", "~", "y",
                ],
            )?
            .to_owned(),
            0x44..=0x47 => {
                let h = hostile(u)?;
                styled(u, &h)?
            }
            b if b % 2 == 0 => "true".to_owned(),
            _ => "false".to_owned(),
        };
        Ok(Flag(Scalar(token)))
    }
}

/// A key the model must have: present unless (rarely) left out.
pub struct Required<T>(Option<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Required<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Required(if rarely(u, 8)? {
            None
        } else {
            Some(T::arbitrary(u)?)
        }))
    }
}

/// Something a model seldom has (an explicit port, a disabled component): present one time
/// in eight, so that most models keep the defaults that work together.
pub struct Sometimes<T>(Option<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Sometimes<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Sometimes(if rarely(u, 32)? {
            Some(T::arbitrary(u)?)
        } else {
            None
        }))
    }
}

/// Something a model should not have (an unknown key, a setting where it does not apply):
/// present one time in 32.
pub struct Rare<T>(Option<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Rare<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Rare(if rarely(u, 8)? {
            Some(T::arbitrary(u)?)
        } else {
            None
        }))
    }
}

/// A whole `portplan.yaml`, top-level keys in the order the reference model has them.
///
/// Settings that apply only in some contexts (`slot` with the per-component strategy,
/// `region` with s3, a tenant with `authEnabled`, a canary's `replicas` with a Deployment)
/// are written only there, unless `anywhere` is set: the refusals are fuzzed too, but most
/// models get past them to the plan and the render.
#[derive(Arbitrary)]
pub struct Model {
    release: Required<Str<Release>>,
    namespace: Required<Str<Label>>,
    cluster_domain: Option<Str<Domain>>,
    kube_version: Option<Str<Kube>>,
    mode: Required<Str<ModeName>>,
    ports: Option<Ports>,
    auth_enabled: Option<Flag>,
    traffic_distribution: Option<Str<Td>>,
    components: Vec<ComponentEntry>,
    gateway: Option<Gateway>,
    caches: Option<Caches>,
    memberlist: Sometimes<Num<PortNumber>>,
    limits: Option<Limits>,
    canary: Option<Canary>,
    schema_config: Option<Vec<Period>>,
    structured_metadata: Option<Flag>,
    storage: Option<Storage>,
    clients: Option<Clients>,
    zones: Vec<(Str<Zone>, Vec<Str<Cidr>>)>,
    images: Sometimes<Images>,
    unknown: Rare<(Str<Label>, Str<Label>)>,
    anywhere: Rare<()>,
    /// Bit i set: the i-th mapping written (in document order, modulo 32) is in flow style.
    flow: u32,
}

#[derive(Arbitrary)]
struct Ports {
    strategy: Option<Str<Strategy>>,
    /// `shared` only.
    http: Sometimes<Num<PortNumber>>,
    grpc: Sometimes<Num<PortNumber>>,
    /// `per-component` only.
    http_base: Sometimes<Num<PortNumber>>,
    grpc_base: Sometimes<Num<PortNumber>>,
}

/// One `components:` entry: one of the mode's own components by index, or rarely another
/// name (another mode's, a misspelling, a hostile string).
#[derive(Arbitrary)]
struct ComponentEntry {
    pick: u8,
    other: Rare<Str<ComponentName>>,
    settings: Component,
}

#[derive(Arbitrary)]
struct Component {
    enabled: Sometimes<Flag>,
    replicas: Option<Num<Replicas>>,
    /// `per-component` only.
    slot: Sometimes<Num<Slot>>,
    http: Sometimes<Num<PortNumber>>,
    grpc: Sometimes<Num<PortNumber>>,
    resources: Option<Resources>,
    traffic_distribution: Option<Str<Td>>,
}

#[derive(Arbitrary)]
struct Resources {
    requests: Option<ResourceList>,
    limits: Option<ResourceList>,
}

#[derive(Arbitrary)]
struct ResourceList {
    cpu: Option<Str<Cpu>>,
    memory: Option<Str<Memory>>,
}

#[derive(Arbitrary)]
struct Gateway {
    port: Sometimes<Num<PortNumber>>,
    service_port: Sometimes<Num<PortNumber>>,
    replicas: Option<Num<Replicas>>,
    resources: Option<Resources>,
    traffic_distribution: Option<Str<Td>>,
}

#[derive(Arbitrary)]
struct Caches {
    chunks: Option<Cache>,
    results: Option<Cache>,
}

#[derive(Arbitrary)]
struct Cache {
    enabled: Option<Flag>,
    port: Sometimes<Num<PortNumber>>,
    memory_mb: Option<Num<MemoryMb>>,
    max_item_size: Option<Str<ItemSize>>,
    connection_limit: Option<Num<Connections>>,
    exporter_port: Sometimes<Num<PortNumber>>,
    replicas: Option<Num<Replicas>>,
}

#[derive(Arbitrary)]
struct Limits {
    max_concurrent_tail_requests: Option<Num<Count>>,
    retention_period: Option<Str<Duration>>,
}

#[derive(Arbitrary)]
struct Canary {
    enabled: Option<Flag>,
    kind: Option<Str<CanaryKind>>,
    /// Deployment only.
    replicas: Option<Num<Replicas>>,
    /// DaemonSet only.
    expected_pods: Option<Num<Count>>,
    /// `authEnabled` only.
    tenant: Option<Str<Tenant>>,
}

#[derive(Arbitrary)]
struct Period {
    from: Required<Str<Date>>,
    store: Required<Str<Store>>,
    schema: Required<Str<SchemaVersion>>,
    object_store: Option<Str<StorageType>>,
    index_prefix: Option<Str<IndexPrefix>>,
}

#[derive(Arbitrary)]
struct Storage {
    kind: Required<Str<StorageType>>,
    buckets: Required<Buckets>,
    /// s3 only.
    region: Option<Str<Region>>,
    endpoint: Option<Str<Endpoint>>,
    /// azure only, and required there.
    account_name: Required<Str<Account>>,
}

#[derive(Arbitrary)]
struct Buckets {
    chunks: Required<Str<Bucket>>,
    ruler: Option<Str<Bucket>>,
}

#[derive(Arbitrary)]
struct Clients {
    alloy: Vec<Alloy>,
    grafana: Vec<Grafana>,
}

#[derive(Arbitrary)]
struct Alloy {
    name: Required<Str<Label>>,
    via: Option<Str<Route>>,
    /// `authEnabled` only, and required there.
    tenant: Required<Str<Tenant>>,
}

#[derive(Arbitrary)]
struct Grafana {
    name: Required<Str<Datasource>>,
    via: Option<Str<Route>>,
    /// `authEnabled` only, and required there.
    tenant: Required<Str<Tenant>>,
    is_default: Option<Flag>,
}

#[derive(Arbitrary)]
struct Images {
    loki: Option<Str<Image>>,
    gateway: Option<Str<Image>>,
    memcached: Option<Str<Image>>,
    memcached_exporter: Option<Str<Image>>,
    canary: Option<Str<Image>>,
}

/// A YAML document's tree: scalars are tokens already written.
enum Node {
    Scalar(String),
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
}

/// What decides where a setting applies, read from the model's own tokens as YAML would
/// read them (quotes off).
struct Context {
    mode: portplan::model::Mode,
    per_component: bool,
    auth: bool,
    storage: String,
    /// Write every setting wherever it is (the `anywhere` flag).
    anywhere: bool,
}

impl Context {
    /// Whether a setting that applies only when `applies` goes in.
    fn allows(&self, applies: bool) -> bool {
        applies || self.anywhere
    }
}

/// A token's text as a string: without its quotes (escapes are left: the words compared
/// here have none).
fn unquoted(token: &str) -> &str {
    let t = token.trim();
    for q in ['"', '\''] {
        if let Some(inner) = t.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    t
}

/// A value that becomes a node of the document.
trait ToNode {
    fn node(&self, cx: &Context) -> Node;
}

impl ToNode for Scalar {
    fn node(&self, _: &Context) -> Node {
        Node::Scalar(self.0.clone())
    }
}

impl<K> ToNode for Str<K> {
    fn node(&self, cx: &Context) -> Node {
        self.0.node(cx)
    }
}

impl<K> ToNode for Num<K> {
    fn node(&self, cx: &Context) -> Node {
        self.0.node(cx)
    }
}

impl ToNode for Flag {
    fn node(&self, cx: &Context) -> Node {
        self.0.node(cx)
    }
}

impl<T: ToNode> ToNode for Vec<T> {
    fn node(&self, cx: &Context) -> Node {
        Node::Seq(self.iter().map(|v| v.node(cx)).collect())
    }
}

/// The entries of one mapping, in order; absent values leave their key out.
struct Entries<'c> {
    cx: &'c Context,
    entries: Vec<(String, Node)>,
}

impl<'c> Entries<'c> {
    fn new(cx: &'c Context) -> Self {
        Entries {
            cx,
            entries: Vec::new(),
        }
    }
    fn put(mut self, key: &str, value: &impl ToNode) -> Self {
        let node = value.node(self.cx);
        self.entries.push((key.to_owned(), node));
        self
    }
    fn opt(self, key: &str, value: &Option<impl ToNode>) -> Self {
        match value {
            Some(v) => self.put(key, v),
            None => self,
        }
    }
    fn req(self, key: &str, value: &Required<impl ToNode>) -> Self {
        self.opt(key, &value.0)
    }
    fn some(self, key: &str, value: &Sometimes<impl ToNode>) -> Self {
        self.opt(key, &value.0)
    }
    /// `value` under `key` only where it applies (see [`Context::allows`]).
    fn when(self, applies: bool, key: &str, value: &Option<impl ToNode>) -> Self {
        if self.cx.allows(applies) {
            self.opt(key, value)
        } else {
            self
        }
    }
    fn map(self) -> Node {
        Node::Map(self.entries)
    }
}

impl ToNode for Ports {
    fn node(&self, cx: &Context) -> Node {
        let pc = cx.per_component;
        Entries::new(cx)
            .opt("strategy", &self.strategy)
            .when(!pc, "http", &self.http.0)
            .when(!pc, "grpc", &self.grpc.0)
            .when(pc, "httpBase", &self.http_base.0)
            .when(pc, "grpcBase", &self.grpc_base.0)
            .map()
    }
}

impl ToNode for Component {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .some("enabled", &self.enabled)
            .opt("replicas", &self.replicas)
            .when(cx.per_component, "slot", &self.slot.0)
            .some("http", &self.http)
            .some("grpc", &self.grpc)
            .opt("resources", &self.resources)
            .opt("trafficDistribution", &self.traffic_distribution)
            .map()
    }
}

impl ToNode for Resources {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .opt("requests", &self.requests)
            .opt("limits", &self.limits)
            .map()
    }
}

impl ToNode for ResourceList {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .opt("cpu", &self.cpu)
            .opt("memory", &self.memory)
            .map()
    }
}

impl ToNode for Gateway {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .some("port", &self.port)
            .some("servicePort", &self.service_port)
            .opt("replicas", &self.replicas)
            .opt("resources", &self.resources)
            .opt("trafficDistribution", &self.traffic_distribution)
            .map()
    }
}

impl ToNode for Caches {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .opt("chunks", &self.chunks)
            .opt("results", &self.results)
            .map()
    }
}

impl ToNode for Cache {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .opt("enabled", &self.enabled)
            .some("port", &self.port)
            .opt("memoryMb", &self.memory_mb)
            .opt("maxItemSize", &self.max_item_size)
            .opt("connectionLimit", &self.connection_limit)
            .some("exporterPort", &self.exporter_port)
            .opt("replicas", &self.replicas)
            .map()
    }
}

impl ToNode for Limits {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .opt(
                "max_concurrent_tail_requests",
                &self.max_concurrent_tail_requests,
            )
            .opt("retention_period", &self.retention_period)
            .map()
    }
}

impl ToNode for Canary {
    fn node(&self, cx: &Context) -> Node {
        // A DaemonSet unless the model says Deployment (the model's default).
        let deployment = self.kind.as_ref().is_some_and(|k| k.text() == "Deployment");
        Entries::new(cx)
            .opt("enabled", &self.enabled)
            .opt("kind", &self.kind)
            .when(deployment, "replicas", &self.replicas)
            .when(!deployment, "expectedPods", &self.expected_pods)
            .when(cx.auth, "tenant", &self.tenant)
            .map()
    }
}

impl ToNode for Period {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .req("from", &self.from)
            .req("store", &self.store)
            .req("schema", &self.schema)
            .opt("objectStore", &self.object_store)
            .opt("indexPrefix", &self.index_prefix)
            .map()
    }
}

impl ToNode for Storage {
    fn node(&self, cx: &Context) -> Node {
        let kind = cx.storage.as_str();
        Entries::new(cx)
            .req("type", &self.kind)
            .when(kind != "filesystem", "buckets", &self.buckets.0)
            .when(kind == "s3", "region", &self.region)
            .when(kind == "s3", "endpoint", &self.endpoint)
            .when(kind == "azure", "accountName", &self.account_name.0)
            .map()
    }
}

impl ToNode for Buckets {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .req("chunks", &self.chunks)
            .opt("ruler", &self.ruler)
            .map()
    }
}

/// A list whose items must have distinct names: an item whose name came before is left out
/// (unless the model writes everything anywhere).
fn distinct<T: ToNode>(cx: &Context, items: &[T], name: impl Fn(&T) -> Option<&str>) -> Node {
    let mut seen = std::collections::HashSet::new();
    Node::Seq(
        items
            .iter()
            .filter(|i| cx.anywhere || name(i).is_none_or(|n| seen.insert(n.to_owned())))
            .map(|i| i.node(cx))
            .collect(),
    )
}

impl ToNode for Clients {
    fn node(&self, cx: &Context) -> Node {
        let alloy = distinct(cx, &self.alloy, |a| a.name.0.as_ref().map(Str::text));
        let grafana = distinct(cx, &self.grafana, |g| g.name.0.as_ref().map(Str::text));
        Node::Map(vec![("alloy".into(), alloy), ("grafana".into(), grafana)])
    }
}

/// `schemaConfig:`: periods oldest first and on distinct days, as Loki needs them (unless the
/// model writes everything anywhere). The dates compare as text: they are `YYYY-MM-DD`.
struct Periods<'a>(&'a [Period]);

impl ToNode for Periods<'_> {
    fn node(&self, cx: &Context) -> Node {
        fn from(p: &Period) -> &str {
            p.from.0.as_ref().map_or("", |d| d.text())
        }
        let mut periods: Vec<&Period> = self.0.iter().collect();
        if !cx.anywhere {
            periods.sort_by(|a, b| from(a).cmp(from(b)));
            periods.dedup_by(|a, b| from(a) == from(b));
        }
        Node::Seq(periods.iter().map(|p| p.node(cx)).collect())
    }
}

impl ToNode for Alloy {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .req("name", &self.name)
            .opt("via", &self.via)
            .when(cx.auth, "tenant", &self.tenant.0)
            .map()
    }
}

impl ToNode for Grafana {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .req("name", &self.name)
            .opt("via", &self.via)
            .when(cx.auth, "tenant", &self.tenant.0)
            .opt("isDefault", &self.is_default)
            .map()
    }
}

impl ToNode for Images {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx)
            .opt("loki", &self.loki)
            .opt("gateway", &self.gateway)
            .opt("memcached", &self.memcached)
            .opt("memcachedExporter", &self.memcached_exporter)
            .opt("canary", &self.canary)
            .map()
    }
}

/// The object store a mode other than monolithic gets when the model has no `storage`.
struct ObjectStore;

impl ToNode for Result<&Storage, ObjectStore> {
    fn node(&self, cx: &Context) -> Node {
        match self {
            Ok(storage) => storage.node(cx),
            Err(ObjectStore) => Node::Map(vec![
                ("type".into(), Node::Scalar("s3".into())),
                (
                    "buckets".into(),
                    Node::Map(vec![("chunks".into(), Node::Scalar("loki-chunks".into()))]),
                ),
            ]),
        }
    }
}

/// `memberlist:`, whose one setting is the port.
struct Memberlist<'a>(&'a Num<PortNumber>);

impl ToNode for Memberlist<'_> {
    fn node(&self, cx: &Context) -> Node {
        Entries::new(cx).put("port", self.0).map()
    }
}

impl Model {
    fn context(&self) -> Context {
        let mode = self.mode.0.as_ref().map_or("", |m| m.text());
        Context {
            // A mode spelling it refuses: the component names are then monolithic's, and
            // the model is refused for its mode anyway.
            mode: portplan::model::Mode::from_spelling(mode)
                .unwrap_or(portplan::model::Mode::Monolithic),
            per_component: self
                .ports
                .as_ref()
                .and_then(|p| p.strategy.as_ref())
                .is_some_and(|s| s.text() == "per-component"),
            auth: self
                .auth_enabled
                .as_ref()
                .is_some_and(|f| unquoted(&(f.0).0) == "true"),
            storage: self
                .storage
                .as_ref()
                .and_then(|s| s.kind.0.as_ref())
                .map_or(String::new(), |k| k.text().to_owned()),
            anywhere: self.anywhere.0.is_some(),
        }
    }

    /// `components:`: each entry names one of the mode's components (or rarely another
    /// name); a name already used is skipped (a repeated key is the YAML parser's business,
    /// which the byte-level `model` target covers).
    fn components(&self, cx: &Context) -> Node {
        let own = cx.mode.components();
        let mut seen = std::collections::HashSet::new();
        let mut entries = Vec::new();
        for c in &self.components {
            let key = match &c.other.0 {
                Some(name) => name.token().to_owned(),
                None => own[c.pick as usize % own.len()].name().to_owned(),
            };
            if seen.insert(key.clone()) {
                entries.push((key, c.settings.node(cx)));
            }
        }
        Node::Map(entries)
    }

    fn document(&self) -> Node {
        let cx = self.context();
        let mut top = Entries::new(&cx)
            .req("release", &self.release)
            .req("namespace", &self.namespace)
            .opt("clusterDomain", &self.cluster_domain)
            .opt("kubeVersion", &self.kube_version)
            .req("mode", &self.mode)
            .opt("ports", &self.ports)
            .opt("authEnabled", &self.auth_enabled)
            .opt("trafficDistribution", &self.traffic_distribution);
        if !self.components.is_empty() {
            top.entries
                .push(("components".into(), self.components(&cx)));
        }
        top = top
            .opt("gateway", &self.gateway)
            .opt("caches", &self.caches)
            .opt("memberlist", &self.memberlist.0.as_ref().map(Memberlist))
            .opt("limits", &self.limits)
            .opt("canary", &self.canary)
            .opt(
                "schemaConfig",
                &self.schema_config.as_ref().map(|p| Periods(p)),
            )
            .opt("structuredMetadata", &self.structured_metadata)
            .opt(
                "storage",
                &self.storage.as_ref().map(Ok).or_else(|| {
                    // Only monolithic has a default store; another mode without one is refused
                    // before anything else is looked at.
                    (cx.mode != portplan::model::Mode::Monolithic && !cx.anywhere)
                        .then_some(Err(ObjectStore))
                }),
            )
            .opt("clients", &self.clients);
        if !self.zones.is_empty() {
            // A repeated name is skipped, as for components.
            let mut seen = std::collections::HashSet::new();
            let zones = self
                .zones
                .iter()
                .filter(|(k, _)| seen.insert(k.token()))
                .map(|(k, v)| (k.token().to_owned(), v.node(&cx)))
                .collect();
            top.entries.push(("zones".into(), Node::Map(zones)));
        }
        top = top.some("images", &self.images);
        if let Some((k, v)) = &self.unknown.0 {
            top.entries.push((k.token().to_owned(), v.node(&cx)));
        }
        top.map()
    }

    /// The model as the YAML text of a `portplan.yaml`.
    pub fn to_yaml(&self) -> String {
        let mut w = Writer {
            flow: self.flow,
            maps: 0,
            out: String::new(),
        };
        match self.document() {
            Node::Map(entries) => w.block_map(&entries, 0),
            _ => unreachable!("a model is a mapping"),
        }
        w.out
    }
}

/// Writes a document: block style, two spaces per level, except the mappings `flow` picks.
struct Writer {
    flow: u32,
    /// Mappings written so far, to index `flow`.
    maps: u32,
    out: String,
}

impl Writer {
    /// Whether the next non-empty mapping is written in flow style.
    fn next_is_flow(&mut self) -> bool {
        let bit = self.flow >> (self.maps % 32) & 1 == 1;
        self.maps += 1;
        bit
    }

    fn block_map(&mut self, entries: &[(String, Node)], indent: usize) {
        for (key, value) in entries {
            self.out.push_str(&" ".repeat(indent));
            self.out.push_str(key);
            self.out.push(':');
            self.value(value, indent);
        }
    }

    /// A value after `key:` (the key at `indent`).
    fn value(&mut self, v: &Node, indent: usize) {
        match v {
            Node::Scalar(s) => {
                self.out.push(' ');
                self.out.push_str(s);
                self.out.push('\n');
            }
            Node::Map(e) if e.is_empty() => self.out.push_str(" {}\n"),
            Node::Seq(items) if items.is_empty() => self.out.push_str(" []\n"),
            Node::Map(e) => {
                if self.next_is_flow() {
                    self.out.push(' ');
                    self.flow_node(v);
                    self.out.push('\n');
                } else {
                    self.out.push('\n');
                    self.block_map(e, indent + 2);
                }
            }
            Node::Seq(items) => {
                self.out.push('\n');
                for item in items {
                    self.seq_item(item, indent);
                }
            }
        }
    }

    /// One `- item` of a block sequence whose key is at `indent` (items at the key's column,
    /// as kubectl writes them).
    fn seq_item(&mut self, item: &Node, indent: usize) {
        let pad = " ".repeat(indent);
        match item {
            Node::Map(e) if !e.is_empty() && !self.next_is_flow() => {
                // The first key goes on the dash's line, the rest under it.
                let start = self.out.len();
                self.block_map(e, indent + 2);
                self.out
                    .replace_range(start..start + indent + 2, &format!("{pad}- "));
            }
            Node::Scalar(s) => self.out.push_str(&format!("{pad}- {s}\n")),
            other => {
                self.out.push_str(&format!("{pad}- "));
                self.flow_node(other);
                self.out.push('\n');
            }
        }
    }

    fn flow_node(&mut self, v: &Node) {
        match v {
            Node::Scalar(s) => self.out.push_str(s),
            Node::Map(e) => {
                self.out.push('{');
                for (i, (k, v)) in e.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.out.push_str(k);
                    self.out.push_str(": ");
                    self.flow_node(v);
                }
                self.out.push('}');
            }
            Node::Seq(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.flow_node(item);
                }
                self.out.push(']');
            }
        }
    }
}

/// The YAML text: what the target feeds portplan, and what `cargo fuzz fmt` shows.
impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_yaml())
    }
}
