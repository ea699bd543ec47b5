// A development script, not part of the contract: nothing requires it, so `jsvm pack`
// leaves it out (it could not go in: contracts have no 'fs').
const fs = require("fs");
fs.writeFileSync("seed.json", JSON.stringify({ alice: "10.00" }));
