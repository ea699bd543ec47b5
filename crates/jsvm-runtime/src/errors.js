// Errors as contracts and receipts see them: the same on every engine.
//
// Engines word the errors they throw differently, and place their stack positions
// differently, so an error the engine made gets a fixed message per kind here (the one
// exception: "NAME is not defined", which every engine words alike), and `stack` is
// empty on every error (engine lockdown.js). Errors code makes (`new TypeError("…")`)
// keep their messages. The engine's own words and positions go to the node's log for
// the author, never into a result. Where an engine throws because a resource ran out
// (the call stack, the longest string, memory), the run ends there, uncatchably: how deep
// or how long an engine gets differs, so no contract code may run on from that point.
//
// `caught(e)` is applied wherever contract code can see a thrown value: at the start of
// every catch block (the compile stage splices it in, see meter.rs) and in the entry.
//
// prelude.js calls the installer below and removes it from the global object.
(function () {
  "use strict";
  const g = globalThis;
  const apply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const toText = String;
  const ErrorCtor = Error;
  const RangeErrorCtor = RangeError;
  const weakMapGet = WeakMap.prototype.get;
  const weakMapSet = WeakMap.prototype.set;
  const endsWith = String.prototype.endsWith;
  const indexOf = String.prototype.indexOf;
  const NOT_DEFINED = " is not defined";

  // The message an error of each kind gets when the engine made it.
  const FIXED = {
    Error: "error",
    EvalError: "code generation from strings is disabled",
    RangeError: "value out of range",
    ReferenceError: "reference to an undeclared or uninitialized name",
    SyntaxError: "invalid syntax",
    TypeError: "operation not allowed on this value",
    URIError: "malformed URI",
    AggregateError: "errors",
  };

  g.__jsvm_errors_install = function install(host) {
    const tools = g.__jsvm_errors;
    delete g.__jsvm_errors;
    // What the engine said, for the log.
    const said = new WeakMap();

    // The engine's error for a resource that ran out: which one, or "".
    function exhausted(name, message) {
      if (name === "RangeError" && message === "Maximum call stack size exceeded") return "stack";
      if (name === "RangeError" && message === "Invalid string length") return "string";
      if (name === "InternalError" && message === "string too long") return "string";
      if (name === "InternalError" && message === "out of memory") return "memory";
      return "";
    }

    // The engine's frames of an error, for the log. V8 formats `stack` when it is first
    // read (which files the trace, lockdown.js), QuickJS when the error is made. The
    // descriptor is read, not the property: that formats an engine's `stack` but never
    // calls a getter contract code put there.
    function traceOf(e) {
      getOwnPropertyDescriptor(e, "stack");
      return tools.trace(e);
    }

    function notDefined(message) {
      return apply(endsWith, message, [NOT_DEFINED]) && apply(indexOf, message, [" "]) === message.length - NOT_DEFINED.length;
    }

    function caught(e) {
      if (e === null || typeof e !== "object" || tools.made(e) || !(e instanceof ErrorCtor)) return e;
      const name = toText(e.name);
      const message = toText(e.message);
      const resource = exhausted(name, message);
      if (resource !== "") host("limit", resource);
      const trace = traceOf(e);
      const words = name + ": " + message + (typeof trace === "string" ? trace : "");
      if (name === "InternalError") {
        const replaced = new RangeErrorCtor(FIXED.RangeError);
        apply(weakMapSet, said, [replaced, words]);
        return replaced;
      }
      apply(weakMapSet, said, [e, words]);
      const fixed = name === "ReferenceError" && notDefined(message) ? message : FIXED[name] || FIXED.Error;
      defineProperty(e, "message", { value: fixed, writable: true, enumerable: false, configurable: true });
      tools.mark(e);
      return e;
    }

    // The text a receipt gives an uncaught value: "Name: message" for an error, the
    // value's string form otherwise. It may run contract code (a getter, toString),
    // metered as any.
    function describe(e) {
      if (e !== null && typeof e === "object" && e instanceof ErrorCtor) {
        const name = toText(e.name);
        const message = toText(e.message);
        return message === "" ? name : name + ": " + message;
      }
      return toText(e);
    }

    // The log's line for an uncaught value: what the engine said, or the receipt's text
    // and the code's frames.
    function logged(e, text) {
      const words = e !== null && typeof e === "object" ? apply(weakMapGet, said, [e]) : undefined;
      if (typeof words === "string") return words;
      const trace = e !== null && typeof e === "object" ? traceOf(e) : undefined;
      return text + (typeof trace === "string" ? trace : "");
    }

    return { caught, describe, logged, mark: tools.mark };
  };
})();
