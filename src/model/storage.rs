//! Where and how Loki keeps its data: the schema periods (`schemaConfig:`), the object store
//! (`storage:`) and the cloud identity its pods use to reach it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::scalars::*;

/// One Loki schema period.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SchemaPeriod {
    /// First day of the period, `YYYY-MM-DD`.
    pub from: Date,
    /// Index store: `tsdb` or `boltdb-shipper`.
    pub store: IndexStore,
    /// Schema version, `v11`..`v13`.
    pub schema: SchemaVersion,
    /// Object store for this period. Default: the storage type.
    #[serde(default)]
    pub object_store: Option<StorageType>,
    /// Index table prefix. Default `loki_index_`.
    #[serde(default)]
    pub index_prefix: Option<IndexPrefix>,
}

/// Loki index store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IndexStore {
    Tsdb,
    BoltdbShipper,
}

impl IndexStore {
    pub fn as_str(self) -> &'static str {
        match self {
            IndexStore::Tsdb => "tsdb",
            IndexStore::BoltdbShipper => "boltdb-shipper",
        }
    }
}

/// Loki schema version.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SchemaVersion {
    V11,
    V12,
    V13,
}

impl SchemaVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaVersion::V11 => "v11",
            SchemaVersion::V12 => "v12",
            SchemaVersion::V13 => "v13",
        }
    }
}

/// Chunk storage.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Storage {
    /// `filesystem` (monolithic with one replica only), `s3`, `gcs` or `azure`.
    #[serde(rename = "type")]
    pub kind: StorageType,
    /// Bucket (or container) names. Required for object stores.
    #[serde(default)]
    pub buckets: Option<Buckets>,
    /// s3 only: the region.
    #[serde(default)]
    pub region: Option<Region>,
    /// s3 only: a custom endpoint (MinIO and friends), `host[:port]`.
    #[serde(default)]
    pub endpoint: Option<Endpoint>,
    /// azure only (required there): the storage account.
    #[serde(default)]
    pub account_name: Option<AccountName>,
    /// The cloud identity the Loki pods' ServiceAccount is bound to (IRSA, GKE or Azure
    /// workload identity): the ServiceAccount's annotations.
    #[serde(default)]
    pub identity: Option<CloudIdentity>,
    /// s3 only: static credentials from a Secret (never in the model or values), as the
    /// Loki containers' `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    #[serde(default)]
    pub credentials_secret: Option<CredentialsSecret>,
}

/// The cloud identity of the Loki pods: one of the three, matching the storage type.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CloudIdentity {
    /// s3: the IAM role (EKS IRSA, `eks.amazonaws.com/role-arn`).
    #[serde(default)]
    pub aws_role_arn: Option<IamRoleArn>,
    /// gcs: the Google service account (GKE workload identity, `iam.gke.io/gcp-service-account`).
    #[serde(default)]
    pub gcp_service_account: Option<GcpServiceAccount>,
    /// azure: the managed identity's client ID (`azure.workload.identity/client-id`; the pods
    /// get the label `azure.workload.identity/use: "true"`).
    #[serde(default)]
    pub azure_client_id: Option<AzureClientId>,
}

/// A Secret holding S3 access keys.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CredentialsSecret {
    /// The Secret's name, in the release's namespace.
    pub name: ObjectName,
    /// The key holding the access key ID. Default `AWS_ACCESS_KEY_ID`.
    #[serde(default)]
    pub access_key_id_key: Option<EnvName>,
    /// The key holding the secret access key. Default `AWS_SECRET_ACCESS_KEY`.
    #[serde(default)]
    pub secret_access_key_key: Option<EnvName>,
}

/// Storage backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StorageType {
    Filesystem,
    S3,
    Gcs,
    Azure,
}

impl StorageType {
    pub fn as_str(self) -> &'static str {
        match self {
            StorageType::Filesystem => "filesystem",
            StorageType::S3 => "s3",
            StorageType::Gcs => "gcs",
            StorageType::Azure => "azure",
        }
    }
}

/// Bucket names.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Buckets {
    pub chunks: Bucket,
    #[serde(default)]
    pub ruler: Option<Bucket>,
}
