// The class libraries every contract realm gets (docs/contract-api.md).
// Evaluated after the engine's lockdown and before the contract. The one host
// function is captured here, in a closure, and removed from the global object
// by the engine before contract code runs.
(function () {
  "use strict";
  const rawHost = globalThis.__jsvm_host;
  const g = globalThis;
  const freeze = Object.freeze;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const apply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const toText = String;

  // The contract's gas meter (see jsvm-compiler's meter.rs), handed over by the entry
  // before any contract code runs: `gasUsed()` reads the counter, `charge(n)` adds to it.
  const noGasUsed = () => 0;
  const noCharge = (n) => {};
  let gasUsed = noGasUsed;
  let charge = noCharge;
  // Every host call first reports the JS gas counter, so the host can hold the whole
  // transaction to its limit. What the host throws carries the VM's own message: it is
  // marked as code's, so errors.js keeps it.
  // The usual counts of arguments are passed one by one: a spread call walks the array
  // through the iterator protocol, which cost a token transfer a tenth of its run on QuickJS.
  function host(op, ...args) {
    try {
      switch (args.length) {
        case 0: return rawHost(op, gasUsed());
        case 1: return rawHost(op, gasUsed(), args[0]);
        case 2: return rawHost(op, gasUsed(), args[0], args[1]);
        case 3: return rawHost(op, gasUsed(), args[0], args[1], args[2]);
        case 4: return rawHost(op, gasUsed(), args[0], args[1], args[2], args[3]);
        default: return rawHost(op, gasUsed(), ...args);
      }
    } catch (e) {
      errors.mark(e);
      throw e;
    }
  }
  // What a library evaluated before this file left on the global object, taken off it.
  function take(name) {
    const value = g[name];
    delete g[name];
    return value;
  }
  // A method that looks like a built-in: not enumerable, of arity `length` (its name is
  // the one it was written with).
  function method(owner, name, fn, length) {
    defineProperty(fn, "length", { value: length, configurable: true });
    defineProperty(owner, name, { value: fn, writable: true, enumerable: false, configurable: true });
  }
  // errors.js, evaluated just before this file: errors the same on every engine.
  const errors = take("__jsvm_errors_install")(host);
  // math.js: numbers the same on every engine, and the seeded Math.random.
  const { pow, seedRandom } = take("__jsvm_math_install")(host, method, (n) => charge(n));
  // text.js: case mapping the same on every engine.
  take("__jsvm_text_install")(host, method);

  // regexp.js: every regex built at run time is checked as literals are.
  const checkPattern = take("__jsvm_regexp_install")(host);
  // pricing.js: built-ins whose work grows with their input, priced by it.
  const meterBuiltins = take("__jsvm_pricing_install")(method, (n) => charge(n), checkPattern);

  function need(value, what) {
    if (typeof value !== "string") {
      throw new TypeError(what + " must be a string, got " + (value === null ? "null" : typeof value));
    }
    return value;
  }
  function payerOf(payer) {
    if (payer === undefined || payer === null) return "";
    return need(payer, "payer");
  }
  function text(content) {
    return typeof content === "string" ? content : stringify(content);
  }

  const storage = freeze({
    put(key, value, payer) {
      need(key, "key");
      if (typeof value !== "string") throw new TypeError("storage put must be string");
      host("put", key, value, payerOf(payer));
      return null;
    },
    get(key) { return host("get", need(key, "key")); },
    has(key) { return host("has", need(key, "key")); },
    del(key) { host("del", need(key, "key")); return null; },
    mapPut(key, field, value, payer) {
      need(key, "key"); need(field, "field");
      if (typeof value !== "string") throw new TypeError("storage mapPut must be string");
      host("mapPut", key, field, value, payerOf(payer));
      return null;
    },
    mapGet(key, field) { return host("mapGet", need(key, "key"), need(field, "field")); },
    mapHas(key, field) { return host("mapHas", need(key, "key"), need(field, "field")); },
    mapDel(key, field) { host("mapDel", need(key, "key"), need(field, "field")); return null; },
    mapKeys(key) { return parse(host("mapKeys", need(key, "key"))); },
    mapLen(key) { return host("mapLen", need(key, "key")); },
    globalGet(contract, key) { return host("globalGet", need(contract, "contract"), need(key, "key")); },
    globalHas(contract, key) { return host("globalHas", need(contract, "contract"), need(key, "key")); },
    globalMapGet(contract, key, field) {
      return host("globalMapGet", need(contract, "contract"), need(key, "key"), need(field, "field"));
    },
    globalMapHas(contract, key, field) {
      return host("globalMapHas", need(contract, "contract"), need(key, "key"), need(field, "field"));
    },
    globalMapKeys(contract, key) { return parse(host("globalMapKeys", need(contract, "contract"), need(key, "key"))); },
    globalMapLen(contract, key) { return host("globalMapLen", need(contract, "contract"), need(key, "key")); },
  });

  const blockchain = freeze({
    contextInfo() { return host("contextInfo"); },
    blockInfo() { return host("blockInfo"); },
    txInfo() { return host("txInfo"); },
    contractName() { return host("contractName"); },
    publisher() { return host("publisher"); },
    contractOwner() { return host("contractOwner"); },
    requireAuth(id, permission) { return host("requireAuth", need(id, "id"), need(permission, "permission")); },
    receipt(content) { host("receipt", text(content)); return null; },
    event(content) { host("event", text(content)); return null; },
    call(contract, method, args) { return nestedCall("call", contract, method, args); },
    callWithAuth(contract, method, args) { return nestedCall("callWithAuth", contract, method, args); },
    transfer(from, to, amount, memo) { return transfer(from, to, amount, memo); },
    withdraw(to, amount, memo) { return transfer(host("contractName"), to, amount, memo); },
    deposit(from, amount, memo) { return transfer(from, host("contractName"), amount, memo); },
  });
  // A nested call's arguments: an array or object is sent as JSON, a string as is.
  // The result is the callee's return values, as an array.
  function nestedCall(kind, contract, method, args) {
    const data = args !== null && typeof args === "object" ? stringify(args) : args;
    return parse(host(kind, need(contract, "contract"), need(method, "method"), need(data, "args")));
  }
  // The native token, moved with this contract's authority (IOST's blockchain.transfer).
  function transfer(from, to, amount, memo) {
    if (memo === undefined || memo === null) throw new TypeError("transfer needs a memo (may be \"\")");
    return nestedCall("callWithAuth", "token.iost", "transfer",
      ["iost", need(from, "from"), need(to, "to"), toText(amount), toText(memo)]);
  }

  function show(v) {
    if (typeof v === "string") return v;
    if (typeof v === "bigint" || typeof v === "symbol" || typeof v === "function" || v === undefined) return String(v);
    try { return stringify(v); } catch (e) { return String(v); }
  }
  function logger(level) {
    return function (...args) { host("log", level, args.map(show).join(" ")); };
  }
  const console = freeze({
    log: logger("info"), info: logger("info"), debug: logger("debug"), warn: logger("warn"), error: logger("error"),
  });

  const builtins = { storage, blockchain };
  function require(id) {
    if (Object.prototype.hasOwnProperty.call(builtins, id)) return builtins[id];
    throw new Error("Cannot find module '" + String(id) + "'");
  }

  function constant(name, value) {
    Object.defineProperty(g, name, { value, writable: false, enumerable: false, configurable: false });
  }
  constant("storage", storage);
  constant("blockchain", blockchain);
  constant("console", console);
  constant("require", require);
  // BigNumber, Int64, Float64 and IOSTCrypto: classlib.js, evaluated just before this file.
  take("__jsvm_classlib")(host, constant);
  // Sorting (sort.js): the same comparator calls on every engine. `brand` registers the
  // inline comparators the compile stage wraps; a sort pays for their calls through the
  // run's meter.
  const brand = take("__jsvm_sort")(() => charge);
  // Spreads copy their whole source: the compile stage passes it here (meter_walk) with
  // the gas schedule's prices of a copied element and property. A string's or an array's
  // length is paid before the copy; any other iterable is copied here and paid by what it
  // gave, an object literal by its properties (both bounded by the memory limit).
  const isArray = Array.isArray;
  const ownKeys = Reflect.ownKeys;
  // A proxy's `length` can be anything: only a positive count is paid (never a refund).
  const payCopy = (n, price) => { if (n > 0) charge(n * price); };
  function spread(source, element, property) {
    if (typeof source === "string" || isArray(source)) {
      payCopy(source.length, element);
      return source;
    }
    if (source === null || (typeof source !== "object" && typeof source !== "function")) return source;
    const items = [...source];
    payCopy(items.length, property);
    return items;
  }
  function objectCopy(object, property) {
    payCopy(ownKeys(object).length, property);
    return object;
  }
  // The meter's helpers for comparisons that may walk long strings (jsvm-compiler's
  // meter_walk/compare.rs): strings of 256 characters or more pay one gas per 8 characters
  // walked, up to the shorter string's length (all of a string compared with a non-string,
  // which converts it). Defined once per realm, not in each run's wrapper: a function there
  // is a closure made again on every call of the contract, used or not.
  const LONG = 256;
  function walk(n) { if (n >= LONG) charge(n >> 3); }
  function walk2(a, b) { walk(a.length < b.length ? a.length : b.length); }
  function walk1(a, b) {
    typeof a !== "string" ? walk(b.length) : typeof b !== "string" ? walk(a.length) : walk2(a, b);
  }
  function seq(a, b) {
    if (typeof a === "string" && typeof b === "string" && a.length >= LONG && b.length >= LONG) walk2(a, b);
    return a === b;
  }
  function sne(a, b) {
    if (typeof a === "string" && typeof b === "string" && a.length >= LONG && b.length >= LONG) walk2(a, b);
    return a !== b;
  }
  function eq(a, b) {
    if (typeof a === "string" && a.length >= LONG || typeof b === "string" && b.length >= LONG) walk1(a, b);
    return a == b;
  }
  function ne(a, b) {
    if (typeof a === "string" && a.length >= LONG || typeof b === "string" && b.length >= LONG) walk1(a, b);
    return a != b;
  }
  function lt(a, b) {
    if (typeof a === "string" && a.length >= LONG || typeof b === "string" && b.length >= LONG) walk1(a, b);
    return a < b;
  }
  function gt(a, b) {
    if (typeof a === "string" && a.length >= LONG || typeof b === "string" && b.length >= LONG) walk1(a, b);
    return a > b;
  }
  function le(a, b) {
    if (typeof a === "string" && a.length >= LONG || typeof b === "string" && b.length >= LONG) walk1(a, b);
    return a <= b;
  }
  function ge(a, b) {
    if (typeof a === "string" && a.length >= LONG || typeof b === "string" && b.length >= LONG) walk1(a, b);
    return a >= b;
  }
  // A `case` test against the switch's value.
  function caseTest(b) { if (typeof b === "string") walk(b.length); return b; }
  // An inline sort comparator whose entry charge `c` the compile stage took out: called as
  // any function, the wrapper pays `c`; registered with sort.js, a sort calls `f` directly
  // and pays for its calls in batches.
  function comparator(f, c) {
    const w = (0, function (a, b) { charge(c); return f(a, b); });
    brand(w, f, c);
    return w;
  }

  // What prepared contract code may call besides its own (meter.rs, `__jsvm_vm`).
  const vmHelpers = freeze({
    brand, caught: errors.caught, deep: () => host("limit", "depth"), pow, spread, objectCopy,
    seq, sne, eq, ne, lt, gt, le, ge, caseTest, comparator,
  });

  // JSON.parse with every value frozen (the reviver visits them all), natively where the engine
  // offers it (jsvm-engine's quickjs/parse_frozen.rs).
  const nativeParseFrozen = take("__jsvm_parse_frozen");
  const parseFrozen =
    typeof nativeParseFrozen === "function" ? nativeParseFrozen : (text) => parse(text, (_, value) => freeze(value));

  // `block` and `tx` describe the current run; the realm outlives runs, so they are
  // read through accessors fixed here, before the engine freezes the realm.
  let currentBlock = null;
  let currentTx = null;
  Object.defineProperty(g, "block", { get: function block() { return currentBlock; }, enumerable: false, configurable: false });
  Object.defineProperty(g, "tx", { get: function tx() { return currentTx; }, enumerable: false, configurable: false });

  // Size-priced built-ins, once per realm (the benchmark's unmetered baseline is this
  // prelude without this line: crates/jsvm-bench/src/baseline.rs).
  meterBuiltins();

  // A method's return value as IOST turns it into a string.
  function resultString(r) {
    switch (typeof r) {
      case "string": return r;
      case "undefined": return "";
      case "number": case "boolean": case "bigint": return String(r);
      case "symbol": case "function": return "";
      default: {
        const s = stringify(r);
        return s === undefined ? "" : s;
      }
    }
  }

  // The meter's charge ran past the limit: the run ends, and the log says where it was.
  // Finding that out can itself fail (no memory, no stack left): a resource error ends the
  // run there (errors.js), anything else leaves the place out; never is it catchable.
  function outOfGas() {
    let at = "";
    try {
      at = errors.where();
    } catch (e) {
      errors.caught(e);
    }
    rawHost("outOfGas", gasUsed(), at);
  }

  // The entry the engine calls: (contract factory, method, JSON args, JSON context).
  // The factory is the prepared contract: (gas limit, out-of-gas, VM helpers) =>
  // [module function, gas read-out, charge]. The final gas is reported to the host however the call ends
  // (an out-of-gas abort skips this, and charges the whole limit anyway).
  g.__jsvm_invoke = function (factory, method, argsJson, contextJson) {
    // Frozen through and through (the reviver sees every nested value): `block` and `tx` are read-only.
    const context = parseFrozen(contextJson);
    // Read by index, not destructured (which walks the array through the iterator protocol).
    const made = factory(context.gasLimit, outOfGas, vmHelpers);
    const moduleFunction = made[0];
    gasUsed = made[1];
    charge = made[2];
    currentBlock = context.block;
    currentTx = context.tx;
    seedRandom(context.random, context.randomGas);
    try {
      const module = { exports: {} };
      apply(moduleFunction, module.exports, [module, module.exports, require]);
      const Contract = module.exports;
      if (typeof Contract !== "function") throw new TypeError("module.exports is not a class");
      const instance = new Contract();
      const fn = instance[method];
      if (typeof fn !== "function") throw new TypeError("method " + method + " is not a function");
      return resultString(apply(fn, instance, parse(argsJson)));
    } catch (e) {
      // The receipt's text is made here, inside the metered run: turning a thrown value
      // into text can run contract code (toString, a getter). The host ends the run with
      // it, uncatchably.
      const thrown = errors.caught(e);
      let text;
      try {
        text = errors.describe(thrown);
      } catch (inner) {
        errors.caught(inner);
        text = "<a value that cannot be printed>";
      }
      host("fail", text, errors.logged(thrown, text));
      throw thrown;
    } finally {
      host("sync");
      // Nothing of this run stays reachable from the realm: the collection after it frees it
      // all, and the next run starts from the same heap whatever this one made.
      gasUsed = noGasUsed;
      charge = noCharge;
      currentBlock = null;
      currentTx = null;
    }
  };
})();
