// Point balances, as tiny-decimal fixed-point numbers.
const decimal = require("tiny-decimal");
const accounts = require("./accounts");

function balance(account) {
    return decimal.parse(storage.mapGet("points", account) || "0");
}

function store(account, cents) {
    storage.mapPut("points", account, decimal.format(cents));
}

function credit(account, amount, bonusPercent) {
    const cents = decimal.parse(amount);
    if (cents <= 0) throw new Error("amount must be positive");
    const earned = cents + decimal.percent(cents, bonusPercent);
    accounts.touch(account);
    store(account, balance(account) + earned);
    blockchain.event(JSON.stringify({ earn: { account, points: decimal.format(earned) } }));
    return decimal.format(earned);
}

function debit(account, points) {
    const cents = decimal.parse(points);
    const have = balance(account);
    if (cents <= 0 || cents > have) {
        throw new Error("cannot redeem " + points + ": " + account + " has " + decimal.format(have));
    }
    store(account, have - cents);
    return decimal.format(have - cents);
}

module.exports = { balance, credit, debit, format: decimal.format };
