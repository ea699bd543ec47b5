// The class libraries every contract realm gets (docs/contract-api.md).
// Evaluated after the engine's lockdown and before the contract. The one host
// function is captured here, in a closure, and removed from the global object
// by the engine before contract code runs.
(function () {
  "use strict";
  const host = globalThis.__jsvm_host;
  const g = globalThis;
  const freeze = Object.freeze;
  const stringify = JSON.stringify;
  const parse = JSON.parse;

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
  });

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

  // The entry the engine calls: (contract wrapper, method, JSON args, JSON context).
  g.__jsvm_invoke = function (wrapper, method, argsJson, contextJson) {
    const context = parse(contextJson);
    constant("block", freeze(context.block));
    constant("tx", freeze(context.tx));
    const module = { exports: {} };
    wrapper.call(module.exports, module, module.exports, require);
    const Contract = module.exports;
    if (typeof Contract !== "function") throw new TypeError("module.exports is not a class");
    const instance = new Contract();
    const fn = instance[method];
    if (typeof fn !== "function") throw new TypeError("method " + method + " is not a function");
    return resultString(fn.apply(instance, parse(argsJson)));
  };
})();
