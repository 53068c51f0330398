//! Kubernetes pass-through pod settings: scheduling, security contexts, extra args, env and
//! volumes, pod metadata, image pull secrets.
//!
//! Why typed and not free-form maps: these shapes follow the Kubernetes API (field names,
//! enums, required fields), so a misspelt `tolerations[0].efect` is a located model error
//! with a suggestion instead of a manifest the API server refuses at install time, and the
//! same types give the model's schema and the chart's values.schema.json. Where the API's
//! shape is large and portplan never reasons about it (a volume's source, an env var's
//! `valueFrom`, pod affinity terms' selectors), the field is an object the API server checks.
//!
//! The settings are the same for every workload (Loki components, the gateway, the caches,
//! the canary), so [`pod_settings!`] declares them once and appends them to each settings
//! struct; the Plan decides which are refused where (ports, names and flags it owns).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::scalars::{EnvName, ExtraArg, LabelKey, LabelValue, ObjectName};

/// A toleration (`core/v1 Toleration`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Toleration {
    /// The taint key; empty with `operator: Exists` tolerates everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `Equal` (default) or `Exists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<TolerationOperator>,
    /// The taint value (`Equal` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`; empty matches every effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<TaintEffect>,
    /// `NoExecute` only: how long the pod stays bound after the taint appears.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

/// A toleration's operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TolerationOperator {
    Equal,
    Exists,
}

/// A taint effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

/// A label selector (`meta/v1 LabelSelector`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<LabelKey, LabelValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<SelectorRequirement>,
}

/// One requirement of a label or node selector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SelectorRequirement {
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist` (node selectors also `Gt`, `Lt`).
    pub operator: SelectorOperator,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// A selector requirement's operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SelectorOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

/// A topology spread constraint (`core/v1 TopologySpreadConstraint`). Without a
/// `labelSelector` the chart selects the workload's own pods (the Plan's selector labels).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TopologySpreadConstraint {
    /// How uneven the spread may be (at least 1).
    #[schemars(range(min = 1))]
    pub max_skew: u32,
    /// The node label whose values are the domains, e.g. `topology.kubernetes.io/zone`.
    pub topology_key: String,
    /// `DoNotSchedule` or `ScheduleAnyway`.
    pub when_unsatisfiable: WhenUnsatisfiable,
    /// The pods counted; default: this workload's pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub min_domains: Option<u32>,
    /// `Honor` or `Ignore`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity_policy: Option<NodeInclusionPolicy>,
    /// `Honor` or `Ignore`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_taints_policy: Option<NodeInclusionPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_label_keys: Vec<String>,
}

/// What the scheduler does when a spread cannot be met.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum WhenUnsatisfiable {
    DoNotSchedule,
    ScheduleAnyway,
}

/// Whether node affinity or taints count when computing a spread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum NodeInclusionPolicy {
    Honor,
    Ignore,
}

/// Affinity (`core/v1 Affinity`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Affinity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<NodeAffinity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_affinity: Option<PodAffinity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_anti_affinity: Option<PodAffinity>,
}

/// Node affinity (`core/v1 NodeAffinity`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NodeAffinity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
}

/// A node selector: any of its terms may match.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NodeSelector {
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

/// One node selector term: all of its requirements must match.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NodeSelectorTerm {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<SelectorRequirement>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_fields: Vec<SelectorRequirement>,
}

/// A weighted node selector term.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PreferredSchedulingTerm {
    #[schemars(range(min = 1, max = 100))]
    pub weight: u32,
    pub preference: NodeSelectorTerm,
}

/// Pod affinity or anti-affinity (`core/v1 PodAffinity`, `PodAntiAffinity`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodAffinity {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_during_scheduling_ignored_during_execution: Vec<PodAffinityTerm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_during_scheduling_ignored_during_execution: Vec<WeightedPodAffinityTerm>,
}

/// One pod affinity term.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodAffinityTerm {
    pub topology_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_label_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mismatch_label_keys: Vec<String>,
}

/// A weighted pod affinity term.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WeightedPodAffinityTerm {
    #[schemars(range(min = 1, max = 100))]
    pub weight: u32,
    pub pod_affinity_term: PodAffinityTerm,
}

/// A seccomp profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeccompProfile {
    /// `RuntimeDefault`, `Localhost` or `Unconfined`.
    #[serde(rename = "type")]
    pub kind: SeccompType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localhost_profile: Option<String>,
}

/// A seccomp profile's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SeccompType {
    RuntimeDefault,
    Localhost,
    Unconfined,
}

/// The pod's security context (`core/v1 PodSecurityContext`), merged field by field over the
/// chart's default (non-root user of the image, `fsGroup` for the volumes).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodSecurityContext {
    /// Must stay `true`: portplan's workloads run as non-root users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    /// A user ID other than 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_group: Option<i64>,
    /// `OnRootMismatch` or `Always`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_group_change_policy: Option<FsGroupChangePolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supplemental_groups: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seccomp_profile: Option<SeccompProfile>,
}

/// When the kubelet changes a volume's ownership to the `fsGroup`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum FsGroupChangePolicy {
    OnRootMismatch,
    Always,
}

/// A container's security context (`core/v1 SecurityContext`), merged field by field over
/// the chart's default (no privilege escalation, read-only root filesystem, no capabilities).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecurityContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_privilege_escalation: Option<bool>,
    /// Must stay `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only_root_filesystem: Option<bool>,
    /// Must stay `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    /// A user ID other than 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Capabilities>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seccomp_profile: Option<SeccompProfile>,
}

/// Linux capabilities to add and drop.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drop: Vec<String>,
}

/// An environment variable (`core/v1 EnvVar`): a `value` or a `valueFrom` (a Secret or
/// ConfigMap key, a field, a resource), never both.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnvVar {
    pub name: EnvName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `secretKeyRef`, `configMapKeyRef`, `fieldRef` or `resourceFieldRef`, as in Kubernetes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_from: Option<Map<String, Value>>,
}

/// A pod volume (`core/v1 Volume`): its name and one volume source (`configMap`, `secret`,
/// `emptyDir`, `persistentVolumeClaim`, `projected`, ...), as Kubernetes spells it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Volume {
    pub name: super::scalars::DnsLabel,
    /// The volume source: one key such as `secret: {secretName: ...}`.
    #[serde(flatten)]
    pub source: BTreeMap<String, Value>,
}

/// A volume mount (`core/v1 VolumeMount`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VolumeMount {
    /// The name of a volume of `extraVolumes`.
    pub name: super::scalars::DnsLabel,
    /// An absolute path.
    pub mount_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
}

/// A reference to a Secret in the release's namespace (an image pull secret).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalObjectReference {
    pub name: ObjectName,
}

/// The pass-through pod settings of one workload, as [`pod_settings!`] adds them to its
/// settings struct (the model keys are the camelCase field names).
#[derive(Clone, Debug, Default)]
pub struct PodSettings {
    pub node_selector: BTreeMap<LabelKey, LabelValue>,
    pub tolerations: Vec<Toleration>,
    pub affinity: Option<Affinity>,
    pub topology_spread_constraints: Option<Vec<TopologySpreadConstraint>>,
    pub priority_class_name: Option<ObjectName>,
    pub pod_security_context: Option<PodSecurityContext>,
    pub security_context: Option<SecurityContext>,
    pub extra_args: Vec<ExtraArg>,
    pub extra_env: Vec<EnvVar>,
    pub extra_volumes: Vec<Volume>,
    pub extra_volume_mounts: Vec<VolumeMount>,
    pub pod_annotations: BTreeMap<LabelKey, String>,
    pub pod_labels: BTreeMap<LabelKey, LabelValue>,
    pub image_pull_secrets: Vec<LocalObjectReference>,
}

/// Declares a workload's settings struct with the pass-through pod settings appended, and
/// its `pod()` accessor. (serde's `flatten` cannot be combined with `deny_unknown_fields`,
/// which the model needs for did-you-mean on typos, so the fields are written into each
/// struct.)
macro_rules! pod_settings {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($body)*
            /// Node labels the pods must run on (`nodeSelector`).
            #[serde(default)]
            pub node_selector: std::collections::BTreeMap<LabelKey, LabelValue>,
            /// Tolerations, as in Kubernetes.
            #[serde(default)]
            pub tolerations: Vec<crate::model::pod::Toleration>,
            /// Affinity, as in Kubernetes.
            #[serde(default)]
            pub affinity: Option<crate::model::pod::Affinity>,
            /// Topology spread constraints; default: spread across `topology.kubernetes.io/zone`
            /// (`maxSkew: 1`, `ScheduleAnyway`); `[]` for none. Without a `labelSelector`, a
            /// constraint counts this workload's pods.
            #[serde(default)]
            pub topology_spread_constraints: Option<Vec<crate::model::pod::TopologySpreadConstraint>>,
            /// The pods' PriorityClass.
            #[serde(default)]
            pub priority_class_name: Option<ObjectName>,
            /// The pod's securityContext, merged over the chart's non-root default.
            #[serde(default)]
            pub pod_security_context: Option<crate::model::pod::PodSecurityContext>,
            /// The main container's securityContext, merged over the chart's default
            /// (read-only root filesystem, no privilege escalation, every capability dropped).
            #[serde(default)]
            pub security_context: Option<crate::model::pod::SecurityContext>,
            /// Flags appended to the main container's args (not the ones portplan sets).
            #[serde(default)]
            pub extra_args: Vec<ExtraArg>,
            /// Environment variables of the main container.
            #[serde(default)]
            pub extra_env: Vec<crate::model::pod::EnvVar>,
            /// Volumes added to the pod.
            #[serde(default)]
            pub extra_volumes: Vec<crate::model::pod::Volume>,
            /// Mounts of `extraVolumes` in the main container.
            #[serde(default)]
            pub extra_volume_mounts: Vec<crate::model::pod::VolumeMount>,
            /// Annotations of the pods.
            #[serde(default)]
            pub pod_annotations: std::collections::BTreeMap<LabelKey, String>,
            /// Labels of the pods (not the selector labels portplan sets).
            #[serde(default)]
            pub pod_labels: std::collections::BTreeMap<LabelKey, LabelValue>,
            /// Secrets for pulling the images.
            #[serde(default)]
            pub image_pull_secrets: Vec<crate::model::pod::LocalObjectReference>,
        }

        impl $name {
            /// The pass-through pod settings.
            pub fn pod(&self) -> crate::model::pod::PodSettings {
                crate::model::pod::PodSettings {
                    node_selector: self.node_selector.clone(),
                    tolerations: self.tolerations.clone(),
                    affinity: self.affinity.clone(),
                    topology_spread_constraints: self.topology_spread_constraints.clone(),
                    priority_class_name: self.priority_class_name.clone(),
                    pod_security_context: self.pod_security_context.clone(),
                    security_context: self.security_context.clone(),
                    extra_args: self.extra_args.clone(),
                    extra_env: self.extra_env.clone(),
                    extra_volumes: self.extra_volumes.clone(),
                    extra_volume_mounts: self.extra_volume_mounts.clone(),
                    pod_annotations: self.pod_annotations.clone(),
                    pod_labels: self.pod_labels.clone(),
                    image_pull_secrets: self.image_pull_secrets.clone(),
                }
            }
        }
    };
}
pub(crate) use pod_settings;
