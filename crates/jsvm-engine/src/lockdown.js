// Runs first in every realm, before any library or contract code: removes what
// DESIGN.md invariant 1 keeps out of contracts (string code generation,
// randomness, shared memory, timers) so that every run is deterministic.
//
// Its completion value is `harden`, which the engine calls once the class
// libraries are in place: it freezes every object reachable from the global
// object (and the intrinsics only reachable through syntax), so that a realm can
// serve one transaction after another with nothing carried over (DESIGN.md
// invariant 3): contract code can neither add globals nor change a prototype.
(function () {
  "use strict";
  const g = globalThis;

  // Errors. What an engine writes into the errors it throws (messages, stack positions)
  // differs from engine to engine, so nothing of it may reach a result: the class
  // libraries replace an engine's message by a fixed one (jsvm-runtime's errors.js) and
  // `stack` is empty. To tell the engine's errors from the ones code creates (whose
  // messages are kept), every error constructor is wrapped first, before any other code
  // can capture one, and the errors it makes are remembered. The engine's own trace (with
  // positions) is kept aside for the node's log, never for a result.
  const reflectConstruct = Reflect.construct;
  const setPrototypeOf = Object.setPrototypeOf;
  const defineProperty0 = Object.defineProperty;
  const weakSetAdd = WeakSet.prototype.add;
  const weakSetHas = WeakSet.prototype.has;
  const weakMapGet = WeakMap.prototype.get;
  const weakMapSet = WeakMap.prototype.set;
  const weakMapHas = WeakMap.prototype.has;
  const stringStartsWith = String.prototype.startsWith;
  const made = new WeakSet();
  const traces = new WeakMap();
  const OriginalError = Error;
  const wrappedErrors = {};
  for (const name of ["Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError",
                      "AggregateError"]) {
    const Original = g[name];
    if (typeof Original !== "function") continue;
    const Wrapped = {
      [name]: function (message) {
        const e = reflectConstruct(Original, arguments, new.target === undefined ? Wrapped : new.target);
        Reflect.apply(weakSetAdd, made, [e]);
        return e;
      },
    }[name];
    defineProperty0(Wrapped, "length", { value: Original.length, configurable: true });
    defineProperty0(Wrapped, "prototype", { value: Original.prototype, writable: false, enumerable: false, configurable: false });
    defineProperty0(Original.prototype, "constructor", { value: Wrapped, writable: true, enumerable: false, configurable: true });
    defineProperty0(g, name, { value: Wrapped, writable: true, enumerable: false, configurable: true });
    wrappedErrors[name] = Wrapped;
  }
  for (const name in wrappedErrors) {
    if (name !== "Error") setPrototypeOf(wrappedErrors[name], wrappedErrors.Error);
  }
  // Both engines format `stack` through Error.prepareStackTrace with call sites (QuickJS
  // keeps it in its context, V8 reads the original Error's property): the contract's
  // frames are kept aside, and `stack` is empty.
  function prepareStackTrace(error, callSites) {
    let trace = "";
    let shown = 0;
    for (let i = 0; i < callSites.length && shown < 4; i++) {
      const site = callSites[i];
      const file = site.getFileName();
      if (typeof file !== "string" || file === "" || Reflect.apply(stringStartsWith, file, ["<"])) continue;
      const fn = site.getFunctionName();
      trace += "\n    at " + (typeof fn === "string" && fn !== "" ? fn : "<anonymous>") + " (" + file + ":" +
        site.getLineNumber() + ":" + site.getColumnNumber() + ")";
      shown++;
    }
    // QuickJS asks again when an error is thrown on from a `finally`, with the frames from
    // there: the trace of where the error was made is the one kept.
    if (error !== null && typeof error === "object" && !Reflect.apply(weakMapHas, traces, [error])) {
      Reflect.apply(weakMapSet, traces, [error, trace]);
    }
    return "";
  }
  OriginalError.stackTraceLimit = 64;
  OriginalError.prepareStackTrace = prepareStackTrace;
  defineProperty0(OriginalError, "prepareStackTrace", { value: prepareStackTrace, writable: false, configurable: false });
  // For the class libraries, which take it off the global object: whether code made an
  // error, marking one as code's (host errors carry the VM's own messages), and the
  // engine's trace of an error for the log.
  defineProperty0(g, "__jsvm_errors", {
    value: {
      made: (e) => Reflect.apply(weakSetHas, made, [e]),
      mark: (e) => { Reflect.apply(weakSetAdd, made, [e]); },
      trace: (e) => Reflect.apply(weakMapGet, traces, [e]),
    },
    writable: true, enumerable: false, configurable: true,
  });

  // How the engine prints a built-in, taken apart around its name (before anything else
  // runs): see `masked` in harden.
  const functionToString = Function.prototype.toString;
  const nativeSample = Reflect.apply(functionToString, Math.max, []);
  // What ends this engine's text of a built-in (`() {\n    [native code]\n}` on QuickJS).
  const nativeAfter = nativeSample.slice(nativeSample.indexOf("max") + 3);
  const stringEndsWith = String.prototype.endsWith;
  const refuse = function Function() {
    throw new EvalError("code generation from strings is disabled");
  };
  refuse.prototype = Function.prototype;
  // Every path to a function constructor: Function itself and the hidden
  // GeneratorFunction. (Async functions cannot exist: the compile stage refuses
  // them, since without Promise they could never settle.)
  const samples = [function () {}, function* () {}];
  for (const f of samples) {
    Object.defineProperty(Object.getPrototypeOf(f), "constructor", {
      value: refuse, writable: false, enumerable: false, configurable: false,
    });
  }
  Object.defineProperty(g, "Function", { value: refuse, writable: false, enumerable: false, configurable: false });
  for (const name of ["eval", "SharedArrayBuffer", "Atomics", "WebAssembly", "performance",
                      "queueMicrotask", "setTimeout", "setInterval", "Date", "WeakRef",
                      "FinalizationRegistry", "Promise",
                      // V8's: locale-dependent formatting, and a console the prelude replaces.
                      "Intl", "console",
                      // Not in QuickJS's realm: the same global names on every engine.
                      "Proxy",
                      // Not in V8 10.2's (ES2025 and later, and QuickJS's own InternalError).
                      "Iterator", "DisposableStack", "AsyncDisposableStack", "SuppressedError",
                      "Float16Array", "InternalError"]) {
    delete g[name];
  }
  // The engine's own draws from the machine's entropy; the class libraries define a
  // seeded one (jsvm-runtime's math.js).
  delete Math.random;
  // Bundled npm packages look for the global object under Node's name (`global`) or the
  // browsers' (`self`) and, finding neither, fall back to `Function("return this")()`,
  // which is refused above. Both name the global object, read-only like `globalThis`'s
  // other constants once the realm is frozen.
  for (const name of ["global", "self"]) {
    Object.defineProperty(g, name, { value: g, writable: false, enumerable: false, configurable: false });
  }
  // Returns a promise, and Promise is not in the realm.
  delete Array.fromAsync;

  // One realm shape on every engine. V8 10.2 is the older engine: what QuickJS-ng has
  // beyond it (ES2023 and later, and proposals) goes, and so does what only one engine
  // has (stack-trace hooks, RegExp's legacy statics, QuickJS's position getters).
  // docs/javascript.md lists it; the engine test `both_engines_build_the_same_realm`
  // walks both realms and compares them.
  function remove(owner, names) {
    for (const name of names) delete owner[name];
  }
  const TypedArray = Object.getPrototypeOf(Uint8Array);
  // BigInt: the engines' size limits differ (QuickJS-ng refuses results over 2^20 bits,
  // V8 allows 2^30) and its operators cannot be priced, so it is out (docs/javascript.md).
  // The compile stage refuses BigInt literals; nothing else makes a BigInt once these go.
  for (const name of ["BigInt", "BigInt64Array", "BigUint64Array"]) delete g[name];
  remove(DataView.prototype, ["getBigInt64", "getBigUint64", "setBigInt64", "setBigUint64"]);
  // `toSorted` goes too: the class libraries' sort.js defines it on every engine.
  remove(Array.prototype, ["toReversed", "toSorted", "toSpliced", "with"]);
  remove(Array.prototype[Symbol.unscopables], ["toReversed", "toSorted", "toSpliced"]);
  remove(TypedArray.prototype, ["toReversed", "toSorted", "with"]);
  remove(Object, ["groupBy"]);
  remove(Map, ["groupBy"]);
  remove(Map.prototype, ["getOrInsert", "getOrInsertComputed"]);
  remove(WeakMap.prototype, ["getOrInsert", "getOrInsertComputed"]);
  remove(Set.prototype, ["union", "intersection", "difference", "symmetricDifference", "isSubsetOf",
                         "isSupersetOf", "isDisjointFrom"]);
  remove(String.prototype, ["isWellFormed", "toWellFormed"]);
  remove(JSON, ["rawJSON", "isRawJSON"]);
  remove(Math, ["f16round", "sumPrecise"]);
  remove(Uint8Array, ["fromBase64", "fromHex"]);
  remove(Uint8Array.prototype, ["toBase64", "toHex", "setFromBase64", "setFromHex"]);
  remove(ArrayBuffer.prototype, ["resize", "resizable", "maxByteLength", "detached", "transfer",
                                 "transferToFixedLength", "transferToImmutable", "sliceToImmutable", "immutable"]);
  remove(DataView.prototype, ["getFloat16", "setFloat16"]);
  remove(RegExp, ["escape"]);
  remove(RegExp.prototype, ["unicodeSets"]);
  remove(Error, ["isError", "captureStackTrace", "stackTraceLimit", "prepareStackTrace"]);
  remove(Function.prototype, ["fileName", "lineNumber", "columnNumber"]);
  // V8's legacy RegExp statics: besides being V8's alone, they would hand one transaction
  // the last match of the one before in a reused realm.
  remove(RegExp, ["$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "input", "$_", "lastMatch", "$&",
                  "lastParen", "$+", "leftContext", "$`", "rightContext", "$'"]);
  // QuickJS-ng's iterator helpers live on %IteratorPrototype%; V8 10.2's holds only
  // @@iterator.
  const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  for (const key of Reflect.ownKeys(IteratorPrototype)) {
    if (key !== Symbol.iterator) delete IteratorPrototype[key];
  }
  // QuickJS-ng's Symbol.dispose and Symbol.asyncDispose cannot be deleted (well-known
  // symbols are fixed); with DisposableStack and the iterator's @@dispose gone nothing
  // uses them, so the other engines get inert symbols of the same name.
  for (const name of ["asyncDispose", "dispose"]) {
    if (typeof Symbol[name] !== "symbol") {
      Object.defineProperty(Symbol, name, { value: Symbol("Symbol." + name), writable: false, enumerable: false, configurable: false });
    }
  }
  // QuickJS's global object says "[object global]"; V8's has an object of its own
  // between it and Object.prototype.
  delete g[Symbol.toStringTag];
  Object.setPrototypeOf(g, Object.prototype);
  // `new ArrayBuffer(n, options)`: QuickJS-ng reads `options.maxByteLength` (running a
  // getter there) and V8 10.2 ignores it. The constructor takes the length alone.
  const IntrinsicArrayBuffer = ArrayBuffer;
  const ArrayBufferOfLength = function ArrayBuffer(length) {
    if (new.target === undefined) throw new TypeError("Constructor ArrayBuffer requires 'new'");
    return Reflect.construct(IntrinsicArrayBuffer, [length], new.target);
  };
  for (const key of Reflect.ownKeys(IntrinsicArrayBuffer)) {
    if (key !== "length" && key !== "name") {
      Object.defineProperty(ArrayBufferOfLength, key, Reflect.getOwnPropertyDescriptor(IntrinsicArrayBuffer, key));
    }
  }
  Object.defineProperty(IntrinsicArrayBuffer.prototype, "constructor", { value: ArrayBufferOfLength });
  Object.defineProperty(g, "ArrayBuffer", { value: ArrayBufferOfLength });

  // Built-ins of ES2022/ES2023 the engine may lack: `at` (arrays, strings, typed arrays),
  // `findLast`/`findLastIndex` (arrays, typed arrays) and `Object.hasOwn`. V8 10.2 has them
  // behind flags and installs them on every context it makes from a startup snapshot, after
  // the realm was built and frozen; the V8 engine turns them off and they are defined here,
  // before the class libraries, following the specification's steps.
  const apply = Reflect.apply;
  const ToObject = Object;
  const trunc = Math.trunc;
  const getOwnPropertyDescriptor0 = Reflect.getOwnPropertyDescriptor;
  function define(owner, methods, names, length = 1) {
    let added = false;
    for (const name of names) {
      if (typeof owner[name] === "function") continue;
      Object.defineProperty(methods[name], "length", { value: length, configurable: true });
      Object.defineProperty(owner, name, { value: methods[name], writable: true, enumerable: false, configurable: true });
      added = true;
    }
    return added;
  }
  function integer(v) {
    const n = +v;
    return n !== n ? 0 : trunc(n) + 0;
  }
  function thisObject(t, name) {
    if (t === undefined || t === null) throw new TypeError(name + " called on null or undefined");
    return ToObject(t);
  }
  function lengthOf(o) {
    const n = integer(o.length);
    return n <= 0 ? 0 : n < 9007199254740991 ? n : 9007199254740991;
  }
  // Methods over anything array-like: `view(this)` gives the object and its length.
  function arrayMethods(view) {
    return {
      at(index) {
        const [o, len] = view(this, "at");
        const relative = integer(index);
        const k = relative >= 0 ? relative : len + relative;
        return k < 0 || k >= len ? undefined : o[k];
      },
      findLast(predicate) {
        const [o, len] = view(this, "findLast");
        if (typeof predicate !== "function") throw new TypeError(String(predicate) + " is not a function");
        const thisArg = arguments.length > 1 ? arguments[1] : undefined;
        for (let k = len - 1; k >= 0; k--) {
          const value = o[k];
          if (apply(predicate, thisArg, [value, k, o])) return value;
        }
        return undefined;
      },
      findLastIndex(predicate) {
        const [o, len] = view(this, "findLastIndex");
        if (typeof predicate !== "function") throw new TypeError(String(predicate) + " is not a function");
        const thisArg = arguments.length > 1 ? arguments[1] : undefined;
        for (let k = len - 1; k >= 0; k--) {
          if (apply(predicate, thisArg, [o[k], k, o])) return k;
        }
        return -1;
      },
    };
  }
  const finders = ["at", "findLast", "findLastIndex"];
  const arrayAdded = define(Array.prototype, arrayMethods((t, name) => {
    const o = thisObject(t, "Array.prototype." + name);
    return [o, lengthOf(o)];
  }), finders);
  if (arrayAdded) {
    const unscopables = Array.prototype[Symbol.unscopables];
    for (const name of finders) unscopables[name] = true;
  }
  const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
  // The `length` getter refuses anything but a typed array, as ValidateTypedArray does.
  const typedLength = getOwnPropertyDescriptor0(TypedArrayPrototype, "length").get;
  define(TypedArrayPrototype, arrayMethods((t) => [t, apply(typedLength, t, [])]), finders);
  define(String.prototype, {
    at(index) {
      if (this === undefined || this === null) throw new TypeError("String.prototype.at called on null or undefined");
      const s = `${this}`;
      const relative = integer(index);
      const k = relative >= 0 ? relative : s.length + relative;
      return k < 0 || k >= s.length ? undefined : s[k];
    },
  }, ["at"]);
  define(Object, {
    hasOwn(o, key) {
      if (o === undefined || o === null) throw new TypeError("Cannot convert undefined or null to object");
      return getOwnPropertyDescriptor0(ToObject(o), key) !== undefined;
    },
  }, ["hasOwn"], 2);

  // NaN bytes. A NaN made by arithmetic carries the processor's bits (x86's `0/0` is
  // negative, ARM's positive), and a contract can read a buffer's bytes back. QuickJS stores
  // the canonical NaN on every path (vendor/rquickjs-sys); V8 stores the bits it has, and
  // V8 has no switch for it. The built-ins that store a value they are handed get it with
  // its NaN made canonical (the global NaN has the canonical bits), converted to a number
  // where they would convert it, so that nothing observable moves. The other stores are
  // covered elsewhere: element stores `a[k] = v` by the compile stage (meter_walk/nan_store.rs),
  // a float array's constructor and `set` from an array by pricing.js; what is left on V8 is in
  // docs/javascript.md.
  function canonicalNumber(x) {
    if (typeof x === "number") return x !== x ? NaN : x;
    if ((typeof x !== "object" || x === null) && typeof x !== "function") return x;
    return {
      valueOf() {
        const n = +x;
        return n !== n ? NaN : n;
      },
    };
  }
  function canonicalizeArgument(owner, name, index) {
    const original = owner[name];
    const wrapped = {
      [name](...args) {
        if (args.length > index) args[index] = canonicalNumber(args[index]);
        return apply(original, this, args);
      },
    }[name];
    Object.defineProperty(wrapped, "length", { value: original.length, configurable: true });
    Object.defineProperty(owner, name, { value: wrapped, writable: true, enumerable: false, configurable: true });
  }
  canonicalizeArgument(DataView.prototype, "setFloat32", 1);
  canonicalizeArgument(DataView.prototype, "setFloat64", 1);
  canonicalizeArgument(TypedArrayPrototype, "fill", 0);
  const TypedArrayConstructor = Object.getPrototypeOf(Uint8Array);
  const typedOf = TypedArrayConstructor.of;
  const typedFrom = TypedArrayConstructor.from;
  Object.defineProperty(TypedArrayConstructor, "of", {
    value: {
      of(...items) {
        for (let k = 0; k < items.length; k++) items[k] = canonicalNumber(items[k]);
        return apply(typedOf, this, items);
      },
    }.of,
    writable: true, enumerable: false, configurable: true,
  });
  Object.defineProperty(TypedArrayConstructor, "from", {
    value: {
      from(source) {
        const mapFn = arguments.length > 1 ? arguments[1] : undefined;
        if (mapFn !== undefined && typeof mapFn !== "function") return apply(typedFrom, this, [source, mapFn]);
        const thisArg = arguments.length > 2 ? arguments[2] : undefined;
        const map = mapFn === undefined ? canonicalNumber : (v, k) => canonicalNumber(apply(mapFn, thisArg, [v, k]));
        return apply(typedFrom, this, [source, map]);
      },
    }.from,
    writable: true, enumerable: false, configurable: true,
  });

  // Built-ins whose engines disagree where the specification leaves room, or where one
  // engine follows a proposal: the same behaviour on every engine, by the specification's
  // steps. `replaceMethod` keeps the name the method is written with and gives `length`.
  function replaceMethod(owner, name, fn, length) {
    Object.defineProperty(fn, "length", { value: length, configurable: true });
    Object.defineProperty(owner, name, { value: fn, writable: true, enumerable: false, configurable: true });
  }
  // Joining an array that contains itself: V8 gives "" for the inner occurrence (as
  // browsers do), QuickJS recurses until the stack overflows. Every engine gives "".
  // (Entries a run left behind when it was aborted are unreachable by any later run.)
  const joining = new WeakSet();
  const joiningHas = WeakSet.prototype.has;
  const joiningAdd = WeakSet.prototype.add;
  const joiningDelete = WeakSet.prototype.delete;
  function isObject(v) {
    return (typeof v === "object" && v !== null) || typeof v === "function";
  }
  // Runs `f()` for `o` unless `o` is already being joined (then "").
  function acyclic(o, f) {
    if (!isObject(o)) return f();
    if (apply(joiningHas, joining, [o])) return "";
    apply(joiningAdd, joining, [o]);
    try {
      return f();
    } finally {
      apply(joiningDelete, joining, [o]);
    }
  }
  const intrinsicJoin = Array.prototype.join;
  replaceMethod(Array.prototype, "join", {
    join(separator) {
      return acyclic(this, () => apply(intrinsicJoin, this, [separator]));
    },
  }.join, 1);
  // JSON.parse: QuickJS-ng hands a reviver a third argument (the proposal for source text
  // access); V8 10.2 calls it with the holder's key and value alone.
  const intrinsicParse = JSON.parse;
  replaceMethod(JSON, "parse", {
    parse(text, reviver) {
      if (typeof reviver !== "function") return intrinsicParse(text);
      return intrinsicParse(text, function (key, value) { return apply(reviver, this, [key, value]); });
    },
  }.parse, 2);
  // No locale: an engine with ICU (V8) would format and compare by the host's locale
  // data, one without (QuickJS) would not. The locale forms behave as ECMA-262 alone
  // defines them, on every engine: numbers print as `toString()` does, arrays list their
  // elements' `toLocaleString()` separated by ",", strings compare by UTF-16 code units.
  // (toLocaleUpperCase/LowerCase: the class libraries, with the case mapping.)
  const numberToString = Number.prototype.toString;
  replaceMethod(Number.prototype, "toLocaleString", {
    toLocaleString() {
      return apply(numberToString, this, []);
    },
  }.toLocaleString, 0);
  function listLocaleStrings(o, len) {
    let r = "";
    for (let k = 0; k < len; k++) {
      if (k > 0) r += ",";
      const next = o[k];
      if (next !== undefined && next !== null) r += `${next.toLocaleString()}`;
    }
    return r;
  }
  replaceMethod(Array.prototype, "toLocaleString", {
    toLocaleString() {
      const o = thisObject(this, "Array.prototype.toLocaleString");
      return acyclic(o, () => listLocaleStrings(o, lengthOf(o)));
    },
  }.toLocaleString, 0);
  replaceMethod(TypedArrayPrototype, "toLocaleString", {
    toLocaleString() {
      return listLocaleStrings(this, apply(typedLength, this, []));
    },
  }.toLocaleString, 0);
  replaceMethod(String.prototype, "localeCompare", {
    localeCompare(that) {
      if (this === undefined || this === null) throw new TypeError("String.prototype.localeCompare called on null or undefined");
      const s = `${this}`;
      const t = `${that}`;
      return s < t ? -1 : t < s ? 1 : 0;
    },
  }.localeCompare, 1);

  // Assigning to an inherited frozen property fails in JavaScript ("the override
  // mistake"), which would break ordinary code such as `this.name = "MyError"` or
  // `obj.toString = f`. For these well-known names the shared prototype gets an
  // accessor instead: reading gives the original; writing on any other object
  // defines an own property there, as if the prototype's were writable.
  const defineProperty = Object.defineProperty;
  const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
  function enable(proto, names) {
    for (const name of names) {
      const d = getOwnPropertyDescriptor(proto, name);
      if (!d || !("value" in d) || !d.configurable) continue;
      const value = d.value;
      defineProperty(proto, name, {
        get: { [name]() { return value; } }[name],
        set: { [name](v) {
          if (this === proto) throw new TypeError("Cannot assign to read only property '" + String(name) + "' of a shared prototype");
          defineProperty(this, name, { value: v, writable: true, enumerable: true, configurable: true });
        } }[name],
        enumerable: d.enumerable,
        configurable: false,
      });
    }
  }

  // `open` (the V8 engine's, for a startup snapshot): objects walked but left extensible,
  // because V8 adds properties to them in every context made from the snapshot; the engine
  // freezes them once it has.
  return function harden(...open) {
    // The class libraries took the error tools (errors.js); a realm without them keeps
    // none either.
    delete g.__jsvm_errors;
    const keepOpen = new Set(open);
    // Built-ins print the same on every engine: `function NAME() { [native code] }`. The
    // engines write their own built-ins differently (QuickJS over three lines, V8 on one), and
    // a contract (or a package such as lodash, which tests `toString` of functions to find
    // native ones) must see the same text, and pay the same for reading it, on both. The VM's
    // library functions print that way too: QuickJS compiles them without their source, V8
    // cannot, so every function the walk below finds that has source text (library and
    // lockdown functions: contract code defines none of them) is masked. A contract's own
    // functions print their source, which is the same on every engine.
    const library = new WeakSet();
    const builtinText = (f) => {
      const d = getOwnPropertyDescriptor(f, "name");
      return "function " + (d !== undefined && typeof d.value === "string" ? d.value : "") + "() { [native code] }";
    };
    const masked = {
      toString() {
        if (library.has(this)) return builtinText(this);
        const text = apply(functionToString, this, []);
        // A built-in, or a bound function (made at run time, so not in `library`).
        return apply(stringEndsWith, text, [nativeAfter]) ? builtinText(this) : text;
      },
    }.toString;
    library.add(masked);
    defineProperty(Function.prototype, "toString", { value: masked, writable: true, enumerable: false, configurable: true });
    const isNative = /\[native code\]\s*\}$/;
    const errors = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError];
    if (typeof AggregateError === "function") errors.push(AggregateError);
    enable(Object.prototype, ["constructor", "toString", "toLocaleString", "valueOf", "hasOwnProperty",
                              "isPrototypeOf", "propertyIsEnumerable"]);
    enable(Function.prototype, ["constructor", "name", "toString", "call", "apply", "bind"]);
    for (const E of errors) enable(E.prototype, ["constructor", "name", "message", "toString"]);
    for (const C of [Array, String, Number, Boolean, Symbol, RegExp, Map, Set, WeakMap, WeakSet]) {
      if (typeof C === "function") enable(C.prototype, ["constructor", "toString", "valueOf", "toLocaleString"]);
    }
    enable(Array.prototype, ["push", "concat", "join", "slice", "map", "filter", "sort"]);
    // Intrinsics reachable only through syntax or built-in results.
    function* generator() {}
    const hidden = [
      generator, generator(), [][Symbol.iterator](), new Map()[Symbol.iterator](), new Set()[Symbol.iterator](),
      ""[Symbol.iterator](), /x/[Symbol.matchAll](""), (function () { return arguments; })(),
    ];
    const seen = new Set();
    const queue = [g, ...hidden];
    const ownKeys = Reflect.ownKeys;
    const getPrototypeOf = Object.getPrototypeOf;
    const freeze = Object.freeze;
    while (queue.length > 0) {
      const o = queue.pop();
      if (o === null || (typeof o !== "object" && typeof o !== "function") || seen.has(o)) continue;
      seen.add(o);
      if (typeof o === "function" && !isNative.test(apply(functionToString, o, []))) library.add(o);
      if (!keepOpen.has(o)) freeze(o);
      queue.push(getPrototypeOf(o));
      for (const key of ownKeys(o)) {
        const d = getOwnPropertyDescriptor(o, key);
        if (d === undefined) continue;
        if ("value" in d) queue.push(d.value);
        else queue.push(d.get, d.set);
        // And what a getter hands out: the originals behind `enable`'s accessors, or a
        // constructor reachable only that way (Iterator, through its prototype's
        // `constructor`, once the global is gone).
        if (d.get !== undefined) {
          try { queue.push(apply(d.get, o, [])); } catch (e) { /* a getter for instances only */ }
        }
      }
    }
  };
})();
