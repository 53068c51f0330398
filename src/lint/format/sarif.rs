use serde_json::{Value, json};

use crate::diag::Severity;
use crate::lint::Report;
use crate::lint::rules::{ALL, RuleInfo};

/// The rule's page as an absolute URI, `$PORTPLAN_DOCS_URL/docs/lint/<rule>.md`, when that
/// base is set (a repository's blob URL, say). SARIF wants an absolute URI there, so without
/// a base the log has none, and `help.text` names the page's path in the repository.
fn help_uri(rule: &RuleInfo) -> Option<String> {
    match std::env::var("PORTPLAN_DOCS_URL") {
        Ok(base) if !base.is_empty() => Some(format!(
            "{}/{}",
            base.trim_end_matches('/'),
            rule.doc_path()
        )),
        _ => None,
    }
}

/// A SARIF 2.1.0 log with one run: every rule in `tool.driver.rules`, one result per
/// finding. Columns are counted in Unicode code points, as the text output counts them.
pub fn sarif(report: &Report) -> String {
    let rules: Vec<Value> = ALL
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": r.slug,
                "shortDescription": { "text": r.summary },
                "help": { "text": format!("{} (see {})", r.fix, r.doc_path()) },
                "defaultConfiguration": { "level": level(r.severity) },
            });
            if let Some(u) = help_uri(r) {
                rule["helpUri"] = json!(u);
            }
            rule
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            let index = ALL.iter().position(|r| r.slug == f.rule).unwrap_or(0);
            json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": level(d.severity),
                "message": { "text": format!("{}\nhelp: {}", d.message, f.hint()) },
                "locations": [location(d)],
            })
        })
        .collect();
    log(json!({
        "tool": {
            "driver": {
                "name": "portplan",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }))
}

/// A SARIF 2.1.0 log of one run, as text.
fn log(run: Value) -> String {
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("a JSON value always serialises");
    out.push('\n');
    out
}

/// Where a diagnostic points, as a SARIF location (lines and columns from 1).
fn location(d: &crate::diag::Diagnostic) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&d.path) },
            "region": { "startLine": d.line.max(1), "startColumn": d.column.max(1) },
        }
    })
}

/// A model lint could not read, as a SARIF log: one run whose invocation failed, with each
/// error as a tool execution notification at its location, so code scanning shows why.
pub fn sarif_failure(f: &crate::diag::Failure) -> String {
    let notes: Vec<Value> = f
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "level": level(d.severity),
                "message": { "text": match &d.hint {
                    Some(h) => format!("{}\nhelp: {h}", d.message),
                    None => d.message.clone(),
                } },
                "locations": [location(d)],
            })
        })
        .collect();
    log(json!({
        "tool": { "driver": { "name": "portplan", "semanticVersion": env!("CARGO_PKG_VERSION") } },
        "invocations": [{ "executionSuccessful": false, "toolExecutionNotifications": notes }],
        "results": [],
    }))
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A path as a URI reference: relative paths stay relative (to the directory lint ran in),
/// absolute ones become `file://` URIs; characters outside RFC 3986's unreserved set and
/// `/` are percent-encoded.
pub(crate) fn uri(path: &str) -> String {
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris() {
        assert_eq!(super::uri("a b/c%.yaml"), "a%20b/c%25.yaml");
        assert_eq!(super::uri("/x/y.yaml"), "file:///x/y.yaml");
    }
}
