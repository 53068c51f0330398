use clap::ValueEnum;

use super::{EXIT_CLEAN, ModelArg, print_out};
use portplan::diag::Failure;
use portplan::report::ports as report;

/// Print the port map: every port, its component, name and Service.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  portplan ports\n  portplan ports --format json | jq '.[] | select(.component==\"distributor\")'\n  portplan ports --format csv > flowlog-ports.csv"
)]
pub struct Args {
    #[command(flatten)]
    model: ModelArg,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let (_, plan) = args.model.plan()?;
    print_out(&match args.format {
        Format::Table => report::table(&plan),
        Format::Json => report::json(&plan),
        Format::Csv => report::csv(&plan),
    });
    Ok(EXIT_CLEAN)
}
