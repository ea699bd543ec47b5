//! A JS string's UTF-8 text, read in place: what crosses from QuickJS to Rust without a copy into a
//! `String` (the host function's operation name, the run's context text).

use rquickjs::{qjs, Ctx, Exception};

use crate::host::LONE_SURROGATE;

/// A JS string's UTF-8 bytes, NUL-terminated, borrowed from QuickJS until dropped.
pub(super) struct CStr {
    ctx: *mut qjs::JSContext,
    ptr: *const std::ffi::c_char,
    len: usize,
}

impl CStr {
    /// The text of `v`, which must be a string (`what` names it in the `TypeError` otherwise).
    pub(super) fn read(ctx: &Ctx<'_>, v: qjs::JSValue, what: &str) -> rquickjs::Result<CStr> {
        let raw = ctx.as_raw().as_ptr();
        // SAFETY: `v` is a live value of this context; the tag check keeps JS_ToCStringLen2 from
        // running a conversion.
        unsafe {
            if !qjs::JS_IsString(v) {
                return Err(Exception::throw_type(ctx, &format!("{what} must be a string")));
            }
            let mut len: qjs::size_t = 0;
            let ptr = qjs::JS_ToCStringLen2(raw, &mut len, v, false);
            if ptr.is_null() {
                return Err(rquickjs::Error::Exception);
            }
            Ok(CStr { ctx: raw, ptr, len: len as usize })
        }
    }

    /// The bytes with the NUL after them, for QuickJS's own parsers.
    pub(super) fn as_c_ptr(&self) -> *const std::ffi::c_char {
        self.ptr
    }

    /// The number of bytes, without the NUL.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The text; a string with a lone surrogate (which QuickJS writes as such, not UTF-8) is a
    /// `TypeError`, as for every string that crosses.
    pub(super) fn as_str(&self, ctx: &Ctx<'_>) -> rquickjs::Result<&str> {
        // SAFETY: QuickJS keeps `len` bytes at `ptr` until JS_FreeCString (in `drop`).
        let bytes = unsafe { std::slice::from_raw_parts(self.ptr as *const u8, self.len) };
        std::str::from_utf8(bytes).map_err(|_| Exception::throw_type(ctx, LONE_SURROGATE))
    }
}

impl Drop for CStr {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from JS_ToCStringLen2 on this live context and is freed once.
        unsafe { qjs::JS_FreeCString(self.ctx, self.ptr) };
    }
}
