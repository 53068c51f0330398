//! gen's memo (src/output/memo.rs): an up-to-date folder is answered without rendering, and
//! nothing the output depends on can make the memo give another answer than a full run.

use crate::common::*;

use std::path::Path;
use std::process::{Command, Output};

/// `portplan ARGS` in the repository, with its memo in `cache`.
fn run(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("PORTPLAN_CACHE_DIR", cache)
        .output()
        .unwrap()
}

fn gen_args<'a>(model: &'a str, out: &'a str) -> [&'a str; 5] {
    ["gen", "--model", model, "--out", out]
}

/// The one memo entry in `cache`: its path and JSON.
fn entry(cache: &Path) -> (std::path::PathBuf, serde_json::Value) {
    let entries: Vec<_> = std::fs::read_dir(cache.join("gen"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let text = std::fs::read(&entries[0]).unwrap();
    (entries[0].clone(), serde_json::from_slice(&text).unwrap())
}

#[test]
fn an_up_to_date_folder_is_answered_from_the_memo() {
    let tmp = temp_dir("memo");
    let (cache, out) = (tmp.path().join("cache"), tmp.path().join("out"));
    let out_s = out.to_str().unwrap();
    let first = run(&cache, &gen_args("examples/monolithic.yaml", out_s));
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let (path, mut recorded) = entry(&cache);
    assert_eq!(recorded["files"], 21);

    // Prove the second run took the memo: an entry whose notices say so is printed
    // (its output digest is the real one, so the folder still matches).
    recorded["notices"] = "notice from the memo\n".into();
    std::fs::write(&path, recorded.to_string()).unwrap();
    let second = run(&cache, &gen_args("examples/monolithic.yaml", out_s));
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(
        stderr(&second),
        format!("notice from the memo\n{out_s}: up to date (21 files)\n")
    );
    let mut check = vec!["gen", "--check"];
    check.extend(&gen_args("examples/monolithic.yaml", out_s)[1..]);
    let checked = run(&cache, &check);
    assert_eq!(checked.status.code(), Some(0));
    assert_eq!(
        stdout(&checked),
        format!("{out_s}: up to date (21 files)\n")
    );
    assert_eq!(stderr(&checked), "notice from the memo\n");

    // --no-memo renders: lint's real notices (none for this model), the same answer.
    let mut rendered = vec!["gen", "--no-memo"];
    rendered.extend(&gen_args("examples/monolithic.yaml", out_s)[1..]);
    let o = run(&cache, &rendered);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), format!("{out_s}: up to date (21 files)\n"));
}

#[test]
fn an_edited_or_missing_file_or_another_model_takes_the_full_run() {
    let tmp = temp_dir("memo-miss");
    let (cache, out) = (tmp.path().join("cache"), tmp.path().join("out"));
    let out_s = out.to_str().unwrap();
    let generate = |model| run(&cache, &gen_args(model, out_s));
    assert_eq!(generate("examples/monolithic.yaml").status.code(), Some(0));
    let clean = portplan::output::read_tree(&out).unwrap();

    // An edited file: --check reports it, gen puts it back.
    let csv = out.join("ports.csv");
    std::fs::write(&csv, "edited\n").unwrap();
    let mut check = vec!["gen", "--check"];
    check.extend(&gen_args("examples/monolithic.yaml", out_s)[1..]);
    let checked = run(&cache, &check);
    assert_eq!(checked.status.code(), Some(1), "{}", stdout(&checked));
    assert!(
        stdout(&checked).contains("1 file changed"),
        "{}",
        stdout(&checked)
    );
    let again = generate("examples/monolithic.yaml");
    assert_eq!(stderr(&again), format!("{out_s}: wrote 21 files\n"));
    assert_eq!(portplan::output::read_tree(&out).unwrap(), clean);

    // A missing file.
    std::fs::remove_file(&csv).unwrap();
    let again = generate("examples/monolithic.yaml");
    assert_eq!(stderr(&again), format!("{out_s}: wrote 21 files\n"));
    assert_eq!(portplan::output::read_tree(&out).unwrap(), clean);

    // Another model into the same folder, then the first one again.
    assert_eq!(
        generate("examples/simple-scalable.yaml").status.code(),
        Some(0)
    );
    assert_ne!(portplan::output::read_tree(&out).unwrap(), clean);
    let back = generate("examples/monolithic.yaml");
    assert!(stderr(&back).contains("wrote"), "{}", stderr(&back));
    assert_eq!(portplan::output::read_tree(&out).unwrap(), clean);
}

#[test]
fn a_changed_template_folder_changes_the_key() {
    let tmp = temp_dir("memo-templates");
    let (cache, out, templates) = (
        tmp.path().join("cache"),
        tmp.path().join("out"),
        tmp.path().join("t"),
    );
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("extra.txt"), "one\n").unwrap();
    let args = |t: &Path| {
        vec![
            "gen".to_owned(),
            "--model".into(),
            "examples/monolithic.yaml".into(),
            "--out".into(),
            out.display().to_string(),
            "--templates".into(),
            t.display().to_string(),
        ]
    };
    let generate = || {
        let a = args(&templates);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        run(&cache, &a)
    };
    assert_eq!(generate().status.code(), Some(0), "{}", stderr(&generate()));
    std::fs::write(templates.join("extra.txt"), "two\n").unwrap();
    let o = generate();
    assert!(stderr(&o).contains("wrote"), "{}", stderr(&o));
    let extra = std::fs::read_to_string(out.join("extra.txt")).unwrap();
    assert!(extra.ends_with("\ntwo\n"), "{extra}");

    // A symlink added to the folder: the renderer refuses it, and so must the next run,
    // although the regular files (all the memo could read) are unchanged.
    std::os::unix::fs::symlink(templates.join("extra.txt"), templates.join("link.txt")).unwrap();
    let o = generate();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("templates may not be symlinks"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_empty_cache_dir_turns_the_memo_off() {
    let tmp = temp_dir("memo-off");
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_portplan"))
        .args(gen_args("examples/monolithic.yaml", out.to_str().unwrap()))
        .current_dir(root())
        .env("PORTPLAN_CACHE_DIR", "")
        .env("HOME", tmp.path())
        .env_remove("XDG_CACHE_HOME")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(!tmp.path().join(".cache").exists());
}
