//! One file: read it, parse it, and check it against a compiled schema; positions are
//! found only for a file that has something to report.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::schema::CompiledSchema;
use crate::diag::Failure;
pub use crate::schema_check::Violation;
use crate::yaml::{Located, parse_located, parse_value_with};

/// A YAML file read and parsed, ready to validate.
#[derive(Debug)]
pub struct ParsedFile {
    pub path: PathBuf,
    /// The path as the user gave it; messages name it.
    pub shown: String,
    pub source: String,
    /// The document's value (an empty mapping for a blank file).
    pub value: Value,
    /// Nothing but comments: validated as an empty mapping, errors point at 1:1.
    pub blank: bool,
    /// The value with every node's position, parsed again the first time a message needs
    /// one: a valid file never pays for them (they were 30% of a 7,000-line file's parse).
    positions: OnceLock<Located>,
}

impl ParsedFile {
    /// The value with the position of every node.
    pub fn located(&self) -> &Located {
        self.positions.get_or_init(|| {
            // The same text, parser and options that just read `value`, so this parses too;
            // were it ever to fail, messages would point at 1:1 rather than nowhere.
            let mut located = parse_located(&self.source)
                .unwrap_or_else(|_| Located::unplaced(self.value.clone()));
            if self.blank {
                located.value = self.value.clone();
            }
            located
        })
    }
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
    let mut value = match parse_value_with(&source, crate::yaml::options()) {
        Ok(v) => v,
        Err(_) => {
            // The message and position of the reader every other command uses.
            let e = parse_located(&source).err();
            let d = match &e {
                Some(e) => crate::yaml::yaml_error(&shown, &source, e),
                None => crate::diag::Diagnostic::error(
                    &shown,
                    crate::yaml::Location::new(1, 1),
                    "the file is not valid YAML",
                ),
            };
            return Err(Failure::new(vec![d], Some(source)));
        }
    };
    // Helm reads a values file with nothing but comments as "no values"; so does portplan,
    // rather than reporting that `null` is not a mapping.
    let blank = value.is_null() && is_blank(&source);
    if blank {
        value = Value::Object(Map::new());
    }
    Ok(ParsedFile {
        path: path.to_owned(),
        shown,
        source,
        value,
        blank,
        positions: OnceLock::new(),
    })
}

/// Every violation of `schema` in `file`, in the order they appear in the file.
pub fn check(file: &ParsedFile, schema: &CompiledSchema) -> Vec<Violation> {
    if schema.validator.is_valid(&file.value) {
        return Vec::new();
    }
    crate::schema_check::violations(
        &schema.validator,
        &schema.document,
        file.located(),
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
