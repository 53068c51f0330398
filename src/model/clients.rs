//! Clients outside the chart whose configs portplan writes next to it: Grafana Alloy writers
//! and Grafana datasources (`clients:` in portplan.yaml).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::scalars::*;

/// Clients whose configs are generated next to the chart.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clients {
    /// Grafana Alloy writers (`loki.write` components).
    #[serde(default)]
    pub alloy: Vec<AlloyClient>,
    /// Grafana datasources.
    #[serde(default)]
    pub grafana: Vec<GrafanaDatasource>,
}

/// Which Service a client talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Route {
    /// Through the nginx gateway.
    Gateway,
    /// Straight to the component that serves the path (distributor for pushes, query-frontend
    /// for queries; write/read or the single binary in the other modes).
    Direct,
}

/// One Alloy `loki.write` component.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AlloyClient {
    /// Component label and file name (`alloy/<name>.alloy`). A DNS-1035 label.
    pub name: DnsLabel,
    /// `gateway` (default) or `direct`.
    #[serde(default)]
    pub via: Option<Route>,
    /// Tenant sent as `X-Scope-OrgID` (Alloy's `tenant_id`).
    #[serde(default)]
    pub tenant: Option<Tenant>,
    /// Basic auth (a proxy or a hosted Loki in front of the gateway). The password comes from
    /// a file or an environment variable, never from the model.
    #[serde(default)]
    pub basic_auth: Option<BasicAuth>,
    /// How long a push may take before it is retried (`remote_timeout`; Alloy's default 10s).
    #[serde(default)]
    pub timeout: Option<GoDuration>,
    /// Batching of log lines before a push.
    #[serde(default)]
    pub batch: Option<AlloyBatch>,
    /// Retries of a failed push, with exponential backoff.
    #[serde(default)]
    pub retry: Option<AlloyRetry>,
    /// `loki` (default): a `loki.write` component. `otlp`: an OTLP pipeline
    /// (`otelcol.receiver.otlp` -> `otelcol.processor.batch` -> `otelcol.exporter.otlphttp`)
    /// that sends to Loki's OTLP endpoint, `/otlp/v1/logs`.
    #[serde(default)]
    pub protocol: Option<AlloyProtocol>,
}

/// Basic auth for a client: a user name, and exactly one place the password comes from.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BasicAuth {
    pub username: Username,
    /// A file holding the password (a mounted Secret): Alloy's `password_file`.
    #[serde(default)]
    pub password_file: Option<SecretFile>,
    /// An environment variable holding the password: `password = sys.env("...")`.
    #[serde(default)]
    pub password_env: Option<EnvVarName>,
}

/// Alloy's batching: a batch is sent when it reaches `size` or has waited `wait`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AlloyBatch {
    /// `batch_size` (Alloy's default `1MiB`).
    #[serde(default)]
    pub size: Option<ByteSize>,
    /// `batch_wait` (Alloy's default `1s`).
    #[serde(default)]
    pub wait: Option<GoDuration>,
}

/// Alloy's retries of a failed push.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AlloyRetry {
    /// `min_backoff_period` (Alloy's default `500ms`).
    #[serde(default)]
    pub min_backoff: Option<GoDuration>,
    /// `max_backoff_period` (Alloy's default `5m`).
    #[serde(default)]
    pub max_backoff: Option<GoDuration>,
    /// `max_backoff_retries` (Alloy's default 10; 0 retries forever).
    #[serde(default)]
    pub max_retries: Option<Retries>,
}

/// How an Alloy client sends logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AlloyProtocol {
    /// Loki's push API, `/loki/api/v1/push` (`loki.write`).
    Loki,
    /// OTLP over HTTP, `/otlp/v1/logs` (`otelcol.exporter.otlphttp`).
    Otlp,
}

/// One Grafana datasource.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GrafanaDatasource {
    /// Datasource name shown in Grafana.
    pub name: DatasourceName,
    /// `gateway` (default) or `direct`.
    #[serde(default)]
    pub via: Option<Route>,
    /// Tenant sent as `X-Scope-OrgID`.
    #[serde(default)]
    pub tenant: Option<Tenant>,
    /// Make this the default datasource.
    #[serde(default)]
    pub is_default: Option<bool>,
    /// Query timeout in seconds (`jsonData.timeout`; Grafana's default is its data proxy's).
    #[serde(default)]
    pub timeout: Option<TimeoutSeconds>,
    /// The most log lines a query returns (`jsonData.maxLines`). Default 1000.
    #[serde(default)]
    pub max_lines: Option<MaxLines>,
}
