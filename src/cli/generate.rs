use std::path::PathBuf;

use super::{EXIT_CLEAN, ModelArg};
use portplan::diag::Failure;
use portplan::output::{WriteError, write_output};
use portplan::render::{header, render};

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

Examples:
  portplan gen
  portplan gen --model clusters/eu-1/portplan.yaml --out clusters/eu-1/chart
  portplan gen --templates my-templates/    # override or add templates")]
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
    /// Write into a non-empty folder that portplan did not create (its other files are kept).
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let (lm, plan) = args.model.plan()?;
    let files = render(&plan, args.templates.as_deref()).map_err(|e| {
        let path = args
            .templates
            .as_ref()
            .map_or(lm.path.clone(), |p| p.display().to_string());
        Failure::plain(&path, e)
    })?;
    let out = args.out.display().to_string();
    let comment = header::sentence(&plan.model_path);
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
    Ok(EXIT_CLEAN)
}
