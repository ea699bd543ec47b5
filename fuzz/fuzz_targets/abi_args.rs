//! libFuzzer entry of the `abi_args` target (see jsvm_fuzz::abi_args and docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jsvm_fuzz::abi_args(data));
