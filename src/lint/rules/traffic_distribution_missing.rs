//! `traffic-distribution-missing`: a Loki Service without `trafficDistribution` while the
//! model asks for one.
//!
//! `trafficDistribution: PreferClose` keeps traffic in the client's zone, which is what cuts
//! the cross-AZ bill the per-component ports were introduced to measure. In the forked chart
//! it had to be added to every Service template by hand, and some were missed: those
//! Services kept spreading traffic across zones with nothing failing. Headless Services are
//! exempt (DNS returns every pod; there is no proxying to steer), and so is `ExternalName`.
//!
//! Read on template source: a Service counts as setting the field when `trafficDistribution`
//! appears in it at all, inside `{{- if }}` / `{{- with }}` or through an `include` of a
//! helper whose `define` mentions it (looked up across every file scanned). Only Loki's
//! Services are checked, so other applications' Services in the same repository are left
//! alone: a Service is Loki's when it lives in a Loki chart (its Chart.yaml's name or its
//! folder says so), when its name or component label is a Loki component's
//! (`{{ .Release.Name }}-distributor`), or when it mentions the release or `loki`.

use super::{Check, Deferred, FileOutcome, FileRule, Reads, RuleInfo, SourceFile};
use crate::diag::Severity;
use crate::lint::Finding;
use crate::lint::context::Context;
use crate::lint::manifest::Document;
use crate::model::Component;

pub static RULE: RuleInfo = RuleInfo {
    slug: "traffic-distribution-missing",
    severity: Severity::Warning,
    summary: "a non-headless Loki Service has no trafficDistribution although the model sets one",
    fix: "add `trafficDistribution` to the Service's spec",
    check: Check::Files(&TrafficDistributionMissing),
};

/// A finding that stands unless one of the Service's includes turns out to set the field.
#[derive(Debug)]
pub struct Pending {
    pub finding: Finding,
    pub includes: Vec<String>,
}

/// The field, as a key and as the name of the helpers that set it.
const FIELD: &str = "trafficDistribution";

struct TrafficDistributionMissing;

impl FileRule for TrafficDistributionMissing {
    fn reads(&self) -> Reads {
        Reads::Manifests
    }

    /// Keeps each Service without the field, and every helper that sets it: an include may
    /// name a helper another file defines.
    fn check(&self, file: &SourceFile<'_>, ctx: &Context, out: &mut FileOutcome) {
        if ctx.plan.traffic_distribution.is_none() {
            return;
        }
        let deferred = &mut out.deferred;
        deferred.services_without_traffic_distribution.extend(
            file.manifest
                .documents
                .iter()
                .filter_map(|doc| pending(file.path, doc, ctx)),
        );
        deferred.traffic_distribution_defines.extend(
            file.manifest
                .defines_mentioning(FIELD)
                .into_iter()
                .map(str::to_owned),
        );
    }

    /// Reports the Services none of whose includes is a helper that sets the field.
    fn finish(&self, deferred: &mut Deferred, out: &mut Vec<Finding>) {
        let defines = &deferred.traffic_distribution_defines;
        out.extend(
            std::mem::take(&mut deferred.services_without_traffic_distribution)
                .into_iter()
                .filter(|p| !p.includes.iter().any(|i| defines.contains(i)))
                .map(|p| p.finding),
        );
    }
}

/// The Loki components whose names no other application's Service is likely to end with:
/// all but the generic `read`, `write` and `backend`.
fn distinctive_components() -> impl Iterator<Item = &'static str> {
    Component::ALL
        .iter()
        .map(|c| c.name())
        .filter(|n| !matches!(*n, "read" | "write" | "backend"))
}

/// Whether the Service is one of Loki's; see the module documentation.
fn is_loki_service(path: &str, doc: &Document, ctx: &Context) -> bool {
    if doc.text.contains("loki") || doc.text.contains(&ctx.plan.release) {
        return true;
    }
    let named = doc
        .name
        .as_ref()
        .is_some_and(|n| distinctive_components().any(|c| n.text.ends_with(&format!("-{c}"))));
    let labelled = distinctive_components().any(|c| {
        doc.text.contains(&format!("component: {c}\n"))
            || doc.text.contains(&format!("component: \"{c}\""))
    });
    named || labelled || ctx.charts.is_loki(path)
}

/// One document's finding, if it is a Service without the field; it still depends on
/// helpers defined in other files.
fn pending(path: &str, doc: &Document, ctx: &Context) -> Option<Pending> {
    let wanted = ctx.plan.traffic_distribution?;
    let kind = doc.kind.as_ref()?;
    if kind.text != "Service" || doc.headless || doc.mentions(FIELD) {
        return None;
    }
    if doc
        .service_type
        .as_ref()
        .is_some_and(|t| t.text == "ExternalName")
    {
        return None;
    }
    if !is_loki_service(path, doc, ctx) {
        return None;
    }
    let name = doc
        .name
        .as_ref()
        .map_or(String::new(), |n| format!(" `{}`", n.text));
    let finding = Finding::at(
        &RULE,
        path,
        kind.at,
        format!(
            "Service{name} has no trafficDistribution, but the model asks for {wanted}: its traffic crosses zones"
        ),
        format!(
            "add `trafficDistribution: {wanted}` under `spec` (generated charts read it from values: `portplan gen`)"
        ),
    );
    Some(Pending {
        finding,
        includes: doc.includes.iter().map(|s| (*s).to_owned()).collect(),
    })
}
