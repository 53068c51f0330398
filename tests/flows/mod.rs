//! `portplan flows` on small handwritten logs (tests/cases/flows/) whose numbers are worked
//! out by hand in each test's comments, from the reference model's zones (portplan.yaml):
//! eu-west-1a = 10.0.0.0/19, eu-west-1b = 10.0.32.0/19, eu-west-1c = 10.0.64.0/19.
//!
//! Prices: `--price-per-gb 1073741.824` makes one byte cost $0.001 each way, so a
//! cross-zone byte costs exactly $0.002 and the dollar figures can be checked by hand.

mod by_hand;
mod cli;
mod real_tools;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::*;
use serde_json::Value;

pub const PRICE: &str = "1073741.824";

pub fn json(args: &[&str]) -> Value {
    let mut a = vec!["flows", "--format", "json"];
    a.extend_from_slice(args);
    let o = portplan(&a);
    assert!(
        o.status.code() == Some(0),
        "flows {args:?} failed: {}",
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout).expect("JSON")
}

pub fn port(v: &Value, p: u64) -> &Value {
    v["ports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["port"] == p)
        .unwrap_or_else(|| panic!("no port {p}"))
}

/// `[request_records, request_bytes, request_cross_zone_bytes, response_records,
/// response_bytes, response_cross_zone_bytes]` of one port.
pub fn nums(v: &Value, p: u64) -> [u64; 6] {
    let x = port(v, p);
    [
        "request_records",
        "request_bytes",
        "request_cross_zone_bytes",
        "response_records",
        "response_bytes",
        "response_cross_zone_bytes",
    ]
    .map(|k| x[k].as_u64().unwrap())
}

pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("portplan-flows-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn gz(path: &Path, text: &[u8]) {
    let f = std::fs::File::create(path).unwrap();
    let mut e = flate2::write::GzEncoder::new(f, flate2::Compression::default());
    e.write_all(text).unwrap();
    e.finish().unwrap();
}
