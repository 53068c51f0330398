//! Clients outside the chart: Alloy writers and Grafana datasources, and their tenants.

use std::collections::{BTreeMap, BTreeSet};

use super::Resolver;
use super::p;
use crate::model::scalars::Tenant;
use crate::model::*;
use crate::plan::{
    Addresses, AlloyPlan, BasicAuthPlan, ClientsPlan, DatasourcePlan, OtlpReceiverPlan,
};

/// Grafana's own default of a Loki datasource's `maxLines`.
const DEFAULT_MAX_LINES: u32 = 1000;

fn route_name(r: Route) -> &'static str {
    match r {
        Route::Gateway => "gateway",
        Route::Direct => "direct",
    }
}

impl Resolver<'_> {
    pub(super) fn clients(&mut self, a: &Addresses, auth_enabled: bool) -> ClientsPlan {
        let clients = self.lm.model.clients.clone().unwrap_or_default();
        let mut seen = BTreeMap::new();
        let mut alloy = Vec::new();
        for (i, c) in clients.alloy.iter().enumerate() {
            let ptr = format!("/clients/alloy/{i}/name");
            if let Some(prev) = seen.insert(c.name.to_string(), ptr.clone()) {
                let at = self.lm.located.value_location(&prev);
                let d = self
                    .lm
                    .error_at_value(&ptr, format!("Alloy client `{}` is listed twice", c.name));
                self.errors
                    .push(d.with_related(&self.lm.path, at, "first listed here"));
            }
            let tenant = self.client_tenant(
                &format!("/clients/alloy/{i}"),
                c.tenant.as_ref(),
                auth_enabled,
            );
            let via = c.via.unwrap_or(Route::Gateway);
            let endpoint = match via {
                Route::Gateway => a.gateway.clone(),
                Route::Direct => a.push.clone(),
            };
            let basic_auth = c
                .basic_auth
                .as_ref()
                .map(|b| self.basic_auth(&format!("/clients/alloy/{i}/basicAuth"), b));
            let batch = c.batch.clone().unwrap_or_default();
            let retry = c.retry.clone().unwrap_or_default();
            let otlp = c.protocol == Some(AlloyProtocol::Otlp);
            let otlp_endpoint = format!("{}{}", endpoint.address, p::OTLP_BASE_PATH);
            if otlp {
                // loki.write settings: the OTLP exporter has no such arguments here.
                let set = [
                    ("basicAuth", c.basic_auth.is_some()),
                    ("timeout", c.timeout.is_some()),
                    ("batch", c.batch.is_some()),
                    ("retry", c.retry.is_some()),
                ];
                for (key, _) in set.iter().filter(|(_, on)| *on) {
                    self.err_key(
                        &format!("/clients/alloy/{i}/{key}"),
                        format!("`{key}` configures loki.write; this client sends OTLP (`protocol: otlp`)"),
                    )
                    .hint = Some(format!("remove `{key}`, or use `protocol: loki`"));
                }
            }
            alloy.push(AlloyPlan {
                name: c.name.to_string(),
                label: c.name.replace('-', "_"),
                via: route_name(via),
                protocol: if otlp { "otlp" } else { "loki" },
                url: if otlp {
                    format!("{otlp_endpoint}/v1/logs")
                } else {
                    format!("{}{}", endpoint.address, p::PUSH_PATH)
                },
                otlp_endpoint: otlp.then_some(otlp_endpoint),
                otlp_receiver: otlp
                    .then(|| OtlpReceiverPlan::new(p::OTLP_GRPC_PORT, p::OTLP_HTTP_PORT)),
                endpoint,
                tenant,
                basic_auth,
                timeout: c.timeout.as_ref().map(ToString::to_string),
                batch_size: batch.size.as_ref().map(ToString::to_string),
                batch_wait: batch.wait.as_ref().map(ToString::to_string),
                min_backoff: retry.min_backoff.as_ref().map(ToString::to_string),
                max_backoff: retry.max_backoff.as_ref().map(ToString::to_string),
                max_retries: retry.max_retries.map(|r| r.get()),
            });
        }
        let mut grafana = Vec::new();
        let mut names = BTreeSet::new();
        for (i, d) in clients.grafana.iter().enumerate() {
            let ptr = format!("/clients/grafana/{i}/name");
            if !names.insert(d.name.to_lowercase()) {
                self.err_value(&ptr, format!("datasource `{}` is listed twice", d.name));
            }
            let tenant = self.client_tenant(
                &format!("/clients/grafana/{i}"),
                d.tenant.as_ref(),
                auth_enabled,
            );
            let via = d.via.unwrap_or(Route::Gateway);
            let endpoint = match via {
                Route::Gateway => a.gateway.clone(),
                Route::Direct => a.query.clone(),
            };
            grafana.push(DatasourcePlan {
                uid: datasource_uid(&self.lm.model.release, &d.name),
                name: d.name.to_string(),
                via: route_name(via),
                url: endpoint.address.clone(),
                endpoint,
                tenant,
                is_default: d.is_default.unwrap_or(false),
                timeout: d.timeout.map(|t| t.get()),
                max_lines: d.max_lines.map_or(DEFAULT_MAX_LINES, |m| m.get()),
            });
        }
        if grafana.iter().filter(|d| d.is_default).count() > 1 {
            self.err_value(
                "/clients/grafana",
                "more than one datasource has `isDefault: true`",
            );
        }
        ClientsPlan { alloy, grafana }
    }

    /// A client's basic auth: the password from exactly one of a file or an environment
    /// variable.
    fn basic_auth(&mut self, ptr: &str, b: &BasicAuth) -> BasicAuthPlan {
        match (&b.password_file, &b.password_env) {
            (Some(_), Some(_)) => {
                self.err_key(
                    &format!("{ptr}/passwordEnv"),
                    "basicAuth has both passwordFile and passwordEnv: Alloy takes one password",
                )
                .hint = Some("keep one of them".into());
            }
            (None, None) => {
                self.err_key(
                    &format!("{ptr}/username"),
                    "basicAuth has no password source: the model never holds a password",
                )
                .hint = Some(
                    "add `passwordFile: /path/in/the/alloy/pod` (a mounted Secret) or `passwordEnv: VAR`"
                        .into(),
                );
            }
            _ => {}
        }
        BasicAuthPlan {
            username: b.username.to_string(),
            password_file: b.password_file.as_ref().map(ToString::to_string),
            password_env: b.password_env.as_ref().map(ToString::to_string),
        }
    }

    /// A client's tenant; with `authEnabled` every client needs one.
    fn client_tenant(
        &mut self,
        client: &str,
        t: Option<&Tenant>,
        auth_enabled: bool,
    ) -> Option<String> {
        if auth_enabled && t.is_none() {
            self.err_key(
                &format!("{client}/name"),
                "this client has no tenant: with authEnabled Loki rejects requests without X-Scope-OrgID (\"no org id\")",
            )
            .hint = Some("add `tenant: <id>` to the client".into());
        }
        self.tenant(&format!("{client}/tenant"), t, auth_enabled)
    }

    /// A tenant is meaningful only with `authEnabled` (without it Loki ignores
    /// `X-Scope-OrgID` and stores everything as tenant `fake`).
    pub(super) fn tenant(
        &mut self,
        ptr: &str,
        t: Option<&Tenant>,
        auth_enabled: bool,
    ) -> Option<String> {
        let t = t?;
        if !auth_enabled {
            self.err_value(
                ptr,
                format!("tenant `{}` has no effect: without authEnabled Loki stores everything as tenant `fake`", t.escape_debug()),
            )
            .hint = Some("set `authEnabled: true` (multi-tenancy), or remove the tenant".into());
        }
        Some(t.to_string())
    }
}

/// A stable datasource UID: Grafana keys dashboards' references on it, so it must not change
/// between runs; derived from release and name, within Grafana's 40-character limit.
fn datasource_uid(release: &str, name: &str) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let uid = format!("{release}-{slug}");
    uid.chars()
        .take(40)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}
