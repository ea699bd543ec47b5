//! libFuzzer entry of the `http` target (see jsvm_fuzz::http and docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jsvm_fuzz::http(data));
