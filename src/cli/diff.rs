use std::path::PathBuf;

use clap::ValueEnum;

use super::{EXIT_CLEAN, ModelArg, print_out};
use portplan::diag::{Failure, Style};
use portplan::drift::{chart::compare_chart, format};
use portplan::render::Source;

/// Exit status when files on disk differ from what the model generates (as diff(1)).
pub const EXIT_DRIFT: u8 = 1;

/// Compare a chart folder with the chart the model generates: per file, and values.yaml per
/// key.
#[derive(clap::Args)]
#[command(after_help = "\
Compares PATH (the folder holding Chart.yaml: a committed chart, or a hand-edited fork)
with the chart `portplan gen` would generate. Lines starting `-` are in the chart, `+`
what the model generates. A difference only in the generated-file header (which model
path it names) is not drift. values.yaml is also compared key by key, each difference
with its position in the chart's values.yaml.

Exit status: 0 no drift, 1 drift, 2 error (missing or unreadable chart, bad model).

Examples:
  portplan diff --chart chart-out/loki-v3
  portplan diff --chart ../fork/charts/loki --stat
  portplan diff --chart deploy/loki --format json | jq '.values[]'")]
pub struct Args {
    #[command(flatten)]
    model: ModelArg,
    /// The chart folder to compare (the one holding Chart.yaml).
    #[arg(long, value_name = "PATH")]
    chart: PathBuf,
    /// Template overrides, as for `gen --templates`.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// With --templates: the folder is the whole chart, as for `gen --templates-only`.
    #[arg(long, requires = "templates")]
    templates_only: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print one line per differing file (path, +added -removed) and the summary.
    #[arg(long)]
    stat: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    if args.stat && args.format == Format::Json {
        let mut f = Failure::plain("--stat", "cannot be combined with --format json");
        f.diagnostics[0].hint =
            Some("the JSON report has each file's `added` and `removed` counts".into());
        return Err(f);
    }
    let (_, plan) = args.model.plan()?;
    let source = Source::from_flags(args.templates.as_deref(), args.templates_only);
    let drift = compare_chart(&plan, source, &args.chart)?;
    let style = Style::for_stdout();
    print_out(&match (args.format, args.stat) {
        (Format::Json, _) => format::chart_json(&drift),
        (Format::Text, true) => format::chart_stat(&drift, style),
        (Format::Text, false) => format::chart_text(&drift, style),
    });
    Ok(if drift.has_drift() {
        EXIT_DRIFT
    } else {
        EXIT_CLEAN
    })
}
