// Ajv with its dependencies is over the 256 KiB a contract may hold; and it compiles each
// schema into JavaScript source evaluated with `new Function`, which a contract cannot do.
const Ajv = require("ajv");

class UsesAjv {
    init() {}
    check() {
        const validate = new Ajv().compile({ type: "object", properties: { n: { type: "integer" } } });
        return validate({ n: 1 });
    }
}
module.exports = UsesAjv;
