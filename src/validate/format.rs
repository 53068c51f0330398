//! Printing a validation run: text for people, JSON for tools.

use serde_json::{Value, json};

use super::{FileReport, Outcome};
use crate::diag::{Diagnostic, Style};
use crate::yaml::Location;

/// The text report: every violation as `file:line:col: error: message` with the source line
/// and the JSON pointer, then one summary line per file. Files that could not be checked are
/// left to [`failures`].
pub fn text(reports: &[FileReport], style: Style) -> String {
    let mut out = String::new();
    for r in reports {
        match &r.outcome {
            Outcome::Failed(_) => {}
            Outcome::Checked {
                schema,
                file,
                violations,
            } => {
                for v in violations {
                    let d = Diagnostic::error(
                        &r.path,
                        Location::new(v.line, v.column),
                        v.message.clone(),
                    );
                    out.push_str(&d.render(Some(&file.source), style));
                    let pointer = if v.pointer.is_empty() {
                        "\"\" (the whole document)"
                    } else {
                        &v.pointer
                    };
                    out.push_str(&format!(
                        "  {} {pointer}\n",
                        style.paint("1;36", "pointer:")
                    ));
                }
                let summary = match violations.len() {
                    0 => format!("{}: valid against {schema}", r.path),
                    1 => format!("{}: 1 error against {schema}", r.path),
                    n => format!("{}: {n} errors against {schema}", r.path),
                };
                out.push_str(&style.paint("1", &summary));
                out.push('\n');
            }
        }
    }
    out
}

/// Why some files could not be checked, for stderr (like every portplan error).
pub fn failures(reports: &[FileReport], style: Style) -> String {
    reports
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Failed(f) => Some(f.render(style)),
            Outcome::Checked { .. } => None,
        })
        .collect()
}

/// The JSON report: `{"files": [{"path", "schema", "valid", "errors": [{"pointer", "line",
/// "column", "message", "keyword"}]}]}`. A file that could not be checked has `valid: false`,
/// no errors, and an `error` object saying why.
pub fn json(reports: &[FileReport]) -> String {
    let files: Vec<Value> = reports
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Checked {
                schema, violations, ..
            } => json!({
                "path": r.path,
                "schema": schema,
                "valid": violations.is_empty(),
                "errors": violations,
            }),
            Outcome::Failed(f) => {
                let d = &f.diagnostics[0];
                let mut error = json!({
                    "line": d.line,
                    "column": d.column,
                    "message": d.message,
                });
                if let Some(h) = &d.hint {
                    error["hint"] = json!(h);
                }
                json!({
                    "path": r.path,
                    "valid": false,
                    "errors": [],
                    "error": error,
                })
            }
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({ "files": files }))
        .expect("a report is always serialisable");
    text.push('\n');
    text
}
