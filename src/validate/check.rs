//! One file: read it, parse it with positions, and check it against a compiled schema.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};

use super::explain::explain;
use super::schema::CompiledSchema;
use crate::diag::Failure;
use crate::yaml::token_at;
use crate::yaml::{Located, Location, parse_located};

/// A YAML file read and parsed, ready to validate.
#[derive(Debug)]
pub struct ParsedFile {
    pub path: PathBuf,
    /// The path as the user gave it; messages name it.
    pub shown: String,
    pub source: String,
    pub located: Located,
    /// Nothing but comments: validated as an empty mapping, errors point at 1:1.
    pub blank: bool,
}

/// One schema violation, located in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// JSON pointer of the offending node (the missing key's mapping for `required`).
    pub pointer: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// The JSON Schema keyword that failed (`maximum`, `enum`, `additionalProperties`, ...).
    pub keyword: String,
}

/// Reads and parses `path`. Unreadable, non-UTF-8 or malformed YAML is a failure with the
/// position of the problem.
pub fn parse_file(path: &Path) -> Result<ParsedFile, Failure> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::plain(&shown, format!("cannot read the file: {e}")))?;
    parse_bytes(path, bytes)
}

/// Parses a file's contents as [`parse_file`] does once it has read them; `path` is only
/// named in messages (and kept for schema detection).
pub fn parse_bytes(path: &Path, bytes: Vec<u8>) -> Result<ParsedFile, Failure> {
    let shown = path.display().to_string();
    let source = crate::yaml::decode_utf8(&shown, bytes, "the file")
        .map_err(|d| Failure::new(vec![d], None))?;
    let mut located = match parse_located(&source) {
        Ok(l) => l,
        Err(e) => {
            let d = crate::yaml::yaml_error(&shown, &source, &e);
            return Err(Failure::new(vec![d], Some(source)));
        }
    };
    // Helm reads a values file with nothing but comments as "no values"; so does portplan,
    // rather than reporting that `null` is not a mapping.
    let blank = located.value.is_null() && is_blank(&source);
    if blank {
        located.value = Value::Object(Map::new());
    }
    Ok(ParsedFile {
        path: path.to_owned(),
        shown,
        source,
        located,
        blank,
    })
}

/// Every violation of `schema` in `file`, in the order they appear in the file.
pub fn check(file: &ParsedFile, schema: &CompiledSchema) -> Vec<Violation> {
    let mut out: Vec<Violation> = schema
        .validator
        .iter_errors(&file.located.value)
        .flat_map(|e| explain(&e, &schema.document))
        .map(|f| {
            let at = if file.blank {
                Location::new(1, 1)
            } else if f.at_key {
                file.located.key_location(&f.pointer)
            } else {
                file.located.value_location(&f.pointer)
            };
            let mut message = f.message();
            if f.wants_quotes() {
                let token = token_at(&file.source, at);
                if !token.is_empty() {
                    message.push_str(&format!(" (write \"{token}\" to keep it a string)"));
                }
            }
            Violation {
                message,
                pointer: f.pointer,
                line: at.line,
                column: at.column,
                keyword: f.keyword,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.line, a.column, &a.pointer, &a.message).cmp(&(b.line, b.column, &b.pointer, &b.message))
    });
    // Alternatives in a schema can report the same problem twice.
    out.dedup_by(|a, b| a.pointer == b.pointer && a.message == b.message);
    out
}

fn is_blank(source: &str) -> bool {
    source.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}
