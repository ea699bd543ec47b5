const { keccak256, sha3_256 } = require("js-sha3");

class UsesSha3 {
    init() {}
    check() {
        // "68656c6c6f" is "hello" in hex: the package agrees with the built-in IOSTCrypto.
        return [keccak256("hello"), sha3_256("hello"), sha3_256("hello") === IOSTCrypto.sha3Hex("68656c6c6f")];
    }
}
module.exports = UsesSha3;
