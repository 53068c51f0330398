//! One finding: a diagnostic with the rule that found it.

use super::rules::RuleInfo;
use crate::diag::{Diagnostic, Severity};
use crate::yaml::Location;

/// A rule's finding. Every finding has a hint: the rule's own advice when the check that
/// produced the diagnostic had none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub diagnostic: Diagnostic,
}

impl Finding {
    /// Wraps a diagnostic found by `rule`.
    pub fn new(rule: &RuleInfo, mut diagnostic: Diagnostic) -> Self {
        if diagnostic.hint.is_none() {
            diagnostic.hint = Some(rule.fix.to_owned());
        }
        Finding {
            rule: rule.slug,
            diagnostic,
        }
    }

    /// A finding at the rule's usual severity.
    pub fn at(
        rule: &RuleInfo,
        path: &str,
        at: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        let d = match rule.severity {
            Severity::Error => Diagnostic::error(path, at, message),
            Severity::Warning => Diagnostic::warning(path, at, message),
        };
        Finding::new(rule, d.with_hint(hint))
    }

    pub fn severity(&self) -> Severity {
        self.diagnostic.severity
    }

    pub fn path(&self) -> &str {
        &self.diagnostic.path
    }

    pub fn hint(&self) -> &str {
        self.diagnostic.hint.as_deref().unwrap_or("")
    }

    /// The order findings are printed in: by file, then position, then rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        let d = &self.diagnostic;
        (&d.path, d.line, d.column, self.rule)
    }
}
