//! Real-tool oracles for the charts `portplan gen` writes: real Helm renders them,
//! the Kubernetes API schemas judge the manifests, memcached runs the rendered command lines,
//! and the wiring checks follow every address to a process that listens on it.
//!
//! The oracles know the programs, not the templates: Loki's, memcached's, nginx's and the
//! canary's flags and defaults, and what each address in Loki's config must reach. They
//! read the chart only through what Helm renders.

pub mod addresses;
pub mod crd;
pub mod kubeval;
pub mod listeners;
pub mod manifests;
pub mod memcached;
pub mod port_change;
pub mod renders;
pub mod wiring;

pub use crate::common::on_path;

/// Panics with every problem found, one a line, when there is any.
pub fn assert_no_problems(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n  - {}",
        problems.len(),
        problems.join("\n  - ")
    );
}
