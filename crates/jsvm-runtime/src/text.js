// Text the same on every engine: case mapping beyond ASCII comes from the host
// (library/text.rs), since engines map case by their own Unicode versions; ASCII text is
// mapped by the engine (the same everywhere, and cheaper). `normalize` is removed: its
// tables too are each engine's, and there is no host version of them.
//
// prelude.js calls the installer below and removes it from the global object.
(function () {
  "use strict";
  const g = globalThis;

  // `method(owner, name, fn, length)` defines a built-in-like method (prelude.js).
  g.__jsvm_text_install = function install(host, method) {
    const apply = Reflect.apply;
    const S = String.prototype;
    const beyondAscii = /[^\u0000-\u007f]/;
    const test = RegExp.prototype.test;

    // Each keeps the built-in's name and length (0), and its check of `this`.
    function replace(name, op, native) {
      const fn = {
        [name]() {
          if (this === undefined || this === null) throw new TypeError("String.prototype." + name + " called on null or undefined");
          const s = `${this}`;
          return apply(test, beyondAscii, [s]) ? host(op, s) : apply(native, s, []);
        },
      }[name];
      method(S, name, fn, 0);
    }
    replace("toUpperCase", "text.upper", S.toUpperCase);
    replace("toLowerCase", "text.lower", S.toLowerCase);
    replace("toLocaleUpperCase", "text.upper", S.toUpperCase);
    replace("toLocaleLowerCase", "text.lower", S.toLowerCase);
    delete S.normalize;
  };
})();
