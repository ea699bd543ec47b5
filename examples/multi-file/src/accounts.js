// Accounts that hold points. Part of a cycle: ledger.js requires this file and this
// file requires ledger.js, so each reads the other's functions at call time.
const ledger = require("./ledger");

exports.touch = function (account) {
    if (!storage.mapHas("members", account)) {
        storage.mapPut("members", account, "1");
    }
};

exports.list = function () {
    return storage.mapKeys("members").map((name) => ({ name, balance: ledger.format(ledger.balance(name)) }));
};
