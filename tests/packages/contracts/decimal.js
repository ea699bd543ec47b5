const Decimal = require("decimal.js");

class UsesDecimal {
    init() {}
    check() {
        return [
            new Decimal("0.1").plus("0.2").toString(),
            new Decimal(2).pow(100).toFixed(),
            new Decimal(2).sqrt().toSignificantDigits(20).toString(),
        ];
    }
}
module.exports = UsesDecimal;
