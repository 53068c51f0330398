//! See `portplan_fuzz::structured` (fuzz/src/lib.rs) for what this target covers; its input
//! is a model built by `arbitrary` (fuzz/src/shape.rs), not bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|model: portplan_fuzz::shape::Model| portplan_fuzz::structured(&model));
