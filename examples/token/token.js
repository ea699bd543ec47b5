// An ERC-20-like token in IOST's contract style.
// Balances live in the map "balances"; only the issuer may mint. Amounts are whole
// numbers below 2^53 (for larger ones, count with Int64 or BigNumber).
function units(text, what) {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new Error(`${what} must be a whole number below 2^53, got ${text}`);
    return value;
}

class Token {
    init() {
        storage.put("issuer", blockchain.publisher());
        storage.put("supply", "0");
    }

    can_update(data) {
        return blockchain.requireAuth(storage.get("issuer"), "active");
    }

    _balance(account) {
        return units(storage.mapGet("balances", account) ?? "0", "balance");
    }

    issue(to, amount) {
        if (!blockchain.requireAuth(storage.get("issuer"), "active")) {
            throw new Error("only the issuer may issue");
        }
        const value = units(amount, "amount");
        const balance = units(this._balance(to) + value, "balance");
        const supply = units(units(storage.get("supply"), "supply") + value, "supply");
        storage.mapPut("balances", to, String(balance));
        storage.put("supply", String(supply));
        blockchain.event(JSON.stringify({ issue: { to, amount } }));
        return String(balance);
    }

    transfer(from, to, amount, memo) {
        if (!blockchain.requireAuth(from, "active")) {
            throw new Error("transfer needs " + from + "@active");
        }
        const value = units(amount, "amount");
        if (value <= 0) throw new Error("amount must be positive");
        const balance = this._balance(from);
        if (balance < value) throw new Error(`balance not enough: ${from} has ${balance}, needs ${value}`);
        storage.mapPut("balances", from, String(balance - value));
        storage.mapPut("balances", to, String(units(this._balance(to) + value, "balance")));
        blockchain.receipt(JSON.stringify({ from, to, amount, memo }));
    }

    balanceOf(account) {
        return String(this._balance(account));
    }

    holders() {
        return storage.mapKeys("balances");
    }
}

module.exports = Token;
