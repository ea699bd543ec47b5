// Numbers the same on every engine: the `Math` functions whose results the language
// leaves to the implementation, the `**` operator (the compile stage turns it into a call
// of `pow` below) and a number's form in a radix other than 10 are computed by the host
// (library/math.rs). The exact functions (abs, floor, sqrt, max, …) stay the engine's.
//
// prelude.js calls the installer below and removes it from the global object.
(function () {
  "use strict";
  const g = globalThis;

  // `method(owner, name, fn, length)` defines a built-in-like method (prelude.js);
  // `charge(n)` adds to the run's gas. Returns `pow` (for `**`) and `seedRandom`.
  g.__jsvm_math_install = function install(host, method, charge) {
    const apply = Reflect.apply;
    const trunc = Math.trunc;
    const numberToString = Number.prototype.toString;
    const thisNumber = Number.prototype.valueOf;

    // Both operands are converted (left first), then the power: `x ** 2` is `x * x`, the
    // rest the host's.
    function pow(base, exponent) {
      const x = +base;
      const y = +exponent;
      if (y === 2) return x * x;
      return host("math.pow", x, y);
    }

    for (const name of ["acos", "acosh", "asin", "asinh", "atan", "atanh", "cbrt", "cos", "cosh", "exp", "expm1",
                        "log", "log1p", "log10", "log2", "sin", "sinh", "tan", "tanh"]) {
      const op = "math." + name;
      method(Math, name, { [name](x) { return host(op, +x); } }[name], 1);
    }
    method(Math, "atan2", { atan2(y, x) { const a = +y; return host("math.atan2", a, +x); } }.atan2, 2);
    method(Math, "pow", { pow(x, y) { return pow(x, y); } }.pow, 2);
    method(Math, "hypot", {
      hypot(...values) {
        const n = [];
        for (let i = 0; i < values.length; i++) n[i] = +values[i];
        return apply(host, undefined, ["math.hypot", ...n]);
      },
    }.hypot, 2);

    method(Number.prototype, "toString", {
      toString(radix) {
        const x = apply(thisNumber, this, []);
        if (radix === undefined) return apply(numberToString, x, []);
        let r = +radix;
        r = r !== r ? 0 : trunc(r);
        // Base 10, the non-finite values and a radix out of range (a RangeError) are the
        // engine's: the same everywhere.
        if (r === 10 || x !== x || x === Infinity || x === -Infinity || r < 2 || r > 36) {
          return apply(numberToString, x, [r]);
        }
        return host("math.radix", x, r);
      },
    }.toString, 1);

    // Math.random: xoshiro128** over four 32-bit words, in 32-bit integer operations
    // alone, so that every engine draws the same sequence. The VM seeds it before each
    // run from the transaction's hash and the run's place in the transaction (jsvm-runtime's
    // random.rs); a run that was given no seed refuses to draw. Predictable by design.
    const imul = Math.imul;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let seeded = false;
    let price = 0;
    function rotl(x, k) {
      return (x << k) | (x >>> (32 - k));
    }
    function next() {
      const result = imul(rotl(imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      return result;
    }
    method(Math, "random", {
      random() {
        if (!seeded) throw new Error("Math.random is not seeded in this run");
        charge(price);
        // 53 random bits (27 from one draw, 26 from the next) over 2^53: exact in a double.
        const high = next() >>> 5;
        const low = next() >>> 6;
        return (high * 67108864 + low) / 9007199254740992;
      },
    }.random, 0);
    // `seed`: the four words (absent: not seeded); `gas`: the price of one draw.
    function seedRandom(seed, gas) {
      seeded = seed !== undefined && seed !== null;
      if (seeded) {
        s0 = seed[0] | 0;
        s1 = seed[1] | 0;
        s2 = seed[2] | 0;
        s3 = seed[3] | 0;
      }
      price = +gas || 0;
    }

    return { pow, seedRandom };
  };
})();
