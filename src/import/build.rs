//! From merged values to a model: the table's rows applied, the result checked by the model
//! and the Plan (a value they refuse is listed with their message, not written), then made
//! minimal against the Plan's presets.
//!
//! "Minimal" is decided by the Plan, the one owner of the presets: a key is left out when the
//! Plan of the model without it is the same Plan. So import never restates a preset, and a
//! preset changed in `src/plan/presets.rs` changes what import writes with it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::layers::{Merged, Origin, Path, dotted, path_of};
use super::table::{self, Expanded, Target};
use super::{Carried, NotCarried, Reason};
use crate::model::Stage;
use crate::plan::Plan;

/// What the rows made of the values, before the model is checked.
pub struct Draft {
    /// The model so far, as JSON with portplan.yaml's key names.
    pub model: Value,
    /// Where each written model pointer came from.
    pub carried: BTreeMap<String, Carried>,
    /// Values read but not carried.
    pub not_carried: Vec<NotCarried>,
    /// Leaf paths the rows read (carried or not): the rest is classified afterwards.
    pub consumed: BTreeSet<Path>,
    /// Rows of [`Target::Derived`] with the value the chart sets, checked against the Plan.
    pub derived: Vec<(Expanded, Value, Origin)>,
}

impl Draft {
    pub fn new(model: Value) -> Self {
        Draft {
            model,
            carried: BTreeMap::new(),
            not_carried: Vec::new(),
            consumed: BTreeSet::new(),
            derived: Vec::new(),
        }
    }

    /// Applies `rows` to `merged` (later rows win when several set one model key).
    pub fn apply_rows(&mut self, merged: &Merged, rows: &[Expanded]) {
        for row in rows {
            let path = path_of(&row.from);
            let Some((value, leaves)) = merged.get(&path) else {
                continue;
            };
            self.consumed.extend(leaves.iter().cloned());
            // A mapping where the row expects one value is the chart's business (or a
            // shape the row does not know): its leaves are classified like any other.
            if value.is_object()
                && !matches!(
                    row.to,
                    Target::Derived(_)
                        | Target::Model(_, table::Transform::Whole | table::Transform::Autoscaling)
                )
            {
                for l in &leaves {
                    self.consumed.remove(l);
                }
                continue;
            }
            let origin = leaves
                .iter()
                .filter_map(|l| merged.leaf(l))
                .map(|l| l.origin.clone())
                .min()
                .expect("a value has at least one leaf");
            // Set by a given file to something other than the chart's default.
            let given = leaves.iter().any(|l| {
                merged
                    .leaf(l)
                    .is_some_and(|l| l.given && l.default.as_ref() != Some(&l.value))
            });
            match row.to {
                Target::Derived(_) => self.derived.push((row.clone(), value, origin)),
                Target::Model(_, t) => match table::apply(t, &value) {
                    Ok(None) => {}
                    Ok(Some(v)) => {
                        if let Some(prev) = self.carried.get(&row.pointer) {
                            // Two spellings saying the same thing lose nothing.
                            if self.model.pointer(&row.pointer) == Some(&v) {
                                continue;
                            }
                            // A given file's value beats the chart's default; among equals,
                            // the later row (the newer name).
                            let (loser, winner) = if given || !prev.given {
                                (prev.from.clone(), row.from.clone())
                            } else {
                                (row.from.clone(), prev.from.clone())
                            };
                            let lost_origin = if loser == prev.from {
                                prev.origin.clone()
                            } else {
                                origin.clone()
                            };
                            self.not_carried.push(NotCarried {
                                path: loser.clone(),
                                origin: lost_origin,
                                reason: Reason::Superseded,
                                detail: format!("`{winner}` sets the same model key"),
                            });
                            if loser == row.from {
                                continue;
                            }
                        }
                        set(&mut self.model, &row.pointer, v);
                        self.carried.insert(
                            row.pointer.clone(),
                            Carried {
                                pointer: row.pointer.clone(),
                                from: row.from.clone(),
                                origin,
                                given,
                                note: None,
                                via: row.via.clone(),
                            },
                        );
                    }
                    Err(why) => {
                        self.not_carried
                            .push(refused(row.from.clone(), origin, given, why))
                    }
                },
            }
        }
    }
}

/// A value the model or the Plan refuses. A chart default is the chart's business (its
/// templates may ignore it in this setting, as a DaemonSet canary ignores `replicas`), so
/// only a given value counts as lost.
fn refused(path: String, origin: Origin, given: bool, why: String) -> NotCarried {
    let (reason, detail) = if given {
        (Reason::Refused, why)
    } else {
        (Reason::DefaultRefused, why)
    };
    NotCarried {
        path,
        origin,
        reason,
        detail,
    }
}

/// Sets `pointer` in `root`, creating mappings on the way.
pub fn set(root: &mut Value, pointer: &str, v: Value) {
    let mut node = root;
    for token in pointer.split('/').skip(1) {
        let key = token.replace("~1", "/").replace("~0", "~");
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        node = node
            .as_object_mut()
            .expect("made a mapping above")
            .entry(key)
            .or_insert(Value::Null);
    }
    *node = v;
}

/// Removes `pointer` from `root`, and mappings it leaves empty.
pub fn remove(root: &mut Value, pointer: &str) -> Option<Value> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let key = last.replace("~1", "/").replace("~0", "~");
    let taken = root.pointer_mut(parent)?.as_object_mut()?.remove(&key);
    if !parent.is_empty()
        && root
            .pointer(parent)
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
    {
        remove(root, parent);
    }
    taken
}

/// Why a model tree does not plan: each message with the pointer the schema names (`None`
/// for the Plan's own errors, which name no pointer in this tree).
pub type Refusals = Vec<(Option<String>, String)>;

/// The Plan of a model tree, as `portplan plan --format json` prints it (without the
/// model's path, which names the file and not the deployment), or why there is none: the
/// schema's errors with the pointer they name, or the Plan's (no pointer).
pub fn plan_of(model: &Value) -> Result<(Plan, Value), Refusals> {
    let text = serde_json::to_string_pretty(model).expect("JSON always serialises");
    let located = crate::yaml::parse_located(&text)
        .map_err(|e| vec![(Some(String::new()), e.to_string())])?;
    let model_t = crate::model::model_of(&located, &text).map_err(|vs| {
        vs.into_iter()
            .map(|v| (Some(v.pointer), v.message))
            .collect::<Vec<_>>()
    })?;
    let lm = crate::model::LoadedModel {
        model: model_t,
        path: "import".into(),
        source: text,
        located,
    };
    let plan = crate::plan::build_plan(&lm).map_err(|f| {
        f.diagnostics
            .into_iter()
            .map(|d| (None, d.message))
            .collect::<Vec<_>>()
    })?;
    let mut json = serde_json::to_value(&plan).expect("the Plan serialises");
    if let Some(m) = json.as_object_mut() {
        m.remove("model_path");
    }
    Ok((plan, json))
}

impl Draft {
    /// Drops what the model or the Plan refuses until the Plan accepts the rest; the
    /// dropped values are listed with the reason. `Err` when the model cannot plan even
    /// with nothing carried but the fixed keys (release, namespace, mode).
    pub fn settle(&mut self) -> Result<(Plan, Value), Vec<String>> {
        for _ in 0..64 {
            match plan_of(&self.model) {
                Ok(p) => return Ok(p),
                Err(errors) => {
                    // The schema names the pointer it refuses: the carried value at or
                    // above it, else one under it (a mapping missing a key).
                    let schema: Vec<(&str, &String)> = errors
                        .iter()
                        .filter_map(|(p, m)| Some((p.as_deref()?, m)))
                        .filter(|(p, _)| !p.is_empty())
                        .collect();
                    let keys = || self.carried.keys();
                    let named: Vec<(String, String)> = schema
                        .iter()
                        .filter_map(|(p, m)| {
                            keys()
                                .find(|k| p.starts_with(k.as_str()))
                                .or_else(|| keys().find(|k| k.starts_with(p)))
                                .map(|k| (k.clone(), (*m).clone()))
                        })
                        .collect();
                    if let Some((k, m)) = named.into_iter().next() {
                        self.drop_carried(&k, m);
                        continue;
                    }
                    // The Plan says what is inconsistent but not where in this tree: drop
                    // the carried value whose absence leaves the fewest errors.
                    let keys: Vec<String> = self.carried.keys().cloned().collect();
                    let mut best: Option<(usize, String)> = None;
                    for k in keys.iter().rev() {
                        let mut trial = self.model.clone();
                        remove(&mut trial, k);
                        // A trial the schema refuses is no better: it only hides the Plan.
                        let left = match plan_of(&trial) {
                            Ok(_) => 0,
                            Err(e) if e.iter().any(|(p, _)| p.is_some()) => usize::MAX,
                            Err(e) => e.len(),
                        };
                        if left < errors.len() && best.as_ref().is_none_or(|(n, _)| left < *n) {
                            best = Some((left, k.clone()));
                        }
                    }
                    match best {
                        Some((_, k)) => {
                            // The errors that went with it.
                            let mut trial = self.model.clone();
                            remove(&mut trial, &k);
                            let left: Vec<String> = plan_of(&trial)
                                .err()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|(_, m)| m)
                                .collect();
                            let message = errors
                                .iter()
                                .map(|(_, m)| m.as_str())
                                .filter(|m| !left.iter().any(|l| l == m))
                                .collect::<Vec<_>>()
                                .join("; ");
                            self.drop_carried(&k, message)
                        }
                        None => return Err(errors.into_iter().map(|(_, m)| m).collect()),
                    }
                }
            }
        }
        Err(vec![
            "import could not settle on a model the Plan accepts".into(),
        ])
    }

    fn drop_carried(&mut self, pointer: &str, message: String) {
        remove(&mut self.model, pointer);
        if let Some(c) = self.carried.remove(pointer) {
            self.not_carried
                .push(refused(c.from, c.origin, c.given, message));
        }
    }

    /// Leaves out every carried key whose absence leaves the Plan unchanged (it equals the
    /// preset), and returns the final Plan.
    pub fn minimise(&mut self, plan: Value) -> Value {
        // Each key, then each mapping above keys (the Plan may take `resources` as a whole),
        // deepest first.
        let mut candidates: BTreeSet<String> = BTreeSet::new();
        for k in self.carried.keys() {
            let mut p = k.as_str();
            while p.matches('/').count() > 1 {
                candidates.insert(p.to_owned());
                p = &p[..p.rfind('/').expect("has a slash")];
            }
            candidates.insert(p.to_owned());
        }
        let mut candidates: Vec<String> = candidates.into_iter().collect();
        candidates.sort_by_key(|p| std::cmp::Reverse(p.matches('/').count()));
        for k in candidates {
            if matches!(k.as_str(), "/release" | "/namespace" | "/mode")
                || self.model.pointer(&k).is_none()
            {
                continue;
            }
            let mut trial = self.model.clone();
            remove(&mut trial, &k);
            if let Ok((_, p)) = plan_of(&trial)
                && p == plan
            {
                self.model = trial;
            }
        }
        for (pointer, c) in &mut self.carried {
            if self.model.pointer(pointer).is_none() && c.note.is_none() {
                c.note = Some("equals the preset".into());
            }
        }
        plan
    }

    /// A workload with an autoscaler: the HPA owns its replica count, and the chart ignores
    /// `replicas` (gen writes it all the same, the community chart has its default): it is
    /// not carried (the model refuses both) and nothing is lost.
    pub fn autoscaled_replicas(&mut self) {
        let pointers: Vec<String> = self
            .carried
            .keys()
            .filter_map(|k| k.strip_suffix("/autoscaling"))
            // Only an autoscaler the model can take (it needs both bounds): else the
            // replicas stay, and the autoscaler is refused.
            .filter(|w| {
                let a = self.model.pointer(&format!("{w}/autoscaling"));
                ["minReplicas", "maxReplicas"]
                    .iter()
                    .all(|k| a.and_then(|a| a.get(k)).is_some())
            })
            .map(|w| format!("{w}/replicas"))
            .filter(|r| self.carried.contains_key(r))
            .collect();
        for r in pointers {
            remove(&mut self.model, &r);
            let c = self.carried.remove(&r).expect("filtered on it");
            self.not_carried.push(NotCarried {
                path: c.from,
                origin: c.origin,
                reason: Reason::Derived,
                detail: "the autoscaler owns the replica count".into(),
            });
        }
    }

    /// `monitoring.serviceMonitor.enabled: false`: the chart creates no ServiceMonitor, so
    /// its interval and labels (the community chart's defaults set some) do nothing and are
    /// not carried.
    pub fn disabled_service_monitors(&mut self) {
        const SM: &str = "/monitoring/serviceMonitor";
        if self.model.pointer(&format!("{SM}/enabled")) != Some(&Value::Bool(false)) {
            return;
        }
        let pointers: Vec<String> = self
            .carried
            .keys()
            .filter(|k| k.starts_with(&format!("{SM}/")) && !k.ends_with("/enabled"))
            .cloned()
            .collect();
        for p in pointers {
            remove(&mut self.model, &p);
            let c = self.carried.remove(&p).expect("listed above");
            if c.given {
                self.not_carried.push(NotCarried {
                    path: c.from,
                    origin: c.origin,
                    reason: Reason::Unused,
                    detail: "monitoring.serviceMonitor.enabled is false: no ServiceMonitor uses it"
                        .into(),
                });
            }
        }
    }

    /// Checks each derived row against the Plan.
    pub fn check_derived(&mut self, plan: &Value) {
        for (row, value, origin) in std::mem::take(&mut self.derived) {
            let Target::Derived(p) = row.to else { continue };
            let planned = plan.pointer(p).cloned().unwrap_or(Value::Null);
            let (reason, detail) = if same_value(&planned, &value) {
                (
                    Reason::Derived,
                    format!("the Plan derives it, and derives {planned}"),
                )
            } else {
                (
                    Reason::Differs,
                    format!("the Plan derives {planned} for this model; the chart sets {value}"),
                )
            };
            self.not_carried.push(NotCarried {
                path: row.from,
                origin,
                reason,
                detail,
            });
        }
    }
}

/// Equality across YAML's spellings of one value (`3` and `"3"` are not; `1` and `1.0` are).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Infers the port layout from explicit per-component ports: when they are one
/// per-component layout's (or all the same), the layout is written instead.
pub fn infer_layout(model: &mut Value, mode: Stage) {
    let running: Vec<crate::model::Component> = mode
        .components()
        .into_iter()
        .filter(|c| {
            model.pointer(&format!("/components/{}/enabled", c.name())) != Some(&Value::Bool(false))
        })
        .collect();
    if running.is_empty() {
        return;
    }
    let ports = |m: &Value, kind: &str| -> Option<Vec<u64>> {
        running
            .iter()
            .map(|c| {
                m.pointer(&format!("/components/{}/{kind}", c.name()))?
                    .as_u64()
            })
            .collect()
    };
    let (Some(http), Some(grpc)) = (ports(model, "http"), ports(model, "grpc")) else {
        return;
    };
    let slots: Vec<u64> = running
        .iter()
        .map(|c| u64::from(mode.default_slot(*c)))
        .collect();
    let base = |ps: &[u64]| -> Option<u64> {
        let b = ps[0].checked_sub(slots[0])?;
        ps.iter().zip(&slots).all(|(p, s)| *p == b + s).then_some(b)
    };
    // A generated chart records its strategy; otherwise shared ports read as shared.
    let per_component =
        model.pointer("/ports/strategy").and_then(Value::as_str) == Some("per-component");
    let same = http.iter().all(|p| *p == http[0]) && grpc.iter().all(|p| *p == grpc[0]);
    let layout = match (base(&http), base(&grpc)) {
        (Some(h), Some(g)) if per_component || !same => {
            serde_json::json!({"strategy": "per-component", "httpBase": h, "grpcBase": g})
        }
        _ if same && !per_component => serde_json::json!({"http": http[0], "grpc": grpc[0]}),
        _ => return,
    };
    for c in &running {
        remove(model, &format!("/components/{}/http", c.name()));
        remove(model, &format!("/components/{}/grpc", c.name()));
    }
    set(model, "/ports", layout);
}

/// The path of every leaf a draft did not read, with what it is. `regenerated`: for
/// generated values, the values gen writes for the imported model (a leaf equal to its
/// value there is the Plan's, not lost).
pub fn classify(
    merged: &Merged,
    consumed: &BTreeSet<Path>,
    mode: Stage,
    regenerated: Option<&Value>,
) -> Vec<NotCarried> {
    let other_components: Vec<&str> = crate::model::Component::ALL
        .iter()
        .filter(|c| !mode.runs(**c))
        .map(|c| c.values_key())
        .collect();
    let mut out = Vec::new();
    for (path, leaf) in merged.leaves() {
        if !leaf.given || consumed.contains(path) {
            continue;
        }
        let d = dotted(path);
        let (reason, detail) = if leaf.default.as_ref() == Some(&leaf.value) {
            (Reason::Default, "equals the chart's default".to_owned())
        } else if other_components.contains(&path[0].as_str()) {
            (
                Reason::Unused,
                format!("{mode} mode does not run `{}`", path[0]),
            )
        } else if table::DERIVED_PREFIXES
            .iter()
            .any(|p| d == *p || d.starts_with(&format!("{p}.")))
        {
            (
                Reason::Derived,
                "the Plan computes it from the release, namespace, mode and ports".to_owned(),
            )
        } else if regenerated.is_some_and(|r| {
            let pointer: String = path
                .iter()
                .map(|k| format!("/{}", crate::yaml::pointer_token(k)))
                .collect();
            r.pointer(&pointer) == Some(&leaf.value)
        }) {
            (
                Reason::Derived,
                "gen writes the same value for the imported model".to_owned(),
            )
        } else {
            (Reason::NotModelled, String::new())
        };
        out.push(NotCarried {
            path: d,
            origin: leaf.origin.clone(),
            reason,
            detail,
        });
    }
    out
}
