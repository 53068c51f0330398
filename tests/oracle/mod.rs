//! Real-tool oracles for the charts `portplan gen` writes: Helm's template engine renders them,
//! the Kubernetes API schemas judge the manifests, memcached runs the rendered command lines,
//! and the wiring checks follow every address to a process that listens on it.
//!
//! The oracles know the programs, not the templates: Loki's, memcached's, nginx's and the
//! canary's flags and defaults, and what each address in Loki's config must reach. They
//! read the chart only through what Helm renders.

pub mod addresses;
pub mod kubeval;
pub mod listeners;
pub mod manifests;
pub mod memcached;
pub mod port_change;
pub mod renders;
pub mod wiring;

use std::path::PathBuf;

/// The first executable called `name` on `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Panics with every problem found, one a line, when there is any.
pub fn assert_no_problems(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n  - {}",
        problems.len(),
        problems.join("\n  - ")
    );
}
