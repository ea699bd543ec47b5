//! The entry's context parse (jsvm-runtime's prelude.js), done natively for QuickJS.
//!
//! Every run starts by parsing its context (`block`, `tx`, the gas limit) into values that are
//! frozen through and through, since `block` and `tx` are read-only. In JS that is
//! `JSON.parse(text, (_, v) => Object.freeze(v))`: a reviver call per value, a large share of a
//! short run in QuickJS. This is the same in C calls: `JSON.parse`, then `Object.freeze` on
//! every object and array it made. The reviver is the prelude's fallback where an engine
//! offers no [`PARSE_FROZEN_FUNCTION`]; the result is the same values, frozen alike.

use rquickjs::{qjs, Ctx, Exception, Function, Value};

/// The global name prelude.js looks for (and removes before any contract code runs).
pub(crate) const PARSE_FROZEN_FUNCTION: &str = "__jsvm_parse_frozen";

/// Deepest nesting frozen: the VM's context is three levels deep; anything deeper is refused
/// rather than recursed into.
const MAX_DEPTH: usize = 32;

/// `__jsvm_parse_frozen(text)`: `JSON.parse(text)` with every object and array frozen.
pub(crate) fn parse_frozen_function<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Function<'js>> {
    Function::new(ctx.clone(), |ctx: Ctx<'js>, text: rquickjs::String<'js>| -> rquickjs::Result<Value<'js>> {
        let value = ctx.json_parse(text.to_string()?)?;
        freeze_deep(&ctx, &value, 0)?;
        Ok(value)
    })
}

fn freeze_deep<'js>(ctx: &Ctx<'js>, value: &Value<'js>, depth: usize) -> rquickjs::Result<()> {
    let Some(object) = value.as_object() else { return Ok(()) };
    if depth > MAX_DEPTH {
        return Err(Exception::throw_range(ctx, "context nested too deeply"));
    }
    for entry in object.props::<rquickjs::Atom, Value>() {
        let (_, child) = entry?;
        freeze_deep(ctx, &child, depth + 1)?;
    }
    // SAFETY: the context and the object are live for this call.
    if unsafe { qjs::JS_FreezeObject(ctx.as_raw().as_ptr(), value.as_raw()) } < 0 {
        return Err(rquickjs::Error::Exception);
    }
    Ok(())
}
