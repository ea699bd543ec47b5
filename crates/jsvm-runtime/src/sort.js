// Sorting with one algorithm on every engine. Engines call a comparator in different
// orders and different numbers of times (QuickJS and V8 use different algorithms), and
// every call runs metered contract code that may have side effects, so a result and its
// gas would depend on the engine. Array.prototype.sort, toSorted and their typed-array
// kin therefore run this stable merge sort whenever contract code can run during the
// sort: with a comparator, or with elements whose string form is contract code
// (objects). Primitives without a comparator sort natively (no contract code runs, and
// a stable sort of a total order has one result).
//
// prelude.js calls the installer below and removes it from the global object.
(function () {
  "use strict";
  const g = globalThis;
  const apply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const getPrototypeOf = Object.getPrototypeOf;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const toObject = Object;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const WeakMapCtor = WeakMap;
  const weakGet = WeakMap.prototype.get;
  const weakSet = WeakMap.prototype.set;
  const nativeSort = Array.prototype.sort;
  const ArrayCtor = Array;
  // ToLength's cap, and the longest array.
  const MAX_LENGTH = 9007199254740991;
  const MAX_ARRAY_LENGTH = 4294967295;
  // Elements sorted by insertion before merging, and comparator calls paid at a time.
  const RUN = 8;
  const BATCH = 64;
  // The same algorithm done natively, where the engine provides it (QuickJS: its
  // interpreter runs this file's version several times slower than its own sort).
  const nativeMergeSort = typeof g.__jsvm_merge_sort === "function" ? g.__jsvm_merge_sort : null;
  delete g.__jsvm_merge_sort;

  g.__jsvm_sort = function install(getCharge) {
    // Comparators written inline (`a.sort((x, y) => …)`) come wrapped by the compile stage
    // (meter.rs, `__jsvm_cmp`): the wrapper pays the arrow's entry charge on each call, and
    // is registered here with the arrow and that charge, so that a sort can call the arrow
    // itself and pay for its calls together.
    const brands = new WeakMapCtor();
    function brand(wrapper, arrow, cost) {
      apply(weakSet, brands, [wrapper, { arrow, cost }]);
    }

    function lengthOf(o) {
      const n = +o.length;
      if (!(n > 0)) return 0;
      return n >= MAX_LENGTH ? MAX_LENGTH : n - (n % 1);
    }

    // The spec's SortCompare without a comparator: the string forms, compared by code units.
    function defaultCompare(x, y) {
      const a = `${x}`;
      const b = `${y}`;
      return a < b ? -1 : b < a ? 1 : 0;
    }

    // Sorts `items` (no undefined among them) in place. `compare(x, y)` is called in the
    // same order on every engine; its result is converted to a number once per call.
    // `cost` > 0: `compare` is a registered arrow whose calls are paid here, counted as
    // they start (as its own entry charge would be) and paid BATCH at a time, the rest
    // however the sort ends.
    function mergeSort(items, compare, cost) {
      if (nativeMergeSort !== null) {
        nativeMergeSort(items, compare, cost, cost > 0 ? getCharge() : null);
        return items;
      }
      const n = items.length;
      const charge = cost > 0 ? getCharge() : null;
      const counting = charge !== null;
      let unpaid = 0;
      try {
        for (let lo = 0; lo < n; lo += RUN) {
          const hi = lo + RUN < n ? lo + RUN : n;
          for (let i = lo + 1; i < hi; i++) {
            const x = items[i];
            let j = i - 1;
            while (j >= lo) {
              if (counting && ++unpaid === BATCH) {
                unpaid = 0;
                charge(BATCH * cost);
              }
              const v = +compare(items[j], x);
              if (!(v > 0)) break;
              items[j + 1] = items[j];
              j--;
            }
            items[j + 1] = x;
          }
        }
        let src = items;
        let dst = new ArrayCtor(n);
        for (let width = RUN; width < n; width *= 2) {
          for (let lo = 0; lo < n; lo += 2 * width) {
            const mid = lo + width < n ? lo + width : n;
            const hi = lo + 2 * width < n ? lo + 2 * width : n;
            let i = lo;
            let j = mid;
            let k = lo;
            while (i < mid && j < hi) {
              if (counting && ++unpaid === BATCH) {
                unpaid = 0;
                charge(BATCH * cost);
              }
              const v = +compare(src[j], src[i]);
              if (v < 0) dst[k++] = src[j++];
              else dst[k++] = src[i++];
            }
            while (i < mid) dst[k++] = src[i++];
            while (j < hi) dst[k++] = src[j++];
          }
          const t = src;
          src = dst;
          dst = t;
        }
        if (src !== items) {
          for (let i = 0; i < n; i++) items[i] = src[i];
        }
      } finally {
        if (counting && unpaid > 0) charge(unpaid * cost);
      }
      return items;
    }

    function isObjectLike(v) {
      return (typeof v === "object" && v !== null) || typeof v === "function";
    }

    // The spec's SortIndexedProperties followed by the sort: `values` are the present
    // elements; undefined ones go last without a comparison.
    function sortValues(values, comparefn) {
      const items = [];
      let undefineds = 0;
      let objects = false;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === undefined) undefineds++;
        else {
          if (isObjectLike(v)) objects = true;
          items[items.length] = v;
        }
      }
      if (comparefn === undefined) {
        if (objects) mergeSort(items, defaultCompare, 0);
        else apply(nativeSort, items, []);
      } else {
        const branded = apply(weakGet, brands, [comparefn]);
        if (branded !== undefined) mergeSort(items, branded.arrow, branded.cost);
        else mergeSort(items, comparefn, 0);
      }
      for (let i = 0; i < undefineds; i++) items[items.length] = undefined;
      return items;
    }

    function objectOf(that) {
      if (that === undefined || that === null) throw new TypeErrorCtor("cannot convert undefined or null to object");
      return toObject(that);
    }

    function checkComparator(comparefn) {
      if (comparefn !== undefined && typeof comparefn !== "function") {
        throw new TypeErrorCtor("The comparison function must be either a function or undefined");
      }
    }

    const methods = {
      sort(comparefn) {
        checkComparator(comparefn);
        const o = objectOf(this);
        const len = lengthOf(o);
        const values = [];
        for (let k = 0; k < len; k++) {
          if (k in o) values[values.length] = o[k];
        }
        const sorted = sortValues(values, comparefn);
        let k = 0;
        for (; k < sorted.length; k++) o[k] = sorted[k];
        for (; k < len; k++) {
          if (!delete o[k]) throw new TypeErrorCtor("Cannot delete property '" + k + "' of the array");
        }
        return o;
      },
      toSorted(comparefn) {
        checkComparator(comparefn);
        const o = objectOf(this);
        const len = lengthOf(o);
        if (len > MAX_ARRAY_LENGTH) throw new RangeErrorCtor("Invalid array length");
        const values = [];
        for (let k = 0; k < len; k++) values[k] = o[k];
        return sortValues(values, comparefn);
      },
    };
    // Typed arrays hold numbers only: without a comparator no contract code runs.
    const typedMethods = {
      sort(comparefn) {
        checkComparator(comparefn);
        if (comparefn === undefined) return apply(typedSort, this, []);
        const len = this.length;
        const values = [];
        for (let k = 0; k < len; k++) values[k] = this[k];
        const sorted = sortValues(values, comparefn);
        for (let k = 0; k < sorted.length && k < this.length; k++) this[k] = sorted[k];
        return this;
      },
      toSorted(comparefn) {
        checkComparator(comparefn);
        // ValidateTypedArray, then a new array of the same type (not the species: the
        // specification's TypedArrayCreateSameType).
        const len = apply(typedLength, this, []);
        const Same = typedConstructors[apply(typedName, this, [])];
        const copy = new Same(len);
        for (let k = 0; k < len; k++) copy[k] = this[k];
        return apply(typedMethods.sort, copy, [comparefn]);
      },
    };

    // Each method gets the built-in's name and length (1).
    function define(owner, name, impl) {
      defineProperty(impl, "name", { value: name, configurable: true });
      defineProperty(impl, "length", { value: 1, configurable: true });
      defineProperty(owner, name, { value: impl, writable: true, enumerable: false, configurable: true });
    }
    const TypedArrayPrototype = getPrototypeOf(Int8Array.prototype);
    const typedSort = TypedArrayPrototype.sort;
    const typedLength = getOwnPropertyDescriptor(TypedArrayPrototype, "length").get;
    const typedName = getOwnPropertyDescriptor(TypedArrayPrototype, g.Symbol.toStringTag).get;
    const typedConstructors = {};
    for (const C of [g.Int8Array, g.Uint8Array, g.Uint8ClampedArray, g.Int16Array, g.Uint16Array, g.Int32Array,
                     g.Uint32Array, g.Float32Array, g.Float64Array]) {
      typedConstructors[C.name] = C;
    }
    define(ArrayCtor.prototype, "sort", methods.sort);
    define(TypedArrayPrototype, "sort", typedMethods.sort);
    // toSorted (ES2023) is defined here on every engine (the lockdown removes an engine's
    // own, which V8 10.2 lacks), with its entry in Array.prototype[@@unscopables].
    define(ArrayCtor.prototype, "toSorted", methods.toSorted);
    define(TypedArrayPrototype, "toSorted", typedMethods.toSorted);
    ArrayCtor.prototype[g.Symbol.unscopables].toSorted = true;
    return brand;
  };
})();
