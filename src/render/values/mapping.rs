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
            annotations: BTreeMap::new(),
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
                persistence: (c.kind == crate::plan::WorkloadKind::StatefulSet).then(|| {
                    PersistenceValues {
                        size: Quantity("10Gi".into()),
                        storage_class: None,
                    }
                }),
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
            }),
        );
    }
    Value::Object(m)
}
