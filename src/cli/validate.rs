use std::path::PathBuf;

use clap::ValueEnum;

use super::print_out;
use portplan::diag::{Failure, Style};
use portplan::validate::{exit_status, format, validate_files};

const AFTER_HELP: &str = "\
Without --schema, each file picks its schema the way an editor does: the
`# yaml-language-server: $schema=PATH` modeline, else the model schema for a portplan model
(top-level `release` and `mode`), else the values.schema.json beside the file.

Examples:
  portplan validate portplan.yaml examples/*.yaml
  portplan validate chart-out/loki-v3/values.yaml
  portplan validate --schema charts/loki/values.schema.json my-values.yaml
  portplan validate --format json values/*.yaml | jq '.files[] | select(.valid | not)'

Exit status: 0 every file valid, 1 a file is invalid, 2 a schema or file could not be read.";

/// Validate YAML files against a JSON Schema, reporting every error at its file:line:col.
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The YAML files to validate.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The JSON Schema to validate every file against (draft-04 to 2020-12, chosen by its
    /// `$schema`).
    #[arg(long, short = 's', value_name = "PATH")]
    schema: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let run = validate_files(&args.files, args.schema.as_deref())?;
    let reports = &run.reports;
    print_out(&match args.format {
        Format::Text => format::text(reports, Style::for_stdout()),
        Format::Json => format::json(reports),
    });
    eprint!("{}", format::failures(reports, Style::for_stderr()));
    let status = exit_status(reports);
    // The process ends next: freeing every node of large parsed files and compiled schemas
    // one by one would only add to the run time.
    std::mem::forget(run);
    Ok(status)
}
