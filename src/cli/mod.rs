//! The command line: one file per command, each a thin layer over the library.

mod diff;
mod flows;
mod generate;
mod import;
mod lint;
mod plan;
mod ports;
mod schema;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use portplan::diag::{Failure, Style};
use portplan::model::{LoadedModel, load_model};
use portplan::plan::{Plan, build_plan};

/// Exit statuses, as diff(1): 0 clean, 1 findings/drift/invalid data, 2 error.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_ERROR: u8 = 2;

const AFTER_HELP: &str = "\
Examples:
  portplan gen                        # chart, values, schema, client configs -> ./chart-out
  portplan gen --check                # exit 1 when ./chart-out is not what gen would write
  portplan diff --chart fork/loki     # how a chart folder differs from the generated chart
  portplan import values.yaml         # a model from the community chart's values
  portplan ports                      # the port map of ./portplan.yaml
  portplan lint charts/ apps/         # charts and client configs against the model
  portplan ports --format csv > ports.csv
  portplan plan --model examples/monolithic.yaml
  portplan schema --out schema/portplan.schema.json
  portplan validate portplan.yaml chart-out/loki-v3/values.yaml
  portplan flows --html report.html AWSLogs/   # cross-AZ bytes and cost per Loki component

Exit status: 0 clean, 1 findings or drift, 2 error (bad model, bad flags, I/O).
Colour only on a terminal, never when NO_COLOR is set.";

/// One typed model of a Grafana Loki deployment; every port and address derived from it.
#[derive(Parser)]
#[command(name = "portplan", version, about, after_help = AFTER_HELP, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Gen(generate::Args),
    Import(import::Args),
    Diff(diff::Args),
    Lint(lint::Args),
    Ports(ports::Args),
    Plan(plan::Args),
    Schema(schema::Args),
    Validate(validate::Args),
    Flows(flows::Args),
}

/// `--model PATH`, shared by every command that reads the model.
#[derive(clap::Args, Clone)]
pub struct ModelArg {
    /// The model file.
    #[arg(
        long,
        short = 'm',
        default_value = "portplan.yaml",
        value_name = "PATH"
    )]
    pub model: PathBuf,
}

impl ModelArg {
    /// Loads and resolves the model, printing any warnings to stderr.
    pub fn plan(&self) -> Result<(LoadedModel, Plan), Failure> {
        let lm = load_model(&self.model)?;
        let plan = build_plan(&lm)?;
        let style = Style::for_stderr();
        for w in &plan.warnings {
            eprint!("{}", w.render(Some(&lm.source), style));
        }
        Ok((lm, plan))
    }
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Gen(a) => generate::run(a),
        Command::Import(a) => import::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Lint(a) => lint::run(a),
        Command::Ports(a) => ports::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Flows(a) => flows::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprint!("{}", f.render(Style::for_stderr()));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Writes `bytes` to `path` atomically (temporary file + rename in the same folder).
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    portplan::fsutil::write_atomic(path, bytes)
        .map_err(|e| Failure::plain(&path.display().to_string(), format!("cannot write: {e}")))
}

/// Prints to stdout; a closed pipe (`| head`) is not an error.
pub fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => {}
        // The reader stopped reading (`| head`): nothing left to say to anyone.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            std::process::exit(i32::from(EXIT_CLEAN))
        }
        // A full disk or a closed descriptor: the output is lost, which is an error.
        Err(e) => {
            eprintln!("portplan: cannot write to stdout: {e}");
            std::process::exit(i32::from(EXIT_ERROR));
        }
    }
}
