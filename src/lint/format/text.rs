use std::collections::HashMap;

use crate::diag::Style;
use crate::lint::Report;
use crate::model::LoadedModel;

/// `file:line:col: severity[rule]: message`, the source line with a caret, then the hint;
/// as every other portplan diagnostic, with the rule's name added.
pub fn text(report: &Report, lm: &LoadedModel, style: Style) -> String {
    let mut sources: HashMap<&str, Option<String>> = HashMap::new();
    sources.insert(&lm.path, Some(lm.source.clone()));
    for (path, text) in &report.rendered {
        sources.insert(path, Some(text.clone()));
    }
    let mut out = String::new();
    for f in &report.findings {
        let source = sources
            .entry(f.path())
            .or_insert_with(|| {
                std::fs::read(f.path())
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            })
            .as_deref();
        out.push_str(&f.diagnostic.render_coded(Some(f.rule), source, style));
    }
    out
}
