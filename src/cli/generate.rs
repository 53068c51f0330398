use std::path::PathBuf;

use super::diff::EXIT_DRIFT;
use super::{EXIT_CLEAN, ModelArg, print_out};
use portplan::diag::{Failure, Style};
use portplan::drift::check::{OutputDrift, check_output};
use portplan::drift::format;
use portplan::generate::{Generated, Options};
use portplan::model::load_model;
use portplan::output::{WriteError, memo, write_output};

/// Generate the Helm chart, its values and schema, the client configs and the port map.
#[derive(clap::Args)]
#[command(after_help = "\
Writes into DIR:
  <release>/               the Helm chart (Chart.yaml, values.yaml, values.schema.json, templates/)
  alloy/<client>.alloy     a loki.write block per Alloy client
  grafana/datasources.yaml Grafana datasource provisioning
  ports.json, ports.csv    the port map, for flow-log filters

The new output replaces the old in one step; files of the previous run that are no longer
generated are removed, anything else in DIR is kept.

--check writes nothing: it prints how DIR differs from what gen would write (a diff per
changed file, files it would add or remove, the manifest included) and exits 1 when it
differs, 0 when DIR is up to date. Files gen never wrote are not drift.

A run that finds DIR up to date remembers it (in $PORTPLAN_CACHE_DIR, else
$XDG_CACHE_HOME/portplan or ~/.cache/portplan; PORTPLAN_CACHE_DIR= turns it off): the next
run with the same portplan build, model and templates only reads DIR to see that it still
holds exactly that output, and renders nothing.

Examples:
  portplan gen
  portplan gen --model clusters/eu-1/portplan.yaml --out clusters/eu-1/chart
  portplan gen --templates my-templates/    # override or add templates
  portplan gen --templates fork/ --templates-only --out deploy/   # a fork with [[ ]] holes
  portplan gen --check                      # in CI: exit 1 when chart-out/ is stale")]
pub struct Args {
    #[command(flatten)]
    model: ModelArg,
    /// Output folder.
    #[arg(long, short = 'o', default_value = "chart-out", value_name = "DIR")]
    out: PathBuf,
    /// Folder of Tera templates that override built-in ones at the same relative path, or add
    /// new files. They see the plan as `plan` (the JSON of `portplan plan --format json`).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// With --templates: write only the folder's files (it is the whole chart, e.g. a fork
    /// with `[[ ]]` holes); the built-in templates and partials stay available to include.
    #[arg(long, requires = "templates")]
    templates_only: bool,
    /// Write into a non-empty folder that portplan did not create (its other files are kept).
    #[arg(long)]
    force: bool,
    /// Write nothing; print how DIR differs from what gen would write, exit 1 if it does.
    #[arg(long, conflicts_with = "force")]
    check: bool,
    /// Render even when the memo of an earlier run says DIR is up to date (the answer is the
    /// same; this measures or rules out the memo).
    #[arg(long)]
    no_memo: bool,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let style = Style::for_stderr();
    let key = (!args.no_memo)
        .then(|| {
            memo::key(
                &args.model.model,
                args.templates.as_deref(),
                args.templates_only,
            )
        })
        .flatten();
    if let Some(hit) = key
        .as_ref()
        .and_then(|k| memo::still_holds(k, &args.out, style.is_color()))
    {
        // This build rendered these inputs to exactly what the folder holds.
        eprint!("{}", hit.notices);
        return Ok(up_to_date(&args, hit.files));
    }
    let lm = load_model(&args.model.model)?;
    let opts = Options {
        templates: args.templates.clone(),
        templates_only: args.templates_only,
    };
    let generation = portplan::generate(&lm, &opts);
    let notices = generation.notices(&lm, style);
    eprint!("{notices}");
    let Generated { files, comment, .. } = generation.result?;
    let remember = || {
        if let Some(k) = &key {
            let entry = memo::Entry {
                output: memo::output_digest(&files, &comment),
                files: files.len(),
                notices: notices.clone(),
                color: style.is_color(),
            };
            memo::store(k, &entry);
        }
    };
    let out = args.out.display().to_string();
    if args.check {
        let drift = check_output(&args.out, &files, &comment)?;
        print_out(&format::check_text(&args.out, &drift, Style::for_stdout()));
        return Ok(if drift.files.is_empty() {
            remember();
            EXIT_CLEAN
        } else {
            EXIT_DRIFT
        });
    }
    match write_output(&args.out, &files, &comment, args.force) {
        Ok(r) if r.unchanged => eprintln!("{out}: up to date ({} files)", files.len()),
        Ok(r) => {
            let removed = if r.removed.is_empty() {
                String::new()
            } else {
                format!(", removed {}", r.removed.join(", "))
            };
            eprintln!("{out}: wrote {} files{removed}", r.written);
        }
        Err(e @ WriteError::Foreign { .. }) => {
            let mut f = Failure::plain(&out, e.to_string());
            f.diagnostics[0].hint = Some("pass --force to write into it anyway (its other files are kept), or choose another --out".into());
            return Err(f);
        }
        Err(e) => return Err(Failure::plain(&out, format!("nothing was written: {e}"))),
    }
    remember();
    Ok(EXIT_CLEAN)
}

/// What gen and gen --check say about a folder that already holds their output.
fn up_to_date(args: &Args, files: usize) -> u8 {
    if args.check {
        let clean = OutputDrift {
            files: Vec::new(),
            generated: files,
        };
        print_out(&format::check_text(&args.out, &clean, Style::for_stdout()));
    } else {
        eprintln!("{}: up to date ({files} files)", args.out.display());
    }
    EXIT_CLEAN
}
