const BN = require("bn.js");

class UsesBn {
    init() {}
    check() {
        const a = new BN("123456789012345678901234567890");
        return [a.mul(a).toString(10), a.toString(16), new BN(2).pow(new BN(100)).toString()];
    }
}
module.exports = UsesBn;
