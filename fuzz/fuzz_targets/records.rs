//! libFuzzer entry of the `records` target (see jsvm_fuzz::records and docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jsvm_fuzz::records(data));
