//! What can go wrong with a transaction, a key or a signature, in words a client can act on.

/// Why a transaction, key or signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// The request body is not a JSON object.
    #[error("transaction JSON is malformed: {0}")]
    Json(String),
    /// A field of the transaction JSON has the wrong type or an impossible value.
    #[error("transaction field `{field}` {reason}")]
    Field {
        /// The field's path, e.g. `gas_ratio` or `signatures[0].public_key`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A public or secret key that cannot be used.
    #[error("invalid key: {0}")]
    Key(String),
    /// A signer's signature that does not verify over the transaction's base hash.
    #[error("signature {index} of the signers (public key {public_key}) does not verify over the transaction")]
    SignerSignature {
        /// Position in `signatures`.
        index: usize,
        /// The signature's public key, base58.
        public_key: String,
    },
    /// A publisher's signature that does not verify over the transaction's publish hash.
    #[error("publisher signature {index} (public key {public_key}) does not verify over the transaction")]
    PublisherSignature {
        /// Position in `publisher_sigs`.
        index: usize,
        /// The signature's public key, base58.
        public_key: String,
    },
    /// The transaction carries no publisher signature, so nobody vouches for it.
    #[error("transaction has no publisher signature (publisher_sigs is empty)")]
    NoPublisherSignature,
}
