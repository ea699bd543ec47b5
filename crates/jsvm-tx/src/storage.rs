//! Serde for jsvm's storage form: byte strings as standard padded base64 text, signatures as IOST's JSON shows
//! them (`{"algorithm", "public_key", "signature"}`).

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::keys::{Algorithm, Signature};

/// `#[serde(with = "base64_bytes")]`: a `Vec<u8>` as standard base64 with padding.
pub(crate) mod base64_bytes {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map_err(|err| serde::de::Error::custom(format!("invalid base64: {err}")))
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredSignature {
    algorithm: Algorithm,
    #[serde(with = "base64_bytes")]
    public_key: Vec<u8>,
    #[serde(with = "base64_bytes")]
    signature: Vec<u8>,
}

impl Serialize for Signature {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StoredSignature {
            algorithm: self.algorithm,
            public_key: self.public_key.clone(),
            signature: self.signature.clone(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Signature, D::Error> {
        let stored = StoredSignature::deserialize(deserializer)?;
        Ok(Signature { algorithm: stored.algorithm, public_key: stored.public_key, signature: stored.signature })
    }
}
