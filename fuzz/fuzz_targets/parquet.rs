//! Arbitrary bytes as a Parquet flow log: reading the footer and every row group may
//! refuse the file, never panic (see `portplan_fuzz::parquet`, fuzz/src/targets.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| portplan_fuzz::parquet(data));
