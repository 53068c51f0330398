//! `storage-changed-without-period`: the replication factor, a schema period, or the
//! storage type or bucket changes, and no new schema period dated in the future takes the
//! change.
//!
//! Loki reads each day's chunks and index with the schema period that covers the day. A
//! period that changes (its store, object store, schema version or index prefix) or
//! disappears makes the data it covers unreadable; so does moving the chunks to another
//! store type or bucket from day one. The way to change storage is a new period whose
//! `from` is a day still to come: data up to then is read as it was written. The
//! replication factor is held to the same rule here: changed under existing data, the
//! ingesters' ring computes other owners for the same streams, and reads with quorum miss
//! copies until everything old has been flushed.

use std::collections::BTreeMap;

use serde_json::Value;

use super::auth_enabled_changed::holder;
use super::{Breaker, BreakerInfo, Context, Finding, shown};
use crate::diag::Severity;
use crate::objdiff::lokiconfig::LokiConfig;

pub static BREAKER: BreakerInfo = BreakerInfo {
    slug: "storage-changed-without-period",
    severity: Severity::Error,
    summary: "replication factor, schema periods or storage type/bucket change without a new future schema period",
    why: "Loki reads each day with the schema period that covers it; changing an existing period, or the store under it, makes the data written so far unreadable",
    check: &StorageChangedWithoutPeriod,
};

#[derive(Debug)]
struct StorageChangedWithoutPeriod;

/// The schema periods by `from`.
fn periods(c: &LokiConfig) -> BTreeMap<String, Value> {
    c.get("schema_config.configs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| Some((shown(p.get("from")?), p.clone())))
        .collect()
}

/// The fields of a period that decide how its data is read.
const PERIOD_FIELDS: &[(&str, &str)] = &[
    ("/store", "store"),
    ("/object_store", "object_store"),
    ("/schema", "schema"),
    ("/index/prefix", "index.prefix"),
    ("/index/period", "index.period"),
];

/// The object store types `common.storage` may name.
const STORE_TYPES: &[&str] = &[
    "s3",
    "gcs",
    "azure",
    "filesystem",
    "swift",
    "bos",
    "cos",
    "alibabacloud",
];

fn store_type(c: &LokiConfig) -> Option<String> {
    let s = c.get("common.storage")?.as_object()?;
    STORE_TYPES
        .iter()
        .find(|t| s.contains_key(**t))
        .map(|t| (*t).to_owned())
}

/// The chunks bucket and the key path that names it.
fn bucket(c: &LokiConfig) -> Option<(&'static str, String)> {
    [
        "common.storage.s3.bucketnames",
        "common.storage.gcs.bucket_name",
        "common.storage.azure.container_name",
    ]
    .iter()
    .find_map(|p| c.get(p).map(|v| (*p, shown(v))))
}

fn replication(c: &LokiConfig) -> String {
    c.get("common.replication_factor")
        .or_else(|| c.get("ingester.lifecycler.ring.replication_factor"))
        .map_or_else(|| "3 (Loki's default)".into(), shown)
}

impl Breaker for StorageChangedWithoutPeriod {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let (Some(b), Some(a)) = (&cx.before_config, &cx.after_config) else {
            return;
        };
        let Some(obj) = holder(cx, b) else { return };
        let key = &b.key;
        let (pb, pa) = (periods(b), periods(a));
        let future_period = pa
            .keys()
            .find(|from| !pb.contains_key(*from) && from.as_str() > cx.today.as_str());
        let period_hint = "keep every existing period as it is; add a new period with a `from` date still to come for the new settings";
        for (from, p) in &pb {
            let base = format!("data[\"{key}\"].schema_config.configs[{from}]");
            let Some(q) = pa.get(from) else {
                out.push(
                    Finding::new(&BREAKER, obj, &base, format!("schema period from {from} is removed: the data it covers becomes unreadable"))
                        .with_hint(period_hint),
                );
                continue;
            };
            for (ptr, name) in PERIOD_FIELDS {
                let (x, y) = (p.pointer(ptr), q.pointer(ptr));
                if x != y {
                    out.push(
                        Finding::new(
                            &BREAKER,
                            obj,
                            &format!("{base}.{name}"),
                            format!(
                                "schema period from {from}: {name} {} -> {}",
                                x.map_or("unset".into(), shown),
                                y.map_or("unset".into(), shown)
                            ),
                        )
                        .with_hint(period_hint),
                    );
                }
            }
        }
        if future_period.is_some() {
            return;
        }
        let later = "add a schema period dated after today for the new store, or keep the old one";
        let mut compare = |path: &str, what: &str, x: Option<String>, y: Option<String>| {
            if x != y {
                out.push(
                    Finding::new(
                        &BREAKER,
                        obj,
                        &format!("data[\"{key}\"].{path}"),
                        format!(
                            "{what} {} -> {} with no new schema period dated in the future",
                            x.unwrap_or_else(|| "unset".into()),
                            y.unwrap_or_else(|| "unset".into())
                        ),
                    )
                    .with_hint(later),
                );
            }
        };
        compare(
            "common.storage",
            "storage type",
            store_type(b),
            store_type(a),
        );
        let (bb, ba) = (bucket(b), bucket(a));
        let path = bb
            .as_ref()
            .or(ba.as_ref())
            .map_or("common.storage", |(p, _)| *p);
        compare(
            path,
            "chunks bucket",
            bb.map(|(_, v)| v),
            ba.map(|(_, v)| v),
        );
        compare(
            "common.replication_factor",
            "replication factor",
            Some(replication(b)),
            Some(replication(a)),
        );
    }
}
