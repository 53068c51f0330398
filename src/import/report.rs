//! What import says about the values: what it wrote, and every value it did not carry with
//! `file:line:col` and why, as text for people or JSON for tools.

use serde::Serialize;

use super::{Imported, Reason};

/// The report as text. Losses are listed one per line; values that lose nothing (defaults,
/// derived, unused in the mode) are counted, and listed too with `all`.
pub fn text(imported: &Imported, out_name: &str, all: bool) -> String {
    let written = imported.carried.iter().filter(|c| c.note.is_none()).count();
    let preset = imported
        .carried
        .iter()
        .filter(|c| c.note.as_deref() == Some("equals the preset"))
        .count();
    let folded = imported.carried.len() - written - preset;
    let mut s = format!(
        "{out_name}: a {} model, {written} value(s) carried into it, {preset} equal to portplan's preset and left out",
        imported.mode
    );
    if folded > 0 {
        s.push_str(&format!(", {folded} written as the port layout"));
    }
    s.push('\n');
    for c in imported.carried.iter().filter(|c| c.via.is_some()) {
        s.push_str(&format!(
            "  {}: {} (a fork's own value) -> {}, read from {}\n",
            c.origin,
            c.from,
            c.pointer,
            c.via.as_deref().unwrap_or("")
        ));
    }
    let losses: Vec<_> = imported
        .not_carried
        .iter()
        .filter(|n| n.reason.is_loss())
        .collect();
    if losses.is_empty() {
        s.push_str("every value that matters was carried\n");
    } else {
        s.push_str(&format!("not carried ({}):\n", losses.len()));
        for n in &losses {
            s.push_str(&line(n));
        }
    }
    let quiet: Vec<_> = imported
        .not_carried
        .iter()
        .filter(|n| !n.reason.is_loss())
        .collect();
    let count = |r: Reason| quiet.iter().filter(|n| n.reason == r).count();
    if !quiet.is_empty() {
        s.push_str(&format!(
            "nothing lost: {} equal the chart's default ({} of them refused by the model), {} the Plan derives to the same value, {} belong to components {} mode does not run{}\n",
            count(Reason::Default) + count(Reason::DefaultRefused),
            count(Reason::DefaultRefused),
            count(Reason::Derived),
            count(Reason::Unused),
            imported.mode,
            if all { ":" } else { " (--all lists them)" }
        ));
        if all {
            for n in &quiet {
                s.push_str(&line(n));
            }
        }
    }
    s
}

fn line(n: &super::NotCarried) -> String {
    if n.detail.is_empty() {
        format!("  {}: {}: {}\n", n.origin, n.path, n.reason.as_str())
    } else {
        format!(
            "  {}: {}: {}: {}\n",
            n.origin,
            n.path,
            n.reason.as_str(),
            n.detail
        )
    }
}

#[derive(Serialize)]
struct Json<'a> {
    model: &'a str,
    mode: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    transition: Option<&'a str>,
    base: Option<&'a str>,
    carried: &'a [super::Carried],
    not_carried: &'a [super::NotCarried],
    lost_anything: bool,
}

/// The report as JSON: every carried key and every value not carried.
pub fn json(imported: &Imported, out_name: &str) -> String {
    let j = Json {
        model: out_name,
        mode: imported.mode.mode.as_str(),
        transition: imported.mode.to.map(|m| m.as_str()),
        base: imported.base.as_deref(),
        carried: &imported.carried,
        not_carried: &imported.not_carried,
        lost_anything: imported.lost_anything(),
    };
    let mut s = serde_json::to_string_pretty(&j).expect("the report serialises");
    s.push('\n');
    s
}
