//! Which object of one stream is which of the other: by key, then renames by role.
//!
//! First by key (API group, kind, namespace, name; a ConfigMap's or Secret's name with its
//! generator hash folded, [`super::noise::fold_name`]). Of what is left, a removed object
//! and an added one of the same group and kind are one object renamed when they play the
//! same role: the same `app.kubernetes.io/component`, the same selector, both headless or
//! neither (a Service), the same data keys (a ConfigMap: `config.yaml`, `nginx.conf`). Each
//! candidate pair gets a score from those, different components rule a pair out, and the
//! best-scoring pairs are taken first (ties by name, so the result is deterministic). What
//! is still left is removed or added.

use std::collections::BTreeSet;

use serde_json::Value;

use super::lokiconfig::data_texts;
use super::noise::{fold_name, folds_name};
use super::object::Object;

/// One object on both sides.
#[derive(Debug)]
pub struct Pair<'a> {
    pub before: &'a Object,
    pub after: &'a Object,
    /// Matched by role, not by key.
    pub renamed: bool,
}

/// How the objects of two streams correspond.
#[derive(Debug, Default)]
pub struct Matching<'a> {
    /// In the order of the before stream's objects.
    pub pairs: Vec<Pair<'a>>,
    pub removed: Vec<&'a Object>,
    pub added: Vec<&'a Object>,
}

fn match_key(o: &Object) -> (String, String, String, String) {
    let name = if folds_name(&o.key.kind) {
        fold_name(&o.key.name)
    } else {
        &o.key.name
    };
    (
        o.key.group.clone(),
        o.key.kind.clone(),
        o.key.namespace.clone(),
        name.to_owned(),
    )
}

/// Matches `before` against `after`.
pub fn match_objects<'a>(before: &'a [Object], after: &'a [Object]) -> Matching<'a> {
    let mut used_after = vec![false; after.len()];
    let mut paired: Vec<Option<(usize, bool)>> = vec![None; before.len()];
    for (i, b) in before.iter().enumerate() {
        let k = match_key(b);
        if let Some(j) = after
            .iter()
            .enumerate()
            .position(|(j, a)| !used_after[j] && match_key(a) == k)
        {
            used_after[j] = true;
            paired[i] = Some((j, false));
        }
    }
    let mut candidates: Vec<(i32, usize, usize)> = Vec::new();
    for (i, b) in before.iter().enumerate() {
        if paired[i].is_some() {
            continue;
        }
        for (j, a) in after.iter().enumerate() {
            if used_after[j] || a.key.group != b.key.group || a.key.kind != b.key.kind {
                continue;
            }
            if let Some(s) = role_score(b, a) {
                candidates.push((s, i, j));
            }
        }
    }
    candidates.sort_by(|x, y| {
        y.0.cmp(&x.0)
            .then_with(|| before[x.1].key.cmp(&before[y.1].key))
            .then_with(|| after[x.2].key.cmp(&after[y.2].key))
    });
    for (_, i, j) in candidates {
        if paired[i].is_none() && !used_after[j] {
            paired[i] = Some((j, true));
            used_after[j] = true;
        }
    }
    let mut m = Matching::default();
    for (i, b) in before.iter().enumerate() {
        match paired[i] {
            Some((j, renamed)) => m.pairs.push(Pair {
                before: b,
                after: &after[j],
                renamed,
            }),
            None => m.removed.push(b),
        }
    }
    m.added = after
        .iter()
        .enumerate()
        .filter(|(j, _)| !used_after[*j])
        .map(|(_, a)| a)
        .collect();
    m
}

/// The least score a rename needs.
const RENAME_THRESHOLD: i32 = 3;

/// How strongly `b` and `a` (same group and kind) play the same role; None when they
/// cannot be one object.
fn role_score(b: &Object, a: &Object) -> Option<i32> {
    let mut score = 0;
    let mut evidence = false;
    match (b.component(), a.component()) {
        (Some(x), Some(y)) if x == y => {
            score += 4;
            evidence = true;
        }
        (Some(_), Some(_)) => return None,
        _ => {}
    }
    let (sb, sa) = (selector(b), selector(a));
    if sb.is_some() && sb == sa {
        score += 3;
        evidence = true;
    }
    if b.key.kind == "Service" {
        score += if b.is_headless() == a.is_headless() {
            1
        } else {
            -2
        };
    }
    let (db, da) = (data_keys(b), data_keys(a));
    if !db.is_empty() && db == da {
        score += 3;
        evidence = true;
    }
    if b.key.name.ends_with("-headless") == a.key.name.ends_with("-headless") {
        score += 1;
    }
    if b.key.namespace == a.key.namespace {
        score += 1;
    }
    (evidence && score >= RENAME_THRESHOLD).then_some(score)
}

/// A Service's selector, or a workload's `matchLabels`, without chart labels.
fn selector(o: &Object) -> Option<Value> {
    let v = o
        .value
        .pointer("/spec/selector/matchLabels")
        .or_else(|| o.value.pointer("/spec/selector"))?;
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("helm.sh/chart");
        m.remove("app.kubernetes.io/version");
        if m.is_empty() {
            return None;
        }
    }
    Some(v)
}

fn data_keys(o: &Object) -> BTreeSet<String> {
    data_texts(&o.key.kind, &o.value)
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}
