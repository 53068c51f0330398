//! A rendered multi-document manifest, read into the objects the oracles reason about:
//! Services, pod-owning workloads with their containers, and ConfigMaps. Every document keeps
//! its line range in the render, so a changed line can be traced to its object.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::ops::Range;

/// One document of a render.
pub struct Doc {
    pub kind: String,
    pub name: String,
    pub value: Value,
    /// 0-based line range in the render text, starting at the `---` line.
    pub lines: Range<usize>,
}

/// A rendered chart: its text and its documents in order.
pub struct Render {
    pub text: String,
    pub docs: Vec<Doc>,
}

/// A Service port's target: by container port name or number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    Name(String),
    Number(u16),
}

impl std::fmt::Display for PortRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortRef::Name(n) => write!(f, "`{n}`"),
            PortRef::Number(n) => write!(f, "{n}"),
        }
    }
}

pub struct ServicePort {
    pub port: u16,
    pub target: PortRef,
}

pub struct Service {
    pub name: String,
    pub kind_type: String,
    pub headless: bool,
    pub selector: BTreeMap<String, String>,
    pub ports: Vec<ServicePort>,
    pub traffic_distribution: Option<String>,
}

pub struct ContainerPort {
    pub name: Option<String>,
    pub number: u16,
}

pub struct Container {
    pub name: String,
    pub image: String,
    pub args: Vec<String>,
    pub ports: Vec<ContainerPort>,
    /// (probe kind, handler, port), e.g. ("readinessProbe", "httpGet", `http-metrics`).
    pub probes: Vec<(String, String, PortRef)>,
    /// (volume name, mount path).
    pub mounts: Vec<(String, String)>,
}

impl Container {
    /// The container port a reference resolves to, as the kubelet resolves it.
    pub fn resolve(&self, r: &PortRef) -> Option<&ContainerPort> {
        self.ports.iter().find(|p| match r {
            PortRef::Name(n) => p.name.as_deref() == Some(n),
            PortRef::Number(n) => p.number == *n,
        })
    }

    /// The image's repository name without registry, path or tag: `loki`, `memcached`.
    pub fn program(&self) -> &str {
        let no_digest = self.image.split('@').next().unwrap_or_default();
        let last = no_digest.rsplit('/').next().unwrap_or_default();
        last.split(':').next().unwrap_or_default()
    }
}

/// A Deployment, StatefulSet or DaemonSet.
pub struct Workload {
    pub kind: String,
    pub name: String,
    pub match_labels: BTreeMap<String, String>,
    pub pod_labels: BTreeMap<String, String>,
    pub pod_annotations: BTreeMap<String, String>,
    pub service_name: Option<String>,
    pub containers: Vec<Container>,
    /// Volume name -> ConfigMap name, for ConfigMap volumes.
    pub config_map_volumes: BTreeMap<String, String>,
}

impl Workload {
    /// The ConfigMaps this workload's pods mount.
    pub fn config_maps(&self) -> impl Iterator<Item = &str> {
        self.config_map_volumes.values().map(String::as_str)
    }
}

impl Render {
    /// Parses the output of `helm template`.
    pub fn parse(text: String) -> Render {
        let values: Vec<Value> = serde_saphyr::from_multiple(&text)
            .unwrap_or_else(|e| panic!("the render is not valid YAML: {e}\n{text}"));
        let lines: Vec<&str> = text.lines().collect();
        let starts: Vec<usize> = (0..lines.len()).filter(|&i| lines[i] == "---").collect();
        assert_eq!(
            starts.len(),
            values.len(),
            "every document of the render starts with a `---` line"
        );
        let docs = values
            .into_iter()
            .enumerate()
            .map(|(i, value)| {
                let end = starts.get(i + 1).copied().unwrap_or(lines.len());
                Doc {
                    kind: str_at(&value, "/kind").to_owned(),
                    name: str_at(&value, "/metadata/name").to_owned(),
                    value,
                    lines: starts[i]..end,
                }
            })
            .collect();
        Render { text, docs }
    }

    /// The document a 0-based line of the render belongs to.
    pub fn doc_of_line(&self, line: usize) -> Option<&Doc> {
        self.docs.iter().find(|d| d.lines.contains(&line))
    }

    pub fn doc(&self, kind: &str, name: &str) -> Option<&Doc> {
        self.docs.iter().find(|d| d.kind == kind && d.name == name)
    }

    pub fn services(&self) -> Vec<Service> {
        self.docs
            .iter()
            .filter(|d| d.kind == "Service")
            .map(service)
            .collect()
    }

    pub fn service(&self, name: &str) -> Option<Service> {
        self.doc("Service", name).map(service)
    }

    pub fn workloads(&self) -> Vec<Workload> {
        self.docs
            .iter()
            .filter(|d| matches!(d.kind.as_str(), "Deployment" | "StatefulSet" | "DaemonSet"))
            .map(workload)
            .collect()
    }

    /// A ConfigMap's `data`.
    pub fn config_map(&self, name: &str) -> Option<&Map<String, Value>> {
        self.doc("ConfigMap", name)?.value["data"].as_object()
    }

    /// The workloads whose pod labels a selector matches; an empty selector matches nothing
    /// here (Kubernetes would then manage no endpoints at all).
    pub fn selected(&self, selector: &BTreeMap<String, String>) -> Vec<Workload> {
        if selector.is_empty() {
            return Vec::new();
        }
        self.workloads()
            .into_iter()
            .filter(|w| selector.iter().all(|(k, v)| w.pod_labels.get(k) == Some(v)))
            .collect()
    }
}

fn service(d: &Doc) -> Service {
    let spec = &d.value["spec"];
    let ports = array(spec, "/ports")
        .iter()
        .map(|p| {
            let port = port_number(&p["port"])
                .unwrap_or_else(|| panic!("Service {}: port {p} has no numeric `port`", d.name));
            ServicePort {
                port,
                // An absent targetPort means the same number as `port`.
                target: port_ref(&p["targetPort"]).unwrap_or(PortRef::Number(port)),
            }
        })
        .collect();
    Service {
        name: d.name.clone(),
        kind_type: spec["type"].as_str().unwrap_or("ClusterIP").to_owned(),
        headless: spec["clusterIP"].as_str() == Some("None"),
        selector: string_map(&spec["selector"]),
        ports,
        traffic_distribution: spec["trafficDistribution"].as_str().map(str::to_owned),
    }
}

fn workload(d: &Doc) -> Workload {
    let spec = &d.value["spec"];
    let pod = &spec["template"]["spec"];
    let containers = array(pod, "/containers")
        .iter()
        .chain(array(pod, "/initContainers"))
        .map(container)
        .collect();
    let config_map_volumes = array(pod, "/volumes")
        .iter()
        .filter_map(|v| {
            let cm = v["configMap"]["name"].as_str()?;
            Some((str_at(v, "/name").to_owned(), cm.to_owned()))
        })
        .collect();
    Workload {
        kind: d.kind.clone(),
        name: d.name.clone(),
        match_labels: string_map(&spec["selector"]["matchLabels"]),
        pod_labels: string_map(&spec["template"]["metadata"]["labels"]),
        pod_annotations: string_map(&spec["template"]["metadata"]["annotations"]),
        service_name: spec["serviceName"].as_str().map(str::to_owned),
        containers,
        config_map_volumes,
    }
}

fn container(c: &Value) -> Container {
    let name = str_at(c, "/name").to_owned();
    let args = array(c, "/args")
        .iter()
        .map(|a| match a {
            Value::String(s) => s.clone(),
            // The API server rejects non-string args; kubernetes-validate reports them too.
            other => other.to_string(),
        })
        .collect();
    let ports = array(c, "/ports")
        .iter()
        .map(|p| ContainerPort {
            name: p["name"].as_str().map(str::to_owned),
            number: port_number(&p["containerPort"])
                .unwrap_or_else(|| panic!("container {name}: port {p} has no containerPort")),
        })
        .collect();
    let mut probes = Vec::new();
    for kind in ["readinessProbe", "livenessProbe", "startupProbe"] {
        for handler in ["httpGet", "tcpSocket", "grpc"] {
            let h = &c[kind][handler];
            if h.is_object() {
                let r = port_ref(&h["port"])
                    .unwrap_or_else(|| panic!("container {name}: {kind}.{handler} has no port"));
                probes.push((kind.to_owned(), handler.to_owned(), r));
            }
        }
    }
    let mounts = array(c, "/volumeMounts")
        .iter()
        .map(|m| {
            (
                str_at(m, "/name").to_owned(),
                str_at(m, "/mountPath").to_owned(),
            )
        })
        .collect();
    Container {
        image: c["image"].as_str().unwrap_or_default().to_owned(),
        name,
        args,
        ports,
        probes,
        mounts,
    }
}

/// A string at a JSON pointer, or "" when absent.
pub fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn array<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn port_number(v: &Value) -> Option<u16> {
    v.as_u64().and_then(|n| u16::try_from(n).ok())
}

fn port_ref(v: &Value) -> Option<PortRef> {
    match v {
        Value::String(s) => Some(PortRef::Name(s.clone())),
        other => port_number(other).map(PortRef::Number),
    }
}
