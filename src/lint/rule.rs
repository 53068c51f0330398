//! What a lint rule is: its identity and documentation ([`RuleInfo`]) and the check it runs,
//! on the model ([`ModelRule`]) or on files ([`FileRule`]).
//!
//! Each rule is one `RuleInfo` static in its own file under `rules/`, and
//! [`super::rules::ALL`] lists every one once: `lint()`, `scan_file()`, the scanner, the
//! output formats and `--list-rules` all read that list, so adding a rule is one file and one
//! line there.

use std::collections::HashSet;
use std::fmt;

use super::Finding;
use super::context::Context;
use super::manifest::Manifest;
use super::rules::traffic_distribution_missing::Pending;
use crate::diag::Severity;
use crate::plan::Resolution;

/// What a rule reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The model and its Plan.
    Model,
    /// Files under the PATHs given to `lint` (charts, client configs, any text).
    Files,
}

/// A rule's identity, documentation and check, as the registry lists it.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable identifier: `client-port-drift`.
    pub slug: &'static str,
    /// The severity of its findings (a rule may report a lesser one in a specific case).
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The fix in general, when a finding has no more specific hint.
    pub fix: &'static str,
    /// The check, which also says what the rule reads.
    pub check: Check,
}

impl RuleInfo {
    /// The rule's documentation page, relative to the repository root.
    pub fn doc_path(&self) -> String {
        format!("docs/lint/{}.md", self.slug)
    }

    /// Whether the rule reads the model or files.
    pub fn target(&self) -> Target {
        match self.check {
            Check::Model(_) => Target::Model,
            Check::Files(_) => Target::Files,
        }
    }

    /// What the rule reads, in the words of the rule index (docs/lint/README.md).
    pub fn reads(&self) -> &'static str {
        match self.check {
            Check::Model(_) => "model",
            Check::Files(r) => match r.reads() {
                Reads::ReleaseNames => "any file",
                Reads::Manifests => "charts",
                Reads::ChartValues => "chart values",
                Reads::Urls => "any file",
            },
        }
    }
}

/// A rule's check: which pass of a run calls it follows from the kind.
#[derive(Clone, Copy)]
pub enum Check {
    Model(&'static dyn ModelRule),
    Files(&'static dyn FileRule),
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Check::Model(_) => f.write_str("Model"),
            Check::Files(r) => write!(f, "Files({:?})", r.reads()),
        }
    }
}

/// A rule on the model: it reads [`Resolution`], the Plan as far as it resolves with the
/// problems lint reports kept apart, and runs once per run.
pub trait ModelRule: Sync {
    /// Pushes the rule's findings about the model.
    fn check(&self, res: &Resolution, out: &mut Vec<Finding>);
}

/// Which files a [`FileRule`] reads. The scanner decides each kind once per file with a
/// cheap search on its bytes, before it decodes the file or runs any rule: most files of a
/// repository are read by no rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads {
    /// Any text file that names a Service of the release (`<release>-` appears in it).
    ReleaseNames,
    /// Kubernetes manifests: `.yaml`/`.yml` files with a `kind:`, and every `.tpl` helper
    /// file; [`SourceFile::manifest`] holds their documents.
    Manifests,
    /// A chart's values: `values.yaml`/`values.yml` with a `deploymentMode`, or one
    /// `portplan gen` wrote.
    ChartValues,
    /// Any text file holding an address with a scheme (`://` or `dns+` appears in it).
    Urls,
}

impl Reads {
    /// Every kind, in declaration order: `reads as usize` indexes it.
    pub const ALL: [Reads; 4] = [
        Reads::ReleaseNames,
        Reads::Manifests,
        Reads::ChartValues,
        Reads::Urls,
    ];
}

/// One file as file rules read it.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    /// The path as findings name it.
    pub path: &'a str,
    /// The contents (invalid UTF-8 replaced).
    pub text: &'a str,
    /// The documents, when the file is a manifest ([`Reads::Manifests`]); else none.
    pub manifest: &'a Manifest<'a>,
}

/// A rule on files: it reads one file at a time, on the scanning threads, and may keep
/// state for a finishing pass once every file is read.
pub trait FileRule: Sync {
    /// Which files the scanner hands to [`FileRule::check`].
    fn reads(&self) -> Reads;

    /// Pushes the rule's findings about one file to `out.findings`, or keeps what only the
    /// whole run can settle in `out.deferred`.
    fn check(&self, file: &SourceFile<'_>, ctx: &Context, out: &mut FileOutcome);

    /// After every file of the run (or the one file of `scan_file`): settles what
    /// [`FileRule::check`] deferred. Most rules decide each file on its own.
    fn finish(&self, _deferred: &mut Deferred, _out: &mut Vec<Finding>) {}
}

/// What the file rules found in one file.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub findings: Vec<Finding>,
    pub deferred: Deferred,
}

/// State file rules keep across files for their finishing pass. A typed field per need
/// rather than type-erased slots: one rule needs it today, and a field says what it holds.
#[derive(Debug, Default)]
pub struct Deferred {
    /// `traffic-distribution-missing`: Services without the field, which stand unless one of
    /// their includes turns out to set it.
    pub services_without_traffic_distribution: Vec<Pending>,
    /// `traffic-distribution-missing`: `define`d helpers, in any file, that set it.
    pub traffic_distribution_defines: HashSet<String>,
}

impl Deferred {
    /// Adds what another file (or thread) kept.
    pub fn merge(&mut self, other: Deferred) {
        self.services_without_traffic_distribution
            .extend(other.services_without_traffic_distribution);
        self.traffic_distribution_defines
            .extend(other.traffic_distribution_defines);
    }
}
