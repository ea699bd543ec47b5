//! The block channel ([`super::BLOCKS`]): blocks proposers push, requests for blocks a
//! validator lacks, and the answers. Consensus orders digests only; a block reaches every
//! validator here, and one that missed it (late, or back from a crash) asks until it comes.

use std::sync::Arc;

use commonware_cryptography::ed25519::PublicKey;
use commonware_p2p::{Receiver, Recipients, Sender};
use commonware_runtime::{Clock, IoBuf};

use super::{Shared, FETCH_RETRY};
use crate::block::BlockDigest;

/// Message tags on the block channel.
pub(super) const TAG_BLOCK: u8 = 0;
const TAG_REQUEST: u8 = 1;
/// Most blocks one request is answered with: the block asked for and its ancestors above the
/// asker's committed height, so that a validator catching up gets a run of blocks per round
/// trip instead of one.
const BLOCKS_PER_REQUEST: usize = 64;

/// A message: its tag, then its body.
pub(super) fn tagged(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(body.len() + 1);
    message.push(tag);
    message.extend_from_slice(body);
    message
}

/// Keeps blocks peers push, answers peers' requests, and asks for the blocks this validator waits for.
pub(super) async fn serve_blocks<S, R>(shared: Arc<Shared>, mut sender: S, mut receiver: R)
where
    S: Sender<PublicKey = PublicKey>,
    R: Receiver<PublicKey = PublicKey>,
{
    while let Ok((from, message)) = receiver.recv().await {
        let message: &[u8] = message.as_ref();
        match message.split_first() {
            Some((&TAG_BLOCK, bytes)) => {
                let received = shared.chain().receive(bytes);
                match received {
                    Ok(digest) => {
                        shared.wanted.lock().unwrap_or_else(|e| e.into_inner()).remove(&digest);
                    }
                    Err(e) => tracing::warn!(peer = %from, "a block from a peer is refused: {e}"),
                }
            }
            Some((&TAG_REQUEST, body)) if body.len() == 40 => {
                let (digest, above) = body.split_at(32);
                let Ok(digest) = <[u8; 32]>::try_from(digest) else { continue };
                let above = u64::from_be_bytes(above.try_into().unwrap_or_default());
                answer_request(&shared, &mut sender, from, digest, above);
            }
            _ => tracing::warn!(peer = %from, "an unreadable message on the block channel"),
        }
    }
}

/// Sends `from` block `digest` and its ancestors down to height `above` + 1 (those this
/// validator has, at most [`BLOCKS_PER_REQUEST`]).
fn answer_request<S: Sender<PublicKey = PublicKey>>(
    shared: &Shared,
    sender: &mut S,
    from: PublicKey,
    mut digest: BlockDigest,
    above: u64,
) {
    for _ in 0..BLOCKS_PER_REQUEST {
        let block = shared.chain().wire_block(&digest).ok().flatten();
        let Some(block) = block else { return };
        if block.height <= above {
            return;
        }
        sender.send(Recipients::One(from.clone()), IoBuf::from(tagged(TAG_BLOCK, &block.encode())), false);
        match block.parent_digest() {
            Ok(parent) => digest = parent,
            Err(_) => return,
        }
    }
}

/// A request for block `digest`, from a validator whose committed head is at `committed`.
fn request(digest: &BlockDigest, committed: u64) -> Vec<u8> {
    let mut body = Vec::with_capacity(40);
    body.extend_from_slice(digest);
    body.extend_from_slice(&committed.to_be_bytes());
    tagged(TAG_REQUEST, &body)
}

pub(super) async fn fetch_wanted<E: Clock, S: Sender<PublicKey = PublicKey>>(
    clock: E,
    shared: Arc<Shared>,
    mut sender: S,
) {
    loop {
        clock.sleep(FETCH_RETRY).await;
        // A block that came meanwhile, or that another route brought (committed while catching
        // up), is not asked for again.
        let (wanted, committed): (Vec<BlockDigest>, u64) = {
            let chain = shared.chain();
            let mut wanted = shared.wanted.lock().unwrap_or_else(|e| e.into_inner());
            wanted.retain(|d| !chain.has_block(d));
            (wanted.iter().copied().collect(), chain.committed().map_or(0, |(height, _)| height))
        };
        for digest in wanted {
            sender.send(Recipients::All, IoBuf::from(request(&digest, committed)), false);
        }
    }
}
