//! The model's Loki settings in Loki's own names — `limits`, `overrides` and the pass-through
//! `loki.config` — checked against Loki's configuration reference and the keys the Plan owns
//! (`crate::loki`), and carried into the Plan as written (key order kept) for render to merge.

use serde_json::{Map, Value};

use super::Resolver;
use crate::loki::{self, Problem};
use crate::plan::{RuntimeConfigPlan, TenantLimits};

/// Keys of `limits` that the generated config places itself (from the typed values).
const PLACED: [&str; 2] = ["max_concurrent_tail_requests", "retention_period"];

impl Resolver<'_> {
    /// The raw mapping at `pointer`, as written (the loader has typed it already).
    fn raw_map(&self, pointer: &str) -> Map<String, Value> {
        match self.lm.located.value.pointer(pointer) {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        }
    }

    /// Records each problem as a located error.
    fn report(&mut self, problems: Vec<Problem>) {
        for p in problems {
            let d = if p.at_key {
                self.lm.error_at_key(&p.pointer, p.message)
            } else {
                self.lm.error_at_value(&p.pointer, p.message)
            };
            self.errors.push(match p.hint {
                Some(h) => d.with_hint(h),
                None => d,
            });
        }
    }

    /// A `limits` mapping (the model's `limits`, or one tenant's override) checked as Loki's
    /// `limits_config`; `shown` is its Loki path in messages (`limits_config`,
    /// `overrides.team-a`). Returns its keys as written, less those the generator places.
    pub(super) fn limits_keys(&mut self, pointer: &str, shown: &str) -> Map<String, Value> {
        let raw = self.raw_map(pointer);
        if raw.is_empty() {
            // Nothing to check: the key table is not even parsed.
            return raw;
        }
        let owned = |path: &str| {
            let rest = path.strip_prefix(shown).unwrap_or(path);
            loki::owner_within("limits_config", &format!("limits_config{rest}"))
        };
        let problems = loki::reference().check(
            "limits_config",
            &Value::Object(raw.clone()),
            pointer,
            shown,
            &owned,
        );
        self.report(problems);
        raw.into_iter()
            .filter(|(k, _)| !PLACED.contains(&k.as_str()))
            .collect()
    }

    /// `loki.config`: checked against the whole reference, with the Plan's keys refused.
    pub(super) fn passthrough(&mut self) -> Map<String, Value> {
        let pointer = "/loki/config";
        let raw = self.raw_map(pointer);
        if raw.is_empty() {
            return raw;
        }
        let problems = loki::reference().check(
            "root",
            &Value::Object(raw.clone()),
            pointer,
            "",
            &loki::owner,
        );
        self.report(problems);
        raw
    }

    /// `overrides`: each tenant's limits, checked like `limits`, and where Loki reads them.
    pub(super) fn overrides(
        &mut self,
        release: &str,
        has_compactor: bool,
    ) -> (Vec<TenantLimits>, Option<RuntimeConfigPlan>) {
        let tenants: Vec<String> = self
            .lm
            .model
            .overrides
            .keys()
            .map(ToString::to_string)
            .collect();
        let mut out = Vec::new();
        for tenant in tenants {
            let pointer = format!("/overrides/{}", crate::yaml::pointer_token(&tenant));
            if self
                .lm
                .located
                .value
                .pointer(&format!("{pointer}/retention_period"))
                .is_some()
                && !has_compactor
            {
                self.err_value(
                    &format!("{pointer}/retention_period"),
                    format!("tenant {tenant}'s retention_period needs the compactor, which is disabled: nothing would ever be deleted"),
                )
                .hint = Some("enable the compactor, or remove retention_period".into());
            }
            let limits = self.raw_map(&pointer);
            self.limits_keys(&pointer, &format!("overrides.{tenant}"));
            out.push(TenantLimits { tenant, limits });
        }
        let runtime = (!out.is_empty()).then(|| RuntimeConfigPlan {
            config_map: format!("{release}-runtime"),
            mount_path: RUNTIME_MOUNT.to_owned(),
            file: format!("{RUNTIME_MOUNT}/runtime.yaml"),
        });
        (out, runtime)
    }
}

/// Where every Loki pod mounts the per-tenant overrides (the chart's `runtime` volume).
pub(super) const RUNTIME_MOUNT: &str = "/etc/loki/runtime";
