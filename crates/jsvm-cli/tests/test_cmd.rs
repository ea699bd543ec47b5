//! `jsvm test` and `jsvm types` as an author runs them: the examples' tests pass, a failing test
//! exits 1 and says where, a file that cannot run exits 2, and the declarations are written.

use std::path::Path;
use std::process::{Command, Output};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
const TYPES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../types");

fn jsvm(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jsvm")).current_dir(dir).args(args).output().unwrap()
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A contract given inline, so that fixtures need no file beside them.
const COUNTER: &str = r#"const counter = chain.deploy({
    source: "class C { init() { storage.put('n', '0'); } add(k) { const n = Number(storage.get('n')) + k; storage.put('n', String(n)); blockchain.event(JSON.stringify({ n })); return n; } }\nmodule.exports = C;\n",
    abi: { lang: "javascript", version: "1.0.0", abi: [{ name: "add", args: ["number"] }] },
}, { name: "counter" });
"#;

fn write(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body).unwrap();
}

#[test]
fn every_example_passes_its_tests() {
    for example in ["hello", "token", "multi-file"] {
        let dir = Path::new(EXAMPLES).join(example);
        let out = jsvm(&dir, &["test"]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{example}: {stdout}{stderr}");
        assert!(stdout.contains(" passed, 0 failed, 0 skipped"), "{example}: {stdout}");
        assert!(!stdout.contains("FAIL"), "{example}: {stdout}");
        assert!(stdout.contains("contract") && stdout.contains("(deploy)"), "{example}: the gas table: {stdout}");
    }
}

#[test]
fn a_failing_test_exits_1_with_expected_actual_and_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{COUNTER}test(\"adds\", () => {{\n    expect(counter.call(\"add\", [2]).value).toBe(\"2\");\n}});\n\
         test(\"wrong sum\", () => {{\n    const r = counter.call(\"add\", [2]);\n    expect(r.value).toBe(\"5\");\n}});\n\
         test(\"wrong status\", () => {{\n    expectFailure(counter.call(\"add\", [1]));\n}});\n"
    );
    write(dir.path(), "counter.test.js", &body);
    let out = jsvm(dir.path(), &["test", "counter.test.js"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("  ok   adds ("), "{stdout}");
    assert!(
        stdout.contains(
            "  FAIL wrong sum (",
        ) && stdout.contains(
            "       expect(actual).toBe(expected)\n       expected: \"5\"\n       actual:   \"2\"\n       at counter.test.js:10\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("expected the transaction to fail, but it succeeded"), "{stdout}");
    assert!(stdout.contains("1 passed, 2 failed, 0 skipped"), "{stdout}");
    // Each test started from the top level's state: the counter was 0 before every add.
    let gas = stdout.lines().find(|l| l.starts_with("counter") && l.contains(" add ")).unwrap();
    assert!(gas.split_whitespace().nth(2) == Some("3"), "three successful adds: {gas}");
}

#[test]
fn typescript_failures_name_the_ts_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "typed.test.ts",
        "interface Point {\n    x: number;\n}\nconst p: Point = { x: 1 };\n\ntest(\"typed\", () => {\n    const y: number = p.x;\n    expect(y).toBe(2);\n});\n",
    );
    let out = jsvm(dir.path(), &["test", "."]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("       at ./typed.test.ts:8\n"), "{stdout}");
}

#[test]
fn a_file_that_cannot_run_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "broken.test.js", "test(\"a\", () => {\n    let = ;\n});\n");
    let out = jsvm(dir.path(), &["test", "broken.test.js"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("  cannot run: broken.test.js:2:11: syntax error: Unexpected token\n"), "{stdout}");

    write(dir.path(), "module.test.js", "import x from \"y\";\n");
    let (stdout, _) = text(&jsvm(dir.path(), &["test", "module.test.js"]));
    assert!(stdout.contains("module.test.js:1:1: a test file is a script"), "{stdout}");

    let out = jsvm(dir.path(), &["test", "missing.test.js"]);
    assert_eq!((out.status.code(), text(&out).1), (Some(2), "jsvm: missing.test.js does not exist\n".to_string()));
    let empty = tempfile::tempdir().unwrap();
    let out = jsvm(empty.path(), &["test"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.starts_with("jsvm: no test files:"), "{}", text(&out).1);
}

#[test]
fn hooks_only_skip_snapshots_and_json_output() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{COUNTER}before(() => counter.call(\"add\", [10]));\n\
         describe(\"suite\", () => {{\n\
             beforeEach(() => counter.call(\"add\", [1]));\n\
             test.only(\"sees before and beforeEach\", () => {{\n\
                 expect(counter.storage(\"n\")).toBe(\"11\");\n\
                 const id = chain.snapshot();\n\
                 expectEvent(counter.call(\"add\", [5]), {{ n: 16 }});\n\
                 chain.revert(id);\n\
                 expect(counter.storage(\"n\")).toBe(\"11\");\n\
             }});\n\
             test(\"left out by only\", () => {{ throw new Error(\"ran\"); }});\n\
         }});\n\
         test.skip(\"skipped\", () => {{}});\n"
    );
    write(dir.path(), "hooks.test.js", &body);
    let out = jsvm(dir.path(), &["test", "--json", "hooks.test.js"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["summary"], serde_json::json!({"passed": 1, "failed": 0, "skipped": 2, "broken_files": 0}));
    let tests = &report["files"][0]["entries"];
    assert_eq!(tests[0]["name"], "suite > sees before and beforeEach");
    assert_eq!(tests[1]["outcome"], "skipped");
    let add = report["gas"].as_array().unwrap().iter().find(|r| r["method"] == "add").unwrap();
    assert_eq!((add["contract"].as_str(), add["calls"].as_u64()), (Some("counter"), Some(3)));
}

#[test]
fn types_are_written_as_the_repository_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = jsvm(dir.path(), &["types", "decl"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    for name in ["jsvm.d.ts", "jsvm-test.d.ts"] {
        let written = std::fs::read_to_string(dir.path().join("decl").join(name)).unwrap();
        assert_eq!(written, std::fs::read_to_string(Path::new(TYPES).join(name)).unwrap(), "{name}");
    }
}

#[test]
fn pack_accepts_a_typescript_project_with_tsconfig_and_declarations() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    assert_eq!(jsvm(root, &["types", "types"]).status.code(), Some(0));
    write(root, "package.json", r#"{"name": "typed", "main": "index.ts"}"#);
    write(
        root,
        "tsconfig.json",
        r#"{"compilerOptions": {"strict": true, "noEmit": true}, "include": ["*.ts", "types"]}"#,
    );
    write(
        root,
        "index.ts",
        "/// <reference path=\"./types/jsvm.d.ts\" />\nclass Typed {\n    init(): void {}\n    /** @param who whom */\n    hi(who: string): string {\n        return `hi ${who} at ${block.time}`;\n    }\n}\nexport = Typed;\n",
    );
    let out = jsvm(root, &["pack", "."]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(summary["modules"], serde_json::json!(["index.ts"]), "no .d.ts in the bundle");
    assert_eq!(summary["methods"], serde_json::json!(["hi"]));
}
