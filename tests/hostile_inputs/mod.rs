//! Hostile inputs to every command: absurd nesting, alias bombs, huge files, bytes that are
//! not UTF-8, symlink loops, and template folders that try to write outside the output
//! folder. Each run is bounded in time by the harness; each must end with a clear error
//! (exit 2, `file:line:col` where there is a position) or a safe result, never a panic
//! (exit 101), a hang, or a write outside the folder it was given.

mod bombs;
mod encoding;
mod paths;

use crate::common::*;

use std::collections::BTreeMap;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long one run may take. Generous: the debug binary on a loaded two-core machine; a
/// hang is minutes, not seconds.
const LIMIT: Duration = Duration::from_secs(60);

/// Runs portplan in `dir` and waits at most `LIMIT`; a run still going then is killed and
/// the test fails as a hang. Output goes to files, so a large report cannot block the child
/// on a full pipe while the harness waits.
fn bounded(dir: &Path, args: &[&str]) -> Output {
    bounded_env(dir, args, &[])
}

/// [`bounded`] with extra environment variables.
fn bounded_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    // Files without a name (unlinked at once): a linted tree cannot see them, and nothing is
    // left behind however the run ends.
    let mut out_file = tempfile::tempfile().unwrap();
    let mut err_file = tempfile::tempfile().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(out_file.try_clone().unwrap())
        .stderr(err_file.try_clone().unwrap())
        .spawn()
        .expect("portplan starts");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("portplan {args:?} hung: still running after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |f: &mut std::fs::File| {
        let mut bytes = Vec::new();
        f.rewind().unwrap();
        f.read_to_end(&mut bytes).unwrap();
        bytes
    };
    Output {
        status,
        stdout: read(&mut out_file),
        stderr: read(&mut err_file),
    }
}

fn err_text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2, no panic, and the first line is `file:line:col: error: ...` containing `needle`.
fn assert_refused_at(o: &Output, file: &str, needle: &str) {
    let err = err_text(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let first = err.lines().next().unwrap_or_default();
    let rest = first
        .strip_prefix(&format!("{file}:"))
        .unwrap_or_else(|| panic!("first line does not name {file}: {first:?}"));
    let pos: Vec<&str> = rest.splitn(3, ':').collect();
    assert!(
        pos.len() == 3
            && pos[0].parse::<u32>().is_ok_and(|l| l > 0)
            && pos[1].parse::<u32>().is_ok(),
        "no line:col in {first:?}"
    );
    assert!(err.contains(needle), "{needle:?} not in:\n{err}");
}

/// Exit 2, no panic, one message containing `needle`.
fn assert_refused(o: &Output, needle: &str) {
    let err = err_text(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(needle), "{needle:?} not in:\n{err}");
}

/// Every file (and symlink, by its target) under `dir`, except `skip`, with its contents:
/// the parent folder's state, to show a run wrote nothing outside its output folder.
fn snapshot(dir: &Path, skip: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p == skip {
                continue;
            }
            let ft = e.file_type().unwrap();
            if ft.is_symlink() {
                let target = std::fs::read_link(&p).unwrap();
                out.insert(p, target.into_os_string().into_encoded_bytes());
            } else if ft.is_dir() {
                out.insert(p.clone(), b"<dir>".to_vec());
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Fails naming the paths that differ between two snapshots.
fn assert_unchanged(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
    what: &str,
) {
    let changed: Vec<&PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    assert!(changed.is_empty(), "{what}: changed {changed:?}");
}
