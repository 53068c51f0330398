//! `portplan validate`: YAML files checked against a JSON Schema, every violation reported at
//! its `file:line:col` in words a person understands.
//!
//! A run has three steps: read and parse every file (and choose its schema, see [`detect`]),
//! compile each schema needed once, then validate the files against the shared compiled
//! schemas. Files are parsed and validated in parallel and reported in the order given.

pub mod check;
pub mod describe;
pub mod detect;
pub mod explain;
pub mod parallel;
pub mod report;
pub mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use check::{ParsedFile, Violation};
pub use detect::SchemaSource;
pub use schema::CompiledSchema;

use crate::diag::Failure;
use parallel::map_in_order;

/// What became of one file.
#[derive(Debug)]
pub struct FileReport {
    /// The path as the user gave it.
    pub path: String,
    pub outcome: Outcome,
}

/// A file was either checked (valid when it has no violations) or could not be checked.
#[derive(Debug)]
pub enum Outcome {
    Checked {
        schema: String,
        source: String,
        violations: Vec<Violation>,
    },
    /// Unreadable, malformed, or no schema to check it against.
    Failed(Failure),
}

impl FileReport {
    /// Whether the file was checked and has no violations.
    pub fn is_valid(&self) -> bool {
        matches!(&self.outcome, Outcome::Checked { violations, .. } if violations.is_empty())
    }
}

/// Validates `files` against `schema`, or against the schema each file names or implies
/// when `schema` is `None`. A schema that cannot be read or compiled stops the whole run.
pub fn validate_files(
    files: &[PathBuf],
    schema: Option<&Path>,
) -> Result<Vec<FileReport>, Failure> {
    let forced = match schema {
        Some(p) => Some(schema::compile(&SchemaSource::File(p.to_owned()))?),
        None => None,
    };
    let parsed: Vec<Result<(ParsedFile, Option<SchemaSource>), Failure>> =
        map_in_order(files, |path| {
            let file = check::parse_file(path)?;
            let source = match forced {
                Some(_) => None,
                None => Some(
                    detect::detect(path, &file.source, &file.located.value)
                        .map_err(|d| Failure::new(vec![d], Some(file.source.clone())))?,
                ),
            };
            Ok((file, source))
        });

    // One compiled schema per distinct file (however its path was spelled).
    let mut keys: BTreeMap<SchemaKey, usize> = BTreeMap::new();
    let mut sources: Vec<SchemaSource> = Vec::new();
    let mut which: Vec<Option<usize>> = Vec::with_capacity(parsed.len());
    for p in &parsed {
        which.push(match p {
            Ok((_, Some(s))) => Some(*keys.entry(SchemaKey::of(s)).or_insert_with(|| {
                sources.push(s.clone());
                sources.len() - 1
            })),
            _ => None,
        });
    }
    let compiled: Vec<CompiledSchema> = match forced {
        Some(c) => vec![c],
        None => map_in_order(&sources, schema::compile)
            .into_iter()
            .collect::<Result<_, _>>()?,
    };

    let jobs: Vec<(&ParsedFile, &CompiledSchema)> = parsed
        .iter()
        .zip(&which)
        .filter_map(|(p, w)| {
            let file = &p.as_ref().ok()?.0;
            Some((file, &compiled[w.unwrap_or(0)]))
        })
        .collect();
    let mut checked = map_in_order(&jobs, |(file, schema)| {
        (schema.source.display(), check::check(file, schema))
    })
    .into_iter();
    Ok(parsed
        .into_iter()
        .zip(files)
        .map(|(p, path)| FileReport {
            path: path.display().to_string(),
            outcome: match p {
                Err(f) => Outcome::Failed(f),
                Ok((file, _)) => {
                    let (schema, violations) = checked.next().expect("one result per parsed file");
                    Outcome::Checked {
                        schema,
                        source: file.source,
                        violations,
                    }
                }
            },
        })
        .collect())
}

/// The exit status of a run, as diff(1): 2 when a file could not be checked, 1 when one is
/// invalid, 0 when all are valid.
pub fn exit_status(reports: &[FileReport]) -> u8 {
    if reports
        .iter()
        .any(|r| matches!(r.outcome, Outcome::Failed(_)))
    {
        2
    } else if reports.iter().all(FileReport::is_valid) {
        0
    } else {
        1
    }
}

/// Identifies a schema file by its canonical path, so `chart/values.schema.json` and
/// `./chart/values.schema.json` compile once.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SchemaKey {
    Model,
    File(PathBuf),
}

impl SchemaKey {
    fn of(s: &SchemaSource) -> Self {
        match s {
            SchemaSource::Model => SchemaKey::Model,
            SchemaSource::File(p) => {
                SchemaKey::File(p.canonicalize().unwrap_or_else(|_| p.clone()))
            }
        }
    }
}
