//! The C ABI of csrc/v8_shim.cc. The types match the shim's field for field.

use std::ffi::{c_char, c_void};

#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Bytes {
    pub ptr: *const c_char,
    pub len: usize,
}

impl Bytes {
    pub(crate) fn of(b: &[u8]) -> Bytes {
        Bytes { ptr: b.as_ptr() as *const c_char, len: b.len() }
    }
}

/// A script taken apart from its precompiled form.
#[repr(C)]
pub(crate) struct Script {
    pub name: Bytes,
    pub source: Bytes,
    pub cache: Bytes,
}

pub(crate) const TAG_UNDEFINED: u32 = 0;
pub(crate) const TAG_NULL: u32 = 1;
pub(crate) const TAG_BOOL: u32 = 2;
pub(crate) const TAG_NUMBER: u32 = 3;
pub(crate) const TAG_STRING: u32 = 4;

/// A primitive crossing the boundary; strings are borrowed for the length of one call.
#[repr(C)]
pub(crate) struct Value {
    pub tag: u32,
    pub number: f64,
    pub str: *const c_char,
    pub len: usize,
}

pub(crate) const HOST_OK: i32 = 0;
pub(crate) const HOST_THROW: i32 = 1;
pub(crate) const HOST_ABORT: i32 = 2;
pub(crate) const HOST_TYPE_ERROR: i32 = 3;

pub(crate) type HostFn = unsafe extern "C" fn(
    user: *mut c_void,
    op: *const c_char,
    op_len: usize,
    args: *const Value,
    nargs: usize,
    out: *mut Value,
) -> i32;

pub(crate) const OK: i32 = 0;
pub(crate) const EXCEPTION: i32 = 1;
pub(crate) const TERMINATED: i32 = 2;
/// The engine failed (the text says how); the catch-all of every match on a status.
#[allow(dead_code)]
pub(crate) const ENGINE: i32 = 3;
pub(crate) const SNAPSHOT: i32 = 4;

/// The shim's engine: one isolate and what lives in it.
#[repr(C)]
pub(crate) struct RawEngine {
    _opaque: [u8; 0],
}

extern "C" {
    pub(crate) fn jsvm_v8_init(flags: *const c_char, len: usize);
    pub(crate) fn jsvm_v8_free(p: *mut c_void);
    pub(crate) fn jsvm_v8_version() -> *const c_char;
    pub(crate) fn jsvm_v8_snapshot(
        lockdown: *const Script,
        prelude: *const Script,
        n: usize,
        entry: Bytes,
        blob: *mut *mut c_char,
        blob_len: *mut usize,
        out: *mut *mut c_char,
        out_len: *mut usize,
    ) -> i32;
    pub(crate) fn jsvm_v8_engine_new(
        blob: *const c_char,
        blob_len: usize,
        heap_limit: usize,
        young_limit: usize,
        initial_old: usize,
        host: HostFn,
        host_user: *mut c_void,
    ) -> *mut RawEngine;
    pub(crate) fn jsvm_v8_engine_free(e: *mut RawEngine);
    pub(crate) fn jsvm_v8_engine_isolate(e: *mut RawEngine) -> *mut c_void;
    pub(crate) fn jsvm_v8_terminate(isolate: *mut c_void);
    pub(crate) fn jsvm_v8_compile(
        e: *mut RawEngine,
        name: Bytes,
        source: Bytes,
        cache: *mut *mut c_char,
        cache_len: *mut usize,
        out: *mut *mut c_char,
        out_len: *mut usize,
    ) -> i32;
    pub(crate) fn jsvm_v8_realm_from_snapshot(e: *mut RawEngine, out: *mut *mut c_char, out_len: *mut usize) -> i32;
    pub(crate) fn jsvm_v8_realm_evaluate(
        e: *mut RawEngine,
        lockdown: *const Script,
        prelude: *const Script,
        n: usize,
        entry: Bytes,
        out: *mut *mut c_char,
        out_len: *mut usize,
    ) -> i32;
    pub(crate) fn jsvm_v8_realm_drop(e: *mut RawEngine);
    pub(crate) fn jsvm_v8_has_realm(e: *mut RawEngine) -> i32;
    pub(crate) fn jsvm_v8_knows_program(e: *mut RawEngine, key: Bytes) -> i32;
    pub(crate) fn jsvm_v8_run(
        e: *mut RawEngine,
        key: Bytes,
        program: *const Script,
        args: *const Bytes,
        nargs: usize,
        memory_bytes: usize,
        stack_bytes: usize,
        out: *mut *mut c_char,
        out_len: *mut usize,
    ) -> i32;
    pub(crate) fn jsvm_v8_idle(e: *mut RawEngine);
    pub(crate) fn jsvm_v8_oom(e: *mut RawEngine) -> i32;
    pub(crate) fn jsvm_v8_heap_limit_raised(e: *mut RawEngine) -> i32;
    pub(crate) fn jsvm_v8_cache_rejected(e: *mut RawEngine) -> u64;
    pub(crate) fn jsvm_v8_heap_used(e: *mut RawEngine, collect: i32) -> usize;
}

/// A buffer the shim allocated (or none), as bytes; the shim's copy is freed.
pub(crate) fn take_bytes(p: *mut c_char, len: usize) -> Vec<u8> {
    if p.is_null() {
        return Vec::new();
    }
    // SAFETY: the shim hands out malloc'd buffers of `len` bytes, freed here once.
    unsafe {
        let v = std::slice::from_raw_parts(p as *const u8, len).to_vec();
        jsvm_v8_free(p as *mut c_void);
        v
    }
}

/// A text the shim allocated, as a string (invalid UTF-8 replaced).
pub(crate) fn take_string(p: *mut c_char, len: usize) -> String {
    lossy_string(take_bytes(p, len))
}

/// `bytes` as text, any invalid UTF-8 replaced (U+FFFD).
pub(crate) fn lossy_string(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}
