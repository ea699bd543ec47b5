//! libFuzzer entry of the `bundle` target (see jsvm_fuzz::bundle and docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jsvm_fuzz::bundle(data));
