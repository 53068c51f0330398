use std::io::Read;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::{EXIT_CLEAN, print_out};
use portplan::diag::{Failure, Style};
use portplan::drift::{chart::compare_chart, format};
use portplan::model::load_model;
use portplan::objdiff::{self, object::Defaults};
use portplan::plan::{Plan, build_plan};
use portplan::render::Source;

/// Exit status when files on disk differ from what the model generates (as diff(1)).
pub const EXIT_DRIFT: u8 = 1;

/// Compare a chart folder with the chart the model generates (per file, values.yaml per
/// key), or two rendered manifest streams object by object, with the migration breakers.
#[derive(clap::Args)]
#[command(after_help = "\
--chart PATH compares PATH (the folder holding Chart.yaml: a committed chart, or a
hand-edited fork) with the chart `portplan gen` would generate. Lines starting `-` are in
the chart, `+` what the model generates. A difference only in the generated-file header
(which model path it names) is not drift. values.yaml is also compared key by key.

--manifests BEFORE AFTER compares two rendered streams (helm template output, kubectl get
-o yaml including Lists, an Argo CD manifests dump; `-` is stdin) object by object: renames
recognised by role, fields by name (ports, args, env, the Loki config by key path, nginx
routes), and the migration breakers (renamed Services, moved ports, claim renames,
immutable fields, auth_enabled, storage and schema, memberlist, mode jumps).
--chart PATH -f VALUES --rendered renders PATH with Helm and the generated chart, then
compares them the same way.

Exit status: 0 no difference, 1 differences or breakers, 2 error.

Examples:
  portplan diff --chart chart-out/loki-v3
  portplan diff --chart ../fork/charts/loki --stat
  portplan diff --manifests live.yaml rendered.yaml -m portplan.yaml
  kubectl get all,cm -n loki -o yaml | portplan diff --manifests - new.yaml --stat
  portplan diff --chart community/loki -f prod-values.yaml --rendered
  portplan diff --chart deploy/loki --format json | jq '.values[]'")]
pub struct Args {
    /// The model file (default portplan.yaml; optional with --manifests, where it names the
    /// client configs a renamed Service breaks and the default namespace).
    #[arg(long, short = 'm', value_name = "PATH")]
    model: Option<PathBuf>,
    /// The chart folder to compare (the one holding Chart.yaml).
    #[arg(long, value_name = "PATH", required_unless_present = "manifests")]
    chart: Option<PathBuf>,
    /// Two rendered manifest streams to compare object by object (`-` reads stdin).
    #[arg(long, num_args = 2, value_names = ["BEFORE", "AFTER"], conflicts_with_all = ["chart", "templates"])]
    manifests: Vec<PathBuf>,
    /// With --chart: render the chart (with -f values) and the generated chart with Helm,
    /// and compare the rendered objects.
    #[arg(long, requires = "chart")]
    rendered: bool,
    /// With --rendered: a values file for the chart, as `helm template -f` (repeatable,
    /// merged in order).
    #[arg(
        long = "values",
        short = 'f',
        value_name = "FILE",
        requires = "rendered"
    )]
    values: Vec<PathBuf>,
    /// With --rendered: the Helm binary (default: `helm` on PATH).
    #[arg(long, value_name = "PATH", requires = "rendered")]
    helm: Option<PathBuf>,
    /// With --manifests: the namespace of objects that name none (default: the model's
    /// with -m, else `default`).
    #[arg(long, value_name = "NS", requires = "manifests")]
    namespace: Option<String>,
    /// Template overrides, as for `gen --templates`.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// With --templates: the folder is the whole chart, as for `gen --templates-only`.
    #[arg(long, requires = "templates")]
    templates_only: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print one line per differing file or object and the summary.
    #[arg(long)]
    stat: bool,
    /// With --manifests or --rendered: list every differing field, not only the watched
    /// ones (ports, selectors, args, env, probes, claims, configs).
    #[arg(long)]
    all: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    if args.stat && args.format == Format::Json {
        let mut f = Failure::plain("--stat", "cannot be combined with --format json");
        f.diagnostics[0].hint = Some(
            "the JSON report has each file's `added` and `removed` counts (each object's `changes`)"
                .into(),
        );
        return Err(f);
    }
    if !args.manifests.is_empty() {
        return manifests(&args);
    }
    if args.rendered {
        return rendered(&args);
    }
    let chart = args.chart.as_deref().unwrap_or(Path::new("."));
    let plan = model_plan(&model_path(&args))?;
    let source = Source::from_flags(args.templates.as_deref(), args.templates_only);
    let drift = compare_chart(&plan, source, chart)?;
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

fn model_path(args: &Args) -> PathBuf {
    args.model
        .clone()
        .unwrap_or_else(|| PathBuf::from("portplan.yaml"))
}

/// Loads and resolves the model, printing its warnings to stderr.
fn model_plan(path: &Path) -> Result<Plan, Failure> {
    let lm = load_model(path)?;
    let plan = build_plan(&lm)?;
    for w in &plan.warnings {
        eprint!("{}", w.render(Some(&lm.source), Style::for_stderr()));
    }
    Ok(plan)
}

/// Reads one side: a file, or stdin for `-`.
fn read_side(path: &Path) -> Result<(String, String), Failure> {
    let shown = path.display().to_string();
    if shown == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::plain("-", format!("cannot read stdin: {e}")))?;
        return Ok(("-".into(), text));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        let mut f = Failure::plain(&shown, format!("cannot read: {e}"));
        if path.is_dir() {
            f.diagnostics[0].hint = Some(
                "--manifests takes rendered streams (helm template > file); for a chart folder use --chart PATH [--rendered]".into(),
            );
        }
        f
    })?;
    let text = portplan::yaml::decode_utf8(&shown, bytes, "the manifest stream")
        .map_err(|d| Failure::new(vec![d], None))?;
    Ok((shown, text))
}

fn manifests(args: &Args) -> Result<u8, Failure> {
    let (before_path, after_path) = (&args.manifests[0], &args.manifests[1]);
    if before_path.as_os_str() == "-" && after_path.as_os_str() == "-" {
        return Err(Failure::plain("-", "only one side can be read from stdin"));
    }
    let plan = match &args.model {
        Some(m) => Some(model_plan(m)?),
        None => None,
    };
    let namespace = args
        .namespace
        .clone()
        .or_else(|| plan.as_ref().map(|p| p.namespace.clone()))
        .unwrap_or_else(|| "default".into());
    let defaults = Defaults { namespace };
    let (bn, bt) = read_side(before_path)?;
    let (an, at) = read_side(after_path)?;
    let before = objdiff::stream::read_stream(&bn, &bt, &defaults);
    let after = objdiff::stream::read_stream(&an, &at, &defaults);
    let (before, after) = match (before, after) {
        (Ok(b), Ok(a)) => (b, a),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
        (Err(e1), Err(e2)) => {
            // Both files' errors in one run.
            eprint!("{}", e1.render(Style::for_stderr()));
            return Err(e2);
        }
    };
    report(args, &bn, &before, &an, &after, plan.as_ref())
}

fn rendered(args: &Args) -> Result<u8, Failure> {
    let chart = args.chart.as_deref().unwrap_or(Path::new("."));
    if !chart.join("Chart.yaml").is_file() {
        return Err(Failure::plain(
            &chart.display().to_string(),
            "not a chart folder (no Chart.yaml)",
        ));
    }
    let helm = objdiff::helm::find_helm(args.helm.as_deref())?;
    let lm = load_model(&model_path(args))?;
    let plan = build_plan(&lm)?;
    let before =
        objdiff::helm::template(&helm, &plan.release, chart, &plan.namespace, &args.values)?;
    let gen_opts = portplan::generate::Options {
        templates: args.templates.clone(),
        templates_only: args.templates_only,
    };
    let after = objdiff::helm::render_generated(&lm, &gen_opts, &helm)?;
    let defaults = Defaults {
        namespace: plan.namespace.clone(),
    };
    let bn = format!("{} (helm template)", chart.display());
    let an = format!("{} (generated from {})", plan.release, lm.path);
    let before = objdiff::stream::read_stream(&bn, &before, &defaults)?;
    let after = objdiff::stream::read_stream(&an, &after, &defaults)?;
    report(args, &bn, &before, &an, &after, Some(&plan))
}

fn report(
    args: &Args,
    bn: &str,
    before: &[objdiff::object::Object],
    an: &str,
    after: &[objdiff::object::Object],
    plan: Option<&Plan>,
) -> Result<u8, Failure> {
    let opts = objdiff::Options {
        plan,
        today: objdiff::today(),
    };
    let r = objdiff::compare(bn, before, an, after, &opts);
    let style = Style::for_stdout();
    print_out(&match (args.format, args.stat) {
        (Format::Json, _) => objdiff::format::json(&r),
        (Format::Text, true) => objdiff::format::stat(&r, style),
        (Format::Text, false) => objdiff::format::text(&r, args.all, style),
    });
    Ok(if r.differs() { EXIT_DRIFT } else { EXIT_CLEAN })
}
