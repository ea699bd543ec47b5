//! The context text every JS run starts from: `block`, `tx`, the gas limit and `Math.random`'s
//! seed, as the JSON the entry parses (prelude.js). Written straight into one string, in the
//! bytes `serde_json` gives for the same object (keys in sorted order, its escaping): building
//! a `serde_json::Value` tree for it cost a token transfer more than its storage calls.

use std::fmt::Write;

use crate::{BlockEnv, TxEnv};

/// What a run's context holds besides the block and the transaction.
#[derive(Debug, Clone, Copy)]
pub struct RunContext {
    /// The gas left when the run starts: the `tx` constant's `gasLimit`.
    pub gas_left: u64,
    /// The JS counter's starting value (`gas_left` capped to what the meter can count).
    pub gas_limit: u64,
    /// `Math.random`'s seed (see [`crate::random_seed`]).
    pub random: [u32; 4],
    /// The price of a `Math.random` draw.
    pub random_gas: u64,
}

impl RunContext {
    /// The context JSON of a run of `tx` in `block`.
    pub fn json(&self, block: &BlockEnv, tx: &TxEnv) -> String {
        let mut out = String::with_capacity(256 + tx.signers.len() * 32);
        out.push_str("{\"block\":{\"number\":");
        push_u64(&mut out, block.number);
        out.push_str(",\"parentHash\":");
        push_str(&mut out, &block.parent_hash);
        out.push_str(",\"time\":");
        push_u64(&mut out, block.time);
        out.push_str(",\"witness\":");
        push_str(&mut out, &block.witness);
        out.push_str("},\"gasLimit\":");
        push_u64(&mut out, self.gas_limit);
        out.push_str(",\"random\":[");
        for (i, word) in self.random.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_u64(&mut out, u64::from(*word));
        }
        out.push_str("],\"randomGas\":");
        push_u64(&mut out, self.random_gas);
        out.push_str(",\"tx\":{\"authList\":{");
        for (i, (key, weight)) in tx.auth_entries().iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str(&mut out, key);
            out.push(':');
            push_u64(&mut out, u64::from(*weight));
        }
        out.push_str("},\"expiration\":0,\"gasLimit\":");
        push_u64(&mut out, self.gas_left);
        out.push_str(",\"gasRatio\":1,\"hash\":");
        push_str(&mut out, &tx.hash);
        out.push_str(",\"publisher\":");
        push_str(&mut out, &tx.publisher);
        out.push_str(",\"time\":");
        push_u64(&mut out, tx.time);
        out.push_str("}}");
        out
    }
}

fn push_u64(out: &mut String, mut n: u64) {
    // Digits written back to front into a buffer that fits u64::MAX: `write!` went through the
    // formatting machinery for each of a context's eight numbers.
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // ASCII digits: the check is a few instructions, where pushing them a `char` at a time cost 200.
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

/// `s` as a JSON string, escaped as serde_json escapes it.
fn push_str(out: &mut String, s: &str) {
    out.push('"');
    // Names, hashes and keys need no escape: copied whole rather than a character at a time.
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Signer;

    /// The context as it was built before: a `serde_json::Value`, printed.
    fn with_serde(ctx: &RunContext, block: &BlockEnv, tx: &TxEnv) -> String {
        let mut auth = serde_json::Map::new();
        auth.insert(format!("{}@active", tx.publisher), json!(2));
        for s in &tx.signers {
            auth.insert(format!("{}@{}", s.name, s.permission), json!(1));
        }
        json!({
            "block": {"number": block.number, "parentHash": block.parent_hash, "witness": block.witness, "time": block.time},
            "tx": {
                "time": tx.time, "hash": tx.hash, "expiration": 0, "gasLimit": ctx.gas_left, "gasRatio": 1,
                "authList": auth, "publisher": tx.publisher,
            },
            "gasLimit": ctx.gas_limit,
            "random": ctx.random,
            "randomGas": ctx.random_gas,
        })
        .to_string()
    }

    fn signer(name: &str, permission: &str) -> Signer {
        Signer { name: name.into(), permission: permission.into() }
    }

    #[test]
    fn the_context_is_the_bytes_serde_json_gives() {
        let odd = "q\"uote\\back\nline\ttab\u{1}\u{1f}\u{7f} é 💡 </script>";
        let cases = [
            (vec![], "admin", "W1"),
            (vec![signer("admin", "active")], "admin", "witness"),
            (vec![signer("zed", "owner"), signer("bob", "active"), signer("bob", "custom")], "carol", odd),
            (vec![signer(odd, odd), signer("admin", "active")], odd, ""),
        ];
        for (i, (signers, publisher, witness)) in cases.into_iter().enumerate() {
            let block = BlockEnv {
                number: u64::MAX - i as u64,
                parent_hash: format!("Hash{i}"),
                witness: witness.into(),
                time: 17,
            };
            let tx = TxEnv {
                hash: format!("tx{i}{odd}"),
                publisher: publisher.into(),
                signers,
                time: 1_700_000_000_000_000_000 + i as u64,
                gas_limit: 4_000_000,
                actions: vec![],
            };
            let ctx = RunContext {
                gas_left: 3_999_000 - i as u64,
                gas_limit: 2_147_483_647,
                random: [0, 1, u32::MAX, i as u32],
                random_gas: 10,
            };
            assert_eq!(ctx.json(&block, &tx), with_serde(&ctx, &block, &tx), "case {i}");
        }
    }
}
