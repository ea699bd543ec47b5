// Tests of examples/hello, run with `jsvm test examples/hello` (see docs/testing.md).
// The top level runs once: every test starts from the state it leaves.
const hello = chain.deploy("../hello.js");
const alice = chain.account("alice");

test("greet uses the greeting init stored", () => {
    const r = hello.call("greet", ["alice"]);
    expectSuccess(r);
    expect(r.value).toBe("hello, alice");
    expect(hello.storage("greeting")).toBe("hello");
});

test("set changes the greeting for everyone", () => {
    expectSuccess(hello.call("set", ["hi"], { from: alice }));
    expect(hello.query("greet", ["bob"]).value).toBe("hi, bob");
});

test("each test starts from the top level's state", () => {
    expect(hello.storage("greeting")).toBe("hello");
});

test("a call with the wrong arguments fails and changes nothing", () => {
    const r = hello.call("set", [42]);
    expectFailure(r, "RUNTIME_ERROR", "must be a string");
    expect(hello.storage("greeting")).toBe("hello");
});

test("an unknown method fails", () => {
    expect(hello.call("shout", ["x"])).toFail("RUNTIME_ERROR");
});

test("a query commits nothing", () => {
    const before = chain.height();
    expect(hello.query("set", ["quiet"]).ok).toBe(true);
    expect(hello.storage("greeting")).toBe("hello");
    expect(chain.height()).toBe(before);
});

test("snapshot and revert inside a test", () => {
    const id = chain.snapshot();
    hello.call("set", ["hey"]);
    expect(hello.storage("greeting")).toBe("hey");
    chain.revert(id);
    expect(hello.storage("greeting")).toBe("hello");
});

describe("time", () => {
    // A contract given as source and ABI: it reports the block's time (ns).
    const clock = {
        source: "class Clock { init() {} now() { return String(block.time); } }\nmodule.exports = Clock;\n",
        abi: { lang: "javascript", version: "1.0.0", abi: [{ name: "now", args: [] }] },
    };

    test("each call is a block at the clock's time", () => {
        const c = chain.deploy(clock, { name: "clock" });
        chain.setTime("2030-01-01T00:00:00Z");
        expect(c.call("now").value).toBe(String(Date.parse("2030-01-01T00:00:00Z") * 1e6));
        chain.advance(3600);
        const later = Number(c.call("now").value) / 1e9;
        expect(later).toBe(Date.parse("2030-01-01T00:00:00Z") / 1000 + 1 + 3600);
    });

    test("the clock cannot go back", () => {
        expect(() => chain.setTime(0)).toThrow("time can only move forward");
    });
});
