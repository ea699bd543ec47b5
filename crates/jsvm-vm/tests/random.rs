//! `Math.random`: seeded per run from the transaction's hash and the run's number in the
//! transaction (jsvm-runtime's random.rs), drawn with xoshiro128** (math.js): the sequence
//! asserted here is computed in Rust from the seed, so every engine must draw exactly it.

use jsvm_runtime::random_seed;
use jsvm_test_util::{abi, action, Chain};
use jsvm_vm::{Receipt, Status};
use serde_json::{json, Value};

/// `draw(n)`: n draws, each as an integer (the double times 2^53, exact).
const SOURCE: &str = r#"
class Random {
    init() {}
    draw(n) {
        const out = [];
        for (let i = 0; i < n; i++) out.push(Math.random() * 9007199254740992);
        return out;
    }
    nested(id) {
        const mine = Math.random() * 9007199254740992;
        return [mine, JSON.parse(blockchain.call(id, "draw", [1])[0])[0]];
    }
    rnd() { Math.random(); }
    sin() { Math.sin(); }
    range() {
        for (let i = 0; i < 2000; i++) {
            const x = Math.random();
            if (!(x >= 0 && x < 1)) return "out of range: " + x;
        }
        return "ok";
    }
}
module.exports = Random;
"#;

fn deploy(c: &Chain) -> String {
    c.deploy(
        SOURCE,
        &abi(&[("draw", &["number"]), ("nested", &["string"]), ("rnd", &[]), ("sin", &[]), ("range", &[])]),
    )
}

/// The reference generator: xoshiro128** as math.js runs it.
struct Xoshiro128([u32; 4]);

impl Xoshiro128 {
    fn next(&mut self) -> u32 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 9;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(11);
        result
    }

    /// One draw as math.js makes it, times 2^53: 27 bits of one word, 26 of the next.
    fn draw(&mut self) -> u64 {
        let high = u64::from(self.next() >> 5);
        let low = u64::from(self.next() >> 6);
        (high << 26) | low
    }
}

/// The first `n` draws of run `run` of the transaction of `receipt`.
fn expected(receipt: &Receipt, run: u32, n: usize) -> Vec<u64> {
    let hash: [u8; 32] = bs58::decode(&receipt.tx_hash).into_vec().unwrap().try_into().unwrap();
    let mut g = Xoshiro128(random_seed(&hash, run));
    (0..n).map(|_| g.draw()).collect()
}

fn draws(returned: &str) -> Vec<u64> {
    serde_json::from_str::<Vec<Value>>(returned).unwrap().iter().map(|v| v.as_u64().unwrap()).collect()
}

#[test]
fn a_run_draws_xoshiro128_from_its_seed_on_every_engine() {
    let c = Chain::new();
    let id = deploy(&c);
    let r = c.call(&id, "draw", json!([5]));
    assert_eq!(r.status, Status::Success, "{}", r.message);
    assert_eq!(draws(&r.returns[0]), expected(&r, 0, 5));
    // Another transaction, another sequence.
    let again = c.call(&id, "draw", json!([5]));
    assert_ne!(draws(&again.returns[0]), draws(&r.returns[0]));
    assert_eq!(draws(&again.returns[0]), expected(&again, 0, 5));
    assert_eq!(c.query(&id, "range", json!([])).returns, vec!["ok"]);
}

#[test]
fn each_action_and_nested_call_counts_as_a_run_of_its_own() {
    let c = Chain::new();
    let id = deploy(&c);
    let r = c.run("admin", vec![action(&id, "draw", json!([2])), action(&id, "draw", json!([2]))]);
    assert_eq!(r.status, Status::Success, "{}", r.message);
    assert_eq!(draws(&r.returns[0]), expected(&r, 0, 2));
    assert_eq!(draws(&r.returns[1]), expected(&r, 1, 2));
    let r = c.call(&id, "nested", json!([id]));
    assert_eq!(r.status, Status::Success, "{}", r.message);
    assert_eq!(draws(&r.returns[0]), [expected(&r, 0, 1)[0], expected(&r, 1, 1)[0]]);
}

#[test]
fn a_query_draws_from_its_own_transaction_s_hash_and_repeats_it() {
    let c = Chain::new();
    let id = deploy(&c);
    let tx = c.tx("admin", &[], vec![action(&id, "draw", json!([3]))]);
    let (first, _) = c.vm.query(tx.clone()).unwrap();
    let (second, _) = c.vm.query(tx).unwrap();
    assert_eq!(first.returns, second.returns);
    assert_eq!(draws(&first.returns[0]), expected(&first, 0, 3));
}

#[test]
fn a_draw_is_priced_as_the_other_math_functions() {
    let c = Chain::new();
    let id = deploy(&c);
    let rnd = c.call(&id, "rnd", json!([]));
    let sin = c.call(&id, "sin", json!([]));
    assert_eq!((rnd.status, sin.status), (Status::Success, Status::Success));
    // The host's Math price (10), and Math.sin one gas more for its argument.
    assert_eq!(rnd.gas_used + 1, sin.gas_used);
}
