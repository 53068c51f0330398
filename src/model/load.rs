//! Reading `portplan.yaml`: YAML syntax and types first (serde), then the located tree that
//! later checks use to point at the exact key or value they are about.

use std::path::Path;

use super::Model;
use super::suggest::did_you_mean;
use crate::diag::{Diagnostic, Failure};
use crate::yaml::{Located, Location, parse_located};

/// A model together with everything needed to report on it.
#[derive(Debug)]
pub struct LoadedModel {
    pub model: Model,
    /// The model's path as the user gave it; diagnostics and generated headers name it.
    pub path: String,
    pub source: String,
    pub located: Located,
}

impl LoadedModel {
    pub fn error_at_value(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, self.located.value_location(pointer), message)
    }

    pub fn error_at_key(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, self.located.key_location(pointer), message)
    }
}

/// Reads and parses a model file.
pub fn load_model(path: &Path) -> Result<LoadedModel, Failure> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        let mut f = Failure::plain(&shown, format!("cannot read the model: {e}"));
        if e.kind() == std::io::ErrorKind::NotFound {
            f.diagnostics[0].hint = Some(
                "run portplan in the folder that holds portplan.yaml, or pass --model PATH".into(),
            );
        }
        f
    })?;
    let source = String::from_utf8(bytes).map_err(|e| {
        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
        let col = upto.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        Failure::new(
            vec![Diagnostic::error(
                &shown,
                Location::new(line as u32, col as u32),
                "the model is not valid UTF-8",
            )],
            None,
        )
    })?;
    parse_model(&shown, source)
}

/// Parses model text; `path` is only used in messages.
pub fn parse_model(path: &str, source: String) -> Result<LoadedModel, Failure> {
    let fail = |d: Diagnostic, src: &String| Failure::new(vec![d], Some(src.clone()));
    let located =
        parse_located(&source).map_err(|e| fail(yaml_error(path, &source, &e), &source))?;
    if !located.value.is_object() {
        let d = Diagnostic::error(
            path,
            Location::new(1, 1),
            "expected a mapping with at least `release`, `namespace` and `mode`",
        );
        return Err(fail(d, &source));
    }
    let model: Model = serde_saphyr::from_str_with_options(&source, crate::yaml::options())
        .map_err(|e| fail(yaml_error(path, &source, &e), &source))?;
    Ok(LoadedModel {
        model,
        path: path.to_owned(),
        source,
        located,
    })
}

/// Turns a YAML/serde error into one diagnostic with a position and, for unknown keys and
/// values, a suggestion.
pub(crate) fn yaml_error(path: &str, source: &str, err: &serde_saphyr::Error) -> Diagnostic {
    let at = err
        .location()
        .map(|l| Location::from_saphyr(&l))
        .filter(|l| l.line > 0)
        .unwrap_or(Location::new(1, 1));
    let raw = match err.without_snippet() {
        serde_saphyr::Error::Message { msg, .. } => msg.clone(),
        other => strip_position(&other.to_string()),
    };
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
fn token_at(source: &str, at: Location) -> &str {
    let line = source
        .lines()
        .nth(at.line.saturating_sub(1) as usize)
        .unwrap_or("");
    let start = line
        .char_indices()
        .nth(at.column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    rest.split(|c: char| c.is_whitespace() || c == '#' || c == ',' || c == '}')
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
