// Tests of the multi-file example, in TypeScript: the types come from tsconfig.json
// (types/jsvm-test.d.ts, written by `jsvm types`). `jsvm test examples/multi-file`.
const loyalty: JsvmTestContract = chain.deploy(".."); // the project directory, packed
const alice: JsvmTestAccount = chain.account("alice");

interface Earned {
    earn: { account: string; points: string };
}

function earn(account: string, amount: string): JsvmTestReceipt {
    return expectSuccess(loyalty.call("earn", [account, amount]));
}

test("earning emits an event with the points", () => {
    const r = earn("alice", "12.50");
    const event = expectEvent(r, { earn: { account: "alice" } });
    expect((event.data as Earned).earn.points).toBe("12.50");
    expect(loyalty.query("balanceOf", ["alice"]).value).toBe("12.50");
});

test("tiers give a bonus from 100 points", () => {
    earn("alice", "100");
    expect(loyalty.query("tierOf", ["alice"]).value).toBe("silver");
    expect(earn("alice", "10").value).toBe("11.00");
});

test("redeeming needs the member's signature and enough points", () => {
    earn("alice", "20");
    expectFailure(loyalty.call("redeem", ["alice", "5"]), "RUNTIME_ERROR", "redeeming needs alice@active");
    expectFailure(loyalty.call("redeem", ["alice", "50"], { from: alice }), "RUNTIME_ERROR", "cannot redeem 50");
    expect(loyalty.call("redeem", ["alice", "5"], { from: alice }).value).toBe("15.00");
});

test("info reads the JSON module", () => {
    expect(loyalty.query("info").value).toEqual({ name: "Loyalty points", version: "1.0.0", tiers: ["bronze", "silver", "gold"] });
});
