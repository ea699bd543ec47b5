// Tier rules: which tier a balance is in, and its bonus.
const tiers = require("./tiers");

exports.tierFor = function (cents) {
    let found = tiers.all[0];
    for (const tier of tiers.all) {
        if (cents >= tier.from) found = tier;
    }
    return found;
};

exports.bonus = (tier) => tier.bonusPercent;
