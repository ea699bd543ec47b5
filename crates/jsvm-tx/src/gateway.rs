//! IOST's gateway JSON: the `TransactionRequest` that `POST /sendTx` receives and the `Transaction` that the
//! gateway shows, under the proto3 JSON mapping that go-iost's grpc-gateway uses.

use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::error::TxError;
use crate::keys::{Algorithm, Signature};
use crate::tx::{Action, AmountLimit, Tx};

impl Tx {
    /// The transaction of a `POST /sendTx` body, as go-iost's gateway reads it (`rpc.toCoreTx`). The proto3
    /// JSON mapping: field names in snake_case or lowerCamelCase (one spelling per field), `null` for a field's
    /// default, int64 as a number or a decimal string, bytes in base64 (standard or URL-safe, padding optional),
    /// the algorithm as `ED25519`/`SECP256K1` or its number; unknown fields (the SDK's `reserved`) are ignored.
    /// `gas_ratio` and `gas_limit` are numbers as the user writes them and become the hashed ×100 integers as Go
    /// converts them (`int64(x * 100)`, truncated); `reserved` and `referred_tx` stay empty, as there.
    pub fn from_gateway_json(body: &[u8]) -> Result<Tx, TxError> {
        let value: Value = serde_json::from_slice(body).map_err(|err| TxError::Json(err.to_string()))?;
        let Value::Object(map) = value else {
            return Err(TxError::Json(format!("expected a JSON object, got {}", kind(&value))));
        };
        let fields = Fields { map: &map, path: String::new() };
        Ok(Tx {
            time: fields.int64("time", "time")?,
            expiration: fields.int64("expiration", "expiration")?,
            gas_ratio: fields.gas("gas_ratio", "gasRatio")?,
            gas_limit: fields.gas("gas_limit", "gasLimit")?,
            delay: fields.int64("delay", "delay")?,
            chain_id: fields.uint32("chain_id", "chainId")?,
            reserved: Vec::new(),
            signers: fields.list("signers", "signers", string)?,
            actions: fields.list("actions", "actions", |field, value| {
                let action = Fields::of(field, value)?;
                Ok(Action {
                    contract: action.string("contract", "contract")?,
                    action_name: action.string("action_name", "actionName")?,
                    data: action.string("data", "data")?,
                })
            })?,
            amount_limit: fields.list("amount_limit", "amountLimit", |field, value| {
                let limit = Fields::of(field, value)?;
                Ok(AmountLimit { token: limit.string("token", "token")?, value: limit.string("value", "value")? })
            })?,
            referred_tx: Vec::new(),
            publisher: fields.string("publisher", "publisher")?,
            signatures: fields.list("signatures", "signatures", signature)?,
            publisher_sigs: fields.list("publisher_sigs", "publisherSigs", signature)?,
        })
    }

    /// The transaction as IOST's gateway shows it (rpc `Transaction` through `toPbTx`, proto field names, every
    /// field present): int64 fields as decimal strings, gas figures as numbers (÷100), `referred_tx` in base58,
    /// and `tx_receipt` null (the node puts the receipt there where IOST does).
    pub fn to_gateway_json(&self) -> Value {
        json!({
            "hash": self.hash_b58(),
            "time": self.time.to_string(),
            "expiration": self.expiration.to_string(),
            "gas_ratio": hundredths(self.gas_ratio),
            "gas_limit": hundredths(self.gas_limit),
            "delay": self.delay.to_string(),
            "chain_id": self.chain_id,
            "actions": self.actions.iter().map(|action| json!({
                "contract": action.contract,
                "action_name": action.action_name,
                "data": action.data,
            })).collect::<Vec<_>>(),
            "signers": self.signers,
            "publisher": self.publisher,
            "referred_tx": bs58::encode(&self.referred_tx).into_string(),
            "amount_limit": self.amount_limit.iter().map(|limit| json!({
                "token": limit.token,
                "value": limit.value,
            })).collect::<Vec<_>>(),
            "tx_receipt": Value::Null,
        })
    }
}

/// A ×100 integer as the double IOST shows (`float64(x) / 100`); whole values as JSON integers, as Go writes them.
fn hundredths(raw: i64) -> Value {
    if raw % 100 == 0 {
        json!(raw / 100)
    } else {
        json!(raw as f64 / 100.0)
    }
}

/// The fields of one JSON object, with the path used in error messages.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Fields<'a> {
    fn of(path: String, value: &'a Value) -> Result<Fields<'a>, TxError> {
        match value {
            Value::Object(map) => Ok(Fields { map, path }),
            other => Err(field_error(&path, format!("must be an object, got {}", kind(other)))),
        }
    }

    fn path_of(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    /// The field's value under either spelling; `None` when absent or null.
    fn get(&self, snake: &str, camel: &str) -> Result<Option<(String, &'a Value)>, TxError> {
        let by_snake = self.map.get(snake);
        let by_camel = if camel == snake { None } else { self.map.get(camel) };
        let value = match (by_snake, by_camel) {
            (Some(_), Some(_)) => {
                return Err(field_error(&self.path_of(snake), format!("is given twice (as `{snake}` and `{camel}`)")));
            }
            (Some(value), None) | (None, Some(value)) => value,
            (None, None) => return Ok(None),
        };
        Ok((!value.is_null()).then(|| (self.path_of(snake), value)))
    }

    fn int64(&self, snake: &str, camel: &str) -> Result<i64, TxError> {
        self.get(snake, camel)?.map_or(Ok(0), |(field, value)| int64(&field, value))
    }

    fn uint32(&self, snake: &str, camel: &str) -> Result<u32, TxError> {
        let Some((field, value)) = self.get(snake, camel)? else { return Ok(0) };
        let number = int64(&field, value)?;
        u32::try_from(number)
            .map_err(|_| field_error(&field, format!("must be between 0 and 4294967295, got {number}")))
    }

    /// A gas figure: a double in the JSON, the ×100 integer Go's `int64(x * 100)` makes of it in the transaction.
    fn gas(&self, snake: &str, camel: &str) -> Result<i64, TxError> {
        let Some((field, value)) = self.get(snake, camel)? else { return Ok(0) };
        let number = double(&field, value)?;
        let scaled = number * 100.0;
        // Beyond ±2⁶³ Go's conversion has no defined value; such a figure is refused rather than guessed.
        if !INT64_RANGE.contains(&scaled) {
            return Err(field_error(&field, format!("is out of range: {value}")));
        }
        Ok(scaled as i64)
    }

    fn string(&self, snake: &str, camel: &str) -> Result<String, TxError> {
        self.get(snake, camel)?.map_or(Ok(String::new()), |(field, value)| string(field, value))
    }

    fn bytes(&self, snake: &str, camel: &str) -> Result<Vec<u8>, TxError> {
        let Some((field, value)) = self.get(snake, camel)? else { return Ok(Vec::new()) };
        let Value::String(text) = value else {
            return Err(field_error(&field, format!("must be a base64 string, got {}", kind(value))));
        };
        decode_base64(text).ok_or_else(|| field_error(&field, "is not valid base64".into()))
    }

    fn list<T>(
        &self,
        snake: &str,
        camel: &str,
        item: impl Fn(String, &Value) -> Result<T, TxError>,
    ) -> Result<Vec<T>, TxError> {
        let Some((field, value)) = self.get(snake, camel)? else { return Ok(Vec::new()) };
        let Value::Array(items) = value else {
            return Err(field_error(&field, format!("must be an array, got {}", kind(value))));
        };
        items.iter().enumerate().map(|(index, each)| item(format!("{field}[{index}]"), each)).collect()
    }
}

fn signature(field: String, value: &Value) -> Result<Signature, TxError> {
    let fields = Fields::of(field, value)?;
    let algorithm = match fields.get("algorithm", "algorithm")? {
        None => return Err(field_error(&fields.path_of("algorithm"), "is missing (ED25519 or SECP256K1)".into())),
        Some((field, Value::String(name))) => Algorithm::from_name(name)
            .ok_or_else(|| field_error(&field, format!("must be ED25519 or SECP256K1, got \"{name}\"")))?,
        Some((field, value)) => {
            let number = int64(&field, value)?;
            Algorithm::from_wire(number)
                .ok_or_else(|| field_error(&field, format!("must be ED25519 (2) or SECP256K1 (1), got {number}")))?
        }
    };
    Ok(Signature {
        algorithm,
        public_key: fields.bytes("public_key", "publicKey")?,
        signature: fields.bytes("signature", "signature")?,
    })
}

/// Base64 as proto3 JSON reads it: the standard or the URL-safe alphabet, with or without padding.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);
    STANDARD.decode(text).or_else(|_| URL_SAFE.decode(text)).ok()
}

fn string(field: String, value: &Value) -> Result<String, TxError> {
    match value {
        Value::String(text) => Ok(text.clone()),
        other => Err(field_error(&field, format!("must be a string, got {}", kind(other)))),
    }
}

/// An int64 as proto3 JSON allows it: a JSON number with an integral value, or a decimal integer in a string.
fn int64(field: &str, value: &Value) -> Result<i64, TxError> {
    match value {
        Value::Number(number) => {
            if let Some(integer) = number.as_i64() {
                return Ok(integer);
            }
            match number.as_f64() {
                Some(float) if float.fract() == 0.0 && INT64_RANGE.contains(&float) => Ok(float as i64),
                _ => Err(field_error(field, format!("must be an integer within int64, got {number}"))),
            }
        }
        Value::String(text) => text
            .parse::<i64>()
            .map_err(|_| field_error(field, format!("must be an integer within int64, got \"{text}\""))),
        other => Err(field_error(field, format!("must be an integer (number or string), got {}", kind(other)))),
    }
}

/// A double as proto3 JSON allows it: a JSON number, or a number in a string.
fn double(field: &str, value: &Value) -> Result<f64, TxError> {
    let number = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.parse::<f64>().ok().filter(|float| float.is_finite()),
        _ => return Err(field_error(field, format!("must be a number, got {}", kind(value)))),
    };
    number.ok_or_else(|| field_error(field, format!("must be a finite number, got {value}")))
}

/// The doubles that convert to an int64 without overflow: [−2⁶³, 2⁶³). NaN and infinities are outside.
const INT64_RANGE: std::ops::Range<f64> = -9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0;

fn field_error(field: &str, reason: String) -> TxError {
    TxError::Field { field: field.to_owned(), reason }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
