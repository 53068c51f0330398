use std::path::PathBuf;

use super::{EXIT_CLEAN, print_out, write_file_atomic};
use portplan::diag::Failure;

/// Print the model's JSON Schema (draft-07), for editors and CI.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  portplan schema --out schema/portplan.schema.json\n  portplan schema | jq .properties.mode"
)]
pub struct Args {
    /// Write the schema to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "PATH")]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let text = portplan::report::schema_text();
    match args.out {
        Some(path) => write_file_atomic(&path, text.as_bytes())?,
        None => print_out(&text),
    }
    Ok(EXIT_CLEAN)
}
