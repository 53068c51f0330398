//! The rendered-object diff as text (the default), a `--stat` summary, or JSON.
//!
//! Text lists each differing object once (`renamed`, `changed`, `removed`, `added`, with
//! where it was read), under it the watched fields that differ as `path: before ->
//! after`, and the other fields folded into one line (`--all` lists them); then every
//! breaker, as `error[slug]: object: path: message`, with why, the fix and the model's
//! clients it concerns; then one summary line. The JSON document is described in
//! docs/drift.md; its keys and their order are stable.

use serde_json::{Value, json};

use super::view::Change;
use super::{ObjectDiff, Report, Status};
use crate::diag::{Severity, Style};

/// How many characters of a value text shows before eliding.
const MAX_VALUE: usize = 100;

/// A value as text shows it: bare strings when unambiguous, the first line of a long one,
/// compact JSON otherwise.
pub fn value_text(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "(none)".into();
    };
    let s = match v {
        Value::String(s) => {
            let lines = s.lines().count();
            if lines > 1 {
                let first = s.lines().next().unwrap_or("");
                return format!(
                    "{} ... ({lines} lines)",
                    elide(&serde_json::to_string(first).unwrap_or_default())
                );
            }
            let plain = !s.is_empty()
                && !s.contains(" -> ")
                && !s.starts_with([' ', '"', '{', '['])
                && !s.ends_with(' ')
                && s.parse::<f64>().is_err()
                && !matches!(s.as_str(), "true" | "false" | "null" | "(none)");
            if plain {
                s.clone()
            } else {
                serde_json::to_string(s).unwrap_or_default()
            }
        }
        other => other.to_string(),
    };
    elide(&s)
}

fn elide(s: &str) -> String {
    if s.chars().count() > MAX_VALUE {
        let cut: String = s.chars().take(MAX_VALUE).collect();
        format!("{cut}...")
    } else {
        s.to_owned()
    }
}

fn status_word(s: Status, style: Style) -> String {
    let sgr = match s {
        Status::Renamed => "1;33",
        Status::Changed => "1",
        Status::Removed => "1;31",
        Status::Added => "1;32",
    };
    style.paint(sgr, &format!("{:<8}", s.word()))
}

/// The object's header line.
fn header(o: &ObjectDiff, style: Style) -> String {
    let word = status_word(o.status, style);
    match (&o.before, &o.after) {
        (Some((b, ob)), Some((a, oa))) if o.status == Status::Renamed => {
            let target = if a.namespace == b.namespace {
                a.name.clone()
            } else {
                format!("{}/{}", a.namespace, a.name)
            };
            format!("{word} {} -> {target}  ({ob}, {oa})", b.shown())
        }
        (Some((b, ob)), Some((_, oa))) => format!("{word} {}  ({ob}, {oa})", b.shown()),
        (Some((b, ob)), None) => format!("{word} {}  ({ob})", b.shown()),
        (None, Some((a, oa))) => format!("{word} {}  ({oa})", a.shown()),
        (None, None) => String::new(),
    }
}

fn change_line(c: &Change) -> String {
    format!(
        "    {}: {} -> {}\n",
        c.path,
        value_text(c.before.as_ref()),
        value_text(c.after.as_ref())
    )
}

/// The top of a path for the folded "other fields" line: up to the container, else three
/// segments.
fn path_head(p: &str) -> String {
    let mut depth = 0;
    let mut in_bracket = false;
    let mut in_quote = false;
    for (i, ch) in p.char_indices() {
        match ch {
            '"' if in_bracket => in_quote = !in_quote,
            ']' if !in_quote => in_bracket = false,
            '[' | '.' if !in_bracket && i > 0 => {
                depth += 1;
                if depth == 3 {
                    return p[..i].to_owned();
                }
                in_bracket = ch == '[';
            }
            '[' if !in_bracket => in_bracket = true,
            _ => {}
        }
    }
    p.to_owned()
}

/// The default report; `all` lists every differing field instead of folding the others.
pub fn text(r: &Report, all: bool, style: Style) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "--- {} ({} objects)\n",
        r.before, r.before_objects
    ));
    out.push_str(&format!("+++ {} ({} objects)\n", r.after, r.after_objects));
    for o in &r.objects {
        out.push_str(&header(o, style));
        out.push('\n');
        let (watched, other): (Vec<&Change>, Vec<&Change>) =
            o.changes.iter().partition(|c| all || c.watched);
        for c in watched {
            out.push_str(&change_line(c));
        }
        if !other.is_empty() {
            let mut heads: Vec<String> = other.iter().map(|c| path_head(&c.path)).collect();
            heads.dedup();
            let mut seen = Vec::new();
            for h in heads {
                if !seen.contains(&h) {
                    seen.push(h);
                }
            }
            let shown: Vec<&str> = seen.iter().take(4).map(String::as_str).collect();
            let more = if seen.len() > 4 { ", ..." } else { "" };
            out.push_str(&format!(
                "    ({} other field{} {}: {}{more}; --all lists them)\n",
                other.len(),
                if other.len() == 1 { "" } else { "s" },
                if other.len() == 1 {
                    "differs"
                } else {
                    "differ"
                },
                shown.join(", ")
            ));
        }
    }
    if !r.breakers.is_empty() {
        out.push('\n');
        out.push_str(&style.paint("1", "migration breakers:"));
        out.push('\n');
        out.push_str(&breaker_lines(r, style));
    }
    out.push('\n');
    out.push_str(&summary(r));
    out
}

/// Every breaker, as text shows them.
pub fn breaker_lines(r: &Report, style: Style) -> String {
    let mut out = String::new();
    for b in &r.breakers {
        let (word, sgr) = match b.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        out.push_str(&format!(
            "{}: {}: {}: {}\n",
            style.paint(sgr, &format!("{word}[{}]", b.rule.slug)),
            b.object,
            b.path,
            b.message
        ));
        out.push_str(&format!("  at {}\n", b.origin));
        out.push_str(&format!("  why: {}\n", b.rule.why));
        if let Some(h) = &b.hint {
            out.push_str(&format!("  fix: {h}\n"));
        }
        for c in &b.clients {
            out.push_str(&format!("  client: {c}\n"));
        }
    }
    out
}

/// The one summary line.
pub fn summary(r: &Report) -> String {
    if !r.differs() {
        return format!(
            "no difference: {} and {} hold the same {} objects\n",
            r.before, r.after, r.unchanged
        );
    }
    format!(
        "objects: {} renamed, {} changed, {} removed, {} added, {} unchanged; breakers: {} errors, {} warnings\n",
        r.count(Status::Renamed),
        r.count(Status::Changed),
        r.count(Status::Removed),
        r.count(Status::Added),
        r.unchanged,
        r.breakers_of(Severity::Error),
        r.breakers_of(Severity::Warning),
    )
}

/// `--stat`: one line per differing object (its status and how many fields differ), then
/// the breakers by rule and severity, then the summary.
pub fn stat(r: &Report, style: Style) -> String {
    let mut out = String::new();
    for o in &r.objects {
        let key = match (&o.before, &o.after) {
            (Some((b, _)), Some((a, _))) if o.status == Status::Renamed => {
                format!("{} -> {}", b.shown(), a.name)
            }
            _ => o.key().shown(),
        };
        let fields = if o.changes.is_empty() {
            String::new()
        } else {
            format!(
                " | {} field{}",
                o.changes.len(),
                if o.changes.len() == 1 { "" } else { "s" }
            )
        };
        out.push_str(&format!(
            " {} {key}{fields}\n",
            status_word(o.status, style)
        ));
    }
    let mut rules: Vec<(&str, Severity, usize)> = Vec::new();
    for b in &r.breakers {
        match rules
            .iter_mut()
            .find(|(s, v, _)| *s == b.rule.slug && *v == b.severity)
        {
            Some(e) => e.2 += 1,
            None => rules.push((b.rule.slug, b.severity, 1)),
        }
    }
    for (slug, sev, n) in rules {
        out.push_str(&format!(" {sev}[{slug}]: {n}\n"));
    }
    out.push_str(&summary(r));
    out
}

/// `--format json`.
pub fn json(r: &Report) -> String {
    let side = |s: &Option<(super::object::Key, super::object::Origin)>| match s {
        Some((k, o)) => json!({
            "group": k.group, "kind": k.kind, "namespace": k.namespace, "name": k.name,
            "file": o.file, "line": o.line,
        }),
        None => Value::Null,
    };
    let objects: Vec<Value> = r
        .objects
        .iter()
        .map(|o| {
            json!({
                "status": o.status.word(),
                "before": side(&o.before),
                "after": side(&o.after),
                "changes": o.changes.iter().map(|c| json!({
                    "path": c.path,
                    "before": c.before,
                    "after": c.after,
                    "watched": c.watched,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let breakers: Vec<Value> = r
        .breakers
        .iter()
        .map(|b| {
            json!({
                "rule": b.rule.slug,
                "severity": b.severity,
                "object": b.object,
                "file": b.origin.file,
                "line": b.origin.line,
                "path": b.path,
                "message": b.message,
                "why": b.rule.why,
                "hint": b.hint,
                "clients": b.clients,
            })
        })
        .collect();
    let doc = json!({
        "before": r.before,
        "after": r.after,
        "objects": objects,
        "breakers": breakers,
        "summary": {
            "differs": r.differs(),
            "before_objects": r.before_objects,
            "after_objects": r.after_objects,
            "renamed": r.count(Status::Renamed),
            "changed": r.count(Status::Changed),
            "removed": r.count(Status::Removed),
            "added": r.count(Status::Added),
            "unchanged": r.unchanged,
            "errors": r.breakers_of(Severity::Error),
            "warnings": r.breakers_of(Severity::Warning),
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
