//! One file: read it, parse it with positions, and check it against a compiled schema.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::schema::CompiledSchema;
use crate::diag::Failure;
pub use crate::schema_check::Violation;
use crate::yaml::{Located, parse_located};

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
    crate::schema_check::violations(
        &schema.validator,
        &schema.document,
        &file.located,
        &file.source,
        file.blank,
    )
}

fn is_blank(source: &str) -> bool {
    source.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}
