//! Checked scalar types: one type per rule a model value must follow.
//!
//! Each rule is one [`StringRule`] (or a [`Bounded`] range): the same constant gives the
//! type's `Deserialize` check, its JSON Schema (`pattern`, lengths, `patternErrorMessage` for
//! editors) and its error message. `portplan validate`, editors and `portplan plan` therefore
//! cannot disagree about a value: there is only one definition to disagree with.
//!
//! Once a model is loaded, a value of one of these types is known to be valid; nothing
//! downstream checks it again.

mod bounded;
mod checked;
mod cidr;
mod client;
mod cluster_domain;
mod date;
mod dns_label;
mod duration;
mod image;
mod item_size;
mod kube_names;
mod names;
mod port;
mod quantity;
mod rate;
mod storage;
mod tenant;

pub use bounded::{
    Bounded, ConnectionLimit, Count, MaxUnavailable, MemoryMb, Percent, QueryParallelism, Replicas,
    Slot, StreamLimit, TailLimit,
};
pub use checked::{Checked, StringRule};
pub use cidr::Cidr;
pub use client::{
    ByteSize, EnvVarName, GoDuration, MaxLines, Retries, SecretFile, TimeoutSeconds, Username,
};
pub use cluster_domain::ClusterDomain;
pub use date::Date;
pub use dns_label::{DnsLabel, ReleaseName};
pub use duration::Duration;
pub use image::ImageRef;
pub use item_size::ItemSize;
pub use kube_names::{
    AzureClientId, EnvName, ExtraArg, GcpServiceAccount, IamRoleArn, LabelKey, LabelValue,
    ObjectName,
};
pub use names::{AzId, DatasourceName, IndexPrefix, ZoneName};
pub use port::Port;
pub use quantity::{CpuQuantity, MemoryQuantity};
pub use rate::RateMb;
pub use storage::{AccountName, Bucket, Endpoint, Region};
pub use tenant::Tenant;
