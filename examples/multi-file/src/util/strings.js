// String helpers.
exports.isAccountName = (s) => typeof s === "string" && /^[a-z0-9_]{1,32}$/.test(s);
exports.capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);
