// The tiers of config.json, with their thresholds as fixed-point numbers.
const { tiers } = require("../../config.json");
const decimal = require("tiny-decimal");
const { capitalize } = require("../util/strings");

exports.all = tiers.map((t) => ({
    name: t.name,
    title: capitalize(t.name),
    from: decimal.parse(t.from),
    bonusPercent: t.bonusPercent,
}));
