//! The rendered-object diff: what a switch from one set of Kubernetes objects to another
//! really changes, and which of those changes break something.
//!
//! `portplan diff --chart` compares chart *source*; a team switching from the community
//! chart to the generated one needs the rendered objects compared instead: the same
//! StatefulSet under another name, a Service on another port, a Loki config whose
//! `auth_enabled` flipped. The steps: [`stream`] reads each side (helm template output,
//! `kubectl get -o yaml` Lists, Argo CD dumps), [`matching`] pairs objects by key and
//! recognizes renames by role, [`noise`] drops what does not matter for a switch (in one
//! place), [`view`] compares each pair field by field (ports by name, args as flags, the
//! Loki config by key path, nginx as routes), and [`breakers`] judges the result: one file
//! per migration breaker, each with its rationale. [`format`] prints the report as text,
//! a `--stat` summary or JSON; [`helm`] renders both sides for `diff --chart --rendered`.

pub mod breakers;
pub mod format;
pub mod helm;
pub mod lokiconfig;
pub mod matching;
pub mod nginx;
pub mod noise;
pub mod object;
pub mod stream;
pub mod view;

use breakers::{Context, Finding};
use object::{Key, Object, Origin};
use view::Change;

use crate::diag::Severity;
use crate::plan::Plan;

/// What a comparison takes besides the two streams.
#[derive(Clone, Debug, Default)]
pub struct Options<'a> {
    /// The model's Plan (`-m`): breakers list its client configs that point at a Service.
    pub plan: Option<&'a Plan>,
    /// Today (`YYYY-MM-DD`, UTC); [`today`] when comparing for real, fixed in tests.
    pub today: String,
}

/// How one object differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Renamed,
    Changed,
    Removed,
    Added,
}

impl Status {
    /// As the report and the JSON write it.
    pub fn word(self) -> &'static str {
        match self {
            Status::Renamed => "renamed",
            Status::Changed => "changed",
            Status::Removed => "removed",
            Status::Added => "added",
        }
    }
}

/// One object that differs between the sides.
#[derive(Clone, Debug)]
pub struct ObjectDiff {
    pub status: Status,
    /// The key on the before side (None when added).
    pub before: Option<(Key, Origin)>,
    /// The key on the after side (None when removed).
    pub after: Option<(Key, Origin)>,
    /// Field by field, for a renamed or changed object.
    pub changes: Vec<Change>,
}

impl ObjectDiff {
    /// The key shown first: the before side's, else the after side's.
    pub fn key(&self) -> &Key {
        match (&self.before, &self.after) {
            (Some((k, _)), _) | (None, Some((k, _))) => k,
            (None, None) => unreachable!("an object diff has at least one side"),
        }
    }
}

/// The whole comparison.
#[derive(Clone, Debug)]
pub struct Report {
    /// The streams as the user named them.
    pub before: String,
    pub after: String,
    pub before_objects: usize,
    pub after_objects: usize,
    /// Differing objects: renamed, changed, removed, added; each by kind and name.
    pub objects: Vec<ObjectDiff>,
    /// Objects on both sides with no difference.
    pub unchanged: usize,
    pub breakers: Vec<Finding>,
}

impl Report {
    /// Whether anything differs (diff(1)'s exit 1).
    pub fn differs(&self) -> bool {
        !self.objects.is_empty() || !self.breakers.is_empty()
    }

    /// How many objects have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.objects.iter().filter(|o| o.status == status).count()
    }

    /// How many breakers have `severity`.
    pub fn breakers_of(&self, severity: Severity) -> usize {
        self.breakers
            .iter()
            .filter(|b| b.severity == severity)
            .count()
    }
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    crate::flows::time::format(secs)[..10].to_owned()
}

/// Compares two streams' objects.
pub fn compare(
    before_name: &str,
    before: &[Object],
    after_name: &str,
    after: &[Object],
    opts: &Options,
) -> Report {
    let m = matching::match_objects(before, after);
    let mut objects = Vec::new();
    let mut unchanged = 0;
    for p in &m.pairs {
        let kind = &p.before.key.kind;
        let tb = view::tree(kind, &noise::normalize(kind, &p.before.value));
        let ta = view::tree(kind, &noise::normalize(kind, &p.after.value));
        let changes: Vec<Change> = view::changes(kind, &tb, &ta)
            .into_iter()
            .filter(|c| !(p.renamed && c.path == "metadata.name"))
            .collect();
        if !p.renamed && changes.is_empty() {
            unchanged += 1;
            continue;
        }
        objects.push(ObjectDiff {
            status: if p.renamed {
                Status::Renamed
            } else {
                Status::Changed
            },
            before: Some((p.before.key.clone(), p.before.origin.clone())),
            after: Some((p.after.key.clone(), p.after.origin.clone())),
            changes,
        });
    }
    for o in &m.removed {
        objects.push(ObjectDiff {
            status: Status::Removed,
            before: Some((o.key.clone(), o.origin.clone())),
            after: None,
            changes: Vec::new(),
        });
    }
    for o in &m.added {
        objects.push(ObjectDiff {
            status: Status::Added,
            before: None,
            after: Some((o.key.clone(), o.origin.clone())),
            changes: Vec::new(),
        });
    }
    objects.sort_by(|a, b| (a.status, a.key()).cmp(&(b.status, b.key())));

    let before_side: Vec<&Object> = before.iter().collect();
    let after_side: Vec<&Object> = after.iter().collect();
    let cx = Context {
        matching: &m,
        before_config: lokiconfig::find(&before_side),
        after_config: lokiconfig::find(&after_side),
        plan: opts.plan,
        today: opts.today.clone(),
    };
    let breakers = breakers::run(&cx);
    Report {
        before: before_name.to_owned(),
        after: after_name.to_owned(),
        before_objects: before.len(),
        after_objects: after.len(),
        objects,
        unchanged,
        breakers,
    }
}
