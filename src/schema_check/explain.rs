//! Turns the validator's errors into reasons a person understands.
//!
//! A raw `anyOf` failure ("is not valid under any of the given schemas") says nothing useful:
//! schemas generated from optional fields wrap almost every value in
//! `anyOf: [{$ref: X}, {type: null}]`, and enums documented per value become `oneOf` lists of
//! `const`s. So alternatives are taken apart: branches whose type does not fit the value are
//! dropped, the remaining branch's own errors are reported, and value lists are merged into one
//! "is not one of" with a suggestion.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::describe::{choices, found, or_list, show, show_str, type_phrase};
use crate::suggest::did_you_mean;
use crate::yaml::located::pointer_token;

/// One reason a document does not satisfy its schema, before it is located in the file (a
/// [`super::Violation`] is a located one).
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    /// JSON pointer (RFC 6901) of the offending node.
    pub pointer: String,
    /// Whether to point at the node's key rather than its value (unknown or missing keys).
    pub at_key: bool,
    /// The JSON Schema keyword that failed.
    pub keyword: String,
    detail: Detail,
}

#[derive(Clone, Debug, PartialEq)]
enum Detail {
    /// The value's type fits none of `expected`.
    Type {
        expected: Vec<JsonType>,
        found: String,
    },
    /// The value is not one of a fixed list (`enum`, `const`, or alternatives of those).
    Choice {
        allowed: Vec<Value>,
        shown: String,
        text: Option<String>,
    },
    Text(String),
}

impl Reason {
    fn new(pointer: &str, keyword: &str, detail: Detail) -> Self {
        Reason {
            pointer: pointer.to_owned(),
            at_key: false,
            keyword: keyword.to_owned(),
            detail,
        }
    }

    fn text(pointer: &str, keyword: &str, message: String) -> Self {
        Reason::new(pointer, keyword, Detail::Text(message))
    }

    fn at_key(mut self) -> Self {
        self.at_key = true;
        self
    }

    /// The message, e.g. "70000 is above the maximum 65535".
    pub fn message(&self) -> String {
        match &self.detail {
            Detail::Type { expected, found } => {
                let mut names: Vec<String> = Vec::new();
                for t in expected {
                    let p = type_phrase(*t).to_owned();
                    if !names.contains(&p) {
                        names.push(p);
                    }
                }
                format!("expected {}, found {found}", or_list(&names))
            }
            Detail::Choice {
                allowed,
                shown,
                text,
            } => {
                let mut m = if let [only] = allowed.as_slice() {
                    format!("expected {}, found {shown}", show(only))
                } else {
                    format!("{shown} is not one of {}", choices(allowed))
                };
                let names = allowed.iter().filter_map(Value::as_str);
                if let Some(t) = text
                    && let Some(s) = did_you_mean(t, names)
                    && s != t
                {
                    m.push_str(&format!(" (did you mean `{s}`?)"));
                }
                m
            }
            Detail::Text(t) => t.clone(),
        }
    }

    /// Whether a string was expected where YAML read an unquoted number or boolean (`1.30`
    /// becomes 1.3, `on` may become true): quoting the value as written fixes it.
    pub fn wants_quotes(&self) -> bool {
        matches!(&self.detail, Detail::Type { expected, found }
            if expected.contains(&JsonType::String)
                && (found.starts_with("the number") || found.starts_with("the boolean")))
    }

    fn depth(&self) -> usize {
        self.pointer.matches('/').count()
    }
}

/// Explains one validator error against the schema document it came from (`schema` is used to
/// look up the property names an unknown key could have meant).
pub fn explain(err: &ValidationError<'_>, schema: &Value) -> Vec<Reason> {
    let path = err.instance_path().as_str();
    let instance: &Value = err.instance();
    let keyword = err.kind().keyword().to_owned();
    let one = |message: String| vec![Reason::text(path, &keyword, message)];
    match err.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            alternatives(path, &keyword, instance, context, schema)
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => vec![*t],
                TypeKind::Multiple(set) => set.iter().collect(),
            };
            vec![Reason::new(
                path,
                &keyword,
                Detail::Type {
                    expected: nulls_last(expected),
                    found: found(instance),
                },
            )]
        }
        ValidationErrorKind::Enum { options } => {
            let allowed = options.as_array().cloned().unwrap_or_default();
            vec![choice(path, &keyword, instance, allowed)]
        }
        ValidationErrorKind::Constant { expected_value } => vec![choice(
            path,
            &keyword,
            instance,
            vec![expected_value.as_ref().clone()],
        )],
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let known = property_names(schema, err.schema_path().as_str());
            unexpected
                .iter()
                .map(|key| {
                    let pointer = format!("{path}/{}", pointer_token(key));
                    Reason::text(&pointer, &keyword, unknown_key(key, &known)).at_key()
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            vec![Reason::text(path, &keyword, format!("missing required key `{name}`")).at_key()]
        }
        ValidationErrorKind::Maximum { limit } => {
            one(format!("{} is above the maximum {limit}", show(instance)))
        }
        ValidationErrorKind::Minimum { limit } => {
            one(format!("{} is below the minimum {limit}", show(instance)))
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            one(format!("{} must be less than {limit}", show(instance)))
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            one(format!("{} must be greater than {limit}", show(instance)))
        }
        ValidationErrorKind::MultipleOf { multiple_of } => one(format!(
            "{} is not a multiple of {multiple_of}",
            show(instance)
        )),
        ValidationErrorKind::MinLength { limit } => one(format!(
            "{} is too short: at least {limit} character{} required",
            show(instance),
            plural(*limit)
        )),
        ValidationErrorKind::MaxLength { limit } => one(format!(
            "{} is too long: at most {limit} character{} allowed",
            show(instance),
            plural(*limit)
        )),
        ValidationErrorKind::Pattern { pattern } => {
            // A checked scalar of the model says in words what its pattern means.
            let words = pattern_message(schema, err.schema_path().as_str());
            one(match words {
                Some(w) => format!("{} {w}", show(instance)),
                None => format!(
                    "{} does not match the pattern {}",
                    show(instance),
                    show_str(pattern)
                ),
            })
        }
        ValidationErrorKind::Format { format } => {
            one(format!("{} is not a valid {format}", show(instance)))
        }
        ValidationErrorKind::MinItems { limit } => one(format!(
            "the list has {} item{}, fewer than the minimum {limit}",
            len(instance),
            plural(len(instance) as u64)
        )),
        ValidationErrorKind::MaxItems { limit } => one(format!(
            "the list has {} items, more than the maximum {limit}",
            len(instance)
        )),
        ValidationErrorKind::MinProperties { limit } => one(format!(
            "the mapping has {} key{}, fewer than the minimum {limit}",
            len(instance),
            plural(len(instance) as u64)
        )),
        ValidationErrorKind::MaxProperties { limit } => one(format!(
            "the mapping has {} keys, more than the maximum {limit}",
            len(instance)
        )),
        ValidationErrorKind::UniqueItems => one("the list has duplicate items".to_owned()),
        ValidationErrorKind::AdditionalItems { limit } => one(format!(
            "the list has {} items; only {limit} are allowed",
            len(instance)
        )),
        ValidationErrorKind::UnevaluatedItems { unexpected } => one(format!(
            "the list has items no schema allows: {}",
            unexpected.join(", ")
        )),
        ValidationErrorKind::Contains => {
            one("no item of the list has the required form (`contains`)".to_owned())
        }
        ValidationErrorKind::Not { .. } => one(format!(
            "{} is not allowed here (it matches the schema under `not`)",
            show(instance)
        )),
        ValidationErrorKind::OneOfMultipleValid { .. } => one(format!(
            "{} fits more than one of the alternatives, and `oneOf` wants exactly one",
            show(instance)
        )),
        ValidationErrorKind::FalseSchema => {
            let message = format!(
                "{} is not allowed here (the schema is `false` at this place)",
                show(instance)
            );
            let f = Reason::text(path, &keyword, message);
            vec![if path.is_empty() { f } else { f.at_key() }]
        }
        ValidationErrorKind::PropertyNames { error } => {
            let key: &Value = error.instance();
            let name = key.as_str().unwrap_or_default();
            let pointer = format!("{path}/{}", pointer_token(name));
            let reasons: Vec<String> = explain(error, schema).iter().map(Reason::message).collect();
            vec![
                Reason::text(
                    &pointer,
                    &keyword,
                    format!(
                        "key {} is not allowed: {}",
                        show_str(name),
                        reasons.join("; ")
                    ),
                )
                .at_key(),
            ]
        }
        // The library's own wording is clear enough for the rest (content encodings, regex
        // engine limits, custom keywords, unresolvable references).
        _ => one(err.to_string()),
    }
}

/// Explains a failed `anyOf`/`oneOf` by its branches (see the module comment).
fn alternatives(
    path: &str,
    keyword: &str,
    instance: &Value,
    branches: &[Vec<ValidationError<'static>>],
    schema: &Value,
) -> Vec<Reason> {
    let explained: Vec<Vec<Reason>> = branches
        .iter()
        .map(|b| b.iter().flat_map(|e| explain(e, schema)).collect())
        .collect();
    let mismatched = |b: &[Reason]| {
        b.iter()
            .any(|f| f.pointer == path && matches!(f.detail, Detail::Type { .. }))
    };
    let viable: Vec<&Vec<Reason>> = explained
        .iter()
        .filter(|b| !b.is_empty() && !mismatched(b))
        .collect();
    match viable.as_slice() {
        [] => {
            let mut expected = Vec::new();
            for f in explained.iter().flatten().filter(|f| f.pointer == path) {
                if let Detail::Type { expected: e, .. } = &f.detail {
                    for t in e {
                        if !expected.contains(t) {
                            expected.push(*t);
                        }
                    }
                }
            }
            vec![Reason::new(
                path,
                keyword,
                Detail::Type {
                    expected: nulls_last(expected),
                    found: found(instance),
                },
            )]
        }
        [only] => (*only).clone(),
        many => {
            let all_choices = many.iter().all(|b| {
                b.iter()
                    .all(|f| f.pointer == path && matches!(f.detail, Detail::Choice { .. }))
            });
            if all_choices {
                let mut allowed: Vec<Value> = Vec::new();
                for f in many.iter().copied().flatten() {
                    if let Detail::Choice { allowed: a, .. } = &f.detail {
                        for v in a {
                            if !allowed.contains(v) {
                                allowed.push(v.clone());
                            }
                        }
                    }
                }
                return vec![choice(path, keyword, instance, allowed)];
            }
            // Several forms fit the value's type: report the one it got furthest into (the
            // deepest error), then the one with the fewest complaints.
            let mut best = many[0];
            for b in &many[1..] {
                let key = |b: &Vec<Reason>| {
                    let depth = b.iter().map(Reason::depth).max().unwrap_or(0);
                    (depth, usize::MAX - b.len())
                };
                if key(b) > key(best) {
                    best = b;
                }
            }
            best.clone()
        }
    }
}

fn choice(path: &str, keyword: &str, instance: &Value, allowed: Vec<Value>) -> Reason {
    Reason::new(
        path,
        keyword,
        Detail::Choice {
            allowed,
            shown: show(instance),
            text: instance.as_str().map(str::to_owned),
        },
    )
}

fn unknown_key(key: &str, known: &[String]) -> String {
    let shown = show_str(key);
    if let Some(s) = did_you_mean(key, known.iter().map(String::as_str)) {
        return format!("unknown key {shown} (did you mean `{s}`?)");
    }
    match known.len() {
        0 => format!("unknown key {shown}"),
        1..=10 => format!("unknown key {shown} (expected {})", or_list(known)),
        n => format!("unknown key {shown} ({n} keys are allowed here)"),
    }
}

/// The property names of the schema object that holds the keyword at `keyword_location` (a
/// JSON pointer into `schema`, e.g. `/definitions/Port/additionalProperties`).
fn property_names(schema: &Value, keyword_location: &str) -> Vec<String> {
    let parent = keyword_location
        .rfind('/')
        .map_or("", |i| &keyword_location[..i]);
    schema
        .pointer(parent)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The `patternErrorMessage` next to the failed `pattern` at `keyword_location`, if the
/// schema gives one (the model's checked scalars do; so do editors' extensions).
fn pattern_message(schema: &Value, keyword_location: &str) -> Option<String> {
    let parent = keyword_location
        .rfind('/')
        .map_or("", |i| &keyword_location[..i]);
    schema
        .pointer(parent)?
        .get("patternErrorMessage")?
        .as_str()
        .map(str::to_owned)
}

/// `a string or null` reads better than `null or a string`.
fn nulls_last(mut types: Vec<JsonType>) -> Vec<JsonType> {
    types.sort_by_key(|t| *t == JsonType::Null);
    types
}

fn len(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        _ => 0,
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages(schema: Value, instance: Value) -> Vec<(String, String)> {
        let v = jsonschema::validator_for(&schema).unwrap();
        v.iter_errors(&instance)
            .flat_map(|e| explain(&e, &schema))
            .map(|f| (f.pointer.clone(), f.message()))
            .collect()
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(p, m)| ((*p).to_owned(), (*m).to_owned()))
            .collect()
    }

    #[test]
    fn looks_through_optional_refs_and_const_lists() {
        let schema = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "properties": {
                "td": {"anyOf": [{"$ref": "#/definitions/TD"}, {"type": "null"}]},
                "port": {"anyOf": [{"$ref": "#/definitions/Port"}, {"type": "null"}]}
            },
            "definitions": {
                "TD": {"oneOf": [
                    {"type": "string", "const": "PreferClose"},
                    {"type": "string", "const": "PreferSameZone"}
                ]},
                "Port": {"type": "integer", "minimum": 1, "maximum": 65535}
            }
        });
        assert_eq!(
            messages(schema.clone(), json!({"td": "PreferClos", "port": 70000})),
            pairs(&[
                (
                    "/td",
                    "`PreferClos` is not one of PreferClose, PreferSameZone (did you mean `PreferClose`?)"
                ),
                ("/port", "70000 is above the maximum 65535"),
            ])
        );
        assert_eq!(
            messages(schema, json!({"td": 5, "port": "80"})),
            pairs(&[
                ("/td", "expected a string or null, found the number 5"),
                (
                    "/port",
                    "expected an integer or null, found the string \"80\""
                ),
            ])
        );
    }

    #[test]
    fn suggests_known_keys_from_the_schema_the_error_came_from() {
        let schema = json!({
            "properties": {"cache": {"$ref": "#/$defs/Cache"}},
            "$defs": {"Cache": {
                "type": "object",
                "properties": {"port": {}, "enabled": {}},
                "additionalProperties": false
            }}
        });
        assert_eq!(
            messages(schema, json!({"cache": {"prot": 1, "zzzzzz": 2}})),
            pairs(&[
                ("/cache/prot", "unknown key `prot` (did you mean `port`?)"),
                (
                    "/cache/zzzzzz",
                    "unknown key `zzzzzz` (expected port or enabled)"
                ),
            ])
        );
    }

    #[test]
    fn picks_the_alternative_the_value_got_furthest_into() {
        let schema = json!({
            "anyOf": [
                {"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"maximum": 1}}}}},
                {"type": "object", "required": ["z"]}
            ]
        });
        assert_eq!(
            messages(schema, json!({"a": {"b": 2}})),
            pairs(&[("/a/b", "2 is above the maximum 1")])
        );
    }
}
