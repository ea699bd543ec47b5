//! libFuzzer entry of the `pack_scanner` target (see jsvm_fuzz::pack_scanner and docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jsvm_fuzz::pack_scanner(data));
