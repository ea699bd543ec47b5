// Fixed-point decimals with two places, kept as integer hundredths (safe integers).
const PLACES = 2;
const SCALE = 10 ** PLACES;

function parse(text) {
    const s = String(text);
    const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s);
    if (match === null) {
        throw new Error("not a decimal with at most two places: " + s);
    }
    const cents = Number(match[2]) * SCALE + Number((match[3] || "").padEnd(2, "0"));
    if (!Number.isSafeInteger(cents)) {
        throw new Error("too large for a decimal: " + s);
    }
    return match[1] === "-" ? -cents : cents;
}

function format(cents) {
    const negative = cents < 0;
    const abs = negative ? -cents : cents;
    const whole = Math.floor(abs / SCALE);
    const fraction = String(abs % SCALE).padStart(2, "0");
    return (negative ? "-" : "") + whole + "." + fraction;
}

function percent(cents, pct) {
    return Math.trunc((cents * Number(pct)) / 100);
}

module.exports = { parse, format, percent, SCALE };
