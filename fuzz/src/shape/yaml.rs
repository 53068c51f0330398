//! The mirror written out as YAML text, in plain, quoted and flow spellings.

use super::*;

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
pub(crate) fn unquoted(token: &str) -> &str {
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
