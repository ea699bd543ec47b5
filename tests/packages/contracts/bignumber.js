// bignumber.js (the package, not the built-in BigNumber class, which it shadows here).
const BN = require("bignumber.js");

class UsesBignumber {
    init() {}
    check() {
        return [
            new BN("0.1").plus("0.2").toString(),
            new BN(2).pow(100).toFixed(),
            new BN(1).div(3).toFixed(10),
            BN.random(5).isLessThan(1),
        ];
    }
}
module.exports = UsesBignumber;
