const Big = require("big.js");

class UsesBig {
    init() {}
    check() {
        return [new Big("0.1").plus("0.2").toString(), new Big(2).pow(100).toFixed(), new Big(1).div(3).toPrecision(10)];
    }
}
module.exports = UsesBig;
