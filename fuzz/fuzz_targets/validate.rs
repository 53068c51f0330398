//! See `portplan_fuzz::validate` (fuzz/src/targets.rs) for what this target covers.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| portplan_fuzz::validate(data));
