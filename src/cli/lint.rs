use std::path::PathBuf;

use clap::ValueEnum;

use super::{EXIT_CLEAN, EXIT_ERROR, ModelArg, print_out};
use portplan::diag::{Failure, Style};
use portplan::lint::{Options, RenderOptions, format, lint};
use portplan::model::load_model;

/// Exit status when a finding is an error.
const EXIT_FINDINGS: u8 = 1;

const AFTER_HELP: &str = "\
Examples:
  portplan lint                               # the model: collisions, tail limit, schema, ...
  portplan lint charts/ apps/                 # charts and client configs against the model
  portplan lint --chart-values live-values.yaml
  portplan lint charts/loki --render --values prod.yaml   # also the chart as Helm renders it
  portplan lint . --format sarif > lint.sarif # for code scanning
  portplan lint . --format github             # annotations in a GitHub Actions job
  portplan lint --list-rules                  # every rule: what it reads, severity, finds

Rules: docs/lint/README.md. Files are walked in parallel; .gitignore is honoured, binary
files and files over 8 MiB are skipped (the latter with a note).
Exit status: 0 no error-level finding, 1 error-level findings, 2 bad model or unreadable PATH.";

/// Check the model, charts and client configs for the incident classes.
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    model: ModelArg,
    /// Files or folders to check against the model: Helm charts (template source), Alloy
    /// configs, Argo CD Applications, any text. Without any, only the model is linted.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The values file of the chart as it runs now, for the mode-transition rule (values.yaml
    /// files among the PATHs are read too).
    #[arg(long, value_name = "FILE")]
    chart_values: Option<PathBuf>,
    /// Scanning threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Also render every chart among the PATHs with Helm (`helm template`, with the model's
    /// release and namespace) and check the rendered objects, so value defaults count.
    #[arg(long)]
    render: bool,
    /// With --render: a values file for `helm template` (repeatable, merged in order).
    #[arg(long = "values", value_name = "FILE", requires = "render")]
    values: Vec<PathBuf>,
    /// With --render: the Helm binary (default: `helm` on PATH).
    #[arg(long, value_name = "PATH", requires = "render")]
    helm: Option<PathBuf>,
    /// Print every rule (what it reads, its severity, what it finds) and exit; reads no model.
    #[arg(long)]
    list_rules: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    if args.list_rules {
        print_out(&format::rule_list());
        return Ok(EXIT_CLEAN);
    }
    // A tool reading stdout in a machine format gets the failure in that format too (and
    // the usual message on stderr, exit 2).
    let in_format = |f: Failure| -> Failure {
        match args.format {
            Format::Json => print_out(&format::json_failure(&f)),
            Format::Sarif => print_out(&format::sarif_failure(&f)),
            Format::Text | Format::Github => {}
        }
        f
    };
    let lm = load_model(&args.model.model).map_err(in_format)?;
    let opts = Options {
        paths: args.paths,
        chart_values: args.chart_values,
        threads: args.threads.map(usize::from),
        render: args.render.then_some(RenderOptions {
            helm: args.helm,
            values: args.values,
        }),
    };
    let report = lint(&lm, &opts).map_err(in_format)?;
    let err_style = Style::for_stderr();
    for w in &report.model_warnings {
        eprint!("{}", w.render(Some(&lm.source), err_style));
    }
    print_out(&match args.format {
        Format::Text => format::text(&report, &lm, Style::for_stdout()),
        Format::Json => format::json(&report),
        Format::Sarif => format::sarif(&report),
        Format::Github => format::github(&report),
    });
    for note in &report.notes {
        eprintln!("{} {note}", err_style.paint("1;36", "note:"));
    }
    let (errors, warnings) = (report.errors_found(), report.warnings_found());
    let files: std::collections::BTreeSet<&str> =
        report.findings.iter().map(|f| f.path()).collect();
    eprintln!(
        "lint: {} and {} in {}; {} scanned{}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(files.len(), "file"),
        plural(report.files_scanned, "file"),
        match report.binary_skipped {
            0 => String::new(),
            n => format!(", {} skipped", plural(n, "binary file")),
        },
    );
    if !report.errors.is_empty() {
        eprint!("{}", Failure::new(report.errors, None).render(err_style));
        return Ok(EXIT_ERROR);
    }
    Ok(if errors > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
