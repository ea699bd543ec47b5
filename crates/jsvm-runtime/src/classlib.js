// BigNumber, Int64, Float64 and IOSTCrypto (docs/contract-api.md). Thin classes:
// a BigNumber holds its value as a canonical decimal string (the valueOf form)
// and every computation is done exactly by the host (library/decimal/).
// prelude.js calls the installer below with its `host` and `constant`, and
// removes it from the global object; nothing here is reachable before that.
(function () {
  "use strict";
  const g = globalThis;
  const defineProperty = Object.defineProperty;
  const freeze = Object.freeze;
  const create = Object.create;
  // String methods used below, captured before contract code could replace them.
  const apply = Reflect.apply;
  const strSlice = String.prototype.slice;
  const strIndexOf = String.prototype.indexOf;
  const slice = (s, from, to) => apply(strSlice, s, to === undefined ? [from] : [from, to]);
  const isArray = Array.isArray;
  const toStr = String;
  const toNum = Number;
  const is = Object.is;
  const floor = Math.floor;
  const ceil = Math.ceil;
  const isFiniteNumber = Number.isFinite;
  const ErrorCtor = Error;
  const MAX = 1e9;
  const MAX_SAFE_INTEGER = 9007199254740991;
  const ROUND_DOWN = 1;

  g.__jsvm_classlib = function install(host, constant) {
    const V = Symbol("BigNumber value");

    function fail(message) {
      throw new ErrorCtor(message);
    }
    // bignumber.js's argument check for digit counts, rounding modes and bases.
    function intArg(n, min, max, name) {
      if (n < min || n > max || n !== (n < 0 ? ceil(n) : floor(n))) {
        let why;
        if (typeof n !== "number") why = " not a primitive number: ";
        else if (n < min || n > max) why = " out of range: ";
        else why = " not an integer: ";
        fail("[BigNumber Error] " + (name || "Argument") + why + n);
      }
    }
    function roundingMode(rm) {
      if (rm === undefined || rm === null) return ROUND_DOWN;
      intArg(rm, 0, 8);
      return rm;
    }

    // The canonical text of `new BigNumber(n, b)`.
    function textOf(n, b) {
      if (b === undefined || b === null) {
        if (n instanceof BigNumber) return n[V];
        // A JS number's shortest text is already canonical: same digits, same
        // switch to exponent form (at 1e21 and 1e-7), and -0 is the only case to mend.
        if (typeof n === "number") return is(n, -0) ? "-0" : toStr(n);
        return host("num.parse", "" + n);
      }
      intArg(b, 2, 36, "Base");
      if (typeof n === "number") {
        if (!isFiniteNumber(n)) return toStr(n);
        return host("num.parse", is(n, -0) ? "-0" : toStr(n), b);
      }
      return host("num.parse", b === 10 && n instanceof BigNumber ? n[V] : "" + n, b);
    }
    function wrap(text) {
      const x = create(P);
      defineProperty(x, V, { value: text, writable: false, enumerable: false, configurable: false });
      return x;
    }
    function valueOf(x) {
      const v = x === null || x === undefined ? undefined : x[V];
      if (typeof v !== "string") fail("BigNumber method called on an object that is not a BigNumber");
      return v;
    }

    function BigNumber(n, b) {
      if (!(this instanceof BigNumber)) return new BigNumber(n, b);
      defineProperty(this, V, { value: textOf(n, b), writable: false, enumerable: false, configurable: false });
    }
    const P = BigNumber.prototype;
    function method(names, fn) {
      for (const name of names) defineProperty(P, name, { value: fn, writable: false, enumerable: false, configurable: false });
    }
    const binary = (op) => function (y, b) { return wrap(host(op, valueOf(this), textOf(y, b))); };
    const compare = (x, y, b) => host("num.cmp", valueOf(x), textOf(y, b));

    method(["plus"], binary("num.plus"));
    method(["minus"], binary("num.minus"));
    method(["times", "multipliedBy"], binary("num.times"));
    method(["div", "dividedBy"], binary("num.div"));
    method(["idiv", "dividedToIntegerBy"], binary("num.idiv"));
    method(["mod", "modulo"], binary("num.mod"));
    method(["pow", "exponentiatedBy"], function (n, m) {
      const mod = m === undefined || m === null ? undefined : textOf(m);
      return wrap(host("num.pow", valueOf(this), textOf(n), mod));
    });
    method(["sqrt", "squareRoot"], function () { return wrap(host("num.sqrt", valueOf(this))); });
    method(["abs", "absoluteValue"], function () {
      const v = valueOf(this);
      return v[0] === "-" ? wrap(slice(v, 1)) : wrap(v);
    });
    method(["negated"], function () {
      const v = valueOf(this);
      if (v === "NaN") return wrap(v);
      return wrap(v[0] === "-" ? slice(v, 1) : "-" + v);
    });
    method(["comparedTo"], function (y, b) { return compare(this, y, b); });
    method(["eq", "isEqualTo"], function (y, b) { return compare(this, y, b) === 0; });
    method(["gt", "isGreaterThan"], function (y, b) { return compare(this, y, b) === 1; });
    method(["gte", "isGreaterThanOrEqualTo"], function (y, b) { const c = compare(this, y, b); return c === 1 || c === 0; });
    method(["lt", "isLessThan"], function (y, b) { return compare(this, y, b) === -1; });
    method(["lte", "isLessThanOrEqualTo"], function (y, b) { const c = compare(this, y, b); return c === -1 || c === 0; });
    method(["isFinite"], function () { const v = valueOf(this); return v !== "NaN" && v !== "Infinity" && v !== "-Infinity"; });
    method(["isNaN"], function () { return valueOf(this) === "NaN"; });
    method(["isNegative"], function () { return valueOf(this)[0] === "-"; });
    method(["isPositive"], function () { const v = valueOf(this); return v !== "NaN" && v[0] !== "-"; });
    method(["isZero"], function () { const v = valueOf(this); return v === "0" || v === "-0"; });
    method(["isInteger"], function () { return host("num.isInteger", valueOf(this)); });
    method(["decimalPlaces", "dp"], function (dp, rm) {
      const v = valueOf(this);
      if (dp === undefined || dp === null) return host("num.dp", v);
      intArg(dp, 0, MAX);
      return wrap(host("num.round", v, dp, roundingMode(rm)));
    });
    method(["precision", "sd"], function (sd, rm) {
      const v = valueOf(this);
      if (sd !== undefined && sd !== null && sd !== !!sd) {
        intArg(sd, 1, MAX);
        return wrap(host("num.precision", v, sd, roundingMode(rm)));
      }
      return host("num.precision", v, sd === true);
    });
    method(["integerValue"], function (rm) { return wrap(host("num.round", valueOf(this), 0, roundingMode(rm))); });
    method(["shiftedBy"], function (k) {
      intArg(k, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER);
      return wrap(host("num.shift", valueOf(this), k));
    });
    function format(x, kind, digits, rm, min) {
      const v = valueOf(x);
      // bignumber.js checks the digit count first, then the rounding mode.
      if (digits !== undefined && digits !== null) intArg(digits, min, MAX);
      else digits = undefined;
      return host("num.format", v, kind, digits, roundingMode(rm));
    }
    method(["toFixed"], function (dp, rm) { return format(this, "fixed", dp, rm, 0); });
    method(["toExponential"], function (dp, rm) { return format(this, "exponential", dp, rm, 0); });
    method(["toPrecision"], function (sd, rm) { return format(this, "precision", sd, rm, 1); });
    method(["toFormat"], function (dp, rm) {
      const s = format(this, "fixed", dp, rm, 0);
      const v = valueOf(this);
      if (v === "NaN" || v === "Infinity" || v === "-Infinity") return s;
      const neg = s[0] === "-";
      const body = neg ? slice(s, 1) : s;
      const point = apply(strIndexOf, body, ["."]);
      const int = point < 0 ? body : slice(body, 0, point);
      let grouped = slice(int, 0, int.length % 3 || 3);
      for (let i = int.length % 3 || 3; i < int.length; i += 3) grouped += "," + slice(int, i, i + 3);
      return (neg ? "-" : "") + grouped + (point < 0 ? "" : slice(body, point));
    });
    method(["toString"], function (b) {
      const v = valueOf(this);
      if (b === undefined || b === null) return v === "-0" ? "0" : v;
      intArg(b, 2, 36, "Base");
      return host("num.format", v, "base", b, ROUND_DOWN);
    });
    method(["valueOf", "toJSON"], function () { return valueOf(this); });
    method(["toNumber"], function () { return toNum(valueOf(this)); });
    defineProperty(P, "_isBigNumber", { value: true, writable: false, enumerable: false, configurable: false });

    function isBigNumber(v) {
      return v instanceof BigNumber || (!!v && v._isBigNumber === true);
    }
    function extreme(args, wanted) {
      if (isArray(args[0])) args = args[0];
      let m = new BigNumber(args[0]);
      for (let i = 1; i < args.length; i++) {
        const n = new BigNumber(args[i]);
        if (n.isNaN()) return n;
        if (compare(m, n) === wanted) m = n;
      }
      return m;
    }
    const statics = {
      isBigNumber,
      max(...args) { return extreme(args, -1); },
      min(...args) { return extreme(args, 1); },
    };
    for (const [name, fn] of [["isBigNumber", statics.isBigNumber], ["max", statics.max], ["maximum", statics.max],
                              ["min", statics.min], ["minimum", statics.min]]) {
      defineProperty(BigNumber, name, { value: fn, writable: false, enumerable: false, configurable: false });
    }
    freeze(P);
    freeze(BigNumber);

    // Int64 and Float64: a BigNumber in `number`, held to IOST's int64 range (and,
    // for Int64, to integers) after every operation, with IOST's messages.
    function boundedClass(kind, argName, intDivision) {
      const Bounded = {
        [kind]: class {
          constructor(n, base) {
            const number = new BigNumber(n, base);
            host("num.check", number[V], kind);
            this.number = number;
          }
        },
      }[kind];
      const B = Bounded.prototype;
      function operand(self, arg) {
        if (arg === undefined || arg === null) fail(argName + " argument: " + arg + " is empty");
        if (!(arg instanceof Bounded) || arg.constructor !== self.constructor) return new self.constructor(arg);
        host("num.check", valueOf(arg.number), kind);
        return arg;
      }
      function def(name, fn) {
        defineProperty(B, name, { value: fn, writable: true, enumerable: false, configurable: true });
      }
      const arith = (name, op) => def(name, function (n) {
        const arg = operand(this, n);
        return new this.constructor(wrap(host(op, valueOf(this.number), valueOf(arg.number))));
      });
      arith("plus", "num.plus");
      arith("minus", "num.minus");
      arith("multi", "num.times");
      arith("div", intDivision ? "num.idiv" : "num.div");
      arith("mod", "num.mod");
      def("pow", function (n) {
        const arg = operand(this, n);
        return new this.constructor(wrap(host("num.pow", valueOf(this.number), valueOf(arg.number), undefined)));
      });
      if (intDivision) {
        def("shift", function (n) { return new this.constructor(this.number.shiftedBy(n)); });
      }
      const cmp = (name, test) => def(name, function (n) {
        const arg = operand(this, n);
        return test(host("num.cmp", valueOf(this.number), valueOf(arg.number)));
      });
      cmp("eq", (c) => c === 0);
      cmp("gt", (c) => c === 1);
      cmp("gte", (c) => c === 1 || c === 0);
      cmp("lt", (c) => c === -1);
      cmp("lte", (c) => c === -1 || c === 0);
      def("negated", function () { return new this.constructor(this.number.negated()); });
      def("isZero", function () { return this.number.isZero(); });
      def("isPositive", function () { return this.number.isPositive(); });
      def("isNegative", function () { return this.number.isNegative(); });
      def("toString", function () { return this.number.toString(); });
      def("toFixed", function (n) { return this.number.toFixed(n); });
      def("toJSON", function () { return this.number.toJSON(); });
      freeze(B);
      freeze(Bounded);
      return Bounded;
    }
    const Int64 = boundedClass("Int64", "Int64", true);
    const Float64 = boundedClass("Float64", "float64", false);

    // IOSTCrypto: argument checks and messages as IOST's natives have them.
    function hashFn(name) {
      const tag = "IOSTCrypto_" + name;
      return {
        [name](...args) {
          if (args.length !== 1) fail(tag + " invalid argument length.");
          if (typeof args[0] !== "string") fail(tag + " msg must be string.");
          return host("crypto." + name, args[0]);
        },
      }[name];
    }
    const IOSTCrypto = freeze({
      sha3: hashFn("sha3"),
      sha3Hex: hashFn("sha3Hex"),
      ripemd160Hex: hashFn("ripemd160Hex"),
      verify(...args) {
        if (args.length !== 4) fail("IOSTCrypto_verify invalid argument length.");
        const names = ["algo", "msg", "sig", "pubkey"];
        for (let i = 0; i < 4; i++) {
          if (typeof args[i] !== "string") fail("IOSTCrypto_verify " + names[i] + " must be string.");
        }
        return host("crypto.verify", args[0], args[1], args[2], args[3]);
      },
    });

    constant("BigNumber", BigNumber);
    constant("Int64", Int64);
    constant("Float64", Float64);
    constant("IOSTCrypto", IOSTCrypto);
    // IOST's bounds, as BigNumbers (built without a host call: the text is canonical).
    constant("MaxInt64", wrap("9223372036854775807"));
    constant("MinInt64", wrap("-9223372036854775808"));
    constant("MaxFloat64", wrap("9223372036854775807"));
    constant("MinFloat64", wrap("-9223372036854775808"));
  };
})();
