//! libFuzzer entry of the `code_cache` target (see jsvm_fuzz::code_cache and docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jsvm_fuzz::code_cache(data));
