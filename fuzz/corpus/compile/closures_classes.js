class A { get x() { return 1; } static y() { return [3, 1, 2].sort((a, b) => a - b); } }
class C { init() {} f() { try { throw new Error('e'); } catch (e) { return `${e.message}${new A().x}` + A.y().join(); } finally { } } }
module.exports = C;