// lodash, whole: its main file is over the 256 KiB a contract may hold; its minified build
// fits, but builds Unicode regular expressions while loading that the regex check refuses.
const _ = require("lodash/lodash.min");

class UsesLodash {
    init() {}
    check() {
        return _.chunk([1, 2, 3, 4, 5], 2);
    }
}
module.exports = UsesLodash;
