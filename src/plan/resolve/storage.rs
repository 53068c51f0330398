//! Where chunks and indexes live, and the schema periods that name the store.

use super::super::presets as p;
use super::Resolver;
use crate::model::*;
use crate::plan::{ComponentPlan, PeriodPlan, StoragePlan};

impl Resolver<'_> {
    pub(super) fn storage(&mut self, mode: Mode, components: &[ComponentPlan]) -> StoragePlan {
        let Some(s) = self.lm.model.storage.clone() else {
            if mode != Mode::Monolithic {
                self.err_key(
                    "/mode",
                    format!("mode {mode} needs object storage, and the model has no `storage`"),
                )
                .hint = Some(
                    "add `storage: {type: s3, buckets: {chunks: <bucket>}}` (or gcs/azure)".into(),
                );
            } else if let Some(c) = components.iter().find(|c| c.replicas > 1) {
                // The default store is the pod's own disk, as with `type: filesystem` written
                // out (checked below): a second pod would hold part of the data, and queries
                // would miss it.
                self.err_value(
                    &format!("/components/{}/replicas", c.name),
                    format!(
                        "without `storage`, chunks are kept on filesystem storage, which needs exactly one {} replica",
                        c.name
                    ),
                )
                .hint = Some(
                    "set `replicas: 1`, or add an object store: `storage: {type: s3, buckets: {chunks: <bucket>}}` (or gcs/azure)".into(),
                );
            }
            return StoragePlan {
                kind: "filesystem",
                chunks_bucket: None,
                ruler_bucket: None,
                account_name: None,
                region: None,
                endpoint: None,
            };
        };
        if s.kind == StorageType::Filesystem {
            if mode != Mode::Monolithic {
                self.err_value(
                    "/storage/type",
                    format!("filesystem storage works only in monolithic mode, not {mode}"),
                )
                .hint = Some("use an object store (s3, gcs, azure) shared by all pods".into());
            } else if components.iter().any(|c| c.replicas > 1) {
                self.err_value(
                    "/storage/type",
                    "filesystem storage needs exactly one single-binary replica",
                )
                .hint = Some(
                    "set `components.single-binary.replicas: 1`, or use an object store".into(),
                );
            }
            if self.lm.located.contains("/storage/buckets") {
                self.err_key(
                    "/storage/buckets",
                    "`buckets` apply to object stores; filesystem storage keeps chunks and rules under /var/loki",
                );
            }
        } else if s.buckets.is_none() {
            self.err_key(
                "/storage/type",
                format!("{} storage needs `buckets.chunks`", s.kind.as_str()),
            );
        }
        match (s.kind, &s.account_name) {
            (StorageType::Azure, None) => {
                self.err_key("/storage/type", "azure storage needs `accountName`");
            }
            (StorageType::Azure, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                self.err_key(
                    "/storage/accountName",
                    "`storage.accountName` applies only to azure",
                );
            }
        }
        if s.kind != StorageType::S3 {
            for key in ["region", "endpoint"] {
                let ptr = format!("/storage/{key}");
                if self.lm.located.contains(&ptr) {
                    self.err_key(&ptr, format!("`storage.{key}` applies only to s3"));
                }
            }
        }
        let b = s.buckets;
        StoragePlan {
            kind: s.kind.as_str(),
            chunks_bucket: b.as_ref().map(|b| b.chunks.to_string()),
            ruler_bucket: b
                .as_ref()
                .and_then(|b| b.ruler.as_ref().map(|r| r.to_string())),
            account_name: s.account_name.map(String::from),
            region: s.region.map(String::from),
            endpoint: s.endpoint.map(String::from),
        }
    }

    pub(super) fn schema_config(&mut self, storage: &'static str) -> Vec<PeriodPlan> {
        let Some(periods) = self.lm.model.schema_config.clone() else {
            return vec![PeriodPlan {
                from: p::SCHEMA_FROM.into(),
                store: IndexStore::Tsdb.as_str(),
                schema: SchemaVersion::V13.as_str(),
                object_store: storage,
                index_prefix: p::INDEX_PREFIX.into(),
            }];
        };
        if periods.is_empty() {
            self.err_value("/schemaConfig", "schemaConfig needs at least one period");
        }
        let mut last: Option<String> = None;
        let mut out = Vec::new();
        for (i, period) in periods.into_iter().enumerate() {
            let ptr = format!("/schemaConfig/{i}");
            let from = period.from.to_string();
            if let Some(prev) = &last
                && from <= *prev
            {
                self.err_value(
                    &format!("{ptr}/from"),
                    format!("period starts {from} but the one before starts {prev}; list periods oldest first"),
                );
            }
            last = Some(from.clone());
            out.push(PeriodPlan {
                from,
                store: period.store.as_str(),
                schema: period.schema.as_str(),
                object_store: period.object_store.map_or(storage, StorageType::as_str),
                index_prefix: period
                    .index_prefix
                    .map_or_else(|| p::INDEX_PREFIX.into(), String::from),
            });
        }
        out
    }
}
