//! The hub in process: what each subscriber receives, in what order, and how a subscription ends.

mod common;

use std::time::Duration;

use common::{emit, fail, TestChain};
use jsvm_events::{ChainEvent, EventError, EventLimits, SubscribeRequest, Subscription, Topic};

fn request(topics: &[Topic], contract_id: &str, from_block: Option<u64>) -> SubscribeRequest {
    SubscribeRequest { topics: topics.to_vec(), contract_id: contract_id.into(), from_block }
}

const BOTH: &[Topic] = &[Topic::ContractReceipt, Topic::ContractEvent];

/// `(block, topic name, data)` of each event, the short form the assertions compare.
fn short(events: &[ChainEvent]) -> Vec<(u64, &'static str, String)> {
    events.iter().map(|e| (e.block_number, e.topic.name(), e.data.clone())).collect()
}

/// The next `n` events; fails if the stream ends or stalls first.
async fn take(subscription: &mut Subscription, n: usize) -> Vec<ChainEvent> {
    let mut out = Vec::new();
    while out.len() < n {
        let next = tokio::time::timeout(Duration::from_secs(5), subscription.next()).await.expect("no event in 5 s");
        out.push(next.expect("the stream ended").expect("the stream failed"));
    }
    out
}

/// Asserts nothing more is waiting.
async fn assert_idle(subscription: &mut Subscription) {
    let next = tokio::time::timeout(Duration::from_millis(50), subscription.next()).await;
    assert!(next.is_err(), "unexpected item: {:?}", next.unwrap());
}

#[tokio::test]
async fn live_subscriber_gets_the_committed_events_of_successful_transactions_in_chain_order() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let (id, deployed) = chain.deploy_emitter();
    hub.publish(deployed);
    let mut sub = hub.subscribe(request(BOTH, "", None)).unwrap();
    let block = chain.commit(vec![emit(&id, "a", 2), fail(&id, "x"), emit(&id, "b", 1)]);
    hub.publish(block.clone());
    let events = take(&mut sub, 5).await;
    let h = block.height;
    assert_eq!(
        short(&events),
        vec![
            (h, "CONTRACT_RECEIPT", "done a".to_string()),
            (h, "CONTRACT_EVENT", "a#0".to_string()),
            (h, "CONTRACT_EVENT", "a#1".to_string()),
            (h, "CONTRACT_RECEIPT", "done b".to_string()),
            (h, "CONTRACT_EVENT", "b#0".to_string()),
        ]
    );
    let hashes: Vec<&str> = events.iter().map(|e| e.tx_hash.as_str()).collect();
    let (a, b) = (block.receipts[0].tx_hash.as_str(), block.receipts[2].tx_hash.as_str());
    assert_eq!(hashes, vec![a, a, a, b, b]);
    assert!(events.iter().all(|e| e.contract_id == id && e.time == block.time));
    assert_idle(&mut sub).await;
}

#[tokio::test]
async fn topics_and_the_contract_filter_choose_the_events() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let (first, _) = chain.deploy_emitter();
    let (second, _) = chain.deploy_emitter();
    let mut events_of_first = hub.subscribe(request(&[Topic::ContractEvent], &first, None)).unwrap();
    let mut receipts_of_all = hub.subscribe(request(&[Topic::ContractReceipt], "", None)).unwrap();
    let only_second = chain.commit(vec![emit(&second, "s", 1)]);
    let both = chain.commit(vec![emit(&second, "t", 1), emit(&first, "f", 2)]);
    hub.publish(only_second.clone());
    hub.publish(both.clone());
    let got = take(&mut events_of_first, 2).await;
    assert_eq!(
        short(&got),
        vec![(both.height, "CONTRACT_EVENT", "f#0".into()), (both.height, "CONTRACT_EVENT", "f#1".into())]
    );
    assert_idle(&mut events_of_first).await;
    let got = take(&mut receipts_of_all, 3).await;
    assert_eq!(
        short(&got),
        vec![
            (only_second.height, "CONTRACT_RECEIPT", "done s".into()),
            (both.height, "CONTRACT_RECEIPT", "done t".into()),
            (both.height, "CONTRACT_RECEIPT", "done f".into()),
        ]
    );
    assert_eq!(got[0].contract_id, second);
    assert_eq!(got[2].contract_id, first);
    assert_idle(&mut receipts_of_all).await;
}

#[tokio::test]
async fn from_block_replays_the_committed_events_then_continues_live_without_gap_or_duplicate() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let (id, _) = chain.deploy_emitter();
    let b1 = chain.commit(vec![emit(&id, "one", 1)]);
    let b2 = chain.commit(vec![emit(&id, "two", 1)]);
    hub.publish(b1.clone());
    hub.publish(b2.clone());
    let mut sub = hub.subscribe(request(&[Topic::ContractEvent], "", Some(b1.height))).unwrap();
    // One replayed event read, then a block arrives while the replay is not done.
    let first = take(&mut sub, 1).await;
    let b3 = chain.commit(vec![emit(&id, "three", 1)]);
    hub.publish(b3.clone());
    // Committed but not yet published when the replay catches up: it comes once, live.
    let b4 = chain.commit(vec![emit(&id, "four", 1)]);
    let rest = take(&mut sub, 2).await;
    assert_idle(&mut sub).await; // caught up: on the live queue now
    hub.publish(b4.clone());
    let last = take(&mut sub, 1).await;
    let all: Vec<ChainEvent> = first.into_iter().chain(rest).chain(last).collect();
    assert_eq!(
        short(&all),
        vec![
            (b1.height, "CONTRACT_EVENT", "one#0".into()),
            (b2.height, "CONTRACT_EVENT", "two#0".into()),
            (b3.height, "CONTRACT_EVENT", "three#0".into()),
            (b4.height, "CONTRACT_EVENT", "four#0".into()),
        ]
    );
    assert_eq!(all[0].tx_hash, b1.receipts[0].tx_hash);
    assert_eq!(all[0].time, b1.time);
    assert_idle(&mut sub).await;
}

#[tokio::test]
async fn replayed_events_are_the_live_ones() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let (id, _) = chain.deploy_emitter();
    let mut live = hub.subscribe(request(BOTH, "", None)).unwrap();
    let block = chain.commit(vec![emit(&id, "a", 2), fail(&id, "x"), emit(&id, "b", 1)]);
    hub.publish(block.clone());
    let mut replay = hub.subscribe(request(BOTH, "", Some(0))).unwrap();
    assert_eq!(take(&mut replay, 5).await, take(&mut live, 5).await);
}

#[tokio::test]
async fn from_block_ahead_of_the_chain_waits_for_that_block() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let (id, deployed) = chain.deploy_emitter();
    hub.publish(deployed.clone());
    let mut sub = hub.subscribe(request(&[Topic::ContractEvent], "", Some(deployed.height + 2))).unwrap();
    hub.publish(chain.commit(vec![emit(&id, "early", 1)]));
    let wanted = chain.commit(vec![emit(&id, "wanted", 1)]);
    hub.publish(wanted.clone());
    assert_eq!(short(&take(&mut sub, 1).await), vec![(wanted.height, "CONTRACT_EVENT", "wanted#0".into())]);
}

#[tokio::test]
async fn a_block_the_producer_skipped_is_read_from_the_store_before_the_next() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let (id, _) = chain.deploy_emitter();
    let mut sub = hub.subscribe(request(&[Topic::ContractEvent], "", None)).unwrap();
    let skipped = chain.commit(vec![emit(&id, "skipped", 1)]);
    let next = chain.commit(vec![emit(&id, "next", 1)]);
    hub.publish(next.clone());
    hub.publish(next.clone()); // published twice: delivered once
    assert_eq!(
        short(&take(&mut sub, 2).await),
        vec![(skipped.height, "CONTRACT_EVENT", "skipped#0".into()), (next.height, "CONTRACT_EVENT", "next#0".into())]
    );
    assert_idle(&mut sub).await;
}

#[tokio::test]
async fn a_subscriber_too_far_behind_gets_what_was_queued_then_an_error_naming_the_first_missed_block() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits { queue_blocks: 2, ..EventLimits::default() });
    let (id, _) = chain.deploy_emitter();
    let mut slow = hub.subscribe(request(&[Topic::ContractEvent], "", None)).unwrap();
    let blocks: Vec<_> = (0..3).map(|i| chain.commit(vec![emit(&id, &format!("b{i}"), 1)])).collect();
    for block in &blocks {
        hub.publish(block.clone());
    }
    assert_eq!(
        short(&take(&mut slow, 2).await),
        vec![(blocks[0].height, "CONTRACT_EVENT", "b0#0".into()), (blocks[1].height, "CONTRACT_EVENT", "b1#0".into())]
    );
    let missed = blocks[2].height;
    assert_eq!(slow.next().await, Some(Err(EventError::Lagged { next_block: missed })));
    assert_eq!(slow.next().await, None);
    let text = EventError::Lagged { next_block: missed }.to_string();
    assert!(text.contains(&format!("\"from_block\": {missed}")), "{text}");
    // Resuming from the block named misses nothing.
    let mut resumed = hub.subscribe(request(&[Topic::ContractEvent], "", Some(missed))).unwrap();
    assert_eq!(short(&take(&mut resumed, 1).await), vec![(missed, "CONTRACT_EVENT", "b2#0".into())]);
}

#[tokio::test]
async fn blocks_a_subscriber_does_not_want_do_not_fill_its_queue() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits { queue_blocks: 1, ..EventLimits::default() });
    let (id, _) = chain.deploy_emitter();
    let mut receipts_only_of_nobody = hub.subscribe(request(BOTH, "no.such.contract", None)).unwrap();
    for i in 0..3 {
        hub.publish(chain.commit(vec![emit(&id, &format!("b{i}"), 1)]));
    }
    assert_idle(&mut receipts_only_of_nobody).await;
}

#[tokio::test]
async fn subscriptions_are_bounded_and_freed_when_dropped() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits { max_subscriptions: 2, ..EventLimits::default() });
    let live = hub.subscribe(request(BOTH, "", None)).unwrap();
    let replaying = hub.subscribe(request(BOTH, "", Some(1))).unwrap();
    assert_eq!(hub.open_subscriptions(), 2);
    assert_eq!(hub.subscribe(request(BOTH, "", None)).err(), Some(EventError::TooManySubscriptions(2)));
    drop(live);
    drop(replaying);
    assert_eq!(hub.open_subscriptions(), 0);
    assert!(hub.subscribe(request(BOTH, "", None)).is_ok());
}

#[tokio::test]
async fn shutdown_ends_every_stream_with_an_error_and_refuses_new_subscriptions() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let (id, _) = chain.deploy_emitter();
    let mut live = hub.subscribe(request(BOTH, "", None)).unwrap();
    let mut replaying = hub.subscribe(request(BOTH, "", Some(1))).unwrap();
    hub.shutdown();
    hub.publish(chain.commit(vec![emit(&id, "late", 1)]));
    assert_eq!(live.next().await, Some(Err(EventError::Closed)));
    assert_eq!(replaying.next().await, Some(Err(EventError::Closed)));
    assert_eq!(live.next().await, None);
    assert_eq!(hub.subscribe(request(BOTH, "", None)).err(), Some(EventError::Closed));
}
