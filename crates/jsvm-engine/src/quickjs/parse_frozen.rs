//! The entry's context parse (jsvm-runtime's prelude.js), done natively for QuickJS.
//!
//! Every run starts by parsing its context (`block`, `tx`, the gas limit) into values that are
//! frozen through and through, since `block` and `tx` are read-only. In JS that is
//! `JSON.parse(text, (_, v) => Object.freeze(v))`: a reviver call per value, a large share of a
//! short run in QuickJS. Here it is one call into the vendored QuickJS's frozen parse
//! (`JS_JsvmParseJSONFrozen`, vendor/rquickjs-sys/JSVM-PATCHES.md), which freezes each object and
//! array as it completes. The reviver is the prelude's fallback where an engine offers no
//! [`PARSE_FROZEN_FUNCTION`]; the result is the same values, frozen alike.

use rquickjs::{qjs, Ctx, Exception, Function, Value};

/// The global name prelude.js looks for (and removes before any contract code runs).
pub(crate) const PARSE_FROZEN_FUNCTION: &str = "__jsvm_parse_frozen";

/// `__jsvm_parse_frozen(text)`: `JSON.parse(text)` with every object and array frozen.
pub(crate) fn parse_frozen_function<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Function<'js>> {
    Function::new(ctx.clone(), |ctx: Ctx<'js>, text: Value<'js>| -> rquickjs::Result<Value<'js>> {
        if !text.is_string() {
            return Err(Exception::throw_type(&ctx, "the context must be a string"));
        }
        let raw = ctx.as_raw().as_ptr();
        let mut len: qjs::size_t = 0;
        // SAFETY: the context and the string are live; JS_ToCStringLen2 returns a NUL-terminated
        // UTF-8 buffer of `len` bytes (or NULL with an exception pending) that JS_FreeCString
        // releases after the parse, which reads no further than `len` and copies what it keeps.
        unsafe {
            let text = qjs::JS_ToCStringLen2(raw, &mut len, text.as_raw(), false);
            if text.is_null() {
                return Err(rquickjs::Error::Exception);
            }
            let parsed = qjs::JS_JsvmParseJSONFrozen(raw, text, len as usize);
            qjs::JS_FreeCString(raw, text);
            let value = Value::from_raw(ctx.clone(), parsed);
            if value.is_exception() {
                return Err(rquickjs::Error::Exception);
            }
            Ok(value)
        }
    })
}
