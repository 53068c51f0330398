//! How values and types are named in validation messages: the words a person reading a YAML
//! file uses (a mapping, a list), not JSON's (an object, an array).

use jsonschema::JsonType;
use serde_json::Value;

/// The longest string or list of choices shown before it is shortened.
const MAX_SHOWN_CHARS: usize = 60;
const MAX_SHOWN_CHOICES: usize = 12;

/// A value as it appears in a message: numbers and booleans as written, strings in
/// backticks, containers by kind (`70000`, `` `Sideways` ``, `a mapping`).
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => show_str(s),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
        other => other.to_string(),
    }
}

/// A string in backticks; quoted as JSON when it is empty or would read ambiguously, and
/// shortened when long.
pub fn show_str(s: &str) -> String {
    let clipped: String = s.chars().take(MAX_SHOWN_CHARS).collect();
    let ellipsis = if clipped.len() < s.len() { "…" } else { "" };
    if s.is_empty() || s.contains(['`', '\n', '\t']) || s.trim() != s {
        format!("{}{ellipsis}", Value::String(clipped))
    } else {
        format!("`{clipped}{ellipsis}`")
    }
}

/// What was found, for "expected X, found Y": `the string "80"`, `the number 1.5`.
pub fn found(v: &Value) -> String {
    match v {
        Value::Null => "null (an empty value)".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let clipped: String = s.chars().take(MAX_SHOWN_CHARS).collect();
            let ellipsis = if clipped.len() < s.len() { "…" } else { "" };
            format!("the string {}{ellipsis}", Value::String(clipped))
        }
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// A JSON type with its article, as a YAML author would say it.
pub fn type_phrase(t: JsonType) -> &'static str {
    match t {
        JsonType::Null => "null",
        JsonType::Boolean => "true or false",
        JsonType::Integer => "an integer",
        JsonType::Number => "a number",
        JsonType::String => "a string",
        JsonType::Array => "a list",
        JsonType::Object => "a mapping",
    }
}

/// `a, b or c`.
pub fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The allowed values of an `enum` or `const`: strings bare, other values as JSON, long lists
/// shortened.
pub fn choices(allowed: &[Value]) -> String {
    let mut shown: Vec<String> = allowed
        .iter()
        .take(MAX_SHOWN_CHOICES)
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    if allowed.len() > MAX_SHOWN_CHOICES {
        shown.push(format!("… ({} more)", allowed.len() - MAX_SHOWN_CHOICES));
    }
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_values_for_people() {
        assert_eq!(show(&json!(70000)), "70000");
        assert_eq!(show(&json!("Sideways")), "`Sideways`");
        assert_eq!(show(&json!("")), "\"\"");
        assert_eq!(show(&json!({"a": 1})), "a mapping");
        assert_eq!(found(&json!("80")), "the string \"80\"");
        assert_eq!(found(&json!(1.5)), "the number 1.5");
        assert_eq!(or_list(&["a".into(), "b".into(), "c".into()]), "a, b or c");
        assert_eq!(choices(&[json!("x"), json!(null), json!(3)]), "x, null, 3");
    }
}
