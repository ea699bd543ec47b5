// Runs first in every realm, before any library or contract code: removes what
// DESIGN.md invariant 1 keeps out of contracts (string code generation,
// randomness, shared memory, timers) so that every run is deterministic.
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
})();
