//! Semantic comparison of two values.yaml documents, key by key.
//!
//! Formatting, comments and key order do not matter here (the file-level diff shows them);
//! what differs is a value at a key path, or a key one side has and the other lacks.

use serde::Serialize;
use serde_json::Value;

use super::files::Status;
use crate::yaml::Located;
use crate::yaml::located::pointer_token;

/// One key path whose value differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValueDiff {
    /// The key path as a reader writes it: `chunksCache.port`, `a["b.c"]`, `list[0]`.
    pub path: String,
    /// The same path as a JSON pointer (RFC 6901).
    pub pointer: String,
    pub status: Status,
    /// The generated value; `null` when only the chart has the key.
    pub model: Option<Value>,
    /// The chart's value; `null` when only the model has the key.
    pub chart: Option<Value>,
    /// Where to look in the chart's values.yaml: the value, or for a key only the model has,
    /// the nearest mapping the chart does have.
    pub line: u32,
    pub column: u32,
}

/// Every difference between the generated values (`model`) and the chart's, in the model's
/// key order; keys only the chart has follow the model's keys of the same mapping.
pub fn compare_values(model: &Value, chart: &Located) -> Vec<ValueDiff> {
    let mut out = Vec::new();
    walk(model, &chart.value, &Path::root(), chart, &mut out);
    out
}

/// A key path in both spellings.
#[derive(Clone)]
struct Path {
    display: String,
    pointer: String,
}

impl Path {
    fn root() -> Self {
        Path {
            display: String::new(),
            pointer: String::new(),
        }
    }

    fn key(&self, key: &str) -> Self {
        let simple = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let display = match (simple, self.display.is_empty()) {
            (true, true) => key.to_owned(),
            (true, false) => format!("{}.{key}", self.display),
            (false, _) => format!("{}[{}]", self.display, Value::String(key.to_owned())),
        };
        Path {
            display,
            pointer: format!("{}/{}", self.pointer, pointer_token(key)),
        }
    }

    fn index(&self, i: usize) -> Self {
        Path {
            display: format!("{}[{i}]", self.display),
            pointer: format!("{}/{i}", self.pointer),
        }
    }
}

fn walk(model: &Value, chart: &Value, at: &Path, located: &Located, out: &mut Vec<ValueDiff>) {
    match (model, chart) {
        (Value::Object(m), Value::Object(c)) => {
            for (k, mv) in m {
                let p = at.key(k);
                match c.get(k) {
                    Some(cv) => walk(mv, cv, &p, located, out),
                    None => out.push(entry(&p, Status::OnlyInModel, Some(mv), None, located)),
                }
            }
            for (k, cv) in c.iter().filter(|(k, _)| !m.contains_key(*k)) {
                out.push(entry(
                    &at.key(k),
                    Status::OnlyInChart,
                    None,
                    Some(cv),
                    located,
                ));
            }
        }
        (Value::Array(m), Value::Array(c)) => {
            for i in 0..m.len().max(c.len()) {
                let p = at.index(i);
                match (m.get(i), c.get(i)) {
                    (Some(mv), Some(cv)) => walk(mv, cv, &p, located, out),
                    (Some(mv), None) => {
                        out.push(entry(&p, Status::OnlyInModel, Some(mv), None, located));
                    }
                    (None, Some(cv)) => {
                        out.push(entry(&p, Status::OnlyInChart, None, Some(cv), located));
                    }
                    (None, None) => {}
                }
            }
        }
        _ if same_scalar(model, chart) => {}
        _ => out.push(entry(
            at,
            Status::Changed,
            Some(model),
            Some(chart),
            located,
        )),
    }
}

/// Numbers compare by value (`4090` and `4090.0` are the same port to Helm's `int`); any
/// other pair must be equal, type included (`4090` and `"4090"` are not).
fn same_scalar(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || matches!((x.as_f64(), y.as_f64()), (Some(p), Some(q)) if p == q)
        }
        _ => a == b,
    }
}

fn entry(
    at: &Path,
    status: Status,
    model: Option<&Value>,
    chart: Option<&Value>,
    located: &Located,
) -> ValueDiff {
    let loc = match status {
        Status::OnlyInChart => located.key_location(&at.pointer),
        _ => located.value_location(&at.pointer),
    };
    ValueDiff {
        path: if at.display.is_empty() {
            "(document)".to_owned()
        } else {
            at.display.clone()
        },
        pointer: at.pointer.clone(),
        status,
        model: model.cloned(),
        chart: chart.cloned(),
        line: loc.line,
        column: loc.column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_located;

    fn diffs(model: &str, chart: &str) -> Vec<ValueDiff> {
        let m = parse_located(model).unwrap();
        let c = parse_located(chart).unwrap();
        compare_values(&m.value, &c)
    }

    #[test]
    fn reports_key_paths_values_and_chart_positions() {
        let d = diffs(
            "chunksCache:\n  port: 4090\n  replicas: 1\nx: [1, 2]\n",
            "# a comment\nchunksCache:\n  extra: true\n  port: 11211\nx: [1]\n\"a.b\": 1\n",
        );
        let got: Vec<(&str, Status, u32, u32)> = d
            .iter()
            .map(|v| (v.path.as_str(), v.status, v.line, v.column))
            .collect();
        assert_eq!(
            got,
            [
                ("chunksCache.port", Status::Changed, 4, 9),
                ("chunksCache.replicas", Status::OnlyInModel, 3, 3),
                ("chunksCache.extra", Status::OnlyInChart, 3, 3),
                ("x[1]", Status::OnlyInModel, 5, 4),
                ("[\"a.b\"]", Status::OnlyInChart, 6, 1),
            ]
        );
        assert_eq!(d[0].model, Some(Value::from(4090)));
        assert_eq!(d[0].chart, Some(Value::from(11211)));
        assert_eq!(d[0].pointer, "/chunksCache/port");
    }

    #[test]
    fn formatting_is_not_a_difference_but_types_are() {
        assert!(diffs("a: {b: 1.0, c: x}\n", "a:\n  c: \"x\"\n  b: 1\n").is_empty());
        let d = diffs("port: 4090\n", "port: \"4090\"\n");
        assert_eq!(d[0].status, Status::Changed);
    }
}
