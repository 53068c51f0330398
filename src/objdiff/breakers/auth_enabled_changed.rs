//! `auth-enabled-changed`: Loki's `auth_enabled` differs between the two configs.
//!
//! With `auth_enabled: true` every stream is stored under the tenant its writer names
//! (`X-Scope-OrgID`); with `false`, under the single tenant `fake`. Switching either way
//! makes all data written so far invisible to the queries that follow (they ask another
//! tenant), and writers without a tenant are refused after a switch to `true`. The
//! community chart defaults to `true`; portplan's model to `false` (`authEnabled`). Loki's
//! own default, when the key is absent, is `true`.

use super::{Breaker, BreakerInfo, Context, Finding};
use crate::diag::Severity;
use crate::objdiff::lokiconfig::LokiConfig;
use crate::objdiff::object::Object;

pub static BREAKER: BreakerInfo = BreakerInfo {
    slug: "auth-enabled-changed",
    severity: Severity::Error,
    summary: "auth_enabled changes: the data written so far is under another tenant",
    why: "with auth the data lives under each writer's X-Scope-OrgID, without it under `fake`; after a switch queries ask the other tenant and see nothing",
    check: &AuthEnabledChanged,
};

#[derive(Debug)]
struct AuthEnabledChanged;

/// The object holding a side's config, for the finding's position.
pub fn holder<'a>(cx: &'a Context, c: &LokiConfig) -> Option<&'a Object> {
    let m = cx.matching;
    m.pairs
        .iter()
        .map(|p| p.before)
        .chain(m.removed.iter().copied())
        .find(|o| o.key.shown() == c.holder)
        .or_else(|| {
            m.pairs
                .iter()
                .map(|p| p.after)
                .chain(m.added.iter().copied())
                .find(|o| o.key.shown() == c.holder)
        })
}

impl Breaker for AuthEnabledChanged {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let (Some(b), Some(a)) = (&cx.before_config, &cx.after_config) else {
            return;
        };
        if b.auth_enabled() == a.auth_enabled() {
            return;
        }
        let Some(obj) = holder(cx, b) else { return };
        let hint = if b.auth_enabled() {
            "keep auth_enabled: true (the model's `authEnabled: true`, each client with its `tenant`); to merge tenants, query the old ones with a multi-tenant query first"
        } else {
            "keep auth_enabled: false, or know that the data written so far stays under tenant `fake` (query it with X-Scope-OrgID: fake)"
        };
        out.push(
            Finding::new(
                &BREAKER,
                obj,
                &format!("data[\"{}\"].auth_enabled", b.key),
                format!("auth_enabled {} -> {}", b.auth_enabled(), a.auth_enabled()),
            )
            .with_hint(hint),
        );
    }
}
