//! The one host function, as QuickJS calls it: a plain C function bound once per realm.
//!
//! A token transfer crosses into the host about eight times. Bound through rquickjs's closures,
//! each crossing converted its parameters generically (the operation's name copied into a new
//! `String`, the rest gathered into a new `Vec`) inside two layers of boxed calls; here the name is
//! read in place and the arguments go into a buffer the realm's runs share. What the host sees and
//! what the contract gets back are unchanged.

use std::ffi::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

use rquickjs::{qjs, Ctx, Exception, Value};

use super::cstr::CStr;
use super::RunState;
use crate::host::LONE_SURROGATE;
use crate::{HostError, HostValue};

/// The host function for `ctx`'s realm: calls go to the host `state` holds during a run.
/// `state` must outlive the context (the engine owns both and drops its realms first).
pub(super) fn host_function<'js>(ctx: &Ctx<'js>, state: &RunState) -> Value<'js> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: the context is live; its opaque slot is jsvm's (rquickjs keeps its own state in the
    // runtime's) and points at `state` for as long as the context lives. The name is a C literal.
    unsafe {
        qjs::JS_SetContextOpaque(raw, state as *const RunState as *mut c_void);
        let f =
            qjs::JS_NewCFunction2(raw, Some(host_call), c"host".as_ptr(), 1, qjs::JSCFunctionEnum_JS_CFUNC_generic, 0);
        Value::from_raw(ctx.clone(), f)
    }
}

/// `host(op, ...args)`: the realm's C function.
unsafe extern "C" fn host_call(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
) -> qjs::JSValue {
    let Some(raw) = NonNull::new(ctx) else { return qjs::JS_EXCEPTION };
    // SAFETY: QuickJS calls with its live context and `argc` live arguments at `argv`; the
    // context's opaque is the engine's run state (set with the function, `host_function`).
    let (ctx, state, args) = unsafe {
        let args: &[qjs::JSValue] =
            if argc <= 0 || argv.is_null() { &[] } else { std::slice::from_raw_parts(argv, argc as usize) };
        (Ctx::from_raw(raw), &*(qjs::JS_GetContextOpaque(raw.as_ptr()) as *const RunState), args)
    };
    // A host that panics must not unwind through QuickJS's frames: the panic is kept, the run
    // ends uncatchably, and the engine resumes the panic once the run is back in Rust.
    match catch_unwind(AssertUnwindSafe(|| call(&ctx, state, args))) {
        Ok(Ok(value)) => {
            // SAFETY: hands QuickJS a reference of its own; `value`'s is released on drop.
            unsafe { qjs::JS_DupValue(raw.as_ptr(), value.as_raw()) }
        }
        Ok(Err(rquickjs::Error::Exception)) => qjs::JS_EXCEPTION,
        Ok(Err(other)) => {
            throw_host_error(&ctx, &other.to_string());
            qjs::JS_EXCEPTION
        }
        Err(panic) => {
            state.panic.replace(Some(panic));
            throw_uncatchable(&ctx, "the host failed");
            qjs::JS_EXCEPTION
        }
    }
}

fn call<'js>(ctx: &Ctx<'js>, state: &RunState, args: &[qjs::JSValue]) -> rquickjs::Result<Value<'js>> {
    let Some((op, rest)) = args.split_first() else {
        return Err(Exception::throw_type(ctx, "the host needs an operation"));
    };
    // Taken out for the call, so that a host that runs another contract in this engine's realm
    // could not find it borrowed; put back, emptied, for the next call.
    let mut values = state.args.take();
    let out = (|| {
        let op = CStr::read(ctx, *op, "the host operation")?;
        for a in rest {
            // SAFETY: a reference of its own for the live argument, released when `arg` drops.
            let arg = unsafe { Value::from_raw(ctx.clone(), qjs::JS_DupValue(ctx.as_raw().as_ptr(), *a)) };
            values.push(to_host_value(ctx, &arg)?);
        }
        let Some(host) = state.host.get() else {
            return Err(throw_host_error(ctx, "host is not available"));
        };
        // SAFETY: set by `run` for exactly the duration of the run (see there).
        let host = unsafe { &mut *host };
        match host.call(op.as_str(ctx)?, &values) {
            Ok(v) => from_host_value(ctx, v),
            Err(HostError::Throw(msg)) => Err(throw_host_error(ctx, &msg)),
            Err(HostError::Halt(halt)) => {
                let text = halt.to_string();
                state.abort.replace(Some(halt));
                Err(throw_uncatchable(ctx, &text))
            }
        }
    })();
    values.clear();
    state.args.replace(values);
    out
}

/// Throws an `Error` of the realm with `msg`, made as `new Error(msg)` makes one: `message` is an own property,
/// writable and configurable but not enumerable. rquickjs's `Exception::throw_message` sets it as an ordinary
/// (enumerable) property, so `Object.keys`, a spread or `JSON.stringify` of a caught host error read `message`
/// on QuickJS and not on V8: a receipt that depended on the engine.
fn throw_host_error(ctx: &Ctx<'_>, msg: &str) -> rquickjs::Error {
    let made = Exception::from_message(ctx.clone(), msg).and_then(|e| {
        let text = rquickjs::String::from_str(ctx.clone(), msg)?;
        let raw = ctx.as_raw().as_ptr();
        let flags = (qjs::JS_PROP_WRITABLE | qjs::JS_PROP_CONFIGURABLE) as i32;
        // SAFETY: the context and both values are alive; JS_DefinePropertyValueStr takes the reference
        // JS_DupValue adds, and defines the existing configurable property again with these flags only.
        let defined = unsafe {
            let value = qjs::JS_DupValue(raw, text.as_raw());
            qjs::JS_DefinePropertyValueStr(raw, e.as_value().as_raw(), c"message".as_ptr(), value, flags)
        };
        if defined < 0 {
            return Err(rquickjs::Error::Exception);
        }
        Ok(e)
    });
    match made {
        Ok(e) => e.throw(),
        Err(e) => e,
    }
}

fn throw_uncatchable(ctx: &Ctx<'_>, msg: &str) -> rquickjs::Error {
    match Exception::from_message(ctx.clone(), msg) {
        Ok(e) => {
            // SAFETY: both pointers come from the live context and value.
            unsafe { qjs::JS_SetUncatchableError(ctx.as_raw().as_ptr(), e.as_value().as_raw()) };
            ctx.throw(e.into_value())
        }
        Err(e) => e,
    }
}

fn to_host_value(ctx: &Ctx<'_>, v: &Value<'_>) -> rquickjs::Result<HostValue> {
    if v.is_undefined() {
        Ok(HostValue::Undefined)
    } else if v.is_null() {
        Ok(HostValue::Null)
    } else if let Some(b) = v.as_bool() {
        Ok(HostValue::Bool(b))
    } else if let Some(n) = v.as_number() {
        Ok(HostValue::Number(n))
    } else if let Some(s) = v.as_string() {
        // The only string a JS string fails to become is one with a lone surrogate.
        s.to_string().map(HostValue::String).map_err(|_| Exception::throw_type(ctx, LONE_SURROGATE))
    } else {
        Err(Exception::throw_type(ctx, "host arguments must be primitive values"))
    }
}

fn from_host_value<'js>(ctx: &Ctx<'js>, v: HostValue) -> rquickjs::Result<Value<'js>> {
    Ok(match v {
        HostValue::Undefined => Value::new_undefined(ctx.clone()),
        HostValue::Null => Value::new_null(ctx.clone()),
        HostValue::Bool(b) => Value::new_bool(ctx.clone(), b),
        // rquickjs's new_number stores -0 as the integer 0 (it equals 0 as an i32); V8 keeps
        // the sign, and so must QuickJS (Math results cross as host values).
        HostValue::Number(n) if n == 0.0 && n.is_sign_negative() => Value::new_float(ctx.clone(), n),
        HostValue::Number(n) => Value::new_number(ctx.clone(), n),
        HostValue::String(s) => rquickjs::String::from_str(ctx.clone(), &s)?.into_value(),
    })
}
