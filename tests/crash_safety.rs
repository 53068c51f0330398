//! `gen` killed with SIGKILL at any moment: the output folder holds exactly the previous
//! output or exactly the new one, never a mix, and the next run succeeds and cleans up.
//!
//! tests/generate.rs aborts a run at a chosen point (`PORTPLAN_TEST_ABORT_BEFORE_SWAP`); this
//! test uses a real signal at delays spread over a whole run, so the kill lands while files
//! are written, while they are synced, around the swap and after it.

use crate::common::*;

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Alloy clients per model: one file each, so a run writes a few hundred files.
const CLIENTS: usize = 400;
/// Kills per test run.
const KILLS: u32 = 40;
/// SIGKILL's number on Linux.
const SIGKILL: i32 = 9;

/// The reference model with `CLIENTS` Alloy clients and the distributor's HTTP port moved
/// by `shift`: two values of `shift` give two outputs that differ in most files.
fn model(shift: u16) -> String {
    let base = std::fs::read_to_string(root().join("portplan.yaml")).unwrap();
    let mut clients = String::from("clients:\n  alloy:\n");
    for i in 0..CLIENTS {
        clients.push_str(&format!("    - name: alloy-{i:03}\n      via: direct\n"));
    }
    let base = base.replace(
        "clients:\n  alloy:\n    - name: argocd-alloy\n      via: direct\n",
        &clients,
    );
    assert!(base.contains("alloy-399"), "the clients were added");
    base.replace("  httpBase: 4100", &format!("  httpBase: {}", 4100 + shift))
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    portplan::output::read_tree(dir).unwrap()
}

fn gen_cmd(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_portplan"));
    c.args(["gen", "--model", "m.yaml", "--out", "out"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// How long one gen run took, and when its staging folder first appeared (the write phase
/// starts then; `None` when polling missed it).
struct Timing {
    full: Duration,
    writing_from: Option<Duration>,
}

/// Runs gen to completion (bounded), watching for its staging folder.
fn gen_ok(dir: &Path) -> Timing {
    let start = Instant::now();
    let mut child = gen_cmd(dir).spawn().unwrap();
    let mut writing_from = None;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            assert!(s.success(), "gen failed: {s}");
            return Timing {
                full: start.elapsed(),
                writing_from,
            };
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("gen hung");
        }
        if writing_from.is_none() && !staging_left(dir).is_empty() {
            writing_from = Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Staging folders gen left beside `out`.
fn staging_left(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("portplan-new"))
        .collect()
}

#[test]
fn sigkill_during_gen_leaves_the_old_or_the_new_output_never_a_mix() {
    let tmp = temp_dir("sigkill");
    let dir = tmp.path();
    let models = [model(0), model(1000)];

    // The two expected trees, from uninterrupted runs under the same model path (the header
    // names it), and how long one run takes.
    let mut expected = Vec::new();
    let mut full = Duration::ZERO;
    let mut writing_from = Duration::MAX;
    for m in &models {
        std::fs::write(dir.join("m.yaml"), m).unwrap();
        let _ = std::fs::remove_dir_all(dir.join("out"));
        let t = gen_ok(dir);
        full = full.max(t.full);
        writing_from = writing_from.min(t.writing_from.unwrap_or(t.full / 2));
        expected.push(tree(&dir.join("out")));
    }
    assert!(expected[0].len() > CLIENTS, "{} files", expected[0].len());
    let differing = expected[0]
        .iter()
        .filter(|(p, b)| expected[1].get(*p) != Some(*b))
        .count();
    assert!(
        differing > CLIENTS,
        "the outputs differ in {differing} files"
    );

    // `out` holds expected[current]; each round asks for the other one and kills the run
    // after a delay (with a little jitter, so rounds do not all land on the same
    // instruction). Even rounds sweep twice the run's whole duration; odd ones sweep its
    // write phase (from the staging folder's appearance to the end), which is short next to
    // rendering: files written, synced once, swapped.
    let mut current = 1;
    let mut interrupted = 0;
    let mut mid_write = 0;
    let mut seen = [0u32; 2];
    let mut seed = u64::from(std::process::id());
    for round in 0..KILLS {
        let want = 1 - current;
        std::fs::write(dir.join("m.yaml"), &models[want]).unwrap();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let jitter = Duration::from_micros((seed >> 33) % 2000);
        let at = f64::from(round / 2) / f64::from(KILLS / 2);
        let delay = if round % 2 == 0 {
            full.mul_f64(at * 2.0)
        } else {
            writing_from + (full.saturating_sub(writing_from)).mul_f64(at)
        } + jitter;
        let mut child = gen_cmd(dir).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.signal() == Some(SIGKILL) {
            interrupted += 1;
        }
        // A staging folder left behind: the kill landed while the new output was written.
        if !staging_left(dir).is_empty() {
            mid_write += 1;
        }

        let now = tree(&dir.join("out"));
        let which = expected.iter().position(|t| *t == now).unwrap_or_else(|| {
            let diff: Vec<&String> = now
                .keys()
                .chain(expected[0].keys())
                .filter(|p| now.get(*p) != expected[0].get(*p))
                .filter(|p| now.get(*p) != expected[1].get(*p))
                .take(5)
                .collect();
            panic!(
                "round {round} (killed after {delay:?}, {status}): out/ is neither the old \
                     nor the new output; first paths that match neither: {diff:?}"
            )
        });
        seen[which] += 1;
        current = which;
    }
    assert!(
        interrupted >= KILLS / 4,
        "only {interrupted} of {KILLS} kills landed during a run (a run takes {full:?})"
    );
    assert!(
        mid_write > 0,
        "no kill landed while the output was being written (a run takes {full:?})"
    );

    // The next run succeeds, writes the requested output and leaves no staging folder.
    let want = 1 - current;
    std::fs::write(dir.join("m.yaml"), &models[want]).unwrap();
    let _ = gen_ok(dir);
    assert!(
        tree(&dir.join("out")) == expected[want],
        "the next run wrote the new output"
    );
    assert_eq!(staging_left(dir), Vec::<String>::new());
    eprintln!(
        "{KILLS} kills over a {full:?} run: {interrupted} interrupted a run, {mid_write} while \
         it wrote the new output; out/ held the first output {} times, the second {} times",
        seen[0], seen[1]
    );
}
