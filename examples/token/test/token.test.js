// Tests of examples/token: events, receipts, authorisation, amount limits.
const token = chain.deploy("../token.js"); // deployed by admin: the issuer
const [alice, bob] = chain.accounts("alice", "bob");

before(() => {
    expectSuccess(token.call("issue", ["alice", "1000"]));
});

test("issue emits an event and raises the balance", () => {
    const r = token.call("issue", ["bob", "5"]);
    expectEvent(r, { issue: { to: "bob", amount: "5" } });
    expect(r.value).toBe("5");
    expect(token.query("balanceOf", ["bob"]).value).toBe("5");
});

test("only the issuer may issue", () => {
    const r = token.call("issue", ["alice", "1"], { from: alice });
    expectFailure(r, "RUNTIME_ERROR", "only the issuer may issue");
});

test("transfer moves balances and writes a receipt", () => {
    const r = token.call("transfer", ["alice", "bob", "300", "rent"], { from: alice });
    expectSuccess(r);
    expect(r.receipts[0].data).toEqual({ from: "alice", to: "bob", amount: "300", memo: "rent" });
    expect(token.storage("balances", "alice")).toBe("700");
    expect(token.storage("balances", "bob")).toBe("300");
    expect(token.mapKeys("balances")).toEqual(["alice", "bob"]);
});

test("a transfer needs the sender's signature", () => {
    const r = token.call("transfer", ["alice", "bob", "1", ""], { from: bob });
    expectFailure(r, "RUNTIME_ERROR", "transfer needs alice@active");
    // Signed by alice as well, bob may publish it.
    expectSuccess(token.call("transfer", ["alice", "bob", "1", ""], { from: bob, signers: [alice] }));
});

test("more than the balance fails with its reason", () => {
    const r = token.call("transfer", ["alice", "bob", "1001", ""], { from: alice });
    expect(r).toFail(4, "balance not enough: alice has 1000, needs 1001");
});

describe("iost and amount limits", () => {
    test("accounts start with 1000 iost", () => {
        expect(alice.balance()).toBe("1000");
    });

    test("a transfer within the amount limit passes", () => {
        expectSuccess(chain.transfer(alice, bob, "10", { amountLimit: { iost: "10" } }));
        expect(chain.balance(bob)).toBe("1010");
    });

    test("a transfer beyond the amount limit fails and moves nothing", () => {
        const r = chain.transfer(alice, bob, "10", { amountLimit: { iost: "9" } });
        expectFailure(r, "RUNTIME_ERROR", "exceed amountLimit");
        expect(chain.balance(alice)).toBe("1000");
    });
});
