//! Reports printed by commands: tables, CSV and JSON built from the Plan.

pub mod plan;
pub mod ports;

/// Pretty JSON with a trailing newline, the form every JSON output uses.
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("plan types always serialise");
    s.push('\n');
    s
}

/// The model's JSON Schema as committed in `schema/portplan.schema.json`.
pub fn schema_text() -> String {
    to_json(&crate::model::json_schema())
}

/// Left-aligned columns separated by two spaces; the last column is not padded.
pub fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
