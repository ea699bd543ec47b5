// Fixed-point decimals with two places, kept as BigInt hundredths.
const PLACES = 2n;
const SCALE = 10n ** PLACES;

function parse(text) {
    const s = String(text);
    const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s);
    if (match === null) {
        throw new Error("not a decimal with at most two places: " + s);
    }
    const cents = BigInt(match[2]) * SCALE + BigInt((match[3] || "").padEnd(2, "0"));
    return match[1] === "-" ? -cents : cents;
}

function format(cents) {
    const negative = cents < 0n;
    const abs = negative ? -cents : cents;
    const whole = abs / SCALE;
    const fraction = String(abs % SCALE).padStart(2, "0");
    return (negative ? "-" : "") + whole + "." + fraction;
}

function percent(cents, pct) {
    return (cents * BigInt(pct)) / 100n;
}

module.exports = { parse, format, percent, SCALE };
