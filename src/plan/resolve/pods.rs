//! The pass-through pod settings of each workload: defaults (the zone spread, the non-root
//! security contexts) filled, and every setting that would override what the Plan owns
//! refused with a located error — a flag that sets a port or an address, an env var, volume
//! or mount path the chart already sets, a selector label, a root user.
//!
//! The owned names live here, once per kind of workload; the chart gets the flags too
//! (`Plan::owned_flags`), so a values override is refused the same way at install time.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Resolver;
use crate::model::pod::*;
use crate::plan::PodPlan;

/// Which program a pod's main container runs: decides its defaults and what it owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PodKind {
    Loki,
    Gateway,
    Memcached,
    Canary,
}

/// The flags of every program that takes extra args, for the chart's install-time check.
pub(super) fn owned_flags() -> Vec<crate::plan::OwnedFlags> {
    [
        ("loki", PodKind::Loki),
        ("memcached", PodKind::Memcached),
        ("canary", PodKind::Canary),
    ]
    .into_iter()
    .map(|(program, kind)| crate::plan::OwnedFlags {
        program,
        flags: kind.owned_flags(),
        suffixes: owned_suffixes(kind),
    })
    .collect()
}

/// The node label every default spread uses.
pub(super) const ZONE_TOPOLOGY_KEY: &str = "topology.kubernetes.io/zone";

/// Labels the chart sets on pods (selectors, memberlist membership, the zone).
const OWNED_LABELS: &[&str] = &[
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
    "app.kubernetes.io/part-of",
    "portplan.io/zone",
    "azure.workload.identity/use",
];

/// Volume sources Kubernetes knows (`core/v1 VolumeSource`).
const VOLUME_SOURCES: &[&str] = &[
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cephfs",
    "cinder",
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "fc",
    "flexVolume",
    "flocker",
    "gcePersistentDisk",
    "gitRepo",
    "glusterfs",
    "hostPath",
    "image",
    "iscsi",
    "nfs",
    "persistentVolumeClaim",
    "photonPersistentDisk",
    "portworxVolume",
    "projected",
    "quobyte",
    "rbd",
    "scaleIO",
    "secret",
    "storageos",
    "vsphereVolume",
];

impl PodKind {
    /// Flags the chart sets (or whose value is an address or port the Plan owns).
    fn owned_flags(self) -> &'static [&'static str] {
        match self {
            PodKind::Loki => &[
                "-config.file",
                "-config.expand-env",
                "-target",
                "-server.http-listen-port",
                "-server.grpc-listen-port",
                "-memberlist.bind-port",
                "-memberlist.join",
                "-ingester.availability-zone",
                "-common.compactor-address",
                "-common.compactor-grpc-address",
                "-frontend.scheduler-address",
                "-querier.scheduler-address",
                "-querier.frontend-address",
                "-frontend.tail-proxy-url",
                "-index-gateway-client.server-address",
                "-ruler.storage.type",
            ],
            PodKind::Gateway => &[],
            PodKind::Memcached => &[
                "-p",
                "--port",
                "-m",
                "--memory-limit",
                "-I",
                "--max-item-size",
                "-c",
                "--conn-limit",
                "-u",
                "--user",
                "-l",
                "--listen",
                "-U",
                "--udp-port",
            ],
            PodKind::Canary => &[
                "-addr",
                "-port",
                "-push",
                "-tenant-id",
                "-labelname",
                "-labelvalue",
            ],
        }
    }

    /// Environment variables the chart sets.
    fn owned_env(self) -> &'static [&'static str] {
        match self {
            PodKind::Loki => &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
            PodKind::Canary => &["POD_NAME"],
            PodKind::Gateway | PodKind::Memcached => &[],
        }
    }

    /// Volumes the chart defines and the paths it mounts them at.
    fn owned_volumes(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            PodKind::Loki => (
                &["config", "data", "tmp", "runtime"],
                &[
                    "/etc/loki/config",
                    "/var/loki",
                    "/tmp",
                    super::loki::RUNTIME_MOUNT,
                ],
            ),
            PodKind::Gateway => (
                &["config", "tmp", "entrypoint-d"],
                &["/etc/nginx", "/tmp", "/docker-entrypoint.d"],
            ),
            PodKind::Memcached | PodKind::Canary => (&[], &[]),
        }
    }

    /// The image's non-root user, as the default pod securityContext.
    fn default_pod_security_context(self) -> PodSecurityContext {
        let (user, fs_group) = match self {
            PodKind::Loki => (10001, Some(10001)),
            PodKind::Gateway => (101, Some(101)),
            PodKind::Memcached => (11211, Some(11211)),
            PodKind::Canary => (10001, None),
        };
        PodSecurityContext {
            run_as_non_root: Some(true),
            run_as_user: Some(user),
            run_as_group: Some(user),
            fs_group,
            ..Default::default()
        }
    }
}

/// The chart's container securityContext: every program here runs with a read-only root
/// filesystem (Loki writes only to /var/loki and /tmp, both mounted).
fn default_security_context() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        capabilities: Some(Capabilities {
            add: Vec::new(),
            drop: vec!["ALL".into()],
        }),
        ..Default::default()
    }
}

/// The default spread: each workload's pods across zones, best effort.
fn default_spread() -> Vec<TopologySpreadConstraint> {
    vec![TopologySpreadConstraint {
        max_skew: 1,
        topology_key: ZONE_TOPOLOGY_KEY.into(),
        when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
        label_selector: None,
        min_domains: None,
        node_affinity_policy: None,
        node_taints_policy: None,
        match_label_keys: Vec::new(),
    }]
}

/// `overlay`'s fields over `base`'s (both serialise to JSON objects of optional fields).
fn merged<T: serde::Serialize + serde::de::DeserializeOwned>(base: T, overlay: Option<T>) -> T {
    let Some(overlay) = overlay else {
        return base;
    };
    let mut b = serde_json::to_value(&base).unwrap_or_default();
    if let (Value::Object(b), Value::Object(o)) =
        (&mut b, serde_json::to_value(&overlay).unwrap_or_default())
    {
        b.extend(o);
    }
    serde_json::from_value(b).unwrap_or(base)
}

/// The flag an arg sets: `-x.y=1` -> `-x.y`.
fn flag_name(arg: &str) -> &str {
    arg.split_once('=').map_or(arg, |(n, _)| n)
}

/// Whether a Loki flag's value is a port or address the Plan computes, beyond the listed
/// ones: every listen port and every memcached client's addresses.
fn owned_by_pattern(kind: PodKind, flag: &str) -> bool {
    owned_suffixes(kind).iter().any(|s| flag.ends_with(s))
}

/// Flag name endings a kind of workload owns: for Loki every listen port and every
/// memcached client's addresses.
fn owned_suffixes(kind: PodKind) -> &'static [&'static str] {
    match kind {
        PodKind::Loki => &["listen-port", "memcached.addresses"],
        _ => &[],
    }
}

impl Resolver<'_> {
    /// Checks and fills one workload's pod settings; `ptr` is the model object that holds
    /// them (`/components/ingester`, `/gateway`, `/caches/chunks`, `/canary`).
    pub(super) fn pod(&mut self, ptr: &str, s: PodSettings, kind: PodKind) -> PodPlan {
        let owned_flags = kind.owned_flags();
        let mut extra_args = Vec::new();
        for (i, arg) in s.extra_args.iter().enumerate() {
            let at = format!("{ptr}/extraArgs/{i}");
            let flag = flag_name(arg);
            if kind == PodKind::Gateway {
                self.err_value(&at, "the gateway takes no extra args: nginx reads its config from the chart's ConfigMap")
                    .hint = Some("remove `extraArgs` from `gateway`".into());
                continue;
            }
            // Go's flag package also reads `--x` as `-x`.
            let single = flag
                .strip_prefix('-')
                .filter(|f| f.starts_with('-') && kind != PodKind::Memcached)
                .unwrap_or(flag);
            if owned_flags.contains(&single) || owned_by_pattern(kind, single) {
                self.err_value(
                    &at,
                    format!("extra arg `{arg}` sets {single}, which portplan sets from the model (a port, an address or the config it owns)"),
                )
                .hint = Some(owned_hint(single));
                continue;
            }
            extra_args.push(arg.to_string());
        }
        let owned_env = kind.owned_env();
        let mut seen = BTreeMap::new();
        for (i, e) in s.extra_env.iter().enumerate() {
            let at = format!("{ptr}/extraEnv/{i}/name");
            if owned_env.contains(&e.name.as_str()) {
                self.err_value(&at, format!("env var `{}` is set by the chart", e.name))
                    .hint = Some(if e.name.starts_with("AWS_") {
                    "give static credentials as `storage.credentialsSecret`".into()
                } else {
                    "use another name".into()
                });
            } else if let Some(first) = seen.insert(e.name.to_string(), i) {
                self.err_value(
                    &at,
                    format!(
                        "env var `{}` is given twice (first at extraEnv[{first}])",
                        e.name
                    ),
                );
            }
            if e.value.is_some() == e.value_from.is_some() {
                self.err_key(
                    &format!("{ptr}/extraEnv/{i}"),
                    format!(
                        "env var `{}` needs exactly one of `value` and `valueFrom`",
                        e.name
                    ),
                );
            }
        }
        let (owned_volumes, owned_paths) = kind.owned_volumes();
        let mut volumes = BTreeMap::new();
        for (i, v) in s.extra_volumes.iter().enumerate() {
            let at = format!("{ptr}/extraVolumes/{i}/name");
            if owned_volumes.contains(&v.name.as_str()) {
                self.err_value(&at, format!("volume `{}` is defined by the chart", v.name))
                    .hint = Some("use another name".into());
            } else if volumes.insert(v.name.to_string(), i).is_some() {
                self.err_value(&at, format!("volume `{}` is given twice", v.name));
            }
            let sources: Vec<&String> = v.source.keys().collect();
            match sources.as_slice() {
                [one] if VOLUME_SOURCES.contains(&one.as_str()) => {}
                [one] => {
                    let d = self.err_key(
                        &format!(
                            "{ptr}/extraVolumes/{i}/{}",
                            crate::yaml::located::pointer_token(one)
                        ),
                        format!("unknown volume source `{}`", one.escape_debug()),
                    );
                    d.hint = Some(match crate::suggest::did_you_mean(one, VOLUME_SOURCES.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "one of configMap, secret, emptyDir, persistentVolumeClaim, projected, ...".into(),
                    });
                }
                _ => {
                    self.err_key(
                        &format!("{ptr}/extraVolumes/{i}"),
                        format!("volume `{}` needs exactly one volume source (`secret`, `configMap`, `emptyDir`, ...), found {}", v.name, sources.len()),
                    );
                }
            }
        }
        for (i, m) in s.extra_volume_mounts.iter().enumerate() {
            let at = format!("{ptr}/extraVolumeMounts/{i}");
            if !volumes.contains_key(m.name.as_str()) {
                self.err_value(
                    &format!("{at}/name"),
                    format!(
                        "volume mount `{}` names no volume of `extraVolumes`",
                        m.name
                    ),
                )
                .hint = Some("add the volume to `extraVolumes`".into());
            }
            let path = m.mount_path.trim_end_matches('/');
            if !m.mount_path.starts_with('/') {
                self.err_value(
                    &format!("{at}/mountPath"),
                    format!(
                        "mount path `{}` is not absolute",
                        m.mount_path.escape_debug()
                    ),
                );
            } else if let Some(owned) = owned_paths.iter().find(|p| {
                path == **p
                    || path.starts_with(&format!("{p}/"))
                    || p.starts_with(&format!("{path}/"))
                    || path.is_empty()
            }) {
                self.err_value(
                    &format!("{at}/mountPath"),
                    format!(
                        "mount path `{}` overlaps `{owned}`, which the chart mounts",
                        m.mount_path.escape_debug()
                    ),
                )
                .hint = Some("mount it somewhere else".into());
            }
        }
        let mut pod_labels = BTreeMap::new();
        for (k, v) in &s.pod_labels {
            if OWNED_LABELS.contains(&k.as_str()) {
                self.err_key(
                    &format!("{ptr}/podLabels/{}", crate::yaml::located::pointer_token(k)),
                    format!("pod label `{k}` is set by the chart (selectors, memberlist, zones, identity)"),
                )
                .hint = Some("use another label key".into());
            } else {
                pod_labels.insert(k.to_string(), v.to_string());
            }
        }
        if let Some(c) = &s.pod_security_context {
            self.check_non_root(
                &format!("{ptr}/podSecurityContext"),
                c.run_as_non_root,
                c.run_as_user,
            );
        }
        if let Some(c) = &s.security_context {
            let at = format!("{ptr}/securityContext");
            self.check_non_root(&at, c.run_as_non_root, c.run_as_user);
            if c.privileged == Some(true) {
                self.err_value(
                    &format!("{at}/privileged"),
                    "portplan's workloads do not run privileged",
                )
                .hint = Some("remove `privileged: true`".into());
            }
        }
        PodPlan {
            node_selector: s
                .node_selector
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            tolerations: s.tolerations,
            affinity: s.affinity,
            topology_spread_constraints: s.topology_spread_constraints.unwrap_or_else(|| {
                // A DaemonSet's pods are placed one per node: there is nothing to spread.
                if kind == PodKind::Canary {
                    Vec::new()
                } else {
                    default_spread()
                }
            }),
            priority_class_name: s.priority_class_name.map(String::from),
            pod_security_context: merged(
                kind.default_pod_security_context(),
                s.pod_security_context,
            ),
            security_context: merged(default_security_context(), s.security_context),
            extra_args,
            extra_env: s.extra_env,
            extra_volumes: s.extra_volumes,
            extra_volume_mounts: s.extra_volume_mounts,
            pod_annotations: s
                .pod_annotations
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            pod_labels,
            image_pull_secrets: s.image_pull_secrets,
        }
    }

    /// portplan's images run as non-root users: refuses `runAsNonRoot: false` and user 0.
    fn check_non_root(&mut self, at: &str, non_root: Option<bool>, user: Option<i64>) {
        if non_root == Some(false) {
            self.err_value(
                &format!("{at}/runAsNonRoot"),
                "the chart runs every container as a non-root user",
            )
            .hint = Some("remove `runAsNonRoot: false`".into());
        }
        if user == Some(0) {
            self.err_value(
                &format!("{at}/runAsUser"),
                "user 0 is root; the chart runs every container as a non-root user",
            )
            .hint = Some("remove `runAsUser`, or give a non-zero user ID".into());
        }
    }
}

/// Where the model sets what an owned flag would.
fn owned_hint(flag: &str) -> String {
    if flag.contains("listen-port") || flag == "-p" || flag == "--port" || flag == "-port" {
        "set the port in the model (`http`, `grpc`, `port`), so every Service, probe and address follows".into()
    } else if flag.contains("address") || flag.contains("join") || flag == "-addr" {
        "addresses come from the Plan; change the component's port or name in the model".into()
    } else if flag == "-m" || flag == "-I" || flag == "-c" || flag.starts_with("--") {
        "set it in the model (`memoryMb`, `maxItemSize`, `connectionLimit`)".into()
    } else {
        "remove it; portplan sets it".into()
    }
}
