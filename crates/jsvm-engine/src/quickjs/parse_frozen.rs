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

#[cfg(test)]
mod tests {
    use crate::quickjs::QuickJs;
    use crate::tests::{limits_ms, TestHost};
    use crate::{Engine, Invocation};

    /// Takes the native parse before the realm loses it, and answers each text with what differs
    /// between it and `JSON.parse` with a freezing reviver: keys, their order, every descriptor's
    /// flags, extensibility and values, at every depth (and any object left open).
    const PRELUDE: &str = r#"
    (function () {
      const native = globalThis.__jsvm_parse_frozen;
      const revived = (t) => JSON.parse(t, (_, v) => (typeof v === "object" && v !== null ? Object.freeze(v) : v));
      const dump = (v) => {
        if (typeof v !== "object" || v === null) return JSON.stringify(v);
        const keys = Reflect.ownKeys(v).map((k) => {
          const d = Object.getOwnPropertyDescriptor(v, k);
          return `${String(k)}:${d.writable}${d.enumerable}${d.configurable}=${dump(d.value)}`;
        });
        const state = Object.isFrozen(v) && !Object.isExtensible(v) ? "frozen" : "<open>";
        return `${Array.isArray(v) ? "[" : "{"}${state}|${keys.join(",")}`;
      };
      globalThis.__jsvm_entry = function (program, ...texts) {
        return texts.map((t) => {
          const a = dump(native(t)), b = dump(revived(t));
          return a === b && !a.includes("<open>") ? "same" : `${t}: ${a} vs ${b}`;
        }).join("\n");
      };
    })();
    "#;

    #[test]
    fn the_native_parse_freezes_exactly_as_the_reviver_does() {
        let texts = [
            "{}",
            "[]",
            r#"{"a":1,"b":{"c":[1,{"d":null}],"e":"x"}}"#,
            r#"{"a":1,"a":{"b":2}}"#,
            r#"{"__proto__":{"x":1},"y":[]}"#,
            r#"{"10":1,"2":2,"b":3,"1.5":4}"#,
            r#"[{},[],{"x":[]},[[{"y":{}}]]]"#,
            r#"{"block":{"number":7,"parentHash":"abc","time":1700000000000000000,"witness":"w"},"gasLimit":200000,"random":[1,2,3,4],"randomGas":2,"tx":{"authList":{"a@active":2},"expiration":0,"gasLimit":1,"gasRatio":1,"hash":"h","publisher":"a","time":1}}"#,
            r#"{"k":{"k":{"k":{"k":{"k":{"k":{"k":{"k":{}}}}}}}}}"#,
            r#""text""#,
            "5",
        ];
        let mut engine = QuickJs::new().unwrap();
        let prelude = engine.compile("prelude.js", PRELUDE).unwrap();
        let program = engine.compile("contract.js", "(function () {})").unwrap();
        let pre = [prelude.as_slice()];
        let inv = Invocation {
            prelude: &pre,
            program: &program,
            entry: "__jsvm_entry",
            args: &texts,
            limits: limits_ms(2000),
        };
        let out = engine.run(&inv, &mut TestHost::default()).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), texts.len());
        for (text, line) in texts.iter().zip(lines) {
            assert_eq!(line, "same", "{text}");
        }
    }
}
