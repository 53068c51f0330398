use std::path::PathBuf;

use clap::ValueEnum;

use super::{EXIT_CLEAN, ModelArg, print_out, write_file_atomic};
use portplan::diag::{Failure, Style};
use portplan::flows::{self, Options};

const AFTER_HELP: &str = "\
Attribution: a record belongs to the Loki port on its server side: `dstport` in the port map
is a request, else `srcport` in the map is a response. Zones come from the model's `zones`
CIDRs (IPv4 and IPv6) and, for the capturing interface, from `az-id` with the model's
`zoneIds` or --az-id.

Examples:
  portplan flows AWSLogs/123456789012/vpcflowlogs/eu-west-1/2026/03/
  portplan flows --since 2026-03-01 --until 2026-03-08 logs/
  portplan flows --compare-at 2026-03-04T12:00:00Z logs/     # before/after a rollout
  portplan flows --baseline last-week/ -- this-week/
  portplan flows --format json logs/ | jq '.edges[] | select(.steerable)'
  portplan flows --html report.html logs/
  portplan flows --log-format '${srcaddr} ${dstaddr} ${srcport} ${dstport} ${bytes}' logs/
  portplan flows --sql athena s3://my-bucket/AWSLogs/123456789012/vpcflowlogs/eu-west-1/
  portplan flows --sql duckdb 'logs/**/*.log.gz'

Exit status: 0 read, 1 a file failed part-way (the rest still counts), 2 bad options.";

/// Cross-AZ traffic per Loki component from AWS VPC Flow Logs, with cost and before/after.
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    model: ModelArg,
    /// Flow-log files or folders (searched recursively): plain or gzip.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// Count records that start at or after this time (Unix seconds or 2026-03-01T00:00:00Z).
    #[arg(long, value_name = "T")]
    since: Option<String>,
    /// Count records that start before this time.
    #[arg(long, value_name = "T")]
    until: Option<String>,
    /// Compare records that start before T with those after (e.g. a trafficDistribution rollout).
    #[arg(long, value_name = "T", conflicts_with = "baseline")]
    compare_at: Option<String>,
    /// Compare these flow logs (before) with the PATHs (after).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    baseline: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write a self-contained HTML report (inline SVG) to this file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// USD per GB (2^30 bytes) of cross-AZ transfer, charged in each direction.
    #[arg(long, value_name = "USD", default_value_t = 0.01)]
    price_per_gb: f64,
    /// The flow log's format, as given to `aws ec2 create-flow-logs --log-format`, for
    /// files without a header line (default: the version 2 default format).
    #[arg(long, value_name = "STR")]
    log_format: Option<String>,
    /// Without flow-direction: match the two captures of one flow (same 5-tuple, other
    /// interface, overlapping windows) and count it once.
    #[arg(long)]
    dedupe: bool,
    /// Map an `az-id` value to a model zone (repeatable; adds to the model's `zoneIds`):
    /// `--az-id euw1-az1=eu-west-1a`.
    #[arg(long, value_name = "ID=ZONE")]
    az_id: Vec<String>,
    /// Worker threads (default: every core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Print SQL that computes the same report instead (PATH is the table's location).
    #[arg(long, value_enum, value_name = "ENGINE")]
    sql: Option<Sql>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Sql {
    Athena,
    Duckdb,
}

fn time(flag: &str, v: &Option<String>) -> Result<Option<u64>, Failure> {
    v.as_deref()
        .map(|s| flows::time::parse(s).map_err(|e| Failure::plain(flag, e)))
        .transpose()
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let (_, plan) = args.model.plan()?;
    if !(args.price_per_gb.is_finite() && args.price_per_gb >= 0.0) {
        return Err(Failure::plain("--price-per-gb", "must be a number >= 0"));
    }
    let mut az_ids = Vec::new();
    for a in &args.az_id {
        let (id, zone) = a.split_once('=').ok_or_else(|| {
            Failure::plain(
                "--az-id",
                format!("`{a}`: expected ID=ZONE, e.g. euw1-az1=eu-west-1a"),
            )
        })?;
        az_ids.push((id.to_owned(), zone.to_owned()));
    }
    let opts = Options {
        paths: args.paths,
        baseline: args.baseline,
        since: time("--since", &args.since)?,
        until: time("--until", &args.until)?,
        compare_at: time("--compare-at", &args.compare_at)?,
        price_per_gb: args.price_per_gb,
        log_format: args.log_format,
        dedupe: args.dedupe,
        az_ids,
        threads: args.threads,
    };
    if let Some(engine) = args.sql {
        // What the SQL cannot do is refused, not silently left out.
        if !opts.baseline.is_empty() {
            let mut f = Failure::plain(
                "--baseline",
                "the SQL compares two windows of one table only",
            );
            f.diagnostics[0].hint = Some("use --compare-at T with --sql".into());
            return Err(f);
        }
        if opts.dedupe {
            let mut f = Failure::plain(
                "--dedupe",
                "the SQL does not match the two captures of a flow",
            );
            f.diagnostics[0].hint = Some(
                "log `flow-direction` (docs/flows.md), or run `portplan flows --dedupe` on the files"
                    .into(),
            );
            return Err(f);
        }
        let layout = flows::layout(&opts)?;
        let location = opts.paths[0].to_string_lossy().into_owned();
        let sql = match engine {
            Sql::Athena => flows::sql::athena(&plan, &layout, &location, &opts),
            Sql::Duckdb => flows::sql::duckdb(&plan, &layout, &location, &opts),
        }
        .map_err(|e| Failure::plain("--az-id", e))?;
        print_out(&sql);
        return Ok(EXIT_CLEAN);
    }
    let report = flows::analyze(&plan, &opts)?;
    if let Some(path) = &args.html {
        write_file_atomic(path, flows::html::page(&report).as_bytes())?;
    }
    print_out(&match args.format {
        Format::Text => flows::text::text(&report, Style::for_stdout()),
        Format::Json => flows::text::json(&report),
        Format::Csv => flows::text::csv(&report),
    });
    for f in &report.coverage.failures {
        eprintln!(
            "{}: {}: {} at byte {}",
            f.file,
            Style::for_stderr().paint("1;31", "error"),
            f.error,
            f.offset
        );
    }
    Ok(if report.coverage.failures.is_empty() {
        EXIT_CLEAN
    } else {
        1
    })
}
