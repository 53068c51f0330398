//! `portplan validate`: YAML files checked against a JSON Schema, every violation reported at
//! its `file:line:col` in words a person understands.
//!
//! A run has three steps: read and parse every file (and choose its schema, see [`detect`]),
//! compile each schema needed once, then validate the files against the shared compiled
//! schemas. Files are parsed and validated in parallel and reported in the order given.

pub mod check;
pub mod detect;
pub mod format;
pub mod parallel;
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
        /// The schema's name, as messages show it.
        schema: String,
        file: Box<ParsedFile>,
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

/// A finished run: a report per file, in the order given, and the schemas used.
#[derive(Debug)]
pub struct Run {
    pub reports: Vec<FileReport>,
    pub schemas: Vec<CompiledSchema>,
}

/// Validates `files` against `schema`, or against the schema each file names or implies
/// when `schema` is `None`. A schema that cannot be read or compiled stops the whole run.
pub fn validate_files(files: &[PathBuf], schema: Option<&Path>) -> Result<Run, Failure> {
    let parse = |path: &PathBuf| -> Result<(ParsedFile, Option<SchemaSource>), Failure> {
        let file = check::parse_file(path)?;
        if schema.is_some() {
            return Ok((file, None));
        }
        match detect::detect(path, &file.source, &file.value) {
            Ok(s) => Ok((file, Some(s))),
            Err(d) => Err(Failure::new(vec![d], Some(file.source))),
        }
    };
    let (parsed, compiled, which) = match schema {
        // A large schema takes as long to compile as a large file takes to parse: do both
        // at once.
        Some(p) => std::thread::scope(|s| {
            let compiling = s.spawn(|| schema::compile(&SchemaSource::File(p.to_owned())));
            let parsed = map_in_order(files, parse);
            let compiled = compiling
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let which = vec![Some(0); parsed.len()];
            compiled.map(|c| (parsed, vec![c], which))
        })?,
        None => {
            let parsed = map_in_order(files, parse);
            let (compiled, which) = compile_detected(&parsed)?;
            (parsed, compiled, which)
        }
    };

    let jobs: Vec<(&ParsedFile, Option<&CompiledSchema>)> = parsed
        .iter()
        .zip(&which)
        .filter_map(|(p, &i)| Some((&p.as_ref().ok()?.0, i.map(|i| &compiled[i]))))
        .collect();
    let mut checked = map_in_order(&jobs, |(file, schema)| match schema {
        Some(schema) => (schema.source.display(), check::check(file, schema)),
        None => (SchemaSource::Model.display(), model_violations(file)),
    })
    .into_iter();
    let reports = parsed
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
                        file: Box::new(file),
                        violations,
                    }
                }
            },
        })
        .collect();
    Ok(Run {
        reports,
        schemas: compiled,
    })
}

/// A model file's verdict is the one `portplan plan` gives, from the same code: the loader
/// types the tree (the schema explains a tree the types refuse), then the Plan adds what no
/// schema can say (a component of another mode, a collision, a tail limit below the canaries).
pub fn model_violations(file: &ParsedFile) -> Vec<Violation> {
    let to_violation = |d: crate::diag::Diagnostic| Violation {
        pointer: String::new(),
        line: d.line,
        column: d.column,
        message: match d.hint {
            Some(h) => format!("{} ({h})", d.message),
            None => d.message,
        },
        keyword: "plan".into(),
    };
    let lm = match crate::model::model_of(file.located(), &file.source) {
        Ok(model) => crate::model::LoadedModel {
            model,
            path: file.shown.clone(),
            source: file.source.clone(),
            located: file.located().clone(),
        },
        Err(violations) => return violations,
    };
    match crate::plan::build_plan(&lm) {
        Ok(_) => Vec::new(),
        Err(f) => f.diagnostics.into_iter().map(to_violation).collect(),
    }
}

/// Compiles each distinct schema file the files chose, once; returns the schemas and, per
/// file, the index of its schema (`None` for a model, which the loader checks).
fn compile_detected(
    parsed: &[Result<(ParsedFile, Option<SchemaSource>), Failure>],
) -> Result<(Vec<CompiledSchema>, Vec<Option<usize>>), Failure> {
    let mut keys: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut sources: Vec<SchemaSource> = Vec::new();
    let mut which = Vec::with_capacity(parsed.len());
    for p in parsed {
        which.push(match p {
            Ok((_, Some(s @ SchemaSource::File(path)))) => {
                // By canonical path, so `chart/values.schema.json` and
                // `./chart/values.schema.json` compile once.
                let key = path.canonicalize().unwrap_or_else(|_| path.clone());
                Some(*keys.entry(key).or_insert_with(|| {
                    sources.push(s.clone());
                    sources.len() - 1
                }))
            }
            _ => None,
        });
    }
    let compiled = map_in_order(&sources, schema::compile)
        .into_iter()
        .collect::<Result<_, _>>()?;
    Ok((compiled, which))
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
