//! libFuzzer entry of the `compile` target (see jsvm_fuzz::compile and docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jsvm_fuzz::compile(data));
