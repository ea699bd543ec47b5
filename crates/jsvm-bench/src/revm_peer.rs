//! The ERC-20 peer on revm (crates/jsvm-revm-peer): the same transfer logic as the
//! JS token, in Solidity compiled by solc, each transfer committed as a node would.

use crate::Timing;

pub(crate) const DESCRIPTION: &str = "revm 43.0.3, ERC-20 in Solidity (solc 0.8.26), each transfer committed";

/// Committed ERC-20 transfers per second.
pub(crate) fn measure(transfers: usize) -> Result<Timing, String> {
    let t = jsvm_revm_peer::measure_transfers(transfers)?;
    Ok(Timing::new(t.transfers, t.seconds))
}
