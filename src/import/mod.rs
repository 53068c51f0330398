//! `portplan import`: a model from an existing chart's values.
//!
//! A team that runs the community Loki chart (grafana/loki 6.x, grafana-community 7.x-18.x),
//! a fork of it, or a chart portplan generated, has its deployment in values files. Import
//! merges them as Helm does ([`layers`]), carries what the model expresses through one table
//! ([`table`]; a fork's own port values are found in its templates, [`fork`]), lets the model
//! and the Plan check the result ([`build`]) and writes a minimal, commented model
//! ([`write`]). Every value it read and did not carry is listed with its `file:line:col` and
//! why, so nothing is lost silently.
//!
//! Without `--chart`, the values are merged on top of the community chart's own values.yaml
//! (18.11.0), built in: a team usually has its values files at hand but not the chart, and
//! the chart's defaults decide what runs (the gateway Service on 80, the caches' memory, the
//! mode). With `--chart PATH`, that chart's values.yaml is the base instead.

pub mod build;
pub mod fork;
pub mod generated;
pub mod layers;
pub mod report;
pub mod table;
pub mod write;

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::diag::{Diagnostic, Failure, Location};
use crate::model::{Mode, Stage};
use layers::{Merged, Origin, path_of};

/// The community chart's values.yaml (grafana-community/helm-charts `charts/loki` 18.11.0,
/// Apache-2.0; see tests/data/community-loki/SOURCE.md), the base when no `--chart` is given.
const COMMUNITY_VALUES: &str = include_str!("../../tests/data/community-loki/values.yaml");

/// The name the built-in defaults go by in origins and comments.
pub const COMMUNITY_VALUES_NAME: &str = "<loki chart 18.11.0 values.yaml>";

/// The Chart.yaml annotation in which `gen` records the model facts its chart renders into
/// templates instead of reading from values (release, namespace, storage, schema, clients...),
/// so that import reads a generated chart back exactly.
pub const MODEL_ANNOTATION: &str = "portplan/model";

/// The release and namespace used when nothing names them: the Helm release name and the
/// namespace are not values.
pub const DEFAULT_RELEASE: &str = "loki";

/// What to import.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Values files, merged in order (as `helm -f a -f b`).
    pub files: Vec<PathBuf>,
    /// The chart the values are for: its values.yaml is the base, its templates are read for
    /// a fork's own port values, its Chart.yaml for the facts a generated chart records.
    pub chart: Option<PathBuf>,
    /// The Helm release name (default: the generated chart's, else `loki`).
    pub release: Option<String>,
    /// The namespace (default: the generated chart's, else the release name).
    pub namespace: Option<String>,
}

/// A model key import wrote, and where its value came from.
#[derive(Clone, Debug, Serialize)]
pub struct Carried {
    /// JSON pointer in the model.
    pub pointer: String,
    /// The value path it was read from (dotted).
    pub from: String,
    pub origin: Origin,
    /// Whether one of the given files set it (else the chart's defaults did).
    pub given: bool,
    /// Set when the key was not written after all (`equals the preset`).
    pub note: Option<String>,
    /// For a fork's own value: the template that feeds it to a port.
    pub via: Option<String>,
}

/// Why a value was not carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The model has no key for it yet.
    NotModelled,
    /// The model or the Plan refuses the value (the detail says why).
    Refused,
    /// The Plan derives this value and derives something else for this model.
    Differs,
    /// Another spelling of the same key set it too, and that one was carried.
    Superseded,
    /// A chart default the model refuses (a DaemonSet canary's `replicas`): the chart's
    /// templates ignore it in this setting too, so nothing is lost.
    DefaultRefused,
    /// The Plan derives it, to the same value: nothing is lost.
    Derived,
    /// It equals the chart's default: nothing is lost.
    Default,
    /// It belongs to a component the mode does not run: the chart ignores it too.
    Unused,
}

impl Reason {
    /// Whether something of the deployment is lost (exit 1).
    pub fn is_loss(self) -> bool {
        !matches!(
            self,
            Reason::Derived | Reason::Default | Reason::DefaultRefused | Reason::Unused
        )
    }

    /// The reason's name in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotModelled => "not modelled yet",
            Reason::Refused => "refused by the model",
            Reason::Differs => "owned by the plan, differs",
            Reason::Superseded => "superseded",
            Reason::DefaultRefused => "default, refused by the model",
            Reason::Derived => "owned by the plan",
            Reason::Default => "default",
            Reason::Unused => "unused in this mode",
        }
    }
}

/// A value read and not carried.
#[derive(Clone, Debug, Serialize)]
pub struct NotCarried {
    /// The value path (dotted).
    pub path: String,
    pub origin: Origin,
    pub reason: Reason,
    pub detail: String,
}

/// The result: a model that validates and plans, and the account of every value.
#[derive(Debug)]
pub struct Imported {
    /// The stage: one mode, or a transition (a transitional `deploymentMode`).
    pub mode: Stage,
    /// The model tree written (portplan.yaml's keys).
    pub model: Value,
    /// Every model key written, with its origin.
    pub carried: Vec<Carried>,
    /// Every value read and not carried, by file and position.
    pub not_carried: Vec<NotCarried>,
    /// The base the files were merged on (a chart's values.yaml, the built-in defaults, or
    /// none for a generated chart's values).
    pub base: Option<String>,
}

impl Imported {
    /// Whether something was not carried (besides defaults, derived and unused values).
    pub fn lost_anything(&self) -> bool {
        self.not_carried.iter().any(|n| n.reason.is_loss())
    }
}

pub(crate) struct Read {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) doc: crate::yaml::Located,
}

pub(crate) fn read(path: &Path, what: &str) -> Result<Read, Diagnostic> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            &name,
            Location::new(1, 1),
            format!("cannot read {what}: {e}"),
        )
    })?;
    let text = crate::yaml::decode_utf8(&name, bytes, what)?;
    // As Helm reads values: a key given twice keeps its last value.
    let doc = crate::yaml::parse_located_with(&text, crate::yaml::helm_values_options())
        .map_err(|e| crate::yaml::yaml_error(&name, &text, &e))?;
    if !(doc.value.is_object() || doc.value.is_null()) {
        return Err(layers::not_a_mapping(&name));
    }
    Ok(Read { name, text, doc })
}

/// Imports `opts.files` (on top of the chart's values): every error of every file at once.
pub fn import(opts: &Options) -> Result<Imported, Failure> {
    let mut errors = Vec::new();
    let mut given = Vec::new();
    for f in &opts.files {
        match read(f, "the values file") {
            Ok(r) => given.push(r),
            Err(d) => errors.push(d),
        }
    }
    let chart_values = match &opts.chart {
        Some(dir) => {
            let p = dir.join("values.yaml");
            if p.exists() {
                match read(&p, "the chart's values") {
                    Ok(r) => Some(r),
                    Err(d) => {
                        errors.push(d);
                        None
                    }
                }
            } else {
                None
            }
        }
        None => None,
    };
    let facts = match &opts.chart {
        Some(dir) => match generated::chart_facts(dir) {
            Ok(f) => f,
            Err(d) => {
                errors.push(d);
                None
            }
        },
        None => None,
    };
    let fork = match &opts.chart {
        Some(dir) => fork::read_chart(dir).unwrap_or_else(|d| {
            errors.push(d);
            fork::Fork::default()
        }),
        None => fork::Fork::default(),
    };
    if !errors.is_empty() {
        let source = (errors.len() == 1 && given.len() + usize::from(chart_values.is_some()) == 0)
            .then(|| {
                opts.files
                    .first()
                    .and_then(|f| std::fs::read_to_string(f).ok())
            })
            .flatten();
        return Err(Failure::new(errors, source));
    }
    let generated = given
        .iter()
        .chain(chart_values.iter())
        .any(|r| generated::is_generated(&r.text));

    let mut merged = Merged::default();
    let base = match (&chart_values, opts.chart.is_some(), generated) {
        (Some(r), _, _) => {
            // A generated chart's values are no defaults: they are the values of the model
            // it was generated from, every one of which import must carry or account for
            // (as defaults, importing the chart's own values.yaml would say every value
            // "equals the chart's default", and a value import cannot carry would be lost
            // without a word).
            merged.layer(&r.name, &r.doc, generated::is_generated(&r.text));
            Some(r.name.clone())
        }
        (None, false, false) => {
            let doc = crate::yaml::parse_located(COMMUNITY_VALUES)
                .expect("the built-in community values parse (a unit test reads them)");
            merged.layer(COMMUNITY_VALUES_NAME, &doc, false);
            Some(COMMUNITY_VALUES_NAME.to_owned())
        }
        _ => None,
    };
    for r in &given {
        merged.layer(&r.name, &r.doc, true);
    }

    let mut not_carried = Vec::new();
    let (mode, mode_origin) = mode_of(&merged, facts.as_ref(), generated)?;

    let mut model = facts
        .as_ref()
        .map(|f| f.model.clone())
        .unwrap_or_else(|| Value::Object(Default::default()));
    let fact_release = model
        .get("release")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let release = opts
        .release
        .clone()
        .or(fact_release)
        .unwrap_or_else(|| DEFAULT_RELEASE.to_owned());
    let fact_ns = model
        .get("namespace")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let namespace = opts
        .namespace
        .clone()
        .or(fact_ns)
        .unwrap_or_else(|| release.clone());
    build::set(&mut model, "/release", Value::String(release));
    build::set(&mut model, "/namespace", Value::String(namespace));
    build::set(
        &mut model,
        "/mode",
        Value::String(mode.mode.as_str().to_owned()),
    );
    if let Some(to) = mode.to {
        build::set(
            &mut model,
            "/transition",
            Value::String(to.as_str().to_owned()),
        );
    }

    let mut draft = build::Draft::new(model);
    if let Some(f) = &facts {
        for (pointer, origin) in &f.carried {
            draft.carried.insert(
                pointer.clone(),
                Carried {
                    pointer: pointer.clone(),
                    from: format!("{MODEL_ANNOTATION}{pointer}"),
                    origin: origin.clone(),
                    given: true,
                    note: None,
                    via: None,
                },
            );
        }
    }
    draft.not_carried.append(&mut not_carried);
    draft.consumed.insert(path_of("deploymentMode"));
    let mut rows = table::rows(mode);
    rows.extend(fork.rows(mode));
    draft.apply_rows(&merged, &rows);
    draft.autoscaled_replicas();
    draft.disabled_service_monitors();
    let before = draft.model.clone();
    build::infer_layout(&mut draft.model, mode);
    if draft.model != before {
        // The per-component ports became one layout: its keys carry their origins.
        let origins: Vec<(Origin, bool)> = draft
            .carried
            .values()
            .filter(|c| draft.model.pointer(&c.pointer).is_none())
            .map(|c| (c.origin.clone(), c.given))
            .collect();
        for c in draft.carried.values_mut() {
            if draft.model.pointer(&c.pointer).is_none() {
                c.note = Some("written as the port layout".into());
            }
        }
        if let Some((origin, given)) = origins.into_iter().min() {
            let keys: Vec<String> = draft
                .model
                .pointer("/ports")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            for k in keys {
                let pointer = format!("/ports/{k}");
                draft
                    .carried
                    .entry(pointer.clone())
                    .or_insert_with(|| Carried {
                        pointer,
                        from: "the components' ports (one layout)".into(),
                        origin: origin.clone(),
                        given,
                        note: None,
                        via: None,
                    });
            }
        }
    }
    let settled = draft.settle().map_err(|errors| {
        let at = mode_origin.clone().unwrap_or(Origin {
            file: opts.files.first().map(|f| f.display().to_string()).unwrap_or_default(),
            at: Location::new(1, 1),
        });
        let d = Diagnostic::error(
            &at.file,
            at.at,
            format!(
                "these values make no model the Plan accepts: {}",
                errors.join("; ")
            ),
        )
        .with_hint("a mode other than monolithic needs object storage: set loki.storage.type and loki.storage.bucketNames");
        Failure::new(vec![d], None)
    });
    let (plan, plan_json) = match settled {
        Ok(p) => p,
        Err(mut f) => {
            // What was refused on the way may be why.
            for n in draft
                .not_carried
                .iter()
                .filter(|n| n.reason == Reason::Refused)
            {
                let d = f.diagnostics.remove(0).with_related(
                    &n.origin.file,
                    n.origin.at,
                    format!("{} was refused: {}", n.path, n.detail),
                );
                f.diagnostics.insert(0, d);
            }
            return Err(f);
        }
    };
    draft.check_derived(&plan_json);
    let plan_json = draft.minimise(plan_json);
    let _ = plan_json;

    // For generated values: what gen writes for the imported model, compared leaf by leaf
    // with them: equal ones are the Plan's (derived), not lost.
    let regenerated = generated.then(|| crate::render::values::values(&plan));
    let listed = build::classify(&merged, &draft.consumed, mode, regenerated.as_ref());
    let mut not_carried = draft.not_carried;
    not_carried.retain(|n| n.reason != Reason::Superseded || is_given(&merged, &n.path));
    not_carried.retain(|n| n.reason != Reason::Derived || is_given(&merged, &n.path));
    not_carried.extend(listed);
    not_carried.sort_by(|a, b| (&a.origin, &a.path).cmp(&(&b.origin, &b.path)));
    not_carried.dedup_by(|a, b| a.path == b.path && a.origin == b.origin);
    let mut carried: Vec<Carried> = draft.carried.into_values().collect();
    carried.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    Ok(Imported {
        mode,
        model: draft.model,
        carried,
        not_carried,
        base,
    })
}

fn is_given(merged: &Merged, dotted: &str) -> bool {
    merged.leaf(&path_of(dotted)).is_some_and(|l| l.given)
        || merged
            .get(&path_of(dotted))
            .is_some_and(|(_, ls)| ls.iter().any(|p| merged.leaf(p).is_some_and(|l| l.given)))
}

/// The stage: `deploymentMode` (a transitional one is the model's `mode` with `transition`),
/// else the generated chart's facts or layout.
fn mode_of(
    merged: &Merged,
    facts: Option<&generated::Facts>,
    generated: bool,
) -> Result<(Stage, Option<Origin>), Failure> {
    if let Some(leaf) = merged.leaf(&path_of("deploymentMode")) {
        let written = match &leaf.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let Some(mode) = Stage::of_deployment_mode(&written) else {
            let accepted: Vec<&str> = Stage::deployment_modes().collect();
            let mut d = Diagnostic::error(
                &leaf.origin.file,
                leaf.origin.at,
                format!(
                    "`deploymentMode: {written}` is none of the modes the chart accepts ({})",
                    accepted.join(", ")
                ),
            );
            if let Some(s) = crate::suggest::did_you_mean(&written, Stage::deployment_modes()) {
                d = d.with_hint(format!("did you mean `{s}`?"));
            }
            let source = std::fs::read_to_string(&leaf.origin.file).ok();
            return Err(Failure::new(vec![d], source));
        };
        return Ok((mode, Some(leaf.origin.clone())));
    }
    if let Some(m) = facts
        .and_then(|f| f.model.get("mode"))
        .and_then(Value::as_str)
        .and_then(Mode::from_spelling)
    {
        let to = facts
            .and_then(|f| f.model.get("transition"))
            .and_then(Value::as_str)
            .and_then(Mode::from_spelling);
        let stage = to.and_then(|to| Stage::new(m, to).ok());
        return Ok((stage.unwrap_or(Stage::single(m)), None));
    }
    if generated {
        for mode in [Mode::Monolithic, Mode::SimpleScalable, Mode::Distributed] {
            let key = mode.components()[0].values_key();
            if merged.get(&path_of(key)).is_some() {
                return Ok((Stage::single(mode), None));
            }
        }
    }
    Err(Failure::plain(
        "import",
        "the values say no `deploymentMode` and are not a chart portplan generated: the mode is unknown",
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_defaults_parse() {
        let doc = crate::yaml::parse_located(super::COMMUNITY_VALUES).unwrap();
        assert_eq!(doc.value["deploymentMode"], "Monolithic");
    }
}
