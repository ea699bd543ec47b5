//! libFuzzer entry of the `tx_json` target (see jsvm_fuzz::tx_json and docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jsvm_fuzz::tx_json(data));
