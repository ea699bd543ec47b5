class C { init() {} f(s) { return /a+(b|c)*/g.test(s) ? s.replace(/x/g, 'y') : `t${s}`; } }
module.exports = C;