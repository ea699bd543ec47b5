//! The template object a tagged template receives (and its `raw`) is frozen, as the spec's
//! GetTemplateObject requires. It belongs to the compiled program, which is cached and shared by
//! every run of the same code: a writable one let a run plant state that the next action, the
//! next nested call and another contract with identical code all saw.

use jsvm_test_util::{abi, action, Chain};
use jsvm_vm::Status;
use serde_json::json;

/// `plant` tries every write on its template object, each refused with a TypeError (class code is
/// strict), then shows what it sees; `nested` runs `plant` of `callee` through `blockchain.call`.
const PLANTER: &str = r#"
class Planter {
    init() {}
    plant() {
        const tag = (strings) => strings;
        const strings = tag`a${1}b`;
        const out = [Object.isFrozen(strings), Object.isFrozen(strings.raw)];
        const writes = [
            ["length", () => { strings.length = 7; }],
            ["property", () => { strings.planted = 1; }],
            ["push", () => strings.push("x")],
            ["element", () => { strings[0] = "z"; }],
            ["raw", () => { strings.raw = []; }],
            ["raw.length", () => { strings.raw.length = 7; }],
            ["raw.push", () => strings.raw.push("x")],
            ["raw.element", () => { strings.raw[0] = "z"; }],
        ];
        for (const [name, write] of writes) {
            try { write(); out.push(name + " written"); } catch (e) { out.push(name + ": " + e.constructor.name); }
        }
        out.push(strings.length, strings.raw.length, strings[0], strings.raw[0], "planted" in strings);
        return JSON.stringify(out);
    }
    nested(callee) { return blockchain.call(callee, "plant", [])[0]; }
}
module.exports = Planter;
"#;

const UNTOUCHED: &str = r#"[true,true,"length: TypeError","property: TypeError","push: TypeError","element: TypeError","raw: TypeError","raw.length: TypeError","raw.push: TypeError","raw.element: TypeError",2,2,"a","a",false]"#;

fn deploy(c: &Chain) -> String {
    c.deploy(PLANTER, &abi(&[("plant", &[]), ("nested", &["string"])]))
}

#[test]
fn three_actions_of_one_transaction_see_the_same_template_object() {
    let c = Chain::new();
    let id = deploy(&c);
    let r = c.run("admin", (0..3).map(|_| action(&id, "plant", json!([]))).collect());
    assert_eq!(r.status, Status::Success, "{}", r.message);
    assert_eq!(r.returns, vec![UNTOUCHED; 3]);
}

#[test]
fn a_nested_call_after_a_planting_run_sees_the_same_template_object() {
    let c = Chain::new();
    let id = deploy(&c);
    let r = c.run("admin", vec![action(&id, "plant", json!([])), action(&id, "nested", json!([id]))]);
    assert_eq!(r.status, Status::Success, "{}", r.message);
    assert_eq!(r.returns, vec![UNTOUCHED; 2]);
}

#[test]
fn a_contract_with_identical_code_sees_the_same_template_object() {
    let c = Chain::new();
    let first = deploy(&c);
    let second = deploy(&c);
    assert_ne!(first, second);
    for id in [&first, &second, &first] {
        let r = c.call(id, "plant", json!([]));
        assert_eq!(r.status, Status::Success, "{}", r.message);
        assert_eq!(r.returns, vec![UNTOUCHED]);
    }
}
