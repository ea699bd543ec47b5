//! The hub: committed blocks in, each subscriber's events out, in chain order, none skipped.
//!
//! Each live subscriber has a bounded queue of blocks (shared, read-only event lists). Publishing never waits
//! for a subscriber: one whose queue is full is taken off the hub, gets what its queue holds, then an error
//! line naming the first block it missed. A `from_block` subscriber reads committed blocks from the
//! [`BlockSource`] and joins the live queues only once it has read every block published so far (checked
//! under the hub's lock), so nothing is missed or sent twice at the seam.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use tokio::sync::mpsc;

use crate::event::block_events;
use crate::{BlockSource, ChainEvent, CommittedBlock, EventError, SubscribeRequest};

/// Bounds of the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventLimits {
    /// Most subscriptions open at once (replaying or live); one more is refused.
    pub max_subscriptions: usize,
    /// Most blocks (with an event the subscriber wants) waiting for one subscriber; one more closes it.
    pub queue_blocks: usize,
}

impl Default for EventLimits {
    fn default() -> Self {
        EventLimits { max_subscriptions: 256, queue_blocks: 4096 }
    }
}

/// One published block's events, shared by every queue that holds it.
struct BlockEvents {
    events: Vec<ChainEvent>,
}

/// How a subscription ended, set by the hub before it drops the subscriber's queue.
type Ending = Arc<OnceLock<EventError>>;

struct LiveSubscriber {
    request: Arc<SubscribeRequest>,
    first_block: u64,
    queue: mpsc::Sender<Arc<BlockEvents>>,
    ending: Ending,
}

struct HubState {
    /// Height of the last block delivered to the live queues.
    last_published: u64,
    live: Vec<LiveSubscriber>,
    /// Subscriptions open, replaying or live.
    open: usize,
    closed: bool,
}

struct Shared {
    source: Arc<dyn BlockSource>,
    limits: EventLimits,
    state: Mutex<HubState>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, HubState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Where committed blocks' events meet their subscribers.
pub struct EventHub {
    shared: Arc<Shared>,
}

impl EventHub {
    /// A hub whose first live block is the one after `source`'s head.
    pub fn new(source: Arc<dyn BlockSource>, limits: EventLimits) -> EventHub {
        let state = HubState { last_published: source.head(), live: Vec::new(), open: 0, closed: false };
        EventHub { shared: Arc::new(Shared { source, limits, state: Mutex::new(state) }) }
    }

    /// Hands a committed block's events to the live subscribers; never waits for one. Call it after each
    /// commit, in height order. A block already published is ignored; blocks skipped since the last one are
    /// read from the source first, so subscribers still see every block in order.
    pub fn publish(&self, block: CommittedBlock) {
        let mut state = self.shared.lock();
        if state.closed || block.height <= state.last_published {
            return;
        }
        while state.last_published + 1 < block.height {
            let height = state.last_published + 1;
            match self.shared.source.block(height) {
                Ok(Some(missed)) => deliver(&mut state, &missed),
                outcome => {
                    let reason = outcome.err().unwrap_or_else(|| "the block is not in the store".into());
                    tracing::error!(height, %reason, "events of a committed block could not be read");
                    for subscriber in state.live.drain(..) {
                        let _ = subscriber.ending.set(EventError::Unreadable { height, reason: reason.clone() });
                    }
                    state.last_published = height;
                }
            }
        }
        deliver(&mut state, &block);
    }

    /// Opens a subscription. Refused when the hub is closed or [`EventLimits::max_subscriptions`] are open.
    pub fn subscribe(&self, request: SubscribeRequest) -> Result<Subscription, EventError> {
        let mut state = self.shared.lock();
        if state.closed {
            return Err(EventError::Closed);
        }
        if state.open >= self.shared.limits.max_subscriptions {
            return Err(EventError::TooManySubscriptions(state.open));
        }
        state.open += 1;
        let request = Arc::new(request);
        let phase = match request.from_block {
            None => {
                let first_block = state.last_published + 1;
                join_live(&mut state, &request, first_block, self.shared.limits.queue_blocks)
            }
            Some(height) => Phase::Replay { next: height.max(1) },
        };
        Ok(Subscription { shared: self.shared.clone(), request, pending: VecDeque::new(), phase })
    }

    /// Subscriptions open now (replaying or live).
    pub fn open_subscriptions(&self) -> usize {
        self.shared.lock().open
    }

    /// Ends every subscription (each stream's last line says the node is shutting down) and refuses new ones.
    pub fn shutdown(&self) {
        let mut state = self.shared.lock();
        state.closed = true;
        for subscriber in state.live.drain(..) {
            let _ = subscriber.ending.set(EventError::Closed);
        }
    }
}

impl Drop for EventHub {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Queues `block`'s events for every live subscriber that wants one of them; a full queue ends its subscriber.
fn deliver(state: &mut HubState, block: &CommittedBlock) {
    let events = Arc::new(BlockEvents { events: block_events(block) });
    state.live.retain(|subscriber| {
        if subscriber.queue.is_closed() {
            return false;
        }
        let wanted =
            block.height >= subscriber.first_block && events.events.iter().any(|e| subscriber.request.matches(e));
        if !wanted {
            return true;
        }
        match subscriber.queue.try_send(events.clone()) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::warn!(block = block.height, "an event subscriber fell too far behind and was closed");
                let _ = subscriber.ending.set(EventError::Lagged { next_block: block.height });
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    });
    state.last_published = block.height;
}

/// Puts a subscriber on the live queues, to receive the blocks from `first_block` on (the caller has made sure
/// every wanted block before it is read already: under this lock, no block after `last_published` is).
fn join_live(state: &mut HubState, request: &Arc<SubscribeRequest>, first_block: u64, queue_blocks: usize) -> Phase {
    let (sender, queue) = mpsc::channel(queue_blocks.max(1));
    let ending = Ending::default();
    state.live.push(LiveSubscriber { request: request.clone(), first_block, queue: sender, ending: ending.clone() });
    Phase::Live { queue, ending }
}

enum Phase {
    /// Reading committed blocks from the source, `next` the next to read.
    Replay { next: u64 },
    /// On the hub's live queue.
    Live { queue: mpsc::Receiver<Arc<BlockEvents>>, ending: Ending },
    /// The stream has ended.
    Done,
}

/// One subscriber's events, in chain order. Dropping it ends the subscription.
pub struct Subscription {
    shared: Arc<Shared>,
    request: Arc<SubscribeRequest>,
    /// Wanted events of the block being handed out.
    pending: VecDeque<ChainEvent>,
    phase: Phase,
}

impl Subscription {
    /// The next event. `Some(Err(_))` is the stream's last item (why it ended early); `None` after it.
    /// Cancel-safe: a `select!` that drops this future loses no event. Runs in a tokio runtime (a replay reads
    /// the store on its blocking threads).
    pub async fn next(&mut self) -> Option<Result<ChainEvent, EventError>> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(Ok(event));
            }
            match &mut self.phase {
                Phase::Done => return None,
                Phase::Replay { next } => {
                    let next = *next;
                    {
                        let mut state = self.shared.lock();
                        if state.closed {
                            drop(state);
                            return self.end(EventError::Closed);
                        }
                        if state.last_published < next {
                            let queue_blocks = self.shared.limits.queue_blocks;
                            self.phase = join_live(&mut state, &self.request, next, queue_blocks);
                            continue;
                        }
                    }
                    let source = self.shared.source.clone();
                    let read = tokio::task::spawn_blocking(move || source.block(next)).await;
                    match read {
                        Ok(Ok(Some(block))) => {
                            self.take(&block_events(&block));
                            self.phase = Phase::Replay { next: next + 1 };
                        }
                        Ok(Ok(None)) => {
                            let reason = "the block is not in the store".to_string();
                            return self.end(EventError::Unreadable { height: next, reason });
                        }
                        Ok(Err(reason)) => return self.end(EventError::Unreadable { height: next, reason }),
                        Err(e) => return self.end(EventError::Unreadable { height: next, reason: e.to_string() }),
                    }
                }
                Phase::Live { queue, ending } => match queue.recv().await {
                    Some(block) => self.take(&block.events),
                    // The hub set the ending before it dropped the queue's sender.
                    None => {
                        let error = ending.get().cloned().unwrap_or(EventError::Closed);
                        return self.end(error);
                    }
                },
            }
        }
    }

    /// Queues the wanted ones of `events`.
    fn take(&mut self, events: &[ChainEvent]) {
        self.pending.extend(events.iter().filter(|e| self.request.matches(e)).cloned());
    }

    fn end(&mut self, error: EventError) -> Option<Result<ChainEvent, EventError>> {
        self.phase = Phase::Done;
        Some(Err(error))
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.open = state.open.saturating_sub(1);
    }
}
