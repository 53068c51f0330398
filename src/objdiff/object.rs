//! One Kubernetes object of a rendered stream, and the key two streams match objects by.
//!
//! The key is (API group, kind, namespace, name): the identity the API server gives an
//! object, so two renders of "the same" object meet under it whatever their apiVersion's
//! version (`policy/v1beta1` and `policy/v1` are one PodDisruptionBudget). A namespaced
//! object that names no namespace (Helm charts often leave it to `--namespace`) takes the
//! side's default namespace ([`Defaults`]); cluster-scoped kinds have none.

use std::fmt;

use serde_json::Value;

/// Where an object was read: the stream's name as the user gave it, and the line its
/// document (or its `List` item) starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: u32,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// What two streams match objects by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// `apps`, `networking.k8s.io`; empty for the core group (`apiVersion: v1`).
    pub group: String,
    pub kind: String,
    /// Empty for cluster-scoped kinds.
    pub namespace: String,
    pub name: String,
}

impl Key {
    /// `StatefulSet loki/loki-write` (`ClusterRole loki` when cluster-scoped).
    pub fn shown(&self) -> String {
        if self.namespace.is_empty() {
            format!("{} {}", self.kind, self.name)
        } else {
            format!("{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// One object: its key, its content and where it was read.
#[derive(Clone, Debug)]
pub struct Object {
    pub key: Key,
    pub value: Value,
    pub origin: Origin,
}

impl Object {
    /// The text at a JSON pointer, when it is a string.
    pub fn str_at(&self, pointer: &str) -> Option<&str> {
        self.value.pointer(pointer).and_then(Value::as_str)
    }

    /// `metadata.labels[label]`, else the pod template's, else the selector's: where charts
    /// put `app.kubernetes.io/component`.
    pub fn label(&self, label: &str) -> Option<&str> {
        let tok = label.replace('~', "~0").replace('/', "~1");
        [
            format!("/metadata/labels/{tok}"),
            format!("/spec/template/metadata/labels/{tok}"),
            format!("/spec/selector/matchLabels/{tok}"),
            format!("/spec/selector/{tok}"),
        ]
        .iter()
        .find_map(|p| self.str_at(p))
    }

    /// The `app.kubernetes.io/component` label (else the older `component`).
    pub fn component(&self) -> Option<&str> {
        self.label("app.kubernetes.io/component")
            .or_else(|| self.label("component"))
    }

    /// Whether this is a headless Service (`clusterIP: None`).
    pub fn is_headless(&self) -> bool {
        self.str_at("/spec/clusterIP") == Some("None")
    }

    /// Whether the object is a workload that runs pods from a template.
    pub fn is_workload(&self) -> bool {
        self.key.group == "apps"
            && matches!(
                self.key.kind.as_str(),
                "StatefulSet" | "Deployment" | "DaemonSet" | "ReplicaSet"
            )
    }
}

/// What fills in a key an object does not say itself.
#[derive(Clone, Debug)]
pub struct Defaults {
    /// The namespace of a namespaced object without `metadata.namespace`.
    pub namespace: String,
}

/// The API group of an `apiVersion`: `apps/v1` -> `apps`, `v1` -> `` (core).
pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Kinds that live outside any namespace (the built-in ones a chart renders; a custom
/// resource is taken as namespaced, as most are).
const CLUSTER_SCOPED: &[&str] = &[
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "Namespace",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "APIService",
    "IngressClass",
    "RuntimeClass",
    "CSIDriver",
    "VolumeAttachment",
    "Node",
];

/// Whether objects of `kind` are cluster-scoped.
pub fn cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED.contains(&kind)
}
