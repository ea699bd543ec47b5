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
                      "FinalizationRegistry", "Promise"]) {
    delete g[name];
  }
  delete Math.random;
  // Returns a promise, and Promise is not in the realm.
  delete Array.fromAsync;

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

  return function harden() {
    const errors = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError];
    if (typeof AggregateError === "function") errors.push(AggregateError);
    enable(Object.prototype, ["constructor", "toString", "toLocaleString", "valueOf", "hasOwnProperty",
                              "isPrototypeOf", "propertyIsEnumerable"]);
    enable(Function.prototype, ["constructor", "name", "toString", "call", "apply", "bind"]);
    for (const E of errors) enable(E.prototype, ["constructor", "name", "message", "toString"]);
    for (const C of [Array, String, Number, Boolean, Symbol, RegExp, Map, Set, WeakMap, WeakSet, BigInt]) {
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
      freeze(o);
      queue.push(getPrototypeOf(o));
      for (const key of ownKeys(o)) {
        const d = getOwnPropertyDescriptor(o, key);
        if (d === undefined) continue;
        if ("value" in d) queue.push(d.value);
        else queue.push(d.get, d.set);
      }
    }
  };
})();
