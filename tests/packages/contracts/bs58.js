// bs58 6 is compiled from an ES module: its CommonJS build exports it as `default`.
const bs58 = require("bs58").default;

class UsesBs58 {
    init() {}
    check() {
        const encoded = bs58.encode(Uint8Array.from([0, 0, 1, 2, 3, 255]));
        return [encoded, Array.from(bs58.decode(encoded))];
    }
}
module.exports = UsesBs58;
