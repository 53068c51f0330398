use std::path::PathBuf;

use clap::ValueEnum;

use super::{EXIT_CLEAN, print_out, write_file_atomic};
use portplan::diag::Failure;
use portplan::import::{self, Options, report, write};

/// Write a model from an existing chart's values (the community Loki chart's, a fork's, or
/// a chart portplan generated), listing every value it did not carry.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  portplan import my-values.yaml prod.yaml           # merged in order, as helm -f does
  portplan import --chart fork/charts/loki values.yaml --out portplan.yaml
  portplan import --chart chart-out/loki-v3           # a generated chart back to its model
  portplan import values.yaml --format json --out -   # the model on stdout, the report as JSON on stderr

Exit status: 0 when every value was carried (or equals a default, or is the Plan's), 1 when
something was not carried, 2 on bad input.")]
pub struct Args {
    /// Values files, merged in order on top of the chart's values.yaml.
    #[arg(value_name = "VALUES.yaml")]
    files: Vec<PathBuf>,
    /// The chart the values belong to: its values.yaml is the base (else the community
    /// chart's 18.11.0 defaults, built in), its templates show a fork's own port values, and
    /// a generated chart's Chart.yaml records the rest of its model.
    #[arg(long, value_name = "PATH")]
    chart: Option<PathBuf>,
    /// Where to write the model (`-` for stdout). An existing file is replaced only when
    /// portplan import wrote it.
    #[arg(
        long,
        short = 'o',
        default_value = "portplan.yaml",
        value_name = "FILE"
    )]
    out: PathBuf,
    /// The Helm release name, which is not a value (default: a generated chart's, else `loki`).
    #[arg(long)]
    release: Option<String>,
    /// The namespace (default: a generated chart's, else the release name).
    #[arg(long)]
    namespace: Option<String>,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    format: Format,
    /// List the values that lose nothing (defaults, derived, unused) too.
    #[arg(long)]
    all: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

const IMPORTED_MARK: &str = "# Imported by portplan from";

pub fn run(args: Args) -> Result<u8, Failure> {
    if args.files.is_empty() && args.chart.is_none() {
        return Err(Failure::plain(
            "import",
            "nothing to import: give values files, --chart PATH, or both",
        ));
    }
    let to_stdout = args.out.as_os_str() == "-";
    let out_name = args.out.display().to_string();
    if !to_stdout
        && let Ok(existing) = std::fs::read_to_string(&args.out)
        && !existing
            .lines()
            .take(3)
            .any(|l| l.starts_with(IMPORTED_MARK))
    {
        let mut f = Failure::plain(
            &out_name,
            "exists and was not written by portplan import; it is left as it is",
        );
        f.diagnostics[0].hint = Some("pass --out NEW.yaml, or remove the file".into());
        return Err(f);
    }
    let opts = Options {
        files: args.files.clone(),
        chart: args.chart.clone(),
        release: args.release.clone(),
        namespace: args.namespace.clone(),
    };
    let imported = import::import(&opts)?;
    let mut sources: Vec<String> = args.files.iter().map(|f| f.display().to_string()).collect();
    if sources.is_empty()
        && let Some(c) = &args.chart
    {
        sources.push(c.join("values.yaml").display().to_string());
    }
    let release_note = match (&args.release, &args.namespace) {
        (Some(_), _) | (_, Some(_)) => "from --release / --namespace",
        _ => {
            "not a chart value (the Helm release and its namespace); import's default, change it to yours"
        }
    };
    let text = write::model_text(&imported, &sources, release_note);
    let report = match args.format {
        Format::Text => report::text(
            &imported,
            if to_stdout { "<stdout>" } else { &out_name },
            args.all,
        ),
        Format::Json => report::json(&imported, if to_stdout { "<stdout>" } else { &out_name }),
    };
    if to_stdout {
        print_out(&text);
        eprint!("{report}");
    } else {
        write_file_atomic(&args.out, text.as_bytes())?;
        print_out(&report);
    }
    Ok(if imported.lost_anything() {
        1
    } else {
        EXIT_CLEAN
    })
}
