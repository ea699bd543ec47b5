// lodash's `sortBy` reaches `_shortOut.js`, which reads `Date.now` while loading.
const sortBy = require("lodash/sortBy");

class UsesLodashSortBy {
    init() {}
    check() {
        return sortBy([3, 1, 2]);
    }
}
module.exports = UsesLodashSortBy;
