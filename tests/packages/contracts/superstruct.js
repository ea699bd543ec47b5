// A validator that works: superstruct checks values with plain functions.
const { object, string, number, min, integer, validate } = require("superstruct");

const Transfer = object({ to: string(), amount: min(integer(), 1) });

class UsesSuperstruct {
    init() {}
    check() {
        const [error] = validate({ to: "bob", amount: 0 }, Transfer);
        const [none, value] = validate({ to: "bob", amount: 5 }, Transfer);
        return [error.path.join("."), error.message, none === undefined, value.amount, typeof number];
    }
}
module.exports = UsesSuperstruct;
