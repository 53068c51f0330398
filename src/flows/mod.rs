//! `portplan flows`: cross-AZ traffic per Loki component from AWS VPC Flow Logs.
//!
//! Data flows one way: the Plan's port map and the model's zones ([`portmap`], [`zones`])
//! -> the record layout ([`format`]) -> streaming, parallel reading ([`input`]; Parquet files
//! through [`parquet`]) of lines split without copying ([`record`]) -> one cell per record ([`attribute`]) -> merged
//! counters ([`aggregate`]) -> the [`report`] -> text, JSON, CSV ([`text`]), HTML
//! ([`html`]), or SQL for Athena and DuckDB ([`sql`]). See docs/flows.md.

pub mod aggregate;
pub mod attribute;
pub mod dedupe;
pub mod format;
pub mod html;
pub mod input;
#[cfg(target_os = "linux")]
mod mapped;
pub mod parquet;
pub mod portmap;
pub mod record;
pub mod report;
pub mod sql;
pub mod text;
pub mod time;
pub mod zones;

use std::path::PathBuf;

use crate::diag::{Diagnostic, Failure, Location};
use crate::plan::Plan;

/// What `portplan flows` was asked.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub baseline: Vec<PathBuf>,
    pub since: Option<u64>,
    pub until: Option<u64>,
    pub compare_at: Option<u64>,
    pub price_per_gb: f64,
    /// `--log-format` for files without a header line.
    pub log_format: Option<String>,
    pub dedupe: bool,
    /// `az-id` -> zone name.
    pub az_ids: Vec<(String, String)>,
    /// Worker threads (0: every core).
    pub threads: usize,
}

/// The layout for files without a header: `--log-format`, else the default. A bad format
/// is located at its column in the flag's value.
pub fn layout(opts: &Options) -> Result<format::Layout, Failure> {
    match &opts.log_format {
        None => Ok(format::Layout::default_v2()),
        Some(f) => format::Layout::parse(f, false).map_err(|e| {
            let mut d =
                Diagnostic::error("--log-format", Location::new(1, e.column as u32), e.message);
            d.hint = e.hint;
            Failure::new(vec![d], Some(f.clone()))
        }),
    }
}

/// Reads the flow logs and builds the report. Errors (exit 2) are bad options; files that
/// fail part-way are in the report's coverage.
pub fn analyze(plan: &Plan, opts: &Options) -> Result<report::Report, Failure> {
    let layout = layout(opts)?;
    let pm = portmap::PortMap::from_plan(plan);
    let zones =
        zones::Zones::new(&plan.zones, &opts.az_ids).map_err(|e| Failure::plain("--az-id", e))?;
    let clients = zones::ClientRanges::new(&plan.flow_clients)
        .map_err(|e| Failure::plain(&plan.model_path, e))?;
    if plan.zones.is_empty() {
        let mut f = Failure::plain(
            &plan.model_path,
            "the model has no `zones`: flows cannot tell cross-zone bytes without them",
        );
        f.diagnostics[0].hint =
            Some("add `zones: {eu-west-1a: [\"10.0.0.0/19\"], ...}` (docs/model.md)".into());
        return Err(f);
    }
    let comparing = !opts.baseline.is_empty();
    let mut files = Vec::new();
    if comparing {
        input::discover(&opts.baseline, Some(0), &mut files)
            .map_err(|e| Failure::plain("--baseline", e))?;
    }
    input::discover(&opts.paths, comparing.then_some(1), &mut files)
        .map_err(|e| Failure::plain("flows", e))?;
    if files.is_empty() {
        return Err(Failure::plain(
            "flows",
            "no flow-log files found (a folder is searched for *.log, *.log.gz, *.gz, *.txt)",
        ));
    }
    let dims = aggregate::Dims {
        windows: if comparing || opts.compare_at.is_some() {
            2
        } else {
            1
        },
        slots: pm.slots.len(),
        ranges: clients.names.len(),
        zones1: zones.names.len() + 1,
    };
    let ctx = attribute::Ctx {
        ports: &pm,
        zones: &zones,
        clients: &clients,
        since: opts.since,
        until: opts.until,
        compare_at: opts.compare_at,
        dedupe: opts.dedupe,
    };
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    };
    let agg = input::run(&files, &layout, &ctx, dims, threads);
    let meta = report::Meta {
        release: &plan.release,
        namespace: &plan.namespace,
        price_per_gb: opts.price_per_gb,
        zones: &zones.names,
        clients: &clients.names,
        compare: if comparing {
            Some(("baseline", None))
        } else {
            opts.compare_at.map(|t| ("compare-at", Some(t)))
        },
        dedupe: opts.dedupe,
    };
    Ok(report::build(&agg, &pm, &meta))
}
