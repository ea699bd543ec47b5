#!/usr/bin/env node
class C { init() {} }
module.exports = C;