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
            Some((&TAG_REQUEST, digest)) => {
                let Ok(digest) = <[u8; 32]>::try_from(digest) else { continue };
                let block = shared.chain().block_bytes(&digest).ok().flatten();
                if let Some(bytes) = block {
                    sender.send(Recipients::One(from), IoBuf::from(tagged(TAG_BLOCK, &bytes)), false);
                }
            }
            _ => tracing::warn!(peer = %from, "an unreadable message on the block channel"),
        }
    }
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
        let wanted: Vec<BlockDigest> = {
            let chain = shared.chain();
            let mut wanted = shared.wanted.lock().unwrap_or_else(|e| e.into_inner());
            wanted.retain(|d| !chain.has_block(d));
            wanted.iter().copied().collect()
        };
        for digest in wanted {
            sender.send(Recipients::All, IoBuf::from(tagged(TAG_REQUEST, &digest)), false);
        }
    }
}
