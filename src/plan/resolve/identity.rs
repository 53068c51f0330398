//! The Loki pods' access to object storage and their monitoring: the ServiceAccount's cloud
//! identity (IRSA, GKE and Azure workload identity), the Secret static S3 keys come from,
//! and the ServiceMonitors.
//!
//! Credentials themselves never enter the model or values: the model names a Secret, the
//! containers read its keys with `secretKeyRef`.

use std::collections::BTreeMap;

use super::Resolver;
use crate::model::*;
use crate::plan::{IdentityPlan, MonitoringPlan, SecretEnvPlan};

impl Resolver<'_> {
    /// The ServiceAccount annotations and pod labels of the storage's identity, and the
    /// static credentials' Secret; each refused where the storage type cannot use it.
    pub(super) fn identity(&mut self) -> IdentityPlan {
        let Some(s) = self.lm.model.storage.clone() else {
            return IdentityPlan::default();
        };
        let mut plan = IdentityPlan::default();
        if let Some(id) = &s.identity {
            let given = [
                ("awsRoleArn", id.aws_role_arn.is_some(), StorageType::S3),
                (
                    "gcpServiceAccount",
                    id.gcp_service_account.is_some(),
                    StorageType::Gcs,
                ),
                (
                    "azureClientId",
                    id.azure_client_id.is_some(),
                    StorageType::Azure,
                ),
            ];
            let set: Vec<_> = given.iter().filter(|g| g.1).collect();
            if set.len() > 1 {
                self.err_key(
                    &format!("/storage/identity/{}", set[1].0),
                    "give one identity: the ServiceAccount is bound to one cloud's identity",
                );
            }
            for (key, present, kind) in given {
                if present && kind != s.kind {
                    self.err_key(
                        &format!("/storage/identity/{key}"),
                        format!(
                            "`{key}` is an identity for {} storage, and the storage is {}",
                            kind.as_str(),
                            s.kind.as_str()
                        ),
                    )
                    .hint = Some(format!(
                        "for {} use `{}`",
                        s.kind.as_str(),
                        match s.kind {
                            StorageType::S3 => "awsRoleArn",
                            StorageType::Gcs => "gcpServiceAccount",
                            StorageType::Azure => "azureClientId",
                            StorageType::Filesystem => "no identity",
                        }
                    ));
                }
            }
            if let Some(arn) = &id.aws_role_arn {
                plan.annotations
                    .insert("eks.amazonaws.com/role-arn".into(), arn.to_string());
            }
            if let Some(sa) = &id.gcp_service_account {
                plan.annotations
                    .insert("iam.gke.io/gcp-service-account".into(), sa.to_string());
            }
            if let Some(client) = &id.azure_client_id {
                plan.annotations.insert(
                    "azure.workload.identity/client-id".into(),
                    client.to_string(),
                );
                plan.pod_labels
                    .insert("azure.workload.identity/use".into(), "true".into());
            }
        }
        if let Some(secret) = &s.credentials_secret {
            if s.kind != StorageType::S3 {
                self.err_key(
                    "/storage/credentialsSecret",
                    format!(
                        "`credentialsSecret` holds S3 access keys, and the storage is {}",
                        s.kind.as_str()
                    ),
                )
                .hint = Some("use `identity` (workload identity) for gcs and azure".into());
            } else if s
                .identity
                .as_ref()
                .is_some_and(|i| i.aws_role_arn.is_some())
            {
                self.err_key(
                    "/storage/credentialsSecret",
                    "static keys and an IAM role both configured: the keys would win and the role would never be used",
                )
                .hint = Some("keep one: `identity.awsRoleArn` or `credentialsSecret`".into());
            }
            let key = |k: &Option<crate::model::scalars::EnvName>, default: &str| {
                k.as_ref().map_or(default.to_owned(), ToString::to_string)
            };
            plan.credentials_secret = Some(SecretEnvPlan {
                name: secret.name.to_string(),
                env: vec![
                    (
                        "AWS_ACCESS_KEY_ID",
                        key(&secret.access_key_id_key, "AWS_ACCESS_KEY_ID"),
                    ),
                    (
                        "AWS_SECRET_ACCESS_KEY",
                        key(&secret.secret_access_key_key, "AWS_SECRET_ACCESS_KEY"),
                    ),
                ],
            });
        }
        plan
    }

    /// The ServiceMonitors' settings.
    pub(super) fn monitoring(&mut self) -> MonitoringPlan {
        let Some(sm) = self
            .lm
            .model
            .monitoring
            .as_ref()
            .and_then(|m| m.service_monitor.clone())
        else {
            return MonitoringPlan::default();
        };
        if let (Some(i), Some(t)) = (&sm.interval, &sm.scrape_timeout)
            && millis(t) > millis(i)
        {
            self.err_value(
                "/monitoring/serviceMonitor/scrapeTimeout",
                format!("scrapeTimeout {t} is longer than the interval {i}: Prometheus refuses the scrape config"),
            );
        }
        MonitoringPlan {
            service_monitor: sm.enabled.unwrap_or(true),
            interval: sm.interval.map(String::from),
            scrape_timeout: sm.scrape_timeout.map(String::from),
            labels: sm
                .labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            targets: Vec::new(),
        }
    }
}

/// A duration in milliseconds (the model's durations are checked: digits, then a unit).
fn millis(d: &str) -> u64 {
    let mut total = 0u64;
    let mut num = 0u64;
    let mut chars = d.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(v) = c.to_digit(10) {
            num = num.saturating_mul(10).saturating_add(u64::from(v));
            continue;
        }
        let unit = match (c, chars.peek()) {
            ('m', Some('s')) => {
                chars.next();
                1
            }
            ('s', _) => 1_000,
            ('m', _) => 60_000,
            ('h', _) => 3_600_000,
            ('d', _) => 86_400_000,
            ('w', _) => 604_800_000,
            _ => 31_536_000_000,
        };
        total = total.saturating_add(num.saturating_mul(unit));
        num = 0;
    }
    total
}

#[cfg(test)]
mod tests {
    #[test]
    fn millis_reads_every_unit() {
        assert_eq!(super::millis("1h30m"), 5_400_000);
        assert_eq!(super::millis("500ms"), 500);
        assert_eq!(super::millis("30s"), 30_000);
    }
}
