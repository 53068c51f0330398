use serde_json::json as j;

use crate::lint::Report;

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
