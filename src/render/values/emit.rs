//! values.yaml: the values written as YAML, each key under its description from the schema.

use serde_json::{Map, Value};

/// values.yaml: every key preceded by its description from `schema`, strings always quoted.
pub fn to_yaml(values: &Value, schema: &Value) -> String {
    let mut out = String::new();
    emit_map(
        values.as_object().expect("values are a mapping"),
        schema,
        schema,
        0,
        &mut out,
    );
    out
}

/// Writes one mapping at `indent`, each key under its wrapped description; top-level keys
/// are separated by a blank line, so each section of values.yaml stands apart.
fn emit_map(
    map: &Map<String, Value>,
    schema: &Value,
    root: &Value,
    indent: usize,
    out: &mut String,
) {
    let pad = " ".repeat(indent);
    for (i, (key, value)) in map.iter().enumerate() {
        let sub = property_schema(schema, key, root);
        if indent == 0 && i > 0 {
            out.push('\n');
        }
        if let Some(d) = sub
            .and_then(|s| description(s, root))
            .or_else(|| fallback_description(key))
        {
            for (n, line) in wrap(&d, 96 - indent).iter().enumerate() {
                let mark = if n == 0 { "# -- " } else { "# " };
                out.push_str(&format!("{pad}{mark}{line}\n"));
            }
        }
        let key_text = scalar(&Value::String(key.clone()), true);
        match value {
            Value::Object(child) if !child.is_empty() => {
                out.push_str(&format!("{pad}{key_text}:\n"));
                let child_schema = sub.map_or(&Value::Null, |s| resolve(s, root));
                emit_map(child, child_schema, root, indent + 2, out);
            }
            Value::Object(_) => out.push_str(&format!("{pad}{key_text}: {{}}\n")),
            other => out.push_str(&format!("{pad}{key_text}: {}\n", scalar(other, false))),
        }
    }
}

/// A scalar as YAML. Strings are JSON-quoted (valid YAML, and nothing in them can become YAML
/// structure); keys stay plain when they are plain identifiers.
fn scalar(v: &Value, key: bool) -> String {
    match v {
        Value::String(s)
            if key && !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            s.clone()
        }
        other => serde_json::to_string(other).expect("scalars serialise"),
    }
}

/// The schema that describes a value: follows `$ref`, the first `allOf` (how a description is
/// attached to a reference) and the non-null branch of `anyOf` (how an optional value is
/// written). Bounded, since the definitions here nest only a few levels. Borrows: values.yaml
/// looks a schema up for every key, and copying the subtrees was most of the emitter's time.
fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    let mut s = schema;
    for _ in 0..8 {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/definitions/");
            s = &root["definitions"][name];
        } else if let Some(inner) = s.get("allOf").and_then(|a| a.get(0)) {
            s = inner;
        } else if let Some(alts) = s.get("anyOf").and_then(Value::as_array) {
            match alts
                .iter()
                .find(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            {
                Some(a) => s = a,
                None => break,
            }
        } else {
            break;
        }
    }
    s
}

/// The schema of `key` in an object schema, or its `additionalProperties` for a free-form map
/// (a resource list).
fn property_schema<'a>(schema: &'a Value, key: &str, root: &'a Value) -> Option<&'a Value> {
    let resolved = resolve(schema, root);
    resolved["properties"]
        .get(key)
        .or_else(|| match &resolved["additionalProperties"] {
            additional @ Value::Object(_) => Some(additional),
            _ => None,
        })
}

/// A value's description: the property's own (the wrapper around a reference) first, else
/// its type's.
fn description(schema: &Value, root: &Value) -> Option<String> {
    if let Some(d) = schema.get("description").and_then(Value::as_str) {
        return Some(d.to_owned());
    }
    resolve(schema, root)
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Comments for the keys of free-form maps (a resource list's `cpu` and `memory`), which have
/// no schema property to carry a description.
fn fallback_description(key: &str) -> Option<String> {
    match key {
        "cpu" => Some("CPU, in cores (`1`) or millicores (`250m`).".into()),
        "memory" => Some("Memory, e.g. `512Mi`, `2Gi`.".into()),
        _ => None,
    }
}

/// Wraps `text` at `width` columns on word boundaries; a word longer than `width` gets a line
/// of its own rather than being split.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}
