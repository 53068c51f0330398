//! The command line: help, examples, bad paths.

use super::*;
use crate::common::*;

#[test]
fn help_examples_and_bad_paths() {
    let o = portplan(&["flows", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let h = stdout(&o);
    assert!(h.contains("Examples:") && h.contains("--sql athena"), "{h}");
    // A PATH that does not exist, or a folder without flow logs: exit 2.
    let o = portplan(&["flows", "no/such/folder"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/folder"), "{}", stderr(&o));
    let d = scratch("empty");
    let o = portplan(&["flows", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no flow-log files found"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&d).unwrap();
    // NO_COLOR (set by the helper) and a pipe: no escape sequences in the text report.
    let o = portplan(&["flows", "tests/cases/flows/basic"]);
    assert!(!stdout(&o).contains('\x1b'));
}
