//! The transaction channel ([`super::TXS`]): a transaction a node admits goes to every peer
//! it is connected to, so that it reaches the next leader whichever node a client sent it to.
//! Delivery is best effort: a transaction stays in the mempool of the node that admitted it,
//! which proposes it itself when it leads.

use std::sync::Arc;

use commonware_cryptography::ed25519::PublicKey;
use commonware_p2p::{Receiver, Recipients, Sender};
use commonware_runtime::IoBuf;
use commonware_utils::channel::mpsc;
use jsvm_vm::Transaction;

use super::Shared;

/// Sends each transaction this node admitted to its peers.
pub(super) async fn forward<S: Sender<PublicKey = PublicKey>>(
    mut sender: S,
    mut admitted: mpsc::Receiver<Transaction>,
) {
    while let Some(tx) = admitted.recv().await {
        match serde_json::to_vec(&tx) {
            Ok(bytes) => {
                sender.send(Recipients::All, IoBuf::from(bytes), false);
            }
            Err(e) => tracing::warn!("cannot encode a transaction to forward: {e}"),
        }
    }
}

/// Admits the transactions peers forward, each checked as if a client had sent it here.
pub(super) async fn admit<R: Receiver<PublicKey = PublicKey>>(shared: Arc<Shared>, mut receiver: R) {
    while let Ok((from, message)) = receiver.recv().await {
        match serde_json::from_slice::<Transaction>(message.as_ref()) {
            Ok(tx) => shared.txs.received(tx),
            Err(e) => tracing::warn!(peer = %from, "an unreadable transaction on the transaction channel: {e}"),
        }
    }
}
