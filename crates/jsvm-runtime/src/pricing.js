// Built-ins whose work grows with their input, priced by that input before they run
// (docs/gas.md, "Built-ins charged by size"). Each wrapper converts what the built-in would
// convert (the receiver to text, a separator, a count) once, prices the converted values and
// hands the built-in those, so that it can do no more work than was charged: nothing the
// contract wrote (a `length` getter, a `toString`) runs between the pricing and the work.
//
// prelude.js calls the installer below and removes it from the global object; it returns
// `meterBuiltins`, which the prelude calls once per realm (the benchmark's unmetered
// baseline is the prelude without that call: jsvm-test-util's baseline.rs).
(function () {
  "use strict";
  const g = globalThis;

  // `method(owner, name, fn, length)` defines a built-in-like method (prelude.js);
  // `charge(n)` adds n gas to the current run; `checkPattern(text, flags)` is regexp.js's.
  g.__jsvm_pricing_install = function install(method, charge, checkPattern) {
    // Everything a price uses is captured here, before contract code could replace it.
    const apply = Reflect.apply;
    const construct = Reflect.construct;
    const defineProperty = Object.defineProperty;
    const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
    const getPrototypeOf = Object.getPrototypeOf;
    const setPrototypeOf = Object.setPrototypeOf;
    const isArray = Array.isArray;
    const CheckedRegExp = RegExp; // regexp.js's, installed before this file
    // The unpriced originals, for the wrappers' own argument lists.
    const slice = Array.prototype.slice;
    const rest = (args) => apply(slice, args, [1]);
    const arrayFrom = Array.from;
    const floor = Math.floor;
    const log2 = Math.log2;
    const max = Math.max;
    const min = Math.min;
    const S = String.prototype;
    const A = Array.prototype;
    const T = getPrototypeOf(Int8Array.prototype);
    const getter = (owner, name) => getOwnPropertyDescriptor(owner, name).get;
    const typedLength = getter(T, "length");
    const setSize = getter(Set.prototype, "size");
    const mapSize = getter(Map.prototype, "size");
    const bufferLength = getter(ArrayBuffer.prototype, "byteLength");
    const elementType = getter(T, Symbol.toStringTag);

    // Unit prices, in gas per unit, calibrated so that none takes more than about three
    // times a plain loop's time per gas (docs/gas.md gives the measurements).
    const TEXT = 1 / 8; // a character copied, converted or compared (a substring search compares at each position)
    const INDEX = 8; // an index of an array or array-like walked by a built-in (a hole is a property lookup)
    const COMPARE = 4; // (in TEXT units) a character compared by a substring search after the first
    const LOCALE = 32; // an element turned into text by its own `toLocaleString`
    const SORT = 1 / 8; // a step of a sort (n × log2(n) of them; a comparator pays as code)
    const RESULT = 1 / 8; // an element of a result charged after it was built (keys, JSON text)
    const URI = 2; // a character encoded or decoded by the URI and escape functions
    const STEP = 16; // a step of an engine's own iterator (a Set's, a Map's, a string's)
    const ENTRY = 64; // an element added to a Set or WeakSet
    const PAIR = 128; // an entry added to a Map, WeakMap or object: a [key, value] pair read through its own iterator
    const TYPED = 1 / 16; // an element of a typed array zeroed, filled, copied or compared as it is
    const CONVERT = 4; // an element of a typed array converted to another element type
    const BYTE = 1 / 256; // a byte of an ArrayBuffer zeroed or copied
    const CASE = 1 / 2; // a character whose case is changed (the engine looks each one up)
    const PART = 2; // a part a string `split` cuts out (each is a new string in the result array)
    const JSON_TEXT = 1; // a character of JSON parsed into values or written from them
    const TYPED_SORT = 1 / 2; // a step of a typed array's own sort (n × log2(n) of them)
    const MATCH = 64; // one run of a regular expression's matcher (each `exec`, and each match a global
    // `replace`, `split` or `matchAll` makes, calls `exec` again): setting it up, whatever the input's length

    // `n` units at `price` gas each, plus one, charged before the work.
    function pay(n, price) {
      charge(n > 0 ? floor(n * price) + 1 : 1);
    }
    // What an intrinsic getter answers for `x`, or -1 where `x` is not its kind.
    function measure(get, x) {
      try {
        return apply(get, x, []);
      } catch (e) {
        return -1;
      }
    }
    // The length an Array method works on: read here, once. An array's is data; an
    // array-like's must be too (a getter would answer the built-in differently), and
    // a non-number would run `valueOf` twice.
    function lengthOf(x) {
      if (isArray(x) || typeof x === "string") return x.length;
      if (x === null || x === undefined || (typeof x !== "object" && typeof x !== "function")) return 0;
      const typed = measure(typedLength, x);
      if (typed >= 0) return typed;
      for (let o = x; o !== null; o = getPrototypeOf(o)) {
        const d = getOwnPropertyDescriptor(o, "length");
        if (d === undefined) continue;
        if (!("value" in d) || (d.value !== null && (typeof d.value === "object" || typeof d.value === "function"))) {
          throw new TypeError("an array method's receiver must have a data length (docs/gas.md)");
        }
        const n = +d.value;
        return n > 0 ? floor(n) : 0;
      }
      return 0;
    }
    // A collection's or iterable's size where it is known without running code; -1 where not.
    function sizeOf(x) {
      if (typeof x === "string" || isArray(x)) return x.length;
      if (x === null || typeof x !== "object") return -1;
      const known = max(measure(typedLength, x), measure(setSize, x), measure(mapSize, x));
      return known;
    }
    // The source a constructor or `from` works on: one whose size is known, or else its
    // elements gathered here into an array (the iteration runs once; an iterator written in
    // JS pays for its steps as code, the array's length is paid for below).
    function sized(source) {
      if (source === undefined || source === null || sizeOf(source) >= 0) return source;
      if (typeof source !== "object" || source[Symbol.iterator] === undefined) return source;
      const gathered = apply(arrayFrom, undefined, [source]);
      pay(gathered.length, STEP);
      return gathered;
    }
    function text(receiver, name) {
      if (receiver === undefined || receiver === null) {
        throw new TypeError("String.prototype." + name + " called on null or undefined");
      }
      return `${receiver}`;
    }
    const optionalText = (x) => (x === undefined ? x : `${x}`);
    const optionalNumber = (x) => (x === undefined ? x : +x);
    const isObject = (x) => x !== null && (typeof x === "object" || typeof x === "function");
    // The spec's IsRegExp.
    function isRegExp(x) {
      if (!isObject(x)) return false;
      const matcher = x[Symbol.match];
      return matcher !== undefined ? !!matcher : x instanceof CheckedRegExp;
    }
    // A substring search of `needle` in `haystack` characters, as the engines do it: a
    // compare at each position, each up to the needle's length.
    // The first character is found by a scan, each further one compared at every position.
    const search = (haystack, needle) => haystack + needle + max(0, haystack - needle + 1) * max(0, needle - 1) * COMPARE;

    // Wraps `owner[name]`: `prepare(receiver, args)` returns the converted [receiver, args]
    // and the units to pay at `price`, or a function to call instead (a regex's own method).
    // `afterPrice` (default `price`) prices what `after(result)` counts.
    function wrap(owner, name, prepare, price, after, afterPrice = price) {
      const original = owner[name];
      if (typeof original !== "function") return;
      const wrapper = {
        [name](...args) {
          // Read by index, not destructured: destructuring walks the array through the
          // iterator protocol, on every call of every priced built-in.
          const prepared = prepare(this, args);
          const delegate = prepared[3];
          if (delegate !== undefined) return delegate();
          pay(prepared[2], price);
          const result = apply(original, prepared[0], prepared[1]);
          if (after !== undefined) pay(after(result), afterPrice);
          return result;
        },
      }[name];
      method(owner, name, wrapper, original.length);
    }
    // A String method whose arguments are converted by `kinds` ("s": text, "n": number).
    function stringMethod(name, kinds, units, after, price = TEXT) {
      wrap(S, name, (t, a) => {
        const s = text(t, name);
        const args = [];
        for (let i = 0; i < a.length; i++) {
          const kind = kinds[i];
          args[i] = kind === "s" ? (isRegExp(a[i]) ? a[i] : optionalText(a[i])) : kind === "n" ? optionalNumber(a[i]) : a[i];
        }
        return [s, args, units(s.length, args)];
      }, price, after);
    }
    const plain = (n) => n;
    const plusText = (n, a) => n + (typeof a[0] === "string" ? a[0].length : 0);
    const searched = (n, a) => search(n, typeof a[0] === "string" ? a[0].length : 0);
    const resultLength = (r) => (typeof r === "string" || isArray(r) ? r.length : 0);
    // The String methods that take a pattern: a regex-like argument's own method does the
    // work (it is priced below, on RegExp.prototype); a string pattern is checked when the
    // method builds a regex from it.
    function patternMethod(name, key, buildsRegex, kinds, units, after, afterPrice) {
      wrap(S, name, (t, a) => {
        if (t === undefined || t === null) text(t, name);
        const pattern = a[0];
        if (pattern !== undefined && pattern !== null) {
          const own = pattern[key];
          if (own !== undefined && own !== null) {
            return [, , , () => apply(own, pattern, [text(t, name), ...rest(a)])];
          }
        }
        const s = text(t, name);
        const args = [pattern === undefined ? undefined : `${pattern}`];
        for (let i = 1; i < a.length; i++) {
          args[i] = kinds[i] === "n" ? optionalNumber(a[i]) : typeof a[i] === "function" ? a[i] : optionalText(a[i]);
        }
        if (buildsRegex) checkPattern(args[0] === undefined ? "" : args[0], name === "matchAll" ? "g" : "");
        return [s, args, units(s.length, args)];
      }, TEXT, after, afterPrice);
    }

    // Replaces the global constructor `name` by one that pays for `prepare(args)`'s units
    // first; the intrinsic stays unreachable (its prototype's `constructor` is the new one).
    function meterConstructor(name, prepare, price) {
      const Intrinsic = g[name];
      const Priced = {
        [name]: function (...args) {
          if (new.target === undefined) return apply(Intrinsic, undefined, args);
          const prepared = prepare(args);
          pay(prepared[1], price);
          return construct(Intrinsic, prepared[0], new.target);
        },
      }[name];
      for (const key of Reflect.ownKeys(Intrinsic)) {
        if (key !== "name" && key !== "prototype") defineProperty(Priced, key, getOwnPropertyDescriptor(Intrinsic, key));
      }
      Priced.prototype = Intrinsic.prototype;
      setPrototypeOf(Priced, getPrototypeOf(Intrinsic));
      defineProperty(Intrinsic.prototype, "constructor", { value: Priced, writable: true, enumerable: false, configurable: true });
      defineProperty(g, name, { value: Priced, writable: true, enumerable: false, configurable: true });
    }

    // The work of copying `source` into a typed array like `target`, in INDEX units: a
    // typed array of the same element type is copied as it is, another converted element by
    // element, an array or array-like read index by index.
    function copied(targetType, source) {
      if (!isObject(source)) return 0;
      const typed = measure(typedLength, source);
      if (typed < 0) return lengthOf(source);
      return typed * ((targetType === measure(elementType, source) ? TYPED : CONVERT) / INDEX);
    }

    // A float typed array filled from an array or array-like gets its values as numbers
    // here, each NaN the canonical one: an arithmetic NaN carries the processor's bits, which
    // V8 would store as they are (the vendored QuickJS canonicalises its own stores; element
    // stores `a[i] = v` are canonicalised by the compile stage, docs/javascript.md).
    const CANONICAL_NAN = NaN;
    const FLOAT = { Float32Array: true, Float64Array: true };
    function canonicalNumbers(source) {
      const n = lengthOf(source);
      const out = [];
      for (let i = 0; i < n; i++) {
        const x = +source[i];
        out[i] = x === x ? x : CANONICAL_NAN;
      }
      return out;
    }
    const floatSource = (type, source) =>
      FLOAT[type] === true && isObject(source) && measure(typedLength, source) < 0 ? canonicalNumbers(source) : source;

    // Installed once per realm, before any contract code runs.
    return function meterBuiltins() {
      stringMethod("repeat", "n", (n, a) => n * (a[0] || 0));
      stringMethod("padStart", "ns", (n, a) => max(n, a[0] || 0));
      stringMethod("padEnd", "ns", (n, a) => max(n, a[0] || 0));
      for (const name of ["indexOf", "lastIndexOf", "includes"]) stringMethod(name, "sn", searched);
      for (const name of ["startsWith", "endsWith"]) stringMethod(name, "sn", plusText);
      stringMethod("localeCompare", "s", plusText);
      for (const name of ["toUpperCase", "toLowerCase", "toLocaleUpperCase", "toLocaleLowerCase"]) {
        stringMethod(name, "", plain, undefined, CASE);
      }
      for (const name of ["trim", "trimStart", "trimEnd"]) stringMethod(name, "", plain);
      for (const name of ["slice", "substring", "substr", "at", "codePointAt"]) stringMethod(name, "nn", plain);
      patternMethod("split", Symbol.split, false, "sn", searched, resultLength, PART);
      patternMethod("replace", Symbol.replace, false, "ss", searched, resultLength);
      patternMethod("replaceAll", Symbol.replace, false, "ss", searched, resultLength);
      patternMethod("match", Symbol.match, true, "", plain);
      patternMethod("matchAll", Symbol.matchAll, true, "", plain);
      patternMethod("search", Symbol.search, true, "", plain);
      wrap(String, "fromCharCode", (t, a) => [t, a, a.length], TEXT);
      wrap(String, "fromCodePoint", (t, a) => [t, a, a.length], TEXT);
      for (const name of ["encodeURI", "encodeURIComponent", "decodeURI", "decodeURIComponent", "escape", "unescape"]) {
        wrap(g, name, (t, a) => {
          const s = `${a[0]}`;
          return [t, [s], s.length];
        }, URI);
      }

      // Arrays: a dense array's walk costs little per element; a sparse one (`Array(2**32-1)`)
      // or an array-like is walked index by index through property lookups.
      const walk = (t, a) => [t, a, lengthOf(t)];
      const sortUnits = (t, a) => {
        const n = lengthOf(t);
        return [t, a, n > 1 ? n * log2(n) : 1];
      };
      wrap(A, "sort", sortUnits, SORT);
      wrap(A, "toSorted", sortUnits, SORT);
      wrap(T, "sort", sortUnits, TYPED_SORT);
      wrap(T, "toSorted", sortUnits, TYPED_SORT);
      wrap(A, "join", (t, a) => {
        const separator = optionalText(a[0]);
        return [t, [separator], lengthOf(t) * (separator === undefined ? 2 : separator.length + 1)];
      }, INDEX, resultLength);
      for (const name of ["toString", "flat"]) wrap(A, name, walk, INDEX, resultLength);
      wrap(A, "toLocaleString", walk, LOCALE, resultLength);
      wrap(A, "concat", (t, a) => {
        let n = lengthOf(t);
        for (let i = 0; i < a.length; i++) n += isObject(a[i]) ? lengthOf(a[i]) : 1;
        return [t, a, n];
      }, INDEX);
      for (const name of ["fill", "splice", "slice", "reverse", "copyWithin", "indexOf", "lastIndexOf", "includes",
                          "flatMap", "map", "filter", "forEach", "reduce", "reduceRight", "some", "every", "find",
                          "findIndex", "findLast", "findLastIndex"]) {
        wrap(A, name, walk, INDEX);
      }
      for (const name of ["shift", "unshift"]) {
        wrap(A, name, (t, a) => [t, a, lengthOf(t) + a.length], INDEX);
      }
      // Array.from walks an array or array-like by index, anything else by its iterator.
      wrap(Array, "from", (t, a) => {
        const source = sized(a[0]);
        const steps = isArray(source) || sizeOf(source) < 0 ? 0 : sizeOf(source);
        return [t, [source, ...rest(a)], steps * (STEP / INDEX) + (steps > 0 ? 0 : lengthOf(source))];
      }, INDEX);
      wrap(Array, "of", (t, a) => [t, a, a.length], INDEX);

      // Typed arrays, priced by the intrinsic length (a subclass may override `length`).
      const typed = (t, a) => [t, a, measure(typedLength, t)];
      for (const name of ["fill", "slice", "map", "filter", "indexOf", "lastIndexOf", "includes", "reverse",
                          "copyWithin", "forEach", "reduce", "reduceRight", "some", "every", "find", "findIndex",
                          "findLast", "findLastIndex"]) {
        wrap(T, name, typed, TYPED);
      }
      wrap(T, "join", (t, a) => {
        const separator = optionalText(a[0]);
        return [t, [separator], measure(typedLength, t) * (separator === undefined ? 2 : separator.length + 1)];
      }, INDEX, resultLength);
      wrap(T, "toString", (t, a) => [t, a, measure(typedLength, t)], INDEX, resultLength);
      wrap(T, "toLocaleString", (t, a) => [t, a, measure(typedLength, t)], LOCALE, resultLength);
      wrap(T, "set", (t, a) => {
        const type = measure(elementType, t);
        return [t, [floatSource(type, a[0]), ...rest(a)], copied(type, a[0])];
      }, INDEX);
      wrap(ArrayBuffer.prototype, "slice", (t, a) => [t, a, measure(bufferLength, t)], BYTE);

      wrap(JSON, "parse", (t, a) => {
        const s = `${a[0]}`;
        return [t, [s, ...rest(a)], s.length];
      }, JSON_TEXT);
      wrap(JSON, "stringify", (t, a) => [t, a, 0], JSON_TEXT, resultLength);
      for (const name of ["keys", "values", "entries", "getOwnPropertyNames", "getOwnPropertySymbols", "assign"]) {
        wrap(Object, name, (t, a) => [t, a, 0], RESULT, resultLength);
      }
      wrap(Object, "fromEntries", (t, a) => {
        const source = sized(a[0]);
        return [t, [source], sizeOf(source)];
      }, PAIR);

      // Constructors that copy their source or zero their memory.
      const collection = (a) => {
        const source = sized(a[0]);
        return [[source], sizeOf(source)];
      };
      for (const name of ["Set", "WeakSet"]) meterConstructor(name, collection, ENTRY);
      for (const name of ["Map", "WeakMap"]) meterConstructor(name, collection, PAIR);
      for (const name of ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
                          "Uint32Array", "Float32Array", "Float64Array"]) {
        meterConstructor(name, (a) => {
          if (!isObject(a[0])) return [a, a[0] === undefined ? 0 : +a[0] * (TYPED / INDEX)];
          if (measure(bufferLength, a[0]) >= 0) return [a, 0];
          const source = sized(a[0]);
          return [[floatSource(name, source), ...rest(a)], copied(name, source)];
        }, INDEX);
      }
      meterConstructor("ArrayBuffer", (a) => [a, +a[0]], BYTE);

      const R = RegExp.prototype;
      // The input's characters at TEXT, plus one run of the matcher (MATCH, in TEXT units).
      const input = (t, a) => {
        const s = `${a[0]}`;
        return [t, [s, ...rest(a)], s.length + MATCH / TEXT];
      };
      wrap(R, "exec", input, TEXT);
      wrap(R, "test", input, TEXT);
      for (const key of [Symbol.split, Symbol.match, Symbol.matchAll, Symbol.search]) wrap(R, key, input, TEXT);
      wrap(R, Symbol.replace, (t, a) => {
        const s = `${a[0]}`;
        const replacement = typeof a[1] === "function" ? a[1] : `${a[1]}`;
        const units = s.length + (typeof replacement === "string" ? replacement.length : 0) + MATCH / TEXT;
        return [t, [s, replacement], units];
      }, TEXT, resultLength);
    };
  };
})();
