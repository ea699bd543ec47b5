class C { init() {} f(a, b = 1, ...c) { return a + b; } }
module.exports = C;