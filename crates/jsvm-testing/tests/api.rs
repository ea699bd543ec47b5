//! The test API's less travelled paths, through `run_file`: each fixture's tests must all pass,
//! or fail exactly where and how the case says.

use std::path::Path;

use jsvm_testing::{run_file, EngineKind, Entry, FileReport, Outcome, TestResult};

/// A counter contract, given inline.
const COUNTER: &str = r#"const spec = {
    source: "class C { init() {} add(k) { if (k < 0) throw new Error('negative'); const n = Number(storage.get('n') || '0') + k; storage.put('n', String(n)); return n; } }\nmodule.exports = C;\n",
    abi: { lang: "javascript", version: "1.0.0", abi: [{ name: "add", args: ["number"] }] },
};
"#;

fn run(dir: &Path, name: &str, body: &str) -> FileReport {
    let path = dir.join(name);
    std::fs::write(&path, format!("{COUNTER}{body}")).unwrap();
    run_file(&path, EngineKind::QuickJs)
}

fn tests(report: &FileReport) -> Vec<&TestResult> {
    assert_eq!(report.error, None);
    report.tests().collect()
}

fn all_pass(report: &FileReport) {
    for t in tests(report) {
        assert_eq!(t.outcome, Outcome::Passed, "{}: {:?}", t.name, t.message);
    }
}

#[test]
fn send_is_all_or_nothing_and_failed_deploys_throw_with_their_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let report = run(
        dir.path(),
        "send.test.js",
        r#"const c = chain.deploy(spec);
test("one transaction, several actions", () => {
    expectSuccess(chain.send([[c, "add", [1]], [c, "add", [2]]]));
    expect(c.storage("n")).toBe("3");
    const r = chain.send([[c, "add", [5]], [c, "add", [-1]]]);
    expectFailure(r, "RUNTIME_ERROR", "negative");
    expect(c.storage("n")).toBe("3");
});
test("a failed deploy throws, its receipt attached", () => {
    let error;
    try { chain.deploy({ source: "class X {}", abi: spec.abi }); } catch (e) { error = e; }
    expect(error.message).toMatch(/^deploy of contract failed: /);
    expect(error.receipt.ok).toBe(false);
});
test("an account the test did not make cannot sign", () => {
    expect(() => c.call("add", [1], { from: "mallory" })).toThrow('no account mallory: make it with chain.account("mallory") first');
});
test("keys are the same on every run and every chain", () => {
    const a = chain.account("alice");
    expect(a.publicKey).toBe(chain.account("alice").publicKey);
    expect(a.publicKey).toMatch(/^[1-9A-HJ-NP-Za-km-z]{43,44}$/);
    expect(chain.accounts("x1", "x2").map(String)).toEqual(["x1", "x2"]);
});
describe.shared("a shared suite", () => {
    test("first adds", () => expect(c.call("add", [1]).value).toBe("1"));
    test("second sees the first's state", () => expect(c.call("add", [1]).value).toBe("2"));
});
test("after a shared suite the state is the top level's again", () => expect(c.storage("n")).toBe(null));
test("setTime takes dates, advance seconds", () => {
    chain.setTime(new Date("2031-05-01T00:00:00Z"));
    expect(chain.time()).toBe(Date.parse("2031-05-01T00:00:00Z") / 1000);
    chain.advance(1.5);
    expect(chain.time()).toBe(Date.parse("2031-05-01T00:00:00Z") / 1000 + 1.5);
    expect(() => chain.advance(-1)).toThrow("time can only move forward");
});
"#,
    );
    all_pass(&report);
    let gas: Vec<_> = report.gas.rows().map(|(c, m, s)| (c.to_string(), m.to_string(), s.calls)).collect();
    assert!(gas.contains(&("contract".into(), "(deploy)".into(), 1)), "multi-action sends are not counted: {gas:?}");
    assert!(gas.contains(&("contract".into(), "add".into(), 2)), "only the shared suite's single adds: {gas:?}");
}

#[test]
fn a_throw_at_the_top_level_fails_the_file_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let report = run(dir.path(), "top.test.js", "test(\"never runs\", () => {});\nchain.revert(99);\n");
    let tests = tests(&report);
    assert_eq!(tests.len(), 1);
    assert_eq!(tests[0].name, "(top level of the file)");
    assert_eq!(tests[0].message.as_deref(), Some("no snapshot 99: ids come from chain.snapshot()"));
    let shown = dir.path().join("top.test.js").display().to_string();
    assert_eq!(tests[0].at, Some(format!("{shown}:6")));
}

#[test]
fn failing_hooks_and_declarations_inside_tests_are_failures() {
    let dir = tempfile::tempdir().unwrap();
    let report = run(
        dir.path(),
        "hooks.test.js",
        r#"describe("broken", () => {
    before(() => { throw new TypeError("setup broke"); });
    test("not run", () => {});
});
test("nested test", () => { test("inner", () => {}); });
test("console", () => { console.log("seen", { a: 1 }); });
"#,
    );
    let tests = tests(&report);
    let names: Vec<_> = tests.iter().map(|t| (t.name.as_str(), t.outcome)).collect();
    assert_eq!(
        names,
        [("broken > before hook", Outcome::Failed), ("nested test", Outcome::Failed), ("console", Outcome::Passed)]
    );
    assert_eq!(tests[0].message.as_deref(), Some("TypeError: setup broke"));
    assert_eq!(
        tests[1].message.as_deref(),
        Some("test() must be called while the file declares its tests, not inside a test or hook")
    );
    assert!(report.entries.contains(&Entry::Log("seen {\"a\":1}".into())), "{:?}", report.entries);
}
