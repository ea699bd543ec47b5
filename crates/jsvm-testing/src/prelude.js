// jsvm test's globals: the test framework (test/describe/hooks), the chain API over the Rust
// host, and the assertions. Evaluated once per test file, before the file; the value of this
// script is a function of the host function and the file's name that installs the globals
// and returns `run(topLevelError)`, which runs the declared tests and reports each to the host.
(function (hostCall, FILE) {
    "use strict";
    const G = globalThis;

    function host(op, arg) {
        const reply = JSON.parse(hostCall(op, JSON.stringify(arg === undefined ? null : arg)));
        if ("err" in reply) throw new Error(reply.err);
        return reply.ok;
    }

    // ---- values as messages show them ----
    function show(v) {
        if (typeof v === "string") return JSON.stringify(v);
        if (v === undefined) return "undefined";
        if (typeof v === "function") return "[Function " + (v.name || "anonymous") + "]";
        if (typeof v === "bigint") return v + "n";
        if (v instanceof RegExp) return String(v);
        if (v instanceof Error) return v.name + ": " + v.message;
        if (typeof v === "object" && v !== null) {
            try {
                return JSON.stringify(v, (k, x) => (typeof x === "bigint" ? x + "n" : x === undefined ? "<undefined>" : x));
            } catch (e) {
                return Object.prototype.toString.call(v);
            }
        }
        return String(v);
    }

    function deepEqual(a, b) {
        if (Object.is(a, b) || a === b) return true;
        if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
        if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
        if (a instanceof Date) return a.getTime() === b.getTime();
        const ka = Object.keys(a);
        const kb = Object.keys(b);
        if (ka.length !== kb.length) return false;
        return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
    }

    // Whether `actual` has every property `expected` has, recursively (arrays: same length).
    function partialMatch(actual, expected) {
        if (typeof expected !== "object" || expected === null) return deepEqual(actual, expected);
        if (typeof actual !== "object" || actual === null) return false;
        if (Array.isArray(expected)) {
            return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => partialMatch(actual[i], e));
        }
        return Object.keys(expected).every((k) => partialMatch(actual[k], expected[k]));
    }

    // ---- assertions ----
    class AssertionError extends Error {
        constructor(message, details) {
            super(message + (details ? "\n" + details : ""));
            this.name = "AssertionError";
        }
    }
    function failWith(message, expected, actual) {
        throw new AssertionError(message, "expected: " + show(expected) + "\nactual:   " + show(actual));
    }

    function thrown(fn) {
        try {
            fn();
        } catch (e) {
            return { error: e };
        }
        return null;
    }

    function errorMatches(error, expected) {
        const message = error instanceof Error ? error.message : String(error);
        if (expected === undefined) return true;
        if (typeof expected === "string") return message.includes(expected);
        if (expected instanceof RegExp) return expected.test(message);
        if (typeof expected === "function") return error instanceof expected;
        return partialMatch(error, expected);
    }

    function expect(actual) {
        const make = (negated) => {
            const check = (pass, what, expected, withValues = true) => {
                if (pass === negated) {
                    const text = "expect(actual)" + (negated ? ".not" : "") + "." + what;
                    if (withValues) failWith(text, expected, actual);
                    throw new AssertionError(text, "actual: " + show(actual));
                }
            };
            const m = {
                toBe: (e) => check(Object.is(actual, e), "toBe(expected)", e),
                toEqual: (e) => check(deepEqual(actual, e), "toEqual(expected)", e),
                toStrictEqual: (e) => check(deepEqual(actual, e), "toStrictEqual(expected)", e),
                toMatchObject: (e) => check(partialMatch(actual, e), "toMatchObject(expected)", e),
                toBeTruthy: () => check(!!actual, "toBeTruthy()", undefined, false),
                toBeFalsy: () => check(!actual, "toBeFalsy()", undefined, false),
                toBeNull: () => check(actual === null, "toBeNull()", null),
                toBeUndefined: () => check(actual === undefined, "toBeUndefined()", undefined),
                toBeDefined: () => check(actual !== undefined, "toBeDefined()", undefined, false),
                toContain: (e) =>
                    check(
                        typeof actual === "string" ? actual.includes(e) : Array.from(actual || []).some((x) => deepEqual(x, e)),
                        "toContain(expected)",
                        e
                    ),
                toMatch: (e) => check(typeof actual === "string" && (e instanceof RegExp ? e.test(actual) : actual.includes(e)), "toMatch(expected)", e),
                toHaveLength: (n) => check(actual != null && actual.length === n, "toHaveLength(expected)", n),
                toHaveProperty: (k, ...v) =>
                    check(actual != null && k in Object(actual) && (v.length === 0 || deepEqual(actual[k], v[0])), "toHaveProperty(" + show(k) + ")", v[0]),
                toBeGreaterThan: (n) => check(actual > n, "toBeGreaterThan(expected)", n),
                toBeGreaterThanOrEqual: (n) => check(actual >= n, "toBeGreaterThanOrEqual(expected)", n),
                toBeLessThan: (n) => check(actual < n, "toBeLessThan(expected)", n),
                toBeLessThanOrEqual: (n) => check(actual <= n, "toBeLessThanOrEqual(expected)", n),
                toThrow: (e) => {
                    if (typeof actual !== "function") throw new TypeError("expect(fn).toThrow(): fn must be a function");
                    const t = thrown(actual);
                    const pass = t !== null && errorMatches(t.error, e);
                    if (pass === negated) {
                        const got = t === null ? "nothing was thrown" : "thrown: " + show(t.error);
                        throw new AssertionError("expect(fn)" + (negated ? ".not" : "") + ".toThrow(" + (e === undefined ? "" : show(e)) + ")", got);
                    }
                },
                toSucceed: () => expectSuccess(actual),
                toFail: (status, messageIncludes) => expectFailure(actual, status, messageIncludes),
                toEmit: (event) => expectEvent(actual, event),
            };
            return m;
        };
        const matchers = make(false);
        matchers.not = make(true);
        return matchers;
    }

    function isReceipt(r) {
        if (r === null || typeof r !== "object" || typeof r.status !== "string" || !("gas_used" in r)) {
            throw new TypeError("expected a receipt (what call, deploy or transfer return), got " + show(r));
        }
    }

    function expectSuccess(r) {
        isReceipt(r);
        if (r.status !== "SUCCESS") {
            throw new AssertionError("expected the transaction to succeed", "status:  " + r.status + "\nmessage: " + r.message);
        }
        return r;
    }

    function expectFailure(r, status, messageIncludes) {
        isReceipt(r);
        if (r.status === "SUCCESS") throw new AssertionError("expected the transaction to fail, but it succeeded", "returns: " + show(r.returns));
        if (status !== undefined && status !== null) {
            const want = typeof status === "number" ? r.status_code === status : r.status === status;
            if (!want) failWith("expected a failure with status " + status, status, r.status + " (" + r.status_code + "): " + r.message);
        }
        if (messageIncludes !== undefined) {
            const ok = messageIncludes instanceof RegExp ? messageIncludes.test(r.message) : r.message.includes(messageIncludes);
            if (!ok) failWith("expected the failure's message to include", messageIncludes, r.message);
        }
        return r;
    }

    // The first event matching `expected`: a string (the content), an object (matched
    // partially against the parsed content) or a predicate.
    function expectEvent(r, expected) {
        isReceipt(r);
        const found = r.events.find((e) =>
            typeof expected === "function" ? expected(e.data, e) : typeof expected === "string" ? e.content === expected : partialMatch(e.data, expected)
        );
        if (!found) failWith("expected an event matching", expected, r.events.map((e) => e.data));
        return found;
    }

    const assert = (value, message) => assert.ok(value, message);
    assert.ok = (value, message) => {
        if (!value) throw new AssertionError(message || "expected a truthy value", "actual: " + show(value));
    };
    assert.equal = (actual, expected, message) => {
        if (!Object.is(actual, expected) && actual !== expected) failWith(message || "assert.equal", expected, actual);
    };
    assert.notEqual = (actual, expected, message) => {
        if (Object.is(actual, expected) || actual === expected) failWith(message || "assert.notEqual", "anything else", actual);
    };
    assert.deepEqual = (actual, expected, message) => {
        if (!deepEqual(actual, expected)) failWith(message || "assert.deepEqual", expected, actual);
    };
    assert.notDeepEqual = (actual, expected, message) => {
        if (deepEqual(actual, expected)) failWith(message || "assert.notDeepEqual", "anything else", actual);
    };
    assert.match = (actual, re, message) => {
        if (typeof actual !== "string" || !re.test(actual)) failWith(message || "assert.match", re, actual);
    };
    assert.includes = (actual, part, message) => {
        if (!actual || !actual.includes(part)) failWith(message || "assert.includes", part, actual);
    };
    assert.throws = (fn, expected, message) => {
        const t = thrown(fn);
        if (t === null) throw new AssertionError(message || "assert.throws: nothing was thrown");
        if (!errorMatches(t.error, expected)) failWith(message || "assert.throws: a different error", expected, t.error);
        return t.error;
    };
    assert.fail = (message) => {
        throw new AssertionError(message || "assert.fail");
    };

    // ---- the chain ----
    const nameOf = (who) => (typeof who === "string" ? who : who && typeof who.name === "string" ? who.name : String(who));
    const idOf = (c) => (typeof c === "string" ? c : c && typeof c.id === "string" ? c.id : String(c));

    function txOptions(o) {
        o = o || {};
        const out = { signers: (o.signers || []).map((s) => (typeof s === "string" && s.includes("@") ? s : nameOf(s) + "@active")) };
        if (o.from !== undefined) out.from = nameOf(o.from);
        if (o.gasLimit !== undefined) out.gasLimit = o.gasLimit;
        if (o.amountLimit !== undefined) {
            const l = o.amountLimit;
            out.amountLimit = Array.isArray(l)
                ? l.map((x) => (Array.isArray(x) ? [String(x[0]), String(x[1])] : [String(x.token), String(x.val ?? x.value)]))
                : Object.keys(l).map((k) => [k, String(l[k])]);
        }
        return out;
    }

    // Objects and arrays written as JSON are parsed; anything else stays the receipt's text.
    function parsed(text) {
        if (typeof text === "string" && /^\s*[[{]/.test(text)) {
            try {
                return JSON.parse(text);
            } catch (e) {
                /* not JSON after all: the text is the value */
            }
        }
        return text;
    }

    function receipt(out) {
        const r = out.receipt;
        return Object.assign({}, r, {
            ok: r.status === "SUCCESS",
            value: r.returns.length ? parsed(r.returns[0]) : undefined,
            events: r.events.map((e) => ({ contract: e.contract, content: e.content, data: parsed(e.content) })),
            receipts: r.receipts.map((e) => ({ func_name: e.func_name, content: e.content, data: parsed(e.content) })),
            logs: out.logs,
        });
    }

    function account(info) {
        return Object.freeze({
            name: info.name,
            publicKey: info.publicKey,
            secretKey: info.secretKey,
            balance: (token) => chain.balance(info.name, token),
            toString: () => info.name,
        });
    }

    function args(list, what) {
        if (list === undefined) return [];
        if (!Array.isArray(list)) throw new TypeError(what + ": the arguments must be an array, got " + show(list));
        return list;
    }

    class Contract {
        constructor(id, name, deployReceipt) {
            this.id = id;
            this.name = name;
            this.receipt = deployReceipt;
        }
        call(method, list, opts) {
            return chain.call(this.id, method, args(list, this.name + "." + method), opts);
        }
        query(method, list, opts) {
            return chain.query(this.id, method, args(list, this.name + "." + method), opts);
        }
        storage(key, field) {
            return chain.storage(this.id, key, field);
        }
        mapKeys(key) {
            return host("mapKeys", [this.id, key]);
        }
        toString() {
            return this.id;
        }
    }

    const chain = {
        admin: null,
        account(name, options) {
            const balance = options && options.balance !== undefined ? String(options.balance) : "1000";
            return account(host("account", [nameOf(name), balance]));
        },
        accounts(...names) {
            return names.map((n) => chain.account(n));
        },
        deploy(target, opts) {
            opts = opts || {};
            const req = { opts: txOptions(opts), name: opts.name };
            if (typeof target === "string") {
                req.path = target;
                if (typeof opts.abi === "string") req.abiPath = opts.abi;
                else if (opts.abi) req.abi = opts.abi;
            } else if (target && typeof target.source === "string") {
                req.source = target.source;
                req.abi = target.abi;
            } else if (target && typeof target.path === "string") {
                req.path = target.path;
                if (typeof target.abi === "string") req.abiPath = target.abi;
                else if (target.abi) req.abi = target.abi;
            } else {
                throw new TypeError("chain.deploy(target): a path, or {source, abi}, got " + show(target));
            }
            const out = host("deploy", req);
            const r = receipt(out);
            if (!r.ok) {
                const e = new Error("deploy of " + out.name + " failed: " + r.status + ": " + r.message);
                e.receipt = r;
                throw e;
            }
            return new Contract(r.returns[0], out.name, r);
        },
        call(contract, method, list, opts) {
            const action = { contract: idOf(contract), method, args: args(list, "chain.call") };
            return receipt(host("send", { actions: [action], opts: txOptions(opts) }));
        },
        send(actions, opts) {
            const list = actions.map((a) => ({ contract: idOf(a[0]), method: a[1], args: args(a[2], "chain.send") }));
            return receipt(host("send", { actions: list, opts: txOptions(opts) }));
        },
        query(contract, method, list, opts) {
            const action = { contract: idOf(contract), method, args: args(list, "chain.query") };
            return receipt(host("query", { action, opts: txOptions(opts) }));
        },
        transfer(from, to, amount, options) {
            const o = options || {};
            const token = o.token || "iost";
            const data = [token, nameOf(from), nameOf(to), String(amount), o.memo || ""];
            return chain.call("token.iost", "transfer", data, Object.assign({ from }, o));
        },
        balance(who, token) {
            const r = chain.query("token.iost", "balanceOf", [token || "iost", nameOf(who)]);
            if (!r.ok) throw new Error("balance of " + nameOf(who) + ": " + r.message);
            return r.value;
        },
        storage(contract, key, field) {
            return host("storage", [idOf(contract), key, field === undefined ? null : field]);
        },
        snapshot: () => host("snapshot"),
        revert: (id) => host("revert", id),
        time: () => host("time"),
        setTime(t) {
            const seconds = t instanceof Date ? t.getTime() / 1000 : typeof t === "string" ? Date.parse(t) / 1000 : t;
            if (typeof seconds !== "number" || !isFinite(seconds)) throw new TypeError("chain.setTime(t): seconds, a Date or an ISO date, got " + show(t));
            host("setTime", seconds);
        },
        advance: (seconds) => host("advance", seconds),
        height: () => host("height"),
    };
    chain.admin = chain.account("admin");

    // ---- the framework ----
    // `shared`: the suite's tests run one after another on one state, not each from the snapshot.
    function suite(name, parent, mode, shared) {
        return { name, parent, mode, shared, items: [], before: [], after: [], beforeEach: [], afterEach: [] };
    }
    const root = suite("", null, "run");
    let current = root;
    let running = false;
    function declaring(what) {
        if (running) throw new Error(what + " must be called while the file declares its tests, not inside a test or hook");
    }
    function addTest(mode) {
        return (name, fn) => {
            declaring("test()");
            if (typeof fn !== "function" && mode !== "skip") throw new TypeError("test(" + show(name) + ", fn): fn must be a function");
            // Where the test is declared: the place a failure without a stack of its own points.
            current.items.push({ kind: "test", name: String(name), fn, mode, parent: current, line: where(new Error()) });
        };
    }
    function addSuite(mode, shared) {
        return (name, fn) => {
            declaring("describe()");
            const s = suite(String(name), current, mode, shared);
            current.items.push({ kind: "suite", suite: s });
            const outer = current;
            current = s;
            try {
                fn();
            } finally {
                current = outer;
            }
        };
    }
    const hook = (list) => (fn) => {
        declaring("a hook");
        current[list].push(fn);
    };
    const test = addTest("run");
    test.only = addTest("only");
    test.skip = addTest("skip");
    const describe = addSuite("run");
    describe.only = addSuite("only");
    describe.skip = addSuite("skip");
    describe.shared = addSuite("run", true);

    const ancestors = (s) => (s ? ancestors(s.parent).concat([s]) : []);
    const fullName = (s, name) => ancestors(s).map((x) => x.name).filter((n) => n).concat([name]).join(" > ");
    function hasOnly(s) {
        return s.items.some((i) => (i.kind === "test" ? i.mode === "only" : i.suite.mode === "only" || hasOnly(i.suite)));
    }
    let onlyMode = false;

    function where(error) {
        const stack = error && typeof error.stack === "string" ? error.stack : "";
        for (const line of stack.split("\n")) {
            const at = line.lastIndexOf(FILE + ":");
            if (at >= 0) {
                const n = parseInt(line.slice(at + FILE.length + 1), 10);
                if (n > 0) return n;
            }
        }
        return null;
    }
    function messageOf(error) {
        if (error instanceof Error) return error.name === "Error" || error.name === "AssertionError" ? error.message : error.name + ": " + error.message;
        return "thrown: " + show(error);
    }
    function report(name, outcome, ms, error, declared) {
        const r = { name, outcome, ms };
        if (error !== undefined) {
            r.message = messageOf(error);
            const line = where(error) ?? declared ?? null;
            if (line !== null) r.line = line;
        }
        host("result", r);
    }

    async function attempt(fn) {
        try {
            await fn();
            return undefined;
        } catch (e) {
            return e === undefined ? new Error("undefined was thrown") : e;
        }
    }

    // Each test starts from the state after its suites' `before` hooks: the suite snapshots
    // once, and reverts before each test and each inner suite (a shared suite only before the
    // first, so that its tests build on each other).
    async function runSuite(s, selected, skipped) {
        const mine = ancestors(s);
        for (const fn of s.before) {
            const e = await attempt(fn);
            if (e !== undefined) return report(fullName(s, "before hook"), "failed", 0, e);
        }
        const snap = host("snapshot");
        for (const item of s.items) {
            if (!s.shared) host("revert", snap);
            if (item.kind === "suite") {
                const sub = item.suite;
                await runSuite(sub, selected || sub.mode === "only", skipped || sub.mode === "skip");
                continue;
            }
            const name = fullName(s, item.name);
            if (skipped || item.mode === "skip" || (onlyMode && !selected && item.mode !== "only")) {
                report(name, "skipped", 0);
                continue;
            }
            const started = Date.now();
            let error;
            for (const x of mine) for (const fn of x.beforeEach) if (error === undefined) error = await attempt(fn);
            if (error === undefined) error = await attempt(item.fn);
            for (const x of mine.slice().reverse()) {
                for (const fn of x.afterEach) {
                    const e = await attempt(fn);
                    if (error === undefined) error = e;
                }
            }
            report(name, error === undefined ? "passed" : "failed", Date.now() - started, error, item.line);
        }
        host("revert", snap);
        for (const fn of s.after) {
            const e = await attempt(fn);
            if (e !== undefined) report(fullName(s, "after hook"), "failed", 0, e);
        }
    }

    const log = (...parts) => host("log", parts.map((p) => (typeof p === "string" ? p : show(p))).join(" "));
    Object.assign(G, {
        test,
        it: test,
        describe,
        before: hook("before"),
        beforeAll: hook("before"),
        after: hook("after"),
        afterAll: hook("after"),
        beforeEach: hook("beforeEach"),
        afterEach: hook("afterEach"),
        chain,
        expect,
        expectSuccess,
        expectFailure,
        expectEvent,
        assert,
        AssertionError,
        console: { log, info: log, warn: log, error: log, debug: log },
    });

    return async function run(topLevelError) {
        running = true;
        onlyMode = hasOnly(root);
        if (topLevelError !== undefined) return report("(top level of the file)", "failed", 0, topLevelError);
        await runSuite(root, root.mode === "only", false);
    };
});
