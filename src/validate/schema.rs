//! Loading and compiling a JSON Schema once, to be shared by every file checked against it.

use jsonschema::{Draft, Validator};
use serde_json::Value;

use super::detect::SchemaSource;
use crate::diag::{Diagnostic, Failure};
use crate::schema_check::explain::explain;
use crate::yaml::{Location, parse_located};

/// A schema ready to validate with, and the document it was compiled from (messages look up
/// property names in it).
pub struct CompiledSchema {
    pub source: SchemaSource,
    pub document: Value,
    pub validator: Validator,
}

impl std::fmt::Debug for CompiledSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledSchema")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Reads and compiles the schema from `source`. The schema's own `$schema` chooses the draft
/// (2020-12 when it has none, as the JSON Schema specification says). Remote `$ref`s are not
/// fetched: portplan works offline and says so.
pub fn compile(source: &SchemaSource) -> Result<CompiledSchema, Failure> {
    let (shown, text, document) = match source {
        SchemaSource::Model => {
            let doc = crate::model::json_schema();
            (source.display(), None, doc)
        }
        SchemaSource::File(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::plain(&shown, format!("cannot read the schema: {e}")))?;
            let doc: Value = serde_json::from_str(&text).map_err(|e| {
                let at = Location::new(e.line() as u32, e.column().max(1) as u32);
                let msg = format!("the schema is not valid JSON: {}", strip_position(&e));
                Failure::new(vec![Diagnostic::error(&shown, at, msg)], Some(text.clone()))
            })?;
            (shown, Some(text), doc)
        }
    };
    if !document.is_object() && !document.is_boolean() {
        return Err(Failure::plain(
            &shown,
            "the schema is not a JSON Schema: expected an object (or true/false) at the top",
        ));
    }
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&document)
        .map_err(|e| compile_error(&shown, text, &document, &e))?;
    Ok(CompiledSchema {
        source: source.clone(),
        document,
        validator,
    })
}

/// The draft a schema declares, as people name it.
pub fn draft_name(document: &Value) -> &'static str {
    match Draft::default().detect(document) {
        Draft::Draft4 => "draft-04",
        Draft::Draft6 => "draft-06",
        Draft::Draft7 => "draft-07",
        Draft::Draft201909 => "draft 2019-09",
        Draft::Draft202012 => "draft 2020-12",
        _ => "an unknown draft",
    }
}

/// A schema that does not compile: either it breaks its draft's meta-schema (point at the
/// offending node of the schema file) or a `$ref` cannot be resolved.
fn compile_error(
    shown: &str,
    text: Option<String>,
    document: &Value,
    err: &jsonschema::ValidationError<'_>,
) -> Failure {
    if let jsonschema::error::ValidationErrorKind::Referencing(r) = err.kind() {
        return reference_error(shown, text, document, r);
    }
    let pointer = err.instance_path().as_str();
    let reasons: Vec<String> = explain(err, &Value::Null)
        .iter()
        .map(|f| f.message())
        .collect();
    let message = format!(
        "the schema is not valid {}: {} (at {})",
        draft_name(document),
        reasons.join("; "),
        if pointer.is_empty() {
            "the top"
        } else {
            pointer
        }
    );
    let at = text
        .as_deref()
        .and_then(|t| parse_located(t).ok())
        .map_or(Location::new(0, 0), |l| l.value_location(pointer));
    Failure::new(vec![Diagnostic::error(shown, at, message)], text)
}

/// A `$ref` that does not resolve, or a `$schema` naming no known draft; pointed at the first
/// `$ref` that names the missing target when there is one.
fn reference_error(
    shown: &str,
    text: Option<String>,
    document: &Value,
    err: &jsonschema::ReferencingError,
) -> Failure {
    use jsonschema::ReferencingError as E;
    let (message, needle, hint) = match err {
        E::Unretrievable { uri, .. } => (
            format!("the schema refers to `{uri}`, which portplan does not fetch"),
            Some(uri.clone()),
            Some(
                "portplan resolves references inside the schema file (`#/definitions/...`, `#/$defs/...`); bundle other files into it, or validate with a tool that fetches them",
            ),
        ),
        E::PointerToNowhere { pointer } => (
            format!("the schema refers to `#{pointer}`, which does not exist in it"),
            Some(format!("#{pointer}")),
            None,
        ),
        E::UnknownSpecification { specification } => (
            format!(
                "the schema's `$schema` is `{specification}`, which is not a JSON Schema draft portplan knows"
            ),
            None,
            Some(
                "use draft-04, draft-06, draft-07, 2019-09 or 2020-12 (`http://json-schema.org/draft-07/schema#`, `https://json-schema.org/draft/2020-12/schema`)",
            ),
        ),
        other => (
            format!("the schema has a reference portplan cannot resolve: {other}"),
            None,
            None,
        ),
    };
    let at = needle
        .and_then(|n| find_ref(document, &n, &mut String::new()))
        .zip(text.as_deref().and_then(|t| parse_located(t).ok()))
        .map_or(Location::new(0, 0), |(pointer, located)| {
            located.value_location(&pointer)
        });
    let mut d = Diagnostic::error(shown, at, message);
    if let Some(h) = hint {
        d = d.with_hint(h);
    }
    Failure::new(vec![d], text)
}

/// The JSON pointer of the first `$ref` whose target `needle` ends with (`needle` may be the
/// resolved, absolute form of what the schema wrote).
fn find_ref(node: &Value, needle: &str, at: &mut String) -> Option<String> {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && !r.is_empty()
                && needle.ends_with(r.as_str())
            {
                return Some(format!("{at}/$ref"));
            }
            for (k, v) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&crate::yaml::located::pointer_token(k));
                let found = find_ref(v, needle, at);
                at.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            let len = at.len();
            at.push_str(&format!("/{i}"));
            let found = find_ref(v, needle, at);
            at.truncate(len);
            found
        }),
        _ => None,
    }
}

/// serde_json appends "at line L column C"; the diagnostic has its own position.
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}
