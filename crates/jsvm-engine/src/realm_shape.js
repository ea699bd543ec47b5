// Test only (tests.rs, `both_engines_build_the_same_realm`): describes every object a
// contract can reach from the global object and from the intrinsics only syntax reaches,
// one block per object: its path, type, class, whether it is extensible or callable as a
// constructor, its prototype, then each own property (sorted by name, symbols by
// description) with its kind, attributes and value: primitives as they are, objects by
// the path that first reached them. Two realms of the same shape give the same text.
// `skipJson`: paths (e.g. "globalThis.Error.prototype.stack") left out of the walk.
(function (skipJson) {
    "use strict";
    const skipped = new Set(JSON.parse(skipJson || "[]"));
    const ownKeys = Reflect.ownKeys;
    const describeKey = Reflect.getOwnPropertyDescriptor;
    const getProto = Reflect.getPrototypeOf;
    const apply = Reflect.apply;
    const objectToString = Object.prototype.toString;
    function* generator() {}
    const roots = [
        ["globalThis", globalThis],
        ["%GeneratorFunction.prototype%", getProto(generator)],
        ["%GeneratorPrototype%", getProto(generator())],
        ["%IteratorPrototype%", getProto(getProto([][Symbol.iterator]()))],
        ["%ArrayIteratorPrototype%", getProto([][Symbol.iterator]())],
        ["%MapIteratorPrototype%", getProto(new Map()[Symbol.iterator]())],
        ["%SetIteratorPrototype%", getProto(new Set()[Symbol.iterator]())],
        ["%StringIteratorPrototype%", getProto(""[Symbol.iterator]())],
        ["%RegExpStringIteratorPrototype%", getProto(/x/[Symbol.matchAll](""))],
        ["%TypedArray%", getProto(Uint8Array)],
        ["%ThrowTypeError%", describeKey((function () { return arguments; })(), "callee").get],
        ["strict arguments", (function () { return arguments; })(1)],
        ["sloppy arguments", (0, function () { return arguments; })(1)],
    ];
    const paths = new Map();
    const queue = [];
    const keyName = (k) => (typeof k === "symbol" ? "@@" + k.description : k);
    const byName = (a, b) => {
        const x = keyName(a);
        const y = keyName(b);
        return x < y ? -1 : y < x ? 1 : 0;
    };
    const isObject = (v) => v !== null && (typeof v === "object" || typeof v === "function");
    function isConstructor(f) {
        try {
            Reflect.construct(String, [], f);
            return true;
        } catch (e) {
            return false;
        }
    }
    // An object by its path (naming it, and queueing it, the first time); a primitive by
    // its type and value.
    function ref(v, path) {
        if (isObject(v)) {
            if (!paths.has(v)) {
                paths.set(v, path);
                queue.push(v);
            }
            return "<" + paths.get(v) + ">";
        }
        if (typeof v === "symbol") return "symbol(" + v.description + ")";
        if (typeof v === "number" && v === 0 && 1 / v < 0) return "number:-0";
        return typeof v + ":" + String(v);
    }
    for (const [path, o] of roots) ref(o, path);
    // Objects are named by the first path of properties that reaches them; prototypes no
    // property reaches are named once the walk over properties is done.
    const blocks = new Map();
    let prototypesNamed = 0;
    for (let i = 0; i < queue.length || prototypesNamed < queue.length; i++) {
        if (i === queue.length) {
            for (; prototypesNamed < queue.length; prototypesNamed++) {
                const o = queue[prototypesNamed];
                ref(getProto(o), paths.get(o) + ".[[Prototype]]");
            }
            i--;
            continue;
        }
        const o = queue[i];
        const path = paths.get(o);
        const lines = [];
        for (const k of ownKeys(o).slice().sort(byName)) {
            const p = path + "." + keyName(k);
            if (skipped.has(p)) continue;
            const d = describeKey(o, k);
            const attributes = (d.enumerable ? "e" : "-") + (d.configurable ? "c" : "-");
            if ("value" in d) {
                lines.push("  " + keyName(k) + " data " + attributes + (d.writable ? "w" : "-") + " " + ref(d.value, p));
            } else {
                // What the getter gives for the object itself (its type, for an object).
                let reads;
                try {
                    const v = apply(d.get, o, []);
                    reads = isObject(v) ? typeof v : ref(v, "");
                } catch (e) {
                    reads = "throws";
                }
                lines.push("  " + keyName(k) + " accessor " + attributes + " get=" + ref(d.get, p + ".get") +
                           " set=" + ref(d.set, p + ".set") + " reads " + reads);
            }
        }
        let head = path + " " + typeof o + " " + apply(objectToString, o, []) + (Reflect.isExtensible(o) ? " extensible" : "");
        if (typeof o === "function") head += isConstructor(o) ? " constructor" : " function";
        blocks.set(o, [head, lines]);
    }
    const out = [];
    for (const o of queue) {
        const [head, lines] = blocks.get(o);
        out.push(head + " proto=" + ref(getProto(o), ""), ...lines);
    }
    return out.join("\n");
})
