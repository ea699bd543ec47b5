// An ERC-20-like token in IOST's contract style.
// Balances live in the map "balances"; only the issuer may mint.
class Token {
    init() {
        storage.put("issuer", blockchain.publisher());
        storage.put("supply", "0");
    }

    can_update(data) {
        return blockchain.requireAuth(storage.get("issuer"), "active");
    }

    _balance(account) {
        return new Int64(storage.mapGet("balances", account) ?? "0");
    }

    issue(to, amount) {
        if (!blockchain.requireAuth(storage.get("issuer"), "active")) {
            throw new Error("only the issuer may issue");
        }
        const value = new Int64(amount);
        storage.mapPut("balances", to, this._balance(to).plus(value).toString());
        storage.put("supply", new Int64(storage.get("supply")).plus(value).toString());
        blockchain.event(JSON.stringify({ issue: { to, amount } }));
        return this._balance(to).toString();
    }

    transfer(from, to, amount, memo) {
        if (!blockchain.requireAuth(from, "active")) {
            throw new Error("transfer needs " + from + "@active");
        }
        const value = new Int64(amount);
        if (value.lte(0)) throw new Error("amount must be positive");
        const balance = this._balance(from);
        if (balance.lt(value)) throw new Error(`balance not enough: ${from} has ${balance}, needs ${value}`);
        storage.mapPut("balances", from, balance.minus(value).toString());
        storage.mapPut("balances", to, this._balance(to).plus(value).toString());
        blockchain.receipt(JSON.stringify({ from, to, amount, memo }));
    }

    balanceOf(account) {
        return this._balance(account).toString();
    }

    holders() {
        return storage.mapKeys("balances");
    }
}

module.exports = Token;
