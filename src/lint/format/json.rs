use serde_json::json as j;

use crate::lint::Report;

/// A model lint could not read, as `--format json` reports it: `{"errors": [{"path", "line",
/// "column", "message", "hint"}]}`, so a tool reading stdout always gets JSON.
pub fn json_failure(f: &crate::diag::Failure) -> String {
    let errors: Vec<serde_json::Value> = f
        .diagnostics
        .iter()
        .map(|d| {
            j!({
                "severity": d.severity,
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    let mut out =
        serde_json::to_string_pretty(&j!({ "findings": [], "errors": errors })).unwrap_or_default();
    out.push('\n');
    out
}

/// `{"findings": [{"rule", "severity", "path", "line", "column", "message", "hint"}]}`.
pub fn json(report: &Report) -> String {
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            j!({
                "rule": f.rule,
                "severity": d.severity,
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "hint": f.hint(),
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&j!({ "findings": findings }))
        .expect("a JSON value always serialises");
    out.push('\n');
    out
}
