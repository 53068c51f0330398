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
//! `mode: monolithic`), and rare choices (omitting a required key, a hostile string) are
//! never the zero choice.

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
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident $(($numeric:expr))? =
        [$($w:expr),+ $(,)?] / [$($x:expr),* $(,)?];)+) => {$(
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
        }
    )+};
}

kinds! {
    /// Release names (DNS-1035 labels; long ones push Service names to the limit).
    Release = ["loki", "loki-v3", "l", "observability", "team-a-logs",
        "loki-with-a-long-release-name-to-push-service-names-past-sixty"]
        / ["Loki", "1loki", "loki-", "lo_ki"];
    /// Namespaces and Alloy client names (DNS-1035 labels).
    Label = ["logs", "loki", "observability", "a", "monitoring", "ns-1",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]
        / ["Logs", "a_b", "-a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"];
    /// Cluster DNS domains.
    Domain = ["cluster.local", "k8s.internal", "c", "example.com"] / ["cluster.local.", "a..b"];
    /// Kubernetes versions: quoted they are strings, plain `1.30` is the number 1.3.
    Kube(true) = ["1.31", "1.29", "1.30", "1.33", "1.34", "1.35", "1.31.2", "v1.32"]
        / ["2.0", "1.3.x", "1"];
    /// Port strategies.
    Strategy = ["shared", "per-component"] / ["perComponent", "Shared"];
    /// trafficDistribution values.
    Td = ["PreferClose", "PreferSameZone", "PreferSameNode", "None"] / ["none", "Local"];
    /// loki-canary kinds.
    CanaryKind = ["DaemonSet", "Deployment"] / ["daemonset", "StatefulSet"];
    /// Durations (the retention period).
    Duration = ["744h", "0s", "30d", "1h30m", "500ms", "1w", "1y", "24h"] / ["30days", "1.5h"];
    /// Loki tenant IDs, up to the 150-character limit.
    Tenant = ["fake", "team-a", "self-monitoring", ".x", "...", "a.b_c-D",
        "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"]
        / [".", "..", "team a", "t/x"];
    /// CPU quantities.
    Cpu = ["250m", "1", "2", "0.5", "100m", "1.5", "2k"] / ["-1", "1Gi", "1 m"];
    /// Memory quantities.
    Memory = ["512Mi", "1Gi", "2G", "100M", "1e3", "0", "1.5Gi", "256Ki"] / ["1m", "-1Gi", "1GB"];
    /// memcached item sizes.
    ItemSize = ["5m", "1m", "512k", "1024", "2m"] / ["0m", "1g", "5M"];
    /// Schema period start dates.
    Date = ["2024-04-01", "2020-10-24", "2023-01-01", "2025-12-31"] / ["2024-02-30", "2024-4-1"];
    /// Index stores.
    Store = ["tsdb", "boltdb-shipper"] / ["boltdb"];
    /// Schema versions.
    SchemaVersion = ["v13", "v11", "v12"] / ["v14", "13"];
    /// Storage types.
    StorageType = ["s3", "gcs", "azure", "filesystem"] / ["S3", "minio"];
    /// Bucket names.
    Bucket = ["loki-chunks", "loki-ruler", "abc", "my.bucket.1"] / ["ab", "Loki", "a_b_c"];
    /// s3 regions.
    Region = ["eu-west-1", "us-east-1", "minio"] / ["EU", "eu west"];
    /// s3 endpoints.
    Endpoint = ["minio.storage.svc:9000", "s3.eu-west-1.amazonaws.com", "10.0.0.1:9000"]
        / ["http://minio:9000", "minio:123456"];
    /// Azure storage accounts.
    Account = ["lokistore", "abc", "store2024"] / ["ab", "loki-store"];
    /// Index table prefixes.
    IndexPrefix = ["loki_index_", "index_", "x"] / ["Loki-", "a b"];
    /// Grafana datasource names.
    Datasource = ["Loki", "Loki (gateway)", "loki-eu.1", "Loki direct", "a"] / [" Loki", "Lo\"ki"];
    /// How a client reaches Loki.
    Route = ["gateway", "direct"] / ["Gateway"];
    /// Zone names.
    Zone = ["eu-west-1a", "zone_a", "a"] / ["zone a", "eu.west"];
    /// CIDRs, IPv4 and IPv6.
    Cidr = ["10.0.0.0/8", "192.168.0.0/16", "10.0.0.1/32", "::/0", "fd00::/8"]
        / ["10.0.0.0/33", "10.0.0.0", "10.0.0.1/8"];
    /// Container images, with a registry port, a digest, no tag.
    Image = ["grafana/loki:3.5.7", "grafana/loki:latest", "localhost:5000/grafana/loki",
        "docker.io/nginxinc/nginx-unprivileged:1.29-alpine", "memcached@sha256:abc",
        "memcached:1.6.38-alpine", "prom/memcached-exporter:v0.15.3", "loki"]
        / ["grafana/loki canary", "-x"];
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
}

/// A kind of number: the values a field usually holds, and a few just past its range.
pub trait Numbers {
    /// Values portplan accepts here; the first is what a run out of input gets.
    fn valid() -> &'static [i64];
    /// Values just outside the range.
    fn invalid() -> &'static [i64];
}

macro_rules! numbers {
    ($($(#[$doc:meta])* $name:ident = [$($n:expr),+ $(,)?] / [$($x:expr),* $(,)?];)+) => {$(
        $(#[$doc])*
        pub enum $name {}
        impl Numbers for $name {
            fn valid() -> &'static [i64] {
                &[$($n),+]
            }
            fn invalid() -> &'static [i64] {
                &[$($x),*]
            }
        }
    )+};
}

numbers! {
    /// Ports: each mode's defaults, the privileged edge, the top of the range.
    PortNumber = [3100, 9095, 4100, 4200, 8080, 4080, 80, 443, 1023, 1024, 7946, 9150, 11211,
        4090, 4091, 65535] / [0, 65536, -1];
    /// Replicas: a single ingester, the two that are refused, the bound.
    Replicas = [1, 3, 0, 2, 5, 1000] / [1001, -1];
    /// Per-component port slots.
    Slot = [1, 0, 2, 7, 99, 999] / [1000];
    /// memcached memory in MiB.
    MemoryMb = [1024, 64, 16, 8192, 1048576] / [15, 1048577];
    /// memcached connection limits.
    Connections = [16384, 1, 1024, 1000000] / [0, 1000001];
    /// Tail request limits and canary pod counts.
    Count = [10, 0, 1, 3, 100, 1000, 100000] / [100001];
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

/// Whether to take the rare branch: one time in `n`, and never once the input has run out
/// (`int_in_range` then answers the lower bound).
fn rarely(u: &mut Unstructured, n: u8) -> Result<bool> {
    Ok(u.int_in_range(1..=n)? == n)
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
        let text = match u.int_in_range(0u8..=31)? {
            0..=29 => pick(u, K::valid())?.to_owned(),
            30 if !K::invalid().is_empty() => pick(u, K::invalid())?.to_owned(),
            _ => hostile(u)?,
        };
        let token = if K::NUMERIC && u.int_in_range(0u8..=3)? < 3 {
            serde_json::to_string(&text).expect("strings serialise")
        } else {
            styled(u, &text)?
        };
        Ok(Str(Scalar(token), PhantomData))
    }
}

/// A whole number of kind `K`: valid, or now and then any u16, just out of range, oddly
/// spelt (`1e3`, `0o17`, quoted) or hostile.
pub struct Num<K>(Scalar, PhantomData<K>);

impl<'a, K: Numbers> Arbitrary<'a> for Num<K> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let token = match u.int_in_range(0u8..=31)? {
            0..=27 => pick(u, K::valid())?.to_string(),
            28 => u16::arbitrary(u)?.to_string(),
            29 => pick(u, K::invalid())?.to_string(),
            30 => pick(u, ODD_NUMBERS)?.to_owned(),
            _ => {
                let h = hostile(u)?;
                styled(u, &h)?
            }
        };
        Ok(Num(Scalar(token), PhantomData))
    }
}

/// A boolean: mostly `true` or `false`, sometimes a YAML 1.1 spelling (a string in YAML
/// 1.2), a quoted one, or a hostile string.
pub struct Flag(Scalar);

impl<'a> Arbitrary<'a> for Flag {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let token = match u.int_in_range(0u8..=31)? {
            0..=14 => "true".to_owned(),
            15..=29 => "false".to_owned(),
            30 => pick(
                u,
                &[
                    "yes", "no", "on", "off", "True", "FALSE", "\"true\"", "1", "0", "~", "y",
                ],
            )?
            .to_owned(),
            _ => {
                let h = hostile(u)?;
                styled(u, &h)?
            }
        };
        Ok(Flag(Scalar(token)))
    }
}

/// A key the model must have: present unless (rarely) left out.
pub struct Required<T>(Option<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Required<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Required(if rarely(u, 32)? {
            None
        } else {
            Some(T::arbitrary(u)?)
        }))
    }
}

/// Something the model should not have (an unknown key): present only rarely.
pub struct Rare<T>(Option<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Rare<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Rare(if rarely(u, 32)? {
            Some(T::arbitrary(u)?)
        } else {
            None
        }))
    }
}

/// A whole `portplan.yaml`, top-level keys in the order the reference model has them.
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
    components: Vec<(Str<ComponentName>, Component)>,
    gateway: Option<Gateway>,
    caches: Option<Caches>,
    memberlist: Option<Num<PortNumber>>,
    limits: Option<Limits>,
    canary: Option<Canary>,
    schema_config: Option<Vec<Period>>,
    structured_metadata: Option<Flag>,
    storage: Option<Storage>,
    clients: Option<Clients>,
    zones: Vec<(Str<Zone>, Vec<Str<Cidr>>)>,
    images: Option<Images>,
    unknown: Rare<(Str<Label>, Str<Label>)>,
    /// Bit i set: the i-th mapping written (in document order, modulo 32) is in flow style.
    flow: u32,
}

#[derive(Arbitrary)]
struct Ports {
    strategy: Option<Str<Strategy>>,
    http: Option<Num<PortNumber>>,
    grpc: Option<Num<PortNumber>>,
    http_base: Option<Num<PortNumber>>,
    grpc_base: Option<Num<PortNumber>>,
}

#[derive(Arbitrary)]
struct Component {
    enabled: Option<Flag>,
    replicas: Option<Num<Replicas>>,
    slot: Option<Num<Slot>>,
    http: Option<Num<PortNumber>>,
    grpc: Option<Num<PortNumber>>,
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
    port: Option<Num<PortNumber>>,
    service_port: Option<Num<PortNumber>>,
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
    port: Option<Num<PortNumber>>,
    memory_mb: Option<Num<MemoryMb>>,
    max_item_size: Option<Str<ItemSize>>,
    connection_limit: Option<Num<Connections>>,
    exporter_port: Option<Num<PortNumber>>,
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
    replicas: Option<Num<Replicas>>,
    expected_pods: Option<Num<Count>>,
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
    buckets: Option<Buckets>,
    region: Option<Str<Region>>,
    endpoint: Option<Str<Endpoint>>,
    account_name: Option<Str<Account>>,
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
    tenant: Option<Str<Tenant>>,
}

#[derive(Arbitrary)]
struct Grafana {
    name: Required<Str<Datasource>>,
    via: Option<Str<Route>>,
    tenant: Option<Str<Tenant>>,
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

/// A value that becomes a node of the document.
trait ToNode {
    fn node(&self) -> Node;
}

impl ToNode for Scalar {
    fn node(&self) -> Node {
        Node::Scalar(self.0.clone())
    }
}

impl<K> ToNode for Str<K> {
    fn node(&self) -> Node {
        self.0.node()
    }
}

impl<K> ToNode for Num<K> {
    fn node(&self) -> Node {
        self.0.node()
    }
}

impl ToNode for Flag {
    fn node(&self) -> Node {
        self.0.node()
    }
}

impl<T: ToNode> ToNode for Vec<T> {
    fn node(&self) -> Node {
        Node::Seq(self.iter().map(ToNode::node).collect())
    }
}

/// The entries of one mapping, in order; absent values leave their key out.
#[derive(Default)]
struct Entries(Vec<(String, Node)>);

impl Entries {
    fn put(mut self, key: &str, value: &impl ToNode) -> Self {
        self.0.push((key.to_owned(), value.node()));
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
    fn map(self) -> Node {
        Node::Map(self.0)
    }
}

impl ToNode for Ports {
    fn node(&self) -> Node {
        Entries::default()
            .opt("strategy", &self.strategy)
            .opt("http", &self.http)
            .opt("grpc", &self.grpc)
            .opt("httpBase", &self.http_base)
            .opt("grpcBase", &self.grpc_base)
            .map()
    }
}

impl ToNode for Component {
    fn node(&self) -> Node {
        Entries::default()
            .opt("enabled", &self.enabled)
            .opt("replicas", &self.replicas)
            .opt("slot", &self.slot)
            .opt("http", &self.http)
            .opt("grpc", &self.grpc)
            .opt("resources", &self.resources)
            .opt("trafficDistribution", &self.traffic_distribution)
            .map()
    }
}

impl ToNode for Resources {
    fn node(&self) -> Node {
        Entries::default()
            .opt("requests", &self.requests)
            .opt("limits", &self.limits)
            .map()
    }
}

impl ToNode for ResourceList {
    fn node(&self) -> Node {
        Entries::default()
            .opt("cpu", &self.cpu)
            .opt("memory", &self.memory)
            .map()
    }
}

impl ToNode for Gateway {
    fn node(&self) -> Node {
        Entries::default()
            .opt("port", &self.port)
            .opt("servicePort", &self.service_port)
            .opt("replicas", &self.replicas)
            .opt("resources", &self.resources)
            .opt("trafficDistribution", &self.traffic_distribution)
            .map()
    }
}

impl ToNode for Caches {
    fn node(&self) -> Node {
        Entries::default()
            .opt("chunks", &self.chunks)
            .opt("results", &self.results)
            .map()
    }
}

impl ToNode for Cache {
    fn node(&self) -> Node {
        Entries::default()
            .opt("enabled", &self.enabled)
            .opt("port", &self.port)
            .opt("memoryMb", &self.memory_mb)
            .opt("maxItemSize", &self.max_item_size)
            .opt("connectionLimit", &self.connection_limit)
            .opt("exporterPort", &self.exporter_port)
            .opt("replicas", &self.replicas)
            .map()
    }
}

impl ToNode for Limits {
    fn node(&self) -> Node {
        Entries::default()
            .opt(
                "max_concurrent_tail_requests",
                &self.max_concurrent_tail_requests,
            )
            .opt("retention_period", &self.retention_period)
            .map()
    }
}

impl ToNode for Canary {
    fn node(&self) -> Node {
        Entries::default()
            .opt("enabled", &self.enabled)
            .opt("kind", &self.kind)
            .opt("replicas", &self.replicas)
            .opt("expectedPods", &self.expected_pods)
            .opt("tenant", &self.tenant)
            .map()
    }
}

impl ToNode for Period {
    fn node(&self) -> Node {
        Entries::default()
            .req("from", &self.from)
            .req("store", &self.store)
            .req("schema", &self.schema)
            .opt("objectStore", &self.object_store)
            .opt("indexPrefix", &self.index_prefix)
            .map()
    }
}

impl ToNode for Storage {
    fn node(&self) -> Node {
        Entries::default()
            .req("type", &self.kind)
            .opt("buckets", &self.buckets)
            .opt("region", &self.region)
            .opt("endpoint", &self.endpoint)
            .opt("accountName", &self.account_name)
            .map()
    }
}

impl ToNode for Buckets {
    fn node(&self) -> Node {
        Entries::default()
            .req("chunks", &self.chunks)
            .opt("ruler", &self.ruler)
            .map()
    }
}

impl ToNode for Clients {
    fn node(&self) -> Node {
        Entries::default()
            .put("alloy", &self.alloy)
            .put("grafana", &self.grafana)
            .map()
    }
}

impl ToNode for Alloy {
    fn node(&self) -> Node {
        Entries::default()
            .req("name", &self.name)
            .opt("via", &self.via)
            .opt("tenant", &self.tenant)
            .map()
    }
}

impl ToNode for Grafana {
    fn node(&self) -> Node {
        Entries::default()
            .req("name", &self.name)
            .opt("via", &self.via)
            .opt("tenant", &self.tenant)
            .opt("isDefault", &self.is_default)
            .map()
    }
}

impl ToNode for Images {
    fn node(&self) -> Node {
        Entries::default()
            .opt("loki", &self.loki)
            .opt("gateway", &self.gateway)
            .opt("memcached", &self.memcached)
            .opt("memcachedExporter", &self.memcached_exporter)
            .opt("canary", &self.canary)
            .map()
    }
}

/// `memberlist:`, whose one setting is the port.
struct Memberlist<'a>(&'a Num<PortNumber>);

impl ToNode for Memberlist<'_> {
    fn node(&self) -> Node {
        Entries::default().put("port", self.0).map()
    }
}

/// A mapping whose keys are data (component and zone names): the key is a scalar too, and
/// may be hostile.
fn keyed<K, V: ToNode>(entries: &[(Str<K>, V)]) -> Node {
    Node::Map(
        entries
            .iter()
            .map(|(k, v)| ((k.0).0.clone(), v.node()))
            .collect(),
    )
}

impl Model {
    fn document(&self) -> Node {
        let mut top = Entries::default()
            .req("release", &self.release)
            .req("namespace", &self.namespace)
            .opt("clusterDomain", &self.cluster_domain)
            .opt("kubeVersion", &self.kube_version)
            .req("mode", &self.mode)
            .opt("ports", &self.ports)
            .opt("authEnabled", &self.auth_enabled)
            .opt("trafficDistribution", &self.traffic_distribution);
        if !self.components.is_empty() {
            top.0.push(("components".into(), keyed(&self.components)));
        }
        top = top
            .opt("gateway", &self.gateway)
            .opt("caches", &self.caches)
            .opt("memberlist", &self.memberlist.as_ref().map(Memberlist))
            .opt("limits", &self.limits)
            .opt("canary", &self.canary)
            .opt("schemaConfig", &self.schema_config)
            .opt("structuredMetadata", &self.structured_metadata)
            .opt("storage", &self.storage)
            .opt("clients", &self.clients);
        if !self.zones.is_empty() {
            top.0.push(("zones".into(), keyed(&self.zones)));
        }
        top = top.opt("images", &self.images);
        if let Some((k, v)) = &self.unknown.0 {
            top.0.push(((k.0).0.clone(), v.node()));
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
