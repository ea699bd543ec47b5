// Regular expressions built at run time get the check the compile stage gives regex
// literals (docs/gas.md): the global `RegExp` checks its pattern before it builds, and the
// engine's own constructor is left unreachable — not through `/x/.constructor`,
// `RegExp.prototype.constructor`, `Object.getPrototypeOf(RegExp)`, a species getter or a
// subclass — so that no path builds a pattern from text unchecked.
//
// prelude.js calls the installer below and removes it from the global object.
(function () {
  "use strict";
  const g = globalThis;

  // Returns `checkPattern(text, flags)`, the check itself (for the String methods that
  // build a regex from a string: pricing.js).
  g.__jsvm_regexp_install = function install(host) {
    const IntrinsicRegExp = RegExp;
    const construct = Reflect.construct;
    const apply = Reflect.apply;
    const defineProperty = Object.defineProperty;
    const sourceOf = Object.getOwnPropertyDescriptor(IntrinsicRegExp.prototype, "source").get;
    const flagsOf = Object.getOwnPropertyDescriptor(IntrinsicRegExp.prototype, "flags").get;
    const matchKey = Symbol.match;

    function checkPattern(pattern, flags) {
      host("regexCheck", pattern, flags);
    }
    // Whether `x` is a regex the engine built (the `source` getter refuses anything else;
    // RegExp.prototype answers "(?:)", as the spec's reading of its `source` would).
    function isRegExpObject(x) {
      if (x === null || typeof x !== "object") return false;
      try {
        apply(sourceOf, x, []);
        return true;
      } catch (e) {
        return false;
      }
    }
    // The spec's RegExp constructor, with every property it reads read once and turned
    // into text here, so that the text checked is the text built.
    function CheckedRegExp(pattern, flags) {
      const isObject = pattern !== null && typeof pattern === "object";
      const matcher = isObject ? pattern[matchKey] : undefined;
      const real = isRegExpObject(pattern);
      const patternIsRegExp = isObject && (matcher !== undefined ? !!matcher : real);
      if (new.target === undefined && patternIsRegExp && flags === undefined && pattern.constructor === CheckedRegExp) {
        return pattern;
      }
      let source = pattern;
      let givenFlags = flags;
      if (real) {
        source = apply(sourceOf, pattern, []);
        if (flags === undefined) givenFlags = apply(flagsOf, pattern, []);
      } else if (patternIsRegExp) {
        source = pattern.source;
        if (flags === undefined) givenFlags = pattern.flags;
      }
      const text = source === undefined ? "" : `${source}`;
      const flagText = givenFlags === undefined ? "" : `${givenFlags}`;
      checkPattern(text, flagText);
      return construct(IntrinsicRegExp, [text, flagText], new.target || CheckedRegExp);
    }
    CheckedRegExp.prototype = IntrinsicRegExp.prototype;
    defineProperty(CheckedRegExp, "name", { value: "RegExp" });
    defineProperty(CheckedRegExp, "length", { value: 2 });
    // Regexes' `constructor` (and so every species lookup that starts from a regex) is the
    // checked one; it has no species of its own, so the engine's built-ins fall back to their
    // intrinsic constructor with the pattern of a regex that was checked when it was built.
    defineProperty(IntrinsicRegExp.prototype, "constructor", {
      value: CheckedRegExp, writable: true, enumerable: false, configurable: true,
    });
    delete IntrinsicRegExp.prototype.compile; // recompiles a regex in place, unchecked
    defineProperty(g, "RegExp", { value: CheckedRegExp, writable: true, enumerable: false, configurable: true });
    return checkPattern;
  };
})();
