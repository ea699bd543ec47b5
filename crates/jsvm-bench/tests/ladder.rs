//! The breakdown's middle row: the token's transfer through the runtime's real host over a
//! transaction's state, without the VM, must run the contract to its end — one receipt per
//! transfer, as the full path writes — on every engine built in.

use jsvm_bench::host_path;
use jsvm_engine::EngineKind;

#[test]
fn transfers_run_through_the_host_without_the_vm() {
    for kind in EngineKind::ALL.into_iter().filter(|k| k.is_built()) {
        let timing = host_path(kind, 3).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(timing.txs, 3, "{kind:?}");
    }
}
