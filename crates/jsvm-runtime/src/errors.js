// Errors as contracts and receipts see them: the same on every engine.
//
// Engines word the errors they throw differently, and place their stack positions
// differently, so an error the engine made gets a canonical message here: where both
// engines' words carry the same facts (the property read of `undefined`, the name read
// before its declaration), the text is made from those facts (WORDS below); otherwise the
// kind's one fixed message (FIXED). `stack` is empty on every error (engine lockdown.js).
// Errors code makes (`new TypeError("…")`) keep their messages. The engine's own words and
// positions go to the node's log for the author, never into a result. Where an engine
// throws because a resource ran out (the call stack, the longest string, memory), the run
// ends there, uncatchably: how deep or how long an engine gets differs, so no contract code
// may run on from that point.
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
  const slice = String.prototype.slice;
  const exec = RegExp.prototype.exec;
  const test = RegExp.prototype.test;
  const NOT_DEFINED = " is not defined";

  // The message an engine's error of each kind gets when no pattern of WORDS (below) knows its words.
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

  // A name the engine quoted (a property, a variable), as a canonical message shows it:
  // whole when it is short printable ASCII, its first 32 characters and "..." when longer,
  // left out (null) when one of those is anything else. QuickJS quotes at most 63 bytes of
  // a name (as UTF-8), V8 all of it: the first 40 characters decide, which both engines
  // quote alike, and a character beyond ASCII is never shown, since the engines differ in
  // how they write a lone surrogate.
  const PRINTABLE = /^[\x20-\x7e]*$/;
  function quoted(name) {
    const shown = name.length > 40 ? apply(slice, name, [0, 32]) : name;
    if (!apply(test, PRINTABLE, [shown])) return null;
    return "'" + shown + (shown === name ? "'" : "...'");
  }
  // `cannot set property 'k' of undefined`, or `cannot set a property of undefined` when
  // the name is not shown.
  function setting(name, base) {
    const shown = quoted(name);
    return "cannot set " + (shown === null ? "a property" : "property " + shown) + " of " + base;
  }
  // A read of `undefined` or `null`. V8 names the property and the value, QuickJS too,
  // except in a nested destructuring pattern (`const {a: {b}} = {a: null}`), where V8 says
  // `Cannot read properties of null (reading 'b')` and QuickJS only `Cannot convert
  // undefined or null to object`: a receipt or a stored message must not depend on the
  // engine, so the text names neither. Reading `Symbol.iterator` is how QuickJS reports
  // an array pattern over `null`, which V8 calls not iterable.
  function reading(name) {
    return name === "Symbol(Symbol.iterator)" ? NOT_ITERABLE : NULLISH;
  }
  // (Not named `uninitialized`: with a binding of that name in the prelude, V8 10.2 crashed
  // making the second isolate from the realm's startup snapshot, in
  // SharedHeapDeserializer::DeserializeStringTable; renaming it was all it took.)
  function beforeDeclaration(name) {
    const shown = quoted(name);
    return "cannot use " + (shown === null ? "a variable" : shown) + " before its declaration has run";
  }

  // Engine words and the one text each gives: [kind, pattern, text from the pattern's
  // match]. A pattern that takes a name out is anchored at both ends around it, so the
  // name can never be read two ways. The V8 and QuickJS wordings of one operation give the
  // same text; where one engine tells more than the other for some operation, the text
  // tells only what both do (crates/jsvm-vm/tests/errors.rs pins each text on both
  // engines). Words no pattern matches get the kind's fixed message.
  const NULLISH = "cannot read a property of undefined or null";
  const NOT_ITERABLE = "value is not iterable";
  const CALLED = "called a value that is not a function (or, with new, not a constructor)";
  const READ_ONLY = "cannot assign to a constant or a read-only property";
  const NOT_EXTENSIBLE = "cannot add a property to an object that is not extensible";
  const IN = "cannot use 'in' on a value that is not an object";
  const INSTANCEOF = "the right side of instanceof is not a function";
  const CLASS_CALL = "a class constructor cannot be called without new";
  const SYMBOL_TEXT = "cannot convert a Symbol to a string";
  const WORDS = [
    // V8: `Cannot read properties of undefined (reading 'k')`; QuickJS: `cannot read property 'k' of undefined`.
    ["TypeError", /^Cannot read properties of (?:undefined|null) \(reading '([\s\S]*)'\)$/, (m) => reading(m[1])],
    ["TypeError", /^cannot read property '([\s\S]*)' of (?:undefined|null)$/, (m) => reading(m[1])],
    ["TypeError", /^Cannot read properties of (?:undefined|null)$/, () => NULLISH],
    ["TypeError", /^Cannot destructure /, () => NULLISH],
    ["TypeError", /^Cannot convert undefined or null to object$/, () => NULLISH],
    // V8: `Cannot set properties of undefined (setting 'k')`; QuickJS: `cannot set property 'k' of undefined`.
    ["TypeError", /^Cannot set properties of (undefined|null) \(setting '([\s\S]*)'\)$/, (m) => setting(m[2], m[1])],
    ["TypeError", /^cannot set property '([\s\S]*)' of (undefined|null)$/, (m) => setting(m[1], m[2])],
    // V8 names the callee (`x.foo is not a function`), QuickJS nothing, and says `not a
    // function` also for `new 1` (V8: `… is not a constructor`), for `bind` and `toString`
    // on a non-function (V8: words of their own).
    ["TypeError", /not a (?:function|constructor)$/, () => CALLED],
    ["TypeError", /^Function\.prototype\.toString requires that 'this' be a Function$/, () => CALLED],
    ["TypeError", /^Bind must be called on a function$/, () => CALLED],
    // V8 names the property and the object (whose description is free text), QuickJS the
    // property or constant: the text names neither.
    ["TypeError", /^Cannot assign to read only property '/, () => READ_ONLY],
    ["TypeError", /^Assignment to constant variable\.$/, () => READ_ONLY],
    ["TypeError", /^'[\s\S]*' is read-only$/, () => READ_ONLY],
    ["TypeError", /is not extensible$/, () => NOT_EXTENSIBLE],
    ["TypeError", /is not iterable/, () => NOT_ITERABLE],
    // V8: `Cannot use 'in' operator to search for 'a' in 5`; QuickJS: `invalid 'in' operand`.
    ["TypeError", /^Cannot use 'in' operator to search for /, () => IN],
    ["TypeError", /^invalid 'in' operand$/, () => IN],
    ["TypeError", /^Right-hand side of 'instanceof' is not /, () => INSTANCEOF],
    ["TypeError", /^invalid 'instanceof' right operand$/, () => INSTANCEOF],
    ["TypeError", /^Class constructor [\s\S]* cannot be invoked without 'new'$/, () => CLASS_CALL],
    ["TypeError", /^class constructors must be invoked with 'new'$/, () => CLASS_CALL],
    ["TypeError", /^Cannot convert a Symbol value to a string$/, () => SYMBOL_TEXT],
    ["TypeError", /^cannot convert symbol to string$/, () => SYMBOL_TEXT],
    // V8: `Cannot access 'z' before initialization`; QuickJS: `z is not initialized` (and
    // `this is not initialized` before `super()`, which V8 words otherwise: left out).
    ["ReferenceError", /^Cannot access '([\s\S]*)' before initialization$/, (m) => beforeDeclaration(m[1])],
    ["ReferenceError", /^((?!this is)[\s\S]*) is not initialized$/, (m) => beforeDeclaration(m[1])],
  ];

  // The canonical message of an engine's error `name: message`.
  function canonical(name, message) {
    if (name === "ReferenceError" && notDefined(message)) return message;
    for (let i = 0; i < WORDS.length; i++) {
      const rule = WORDS[i];
      if (rule[0] !== name) continue;
      const match = apply(exec, rule[1], [message]);
      if (match !== null) return rule[2](match);
    }
    return FIXED[name] || FIXED.Error;
  }

  function notDefined(message) {
    return apply(endsWith, message, [NOT_DEFINED]) && apply(indexOf, message, [" "]) === message.length - NOT_DEFINED.length;
  }

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
      defineProperty(e, "message", { value: canonical(name, message), writable: true, enumerable: false, configurable: true });
      tools.mark(e);
      return e;
    }

    // The text a receipt gives an uncaught value: "Name: message" for an error, JSON for
    // another object (`{"code":42}`, not `[object Object]`; its string form when JSON has
    // none), the value's string form otherwise (a string as itself). It may run contract
    // code (a getter, toString, toJSON), metered as any, and JSON.stringify is priced by
    // the length of its text as when code calls it.
    function describe(e) {
      if (e !== null && typeof e === "object") {
        if (e instanceof ErrorCtor) {
          const name = toText(e.name);
          const message = toText(e.message);
          return message === "" ? name : name + ": " + message;
        }
        const json = apply(g.JSON.stringify, g.JSON, [e]);
        if (typeof json === "string") return json;
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

    // Where the run is, for the log line of a run that ran out of gas: the innermost
    // frame of the contract's code (`at fn (file:line:column)`), "" when there is none.
    function where() {
      const trace = traceOf(new ErrorCtor());
      const FRAME = "\n    ";
      if (typeof trace !== "string" || trace === "") return "";
      const end = apply(indexOf, trace, ["\n", 1]);
      return apply(slice, trace, [FRAME.length, end < 0 ? trace.length : end]);
    }

    return { caught, describe, logged, where, mark: tools.mark };
  };
})();
