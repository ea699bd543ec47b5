//! The subscribe request: go-iost's `SubscribeRequest` in proto3 JSON, plus jsvm's `from_block`.

use serde_json::{Map, Value};

use crate::{EventError, Topic};

/// What a subscriber asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeRequest {
    /// The topics wanted; at least one.
    pub topics: Vec<Topic>,
    /// Only events of this contract; empty for every contract (as go-iost's filter).
    pub contract_id: String,
    /// Replay the committed events from this height before the live ones; `None` for live events only.
    /// 0 and 1 both mean the first block.
    pub from_block: Option<u64>,
}

const EXAMPLE: &str =
    r#"{"topics": ["CONTRACT_EVENT", "CONTRACT_RECEIPT"], "filter": {"contract_id": "..."}, "from_block": 1}"#;

fn bad(message: String) -> EventError {
    EventError::BadRequest(message)
}

/// `object[snake]` or `object[camel]` (proto3 JSON accepts both spellings); JSON null counts as absent.
fn field<'a>(object: &'a Map<String, Value>, snake: &str, camel: &str) -> Option<&'a Value> {
    object.get(snake).or_else(|| object.get(camel)).filter(|v| !v.is_null())
}

fn topic(value: &Value) -> Result<Topic, EventError> {
    let found = match value {
        Value::String(name) => Topic::from_name(name),
        Value::Number(n) => n.as_i64().and_then(Topic::from_number),
        _ => None,
    };
    found.ok_or_else(|| {
        bad(format!("unknown topic {value}: topics are CONTRACT_RECEIPT (0), CONTRACT_EVENT (1) and JSVM_BLOCK"))
    })
}

fn topics(object: &Map<String, Value>) -> Result<Vec<Topic>, EventError> {
    let list = match field(object, "topics", "topics") {
        None => &Vec::new(),
        Some(Value::Array(list)) => list,
        Some(other) => return Err(bad(format!("topics must be an array of topic names, not {other}"))),
    };
    let mut topics = Vec::new();
    for value in list {
        let t = topic(value)?;
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    if topics.is_empty() {
        return Err(bad("topics is empty: name one or more of CONTRACT_RECEIPT, CONTRACT_EVENT and JSVM_BLOCK".into()));
    }
    Ok(topics)
}

fn contract_id(object: &Map<String, Value>) -> Result<String, EventError> {
    let filter = match field(object, "filter", "filter") {
        None => return Ok(String::new()),
        Some(Value::Object(filter)) => filter,
        Some(other) => {
            return Err(bad(format!("filter must be an object such as {{\"contract_id\": \"...\"}}, not {other}")))
        }
    };
    match field(filter, "contract_id", "contractId") {
        None => Ok(String::new()),
        Some(Value::String(id)) => Ok(id.clone()),
        Some(other) => Err(bad(format!("filter.contract_id must be a string, not {other}"))),
    }
}

/// An int64 as proto3 JSON writes it: a number or a string of digits.
fn from_block(object: &Map<String, Value>) -> Result<Option<u64>, EventError> {
    let Some(value) = field(object, "from_block", "fromBlock") else { return Ok(None) };
    let height = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse::<u64>().ok(),
        _ => None,
    };
    height.map(Some).ok_or_else(|| bad(format!("from_block must be a block height (a whole number ≥ 0), not {value}")))
}

impl SubscribeRequest {
    /// Parses a request body (JSON, whatever the content type). Unknown fields are ignored, as go-iost's
    /// gateway ignores them; anything else malformed is [`EventError::BadRequest`] saying what.
    pub fn from_json(body: &[u8]) -> Result<SubscribeRequest, EventError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| bad(format!("the subscribe request is not JSON ({e}); send {EXAMPLE}")))?;
        let Value::Object(object) = value else {
            return Err(bad(format!("the subscribe request must be a JSON object such as {EXAMPLE}")));
        };
        Ok(SubscribeRequest {
            topics: topics(&object)?,
            contract_id: contract_id(&object)?,
            from_block: from_block(&object)?,
        })
    }

    /// Whether `event` is one this request asks for.
    pub fn matches(&self, event: &crate::ChainEvent) -> bool {
        self.topics.contains(&event.topic) && (self.contract_id.is_empty() || self.contract_id == event.contract_id)
    }
}
