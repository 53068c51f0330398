//! YAML and serde errors, reworded for people: one diagnostic with a position and, for
//! unknown keys and values, a suggestion.

use super::Location;
use crate::diag::Diagnostic;
use crate::suggest::did_you_mean;

/// Turns a YAML/serde error into one diagnostic with a position and, for unknown keys and
/// values, a suggestion.
pub fn yaml_error(path: &str, source: &str, err: &serde_saphyr::Error) -> Diagnostic {
    let at = err
        .location()
        .map(|l| super::located::location_of(&l))
        .filter(|l| l.line > 0)
        .unwrap_or(Location::new(1, 1));
    if let Some((message, hint)) = limit_breached(err) {
        return Diagnostic::error(path, at, message).with_hint(hint);
    }
    let raw = match err.without_snippet() {
        serde_saphyr::Error::Message { msg, .. } => msg.clone(),
        other => strip_position(&other.to_string()),
    };
    if let Some(d) = duplicate_key(path, source, at, &raw) {
        return d;
    }
    let (mut message, mut hint) = explain(&raw);
    if let Some(kind) = scalar_kind(&raw) {
        message = format!("expected {kind}, found `{}`", token_at(source, at));
    }
    if message.starts_with("kubeVersion must be a quoted string") {
        let token = token_at(source, at);
        hint = Some(format!("write kubeVersion: \"{token}\""));
    }
    let d = Diagnostic::error(path, at, message);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// The parser's safety limits ([`super::options`]): nesting, and the nodes, events and
/// aliases a document may expand to. saphyr names them in its own terms (`budget breached:
/// Nodes { nodes: 250001 }`); say what the file did and why portplan stops.
fn limit_breached(err: &serde_saphyr::Error) -> Option<(String, String)> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let mut e = err;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = e {
        e = error;
    }
    const BOMB: &str = "real files stay far below this; an alias (`*a`) counts its anchor's nodes each time it is used, so aliases that expand to millions of nodes (a \"billion laughs\") are refused rather than expanded";
    match e {
        E::Budget { breach, .. } => Some(match breach {
            B::Depth { .. } => (
                format!("the YAML nests too deeply (more than {MAX_DEPTH} levels)"),
                "real files nest a few levels; flatten the structure".into(),
            ),
            B::Nodes { .. } => (
                format!("the YAML has more than {MAX_NODES} nodes (aliases expanded)"),
                BOMB.into(),
            ),
            B::Events { .. } => (
                format!("the YAML has more than {MAX_EVENTS} parser events (aliases expanded)"),
                BOMB.into(),
            ),
            B::Aliases { .. } | B::Anchors { .. } => (
                "the YAML uses more aliases or anchors than portplan reads".into(),
                BOMB.into(),
            ),
            B::Documents { .. } => (
                "the file holds more than one YAML document (`---`)".into(),
                "keep one document per file".into(),
            ),
            other => (
                format!("the YAML exceeds a parser limit ({other:?})"),
                "real files stay far below these limits; is this file generated?".into(),
            ),
        }),
        other if other.to_string().starts_with("recursion limit exceeded") => Some((
            "the YAML nests `[` or `{` too deeply".into(),
            "real files nest a few levels; flatten the structure".into(),
        )),
        _ => None,
    }
}

/// saphyr's defaults for nodes and events, and our depth ([`super::options`]).
const MAX_NODES: &str = "250,000";
const MAX_EVENTS: &str = "1,000,000";
const MAX_DEPTH: usize = super::MAX_DEPTH;

/// serde's messages name the offending input and the accepted set; reword them for people
/// and turn the accepted set into a suggestion.
fn explain(raw: &str) -> (String, Option<String>) {
    for (prefix, what) in [("unknown field `", "key"), ("unknown variant `", "value")] {
        if let Some(rest) = raw.strip_prefix(prefix)
            && let Some((name, tail)) = rest.split_once('`')
        {
            let expected = expected_names(tail);
            let shown = expected.join(", ");
            let message = if what == "key" {
                format!("unknown key `{name}`")
            } else {
                format!("`{name}` is not one of {shown}")
            };
            let hint = match did_you_mean(name, expected.iter().map(String::as_str)) {
                Some(s) => Some(format!("did you mean `{s}`?")),
                None if what == "key" && !expected.is_empty() => {
                    Some(format!("expected one of {shown}"))
                }
                None => None,
            };
            return (message, hint);
        }
    }
    if let Some(rest) = raw.strip_prefix("missing field `")
        && let Some((name, _)) = rest.split_once('`')
    {
        return (format!("missing required key `{name}`"), None);
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        return (format!("wrong type: {rest}"), None);
    }
    (raw.to_owned(), None)
}

/// saphyr refuses a key given twice in one mapping as "duplicate mapping key: K, set
/// DuplicateKeyPolicy in Options if acceptable", naming its own option. Say it as a person
/// would, at the second occurrence, with a note at the first (the nearest line above at the
/// same column that starts with the key).
fn duplicate_key(path: &str, source: &str, at: Location, raw: &str) -> Option<Diagnostic> {
    let rest = raw.strip_prefix("duplicate mapping key: ")?;
    let key = rest
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(rest)
        .trim();
    let d = Diagnostic::error(path, at, format!("duplicate key `{}`", key.escape_debug()))
        .with_hint("a mapping may give each key once; keep the one you mean and delete the other");
    let col = at.column as usize;
    let first = source
        .lines()
        .take((at.line as usize).saturating_sub(1))
        .enumerate()
        .filter(|(_, line)| {
            line.get(col.saturating_sub(1)..).is_some_and(|t| {
                t.strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
                    || t.strip_prefix(&format!("\"{key}\""))
                        .is_some_and(|r| r.trim_start().starts_with(':'))
            })
        })
        .last();
    Some(match first {
        Some((i, _)) => d.with_related(
            path,
            Location::new(i as u32 + 1, at.column),
            format!("`{key}` is first given here"),
        ),
        None => d,
    })
}

/// The accepted names from the tail of serde's message (`, expected one of a, b, c` or
/// `, expected a or b`), with or without backticks.
fn expected_names(tail: &str) -> Vec<String> {
    let Some(list) = tail.split_once("expected ").map(|(_, l)| l) else {
        return Vec::new();
    };
    let list = list.strip_prefix("one of ").unwrap_or(list);
    list.split(", ")
        .flat_map(|p| p.split(" or "))
        .map(|p| p.trim().trim_matches('`').to_owned())
        .filter(|p| !p.is_empty() && !p.contains(' '))
        .collect()
}

/// saphyr reports a scalar that does not parse as its target type as `invalid u32`; name
/// the type the way the model reference does.
fn scalar_kind(raw: &str) -> Option<&'static str> {
    let ty = raw.strip_prefix("invalid ")?;
    match ty {
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" => Some("a whole number"),
        "f32" | "f64" => Some("a number"),
        "bool" | "boolean" => Some("true or false"),
        _ => None,
    }
}

/// The plain scalar that starts at `at`, as written.
pub fn token_at(source: &str, at: Location) -> &str {
    let line = source
        .lines()
        .nth(at.line.saturating_sub(1) as usize)
        .unwrap_or("");
    let start = line
        .char_indices()
        .nth(at.column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    line[start..]
        .split(|c: char| c.is_whitespace() || matches!(c, '#' | ',' | '}' | ']' | '"' | '\''))
        .next()
        .unwrap_or("")
}

fn strip_position(s: &str) -> String {
    let s = s.lines().next().unwrap_or(s);
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_unknown_keys() {
        let (m, h) = explain("unknown field `trafic`, expected one of `traffic`, `ports`");
        assert_eq!(m, "unknown key `trafic`");
        assert_eq!(h.as_deref(), Some("did you mean `traffic`?"));
        let (m, h) =
            explain("unknown variant `Sideways`, expected one of PreferClose, PreferSameZone");
        assert_eq!(m, "`Sideways` is not one of PreferClose, PreferSameZone");
        assert_eq!(h, None);
        let (m, _) = explain("unknown variant `x`, expected `a` or `b`");
        assert_eq!(m, "`x` is not one of a, b");
    }
}
