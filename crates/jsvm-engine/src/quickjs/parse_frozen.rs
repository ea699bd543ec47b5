//! The entry's context parse (jsvm-runtime's prelude.js), done natively for QuickJS.
//!
//! Every run starts by parsing its context (`block`, `tx`, the gas limit) into values that are
//! frozen through and through, since `block` and `tx` are read-only. In JS that is
//! `JSON.parse(text, (_, v) => Object.freeze(v))`: a reviver call per value, a large share of a
//! short run in QuickJS. Here it is one call into the vendored QuickJS's frozen parse
//! (`JS_JsvmParseJSONFrozen`, vendor/rquickjs-sys/JSVM-PATCHES.md), which freezes each object and
//! array as it completes. The reviver is the prelude's fallback where an engine offers no
//! [`PARSE_FROZEN_FUNCTION`]; the result is the same values, frozen alike.

use rquickjs::{qjs, Ctx, Function, Value};

use super::cstr::CStr;

/// The global name prelude.js looks for (and removes before any contract code runs).
pub(crate) const PARSE_FROZEN_FUNCTION: &str = "__jsvm_parse_frozen";

/// `__jsvm_parse_frozen(text)`: `JSON.parse(text)` with every object and array frozen.
pub(crate) fn parse_frozen_function<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Function<'js>> {
    Function::new(ctx.clone(), |ctx: Ctx<'js>, text: Value<'js>| -> rquickjs::Result<Value<'js>> {
        let text = CStr::read(&ctx, text.as_raw(), "the context")?;
        // SAFETY: the context is live and `text` NUL-terminated; the parse reads no further than
        // its length and copies what it keeps, before `text` is released.
        let value = unsafe {
            Value::from_raw(
                ctx.clone(),
                qjs::JS_JsvmParseJSONFrozen(ctx.as_raw().as_ptr(), text.as_c_ptr(), text.len()),
            )
        };
        if value.is_exception() {
            return Err(rquickjs::Error::Exception);
        }
        Ok(value)
    })
}
