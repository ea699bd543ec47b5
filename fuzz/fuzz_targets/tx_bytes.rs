//! libFuzzer entry of the `tx_bytes` target (see jsvm_fuzz::tx_bytes and docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jsvm_fuzz::tx_bytes(data));
