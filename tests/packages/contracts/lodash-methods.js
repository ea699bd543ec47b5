// lodash's per-method modules: only what the contract uses is bundled. Not these: the ones that
// reach `_shortOut.js` (`sortBy`, `partial`, `debounce`, …) read `Date.now` while loading, and the
// word and case functions (`camelCase`, `words`, …) build Unicode regular expressions that the
// regex check refuses; the pack refuses both, naming the line (lodash-sortby.js).
const chunk = require("lodash/chunk");
const orderBy = require("lodash/orderBy");
const groupBy = require("lodash/groupBy");
const get = require("lodash/get");
const uniq = require("lodash/uniq");

class UsesLodashMethods {
    init() {}
    check() {
        const people = [{ name: "b", age: 3 }, { name: "a", age: 1 }, { name: "c", age: 3 }];
        return [
            chunk([1, 2, 3, 4, 5], 2),
            orderBy(people, ["age", "name"], ["desc", "asc"]).map((p) => p.name),
            groupBy(people, "age")[3].length,
            get({ a: { b: [{ c: 7 }] } }, "a.b[0].c"),
            uniq([1, 1, 2]),
        ];
    }
}
module.exports = UsesLodashMethods;
