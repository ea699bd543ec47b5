//! Prints the peer's committed ERC-20 transfer rate on revm:
//! `cargo run --release -p jsvm-revm-peer --example measure -- [transfers] [holders]`
//! (defaults: 10000 transfers among 1000 holders).

use jsvm_revm_peer::{measure_transfers_among, DEFAULT_HOLDERS};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(10_000, |a| a.parse().expect("transfers: a number"));
    let holders: usize = args.next().map_or(DEFAULT_HOLDERS, |a| a.parse().expect("holders: a number"));
    match measure_transfers_among(holders, n) {
        Ok(t) => println!(
            "revm erc20: {} transfers among {holders} holders in {:.3} s: {:.0} tx/s, {:.2} us/tx, {} gas/tx",
            t.transfers, t.seconds, t.tps, t.us_per_tx, t.gas_per_tx
        ),
        Err(e) => {
            eprintln!("measurement failed: {e}");
            std::process::exit(1);
        }
    }
}
