// Small helpers shared by the contract's files.
const strings = require("./strings");

exports.checkAccount = function (account) {
    if (!strings.isAccountName(account)) {
        throw new Error("not an account name: " + JSON.stringify(account));
    }
};
