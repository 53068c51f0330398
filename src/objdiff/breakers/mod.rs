//! Migration breakers: the differences between two renders that break something when the
//! second replaces the first. One file each, with the incident class as its doc comment
//! (the way `src/lint/rules/` holds lint rules), and [`ALL`] lists every one once: the
//! report, `--format json` and the docs' table read that list.
//!
//! A breaker reads the [`Context`]: the matched objects (pairs, renames, removals,
//! additions), the Loki config of each side, and the model's Plan when `-m` is given.
//! `tests/cases/rendered-diff-breakers/<slug>/` holds each breaker's good and bad manifest
//! pairs.

pub mod auth_enabled_changed;
pub mod claim_template_changed;
pub mod immutable_field_changed;
pub mod memberlist_ring_split;
pub mod mode_switch_direct;
pub mod port_changed;
pub mod service_renamed_or_removed;
pub mod storage_changed_without_period;

use serde_json::Value;

use super::lokiconfig::LokiConfig;
use super::matching::Matching;
use super::object::{Object, Origin};
use crate::diag::Severity;
use crate::plan::Plan;

/// A breaker's identity and rationale.
#[derive(Debug)]
pub struct BreakerInfo {
    /// Stable identifier: `service-renamed-or-removed`.
    pub slug: &'static str,
    /// The severity of its findings (a breaker may report a lesser one in a specific case).
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// Why it matters, in one or two sentences.
    pub why: &'static str,
    pub check: &'static dyn Breaker,
}

/// The check of one breaker.
pub trait Breaker: Sync + std::fmt::Debug {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>);
}

/// What the breakers read.
pub struct Context<'a> {
    pub matching: &'a Matching<'a>,
    pub before_config: Option<LokiConfig>,
    pub after_config: Option<LokiConfig>,
    /// The model's Plan (`-m`): which of its client configs point at a Service.
    pub plan: Option<&'a Plan>,
    /// Today, `YYYY-MM-DD` (UTC): a schema period from a later day is "in the future".
    pub today: String,
}

/// One breaker finding.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static BreakerInfo,
    pub severity: Severity,
    /// `Service loki/loki`: the object on the before side (the after side's when new).
    pub object: String,
    /// Where that object was read.
    pub origin: Origin,
    /// The field: `metadata.name`, `spec.ports[http].port`, `auth_enabled`.
    pub path: String,
    pub message: String,
    /// The fix or the command to run.
    pub hint: Option<String>,
    /// With `-m`: the model's client configs that point at the Service
    /// (`alloy/argocd-alloy.alloy`, `grafana/datasources.yaml: Loki`).
    pub clients: Vec<String>,
}

impl Finding {
    /// A finding of `rule` about `obj`, at its default severity.
    pub fn new(rule: &'static BreakerInfo, obj: &Object, path: &str, message: String) -> Self {
        Finding {
            rule,
            severity: rule.severity,
            object: obj.key.shown(),
            origin: obj.origin.clone(),
            path: path.to_owned(),
            message,
            hint: None,
            clients: Vec::new(),
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
}

/// Every breaker, once, in the order reports list them.
pub static ALL: &[&BreakerInfo] = &[
    &service_renamed_or_removed::BREAKER,
    &port_changed::BREAKER,
    &claim_template_changed::BREAKER,
    &immutable_field_changed::BREAKER,
    &auth_enabled_changed::BREAKER,
    &storage_changed_without_period::BREAKER,
    &memberlist_ring_split::BREAKER,
    &mode_switch_direct::BREAKER,
];

/// Runs every breaker; findings in registry order, then by object and path.
pub fn run(cx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for b in ALL {
        let mut found = Vec::new();
        b.check.check(cx, &mut found);
        found.sort_by(|x, y| (&x.object, &x.path).cmp(&(&y.object, &y.path)));
        out.extend(found);
    }
    out
}

/// A value as a reader writes it: strings bare, everything else as JSON.
pub fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
