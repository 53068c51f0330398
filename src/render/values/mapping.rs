//! Plan -> values: what values.yaml holds for one plan, in the order it lists them.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::types::*;
use crate::model::{CanaryKind, Resources};
use crate::plan::Plan;

/// A workload's resources as values: always set (an install removes them with null), with
/// Kubernetes' key names.
fn resources(r: &Resources) -> Option<ResourcesValues> {
    let list = |l: &Option<crate::model::ResourceList>| {
        l.as_ref().map(|l| {
            let mut m = BTreeMap::new();
            if let Some(c) = &l.cpu {
                m.insert("cpu".to_owned(), Quantity(c.to_string()));
            }
            if let Some(v) = &l.memory {
                m.insert("memory".to_owned(), Quantity(v.to_string()));
            }
            m
        })
    };
    Some(ResourcesValues {
        requests: list(&r.requests),
        limits: list(&r.limits),
    })
}

/// A workload's pod settings as values.
fn pod(p: &crate::plan::PodPlan) -> PodValues {
    PodValues {
        node_selector: p.node_selector.clone(),
        tolerations: p.tolerations.clone(),
        affinity: p.affinity.clone(),
        topology_spread_constraints: p.topology_spread_constraints.clone(),
        priority_class_name: p.priority_class_name.clone(),
        pod_security_context: p.pod_security_context.clone(),
        security_context: p.security_context.clone(),
        extra_args: p.extra_args.clone(),
        extra_env: p.extra_env.clone(),
        extra_volumes: p.extra_volumes.clone(),
        extra_volume_mounts: p.extra_volume_mounts.clone(),
        pod_annotations: p.pod_annotations.clone(),
        pod_labels: p.pod_labels.clone(),
        image_pull_secrets: p.image_pull_secrets.clone(),
    }
}

/// An autoscaler's settings as values.
fn autoscaling(a: &crate::plan::AutoscalingPlan) -> AutoscalingValues {
    AutoscalingValues {
        min_replicas: a.min_replicas,
        max_replicas: a.max_replicas,
        target_cpu: a.target_cpu,
        target_memory: a.target_memory,
    }
}

/// A values type as JSON; these are plain data, so this cannot fail.
fn to_value<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).expect("values always serialise")
}

/// The chart's values, in the order values.yaml lists them.
pub fn values(plan: &Plan) -> Value {
    let mut m = Map::new();
    m.insert(
        "trafficDistribution".into(),
        to_value(TrafficDistributionValue::from_api(
            plan.traffic_distribution,
        )),
    );
    m.insert(
        "images".into(),
        to_value(ImagesValues {
            loki: plan.images.loki.clone(),
            gateway: plan.images.gateway.clone(),
            memcached: plan.images.memcached.clone(),
            memcached_exporter: plan.images.memcached_exporter.clone(),
            canary: plan.images.canary.clone(),
        }),
    );
    m.insert(
        "loki".into(),
        to_value(LokiValues {
            max_concurrent_tail_requests: plan.limits.max_concurrent_tail_requests,
        }),
    );
    m.insert(
        "memberlist".into(),
        to_value(MemberlistValues {
            port: plan.memberlist.port,
        }),
    );
    m.insert(
        "serviceAccount".into(),
        to_value(ServiceAccountValues {
            annotations: plan.identity.annotations.clone(),
        }),
    );
    let sm = &plan.monitoring;
    m.insert(
        "monitoring".into(),
        to_value(MonitoringValues {
            service_monitor: ServiceMonitorValues {
                enabled: sm.service_monitor,
                interval: sm.interval.clone(),
                scrape_timeout: sm.scrape_timeout.clone(),
                labels: sm.labels.clone(),
            },
        }),
    );
    for c in &plan.components {
        m.insert(
            c.values_key.into(),
            to_value(ComponentValues {
                replicas: c.replicas,
                ports: LokiPortsValues {
                    http: c.http_port,
                    grpc: c.grpc_port,
                },
                traffic_distribution: TrafficDistributionValue::from_api(
                    c.traffic_distribution_override,
                ),
                resources: resources(&c.resources),
                persistence: c.persistence.as_ref().map(|p| PersistenceValues {
                    size: Quantity(p.size.clone()),
                    storage_class: p.storage_class.clone(),
                }),
                autoscaling: c.autoscaling.as_ref().map(autoscaling),
                pod_disruption_budget: DisruptionBudgetValues {
                    max_unavailable: c.max_unavailable,
                },
                pod: pod(&c.pod),
            }),
        );
    }
    let g = &plan.gateway;
    m.insert(
        "gateway".into(),
        to_value(GatewayValues {
            replicas: g.replicas,
            port: g.port,
            service_port: g.service_port,
            traffic_distribution: TrafficDistributionValue::from_api(
                g.traffic_distribution_override,
            ),
            resources: resources(&g.resources),
            autoscaling: g.autoscaling.as_ref().map(autoscaling),
            pod_disruption_budget: DisruptionBudgetValues {
                max_unavailable: g.max_unavailable,
            },
            pod: pod(&g.pod),
        }),
    );
    for c in &plan.caches {
        m.insert(
            c.values_key.into(),
            to_value(CacheValues {
                replicas: c.replicas,
                port: c.port,
                exporter_port: c.exporter_port,
                memory_mb: c.memory_mb,
                max_item_size: c.max_item_size.clone(),
                connection_limit: c.connection_limit,
                resources: resources(&c.resources),
                pod_disruption_budget: DisruptionBudgetValues {
                    max_unavailable: c.max_unavailable,
                },
                pod: pod(&c.pod),
            }),
        );
    }
    if plan.canary.enabled {
        m.insert(
            "canary".into(),
            to_value(CanaryValues {
                replicas: (plan.canary.kind == CanaryKind::Deployment)
                    .then_some(plan.canary.replicas),
                port: plan.canary.port,
                resources: resources(&plan.canary.resources),
                pod: pod(&plan.canary.pod),
            }),
        );
    }
    Value::Object(m)
}
