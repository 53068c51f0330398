//! Which schema a YAML file is checked against when `--schema` is not given.
//!
//! The same hints an editor uses decide: the `# yaml-language-server: $schema=` modeline
//! first, then the shape of a portplan model, then the chart's `values.schema.json` beside
//! the file. Guessing further would validate against the wrong schema, so anything else is an
//! error that asks for `--schema`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diag::Diagnostic;
use crate::yaml::Location;

/// The file name of the model schema (`portplan schema --out schema/portplan.schema.json`).
pub const MODEL_SCHEMA_NAME: &str = "portplan.schema.json";

/// The file name of a chart's values schema, which Helm reads next to `values.yaml`.
pub const VALUES_SCHEMA_NAME: &str = "values.schema.json";

/// Where a schema comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SchemaSource {
    /// The model schema built into the binary, so a model validates even where
    /// `schema/portplan.schema.json` is not checked out.
    Model,
    /// A JSON Schema file.
    File(PathBuf),
}

impl SchemaSource {
    /// The name used in messages.
    pub fn display(&self) -> String {
        match self {
            SchemaSource::Model => format!("{MODEL_SCHEMA_NAME} (built in)"),
            SchemaSource::File(p) => p.display().to_string(),
        }
    }
}

/// A `# yaml-language-server: $schema=TARGET` comment and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Modeline {
    pub target: String,
    pub at: Location,
}

/// Finds the modeline, as yaml-language-server does: a comment line anywhere in the file;
/// the first one wins.
pub fn find_modeline(text: &str) -> Option<Modeline> {
    const MARK: &str = "yaml-language-server:";
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let Some(comment) = trimmed.strip_prefix('#') else {
            continue;
        };
        let Some(rest) = comment.trim_start().strip_prefix(MARK) else {
            continue;
        };
        let Some(pos) = rest.find("$schema=") else {
            continue;
        };
        let target = rest[pos + "$schema=".len()..]
            .split_whitespace()
            .next()
            .unwrap_or("");
        if target.is_empty() {
            continue;
        }
        let offset = line.len() - rest.len() + pos + "$schema=".len();
        let column = line[..offset].chars().count() + 1;
        return Some(Modeline {
            target: target.to_owned(),
            at: Location::new(i as u32 + 1, column as u32),
        });
    }
    None
}

/// Whether a parsed document looks like a portplan model: a mapping with `release` and `mode`.
pub fn looks_like_model(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|m| m.contains_key("release") && m.contains_key("mode"))
}

/// Chooses the schema for the file at `path` (as the user named it) with text `text` and
/// parsed value `value`.
pub fn detect(path: &Path, text: &str, value: &Value) -> Result<SchemaSource, Diagnostic> {
    let shown = path.display().to_string();
    let folder = path.parent().unwrap_or(Path::new(""));
    if let Some(ml) = find_modeline(text) {
        let target = ml.target.as_str();
        if target == "none" {
            return Err(Diagnostic::error(
                &shown,
                ml.at,
                "the modeline turns schema validation off for this file (`$schema=none`)",
            )
            .with_hint("leave the file out, or pass --schema PATH to validate it anyway"));
        }
        let local = target.strip_prefix("file://").unwrap_or(target);
        let name = local.rsplit('/').next().unwrap_or(local);
        if name == MODEL_SCHEMA_NAME {
            return Ok(SchemaSource::Model);
        }
        if local.contains("://") {
            return Err(Diagnostic::error(
                &shown,
                ml.at,
                format!("the modeline names the remote schema `{target}`, and portplan does not download schemas"),
            )
            .with_hint("download it and pass --schema PATH"));
        }
        let schema = if Path::new(local).is_absolute() {
            PathBuf::from(local)
        } else {
            folder.join(local)
        };
        if !schema.is_file() {
            return Err(Diagnostic::error(
                &shown,
                ml.at,
                format!(
                    "the modeline names the schema `{target}`, but {} does not exist",
                    schema.display()
                ),
            )
            .with_hint("fix the modeline or pass --schema PATH"));
        }
        return Ok(SchemaSource::File(schema));
    }
    if looks_like_model(value) {
        return Ok(SchemaSource::Model);
    }
    let beside = folder.join(VALUES_SCHEMA_NAME);
    if beside.is_file() {
        return Ok(SchemaSource::File(beside));
    }
    Err(Diagnostic::error(
        &shown,
        Location::new(0, 0),
        format!(
            "no schema for this file: it is not a portplan model (no top-level `release` and `mode`), has no `# yaml-language-server: $schema=` modeline, and there is no {VALUES_SCHEMA_NAME} beside it"
        ),
    )
    .with_hint("pass --schema PATH"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_modeline_anywhere() {
        let ml = find_modeline("a: 1\n  #  yaml-language-server: $schema=../x.json  \n").unwrap();
        assert_eq!(ml.target, "../x.json");
        assert_eq!(ml.at, Location::new(2, 36));
        assert_eq!(find_modeline("# $schema=x.json\na: 1\n"), None);
        assert_eq!(
            find_modeline("a: '# yaml-language-server: $schema=x'\n"),
            None
        );
    }

    #[test]
    fn chooses_the_model_schema_by_modeline_or_shape() {
        let p = Path::new("/nonexistent/m.yaml");
        let text = "# yaml-language-server: $schema=../schema/portplan.schema.json\nx: 1\n";
        assert_eq!(detect(p, text, &json!({"x": 1})), Ok(SchemaSource::Model));
        let m = json!({"release": "loki", "mode": "monolithic"});
        assert_eq!(detect(p, "release: loki\n", &m), Ok(SchemaSource::Model));
    }

    #[test]
    fn refuses_to_guess() {
        let p = Path::new("/nonexistent/values.yaml");
        let e = detect(p, "a: 1\n", &json!({"a": 1})).unwrap_err();
        assert!(e.message.starts_with("no schema for this file"), "{e}");
        let remote = "# yaml-language-server: $schema=https://example.com/s.json\n";
        let e = detect(p, remote, &json!(null)).unwrap_err();
        assert!(e.message.contains("does not download"), "{e}");
        assert_eq!(e.line, 1);
        let off = detect(p, "# yaml-language-server: $schema=none\n", &json!(null)).unwrap_err();
        assert!(off.message.contains("`$schema=none`"), "{off}");
    }
}
