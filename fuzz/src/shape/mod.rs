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

mod dictionary;
mod scalars;
mod yaml;

pub use dictionary::*;
pub use scalars::*;

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
