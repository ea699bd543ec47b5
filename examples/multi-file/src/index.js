// The contract: loyalty points, earned on purchases and redeemed later.
// Its helpers live in other files; `jsvm pack` puts them in one bundle.
const config = require("../config.json");
const accounts = require("./accounts");
const ledger = require("./ledger");
const { tierFor, bonus } = require("./rules");
const { checkAccount } = require("./util");

class Loyalty {
    init() {
        storage.put("owner", blockchain.publisher());
    }

    /**
     * Credits points for a purchase: the amount plus the account's tier bonus.
     * @param {string} account who bought
     * @param {string} amount the purchase, a decimal like "12.50"
     */
    earn(account, amount) {
        checkAccount(account);
        if (!blockchain.requireAuth(storage.get("owner"), "active")) {
            throw new Error("only the owner may credit points");
        }
        const tier = tierFor(ledger.balance(account));
        const points = ledger.credit(account, amount, bonus(tier));
        return points;
    }

    /**
     * @param {string} account whose points
     * @param {string} points how many, a decimal
     */
    redeem(account, points) {
        checkAccount(account);
        if (!blockchain.requireAuth(account, "active")) {
            throw new Error("redeeming needs " + account + "@active");
        }
        return ledger.debit(account, points);
    }

    /** @param {string} account */
    balanceOf(account) {
        return ledger.format(ledger.balance(account));
    }

    /** @param {string} account */
    tierOf(account) {
        return tierFor(ledger.balance(account)).name;
    }

    members() {
        return accounts.list();
    }

    info() {
        return { name: config.name, version: config.version, tiers: config.tiers.map((t) => t.name) };
    }

    _internal() {
        return "not in the ABI";
    }
}

module.exports = Loyalty;
