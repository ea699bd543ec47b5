//! `from_block` replay reads RocksDB: a node restarted over its data directory replays what it committed before.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{emit, EMITTER};
use jsvm_events::{BlockSource, CommittedBlock, EventHub, EventLimits, SubscribeRequest, Topic};
use jsvm_test_util::{abi, Chain};
use jsvm_vm::Status;

/// The reopened chain's VM as a block source (the test chain owns its VM, the hub wants it shared).
struct Reopened(Chain);

impl BlockSource for Reopened {
    fn head(&self) -> u64 {
        BlockSource::head(&self.0.vm)
    }

    fn block(&self, height: u64) -> Result<Option<CommittedBlock>, String> {
        BlockSource::block(&self.0.vm, height)
    }
}

#[tokio::test]
async fn events_committed_before_a_restart_are_replayed_after_it() {
    let chain = Chain::new();
    let id = chain.deploy(EMITTER, &abi(&[("emit", &["string", "number"]), ("fail", &["string"])]));
    let receipt = chain.run("admin", vec![emit(&id, "kept", 2)]);
    assert_eq!(receipt.status, Status::Success, "{}", receipt.message);
    let chain = Arc::new(Reopened(chain.restart()));
    let hub = EventHub::new(chain.clone(), EventLimits::default());
    let request = SubscribeRequest { topics: vec![Topic::ContractEvent], contract_id: id.clone(), from_block: Some(1) };
    let mut sub = hub.subscribe(request).unwrap();
    let mut got = Vec::new();
    for _ in 0..2 {
        let next = tokio::time::timeout(Duration::from_secs(5), sub.next()).await.unwrap();
        got.push(next.unwrap().unwrap());
    }
    let data: Vec<&str> = got.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(data, vec!["kept#0", "kept#1"]);
    assert!(got.iter().all(|e| e.tx_hash == receipt.tx_hash && e.block_number == receipt.block));
}
