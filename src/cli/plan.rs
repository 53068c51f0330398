use clap::ValueEnum;

use super::{EXIT_CLEAN, ModelArg, print_out};
use portplan::diag::Failure;
use portplan::report::plan as report;

/// Print the resolved plan: components, ports, Services, addresses, and the resources the
/// deployment requests.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  portplan plan\n  portplan plan --model examples/monolithic.yaml\n  portplan plan --format json | jq .addresses"
)]
pub struct Args {
    #[command(flatten)]
    model: ModelArg,
    /// Output format. The JSON form is the context templates see.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let (_, plan) = args.model.plan()?;
    print_out(&match args.format {
        Format::Text => report::text(&plan),
        Format::Json => report::json(&plan),
    });
    Ok(EXIT_CLEAN)
}
