//! A small blocking client of a running node's HTTP API (IOST's gateway paths and JSON).

use std::time::Duration;

use serde_json::Value;

/// How long one request may take, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest answer read (a receipt, a block): far above what the node sends.
const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

/// Why a request got no usable answer.
#[derive(Debug)]
pub(crate) enum RequestError {
    /// The node answered with an HTTP error: its status and the message of its error body.
    Node { status: u16, message: String },
    /// No answer: the node cannot be reached, or what it sent is not JSON.
    Transport(String),
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestError::Node { status, message } => write!(f, "HTTP {status}: {message}"),
            RequestError::Transport(e) => f.write_str(e),
        }
    }
}

/// The node at one base URL, e.g. `http://127.0.0.1:30001`.
pub(crate) struct NodeClient {
    agent: ureq::Agent,
    base: String,
}

impl NodeClient {
    pub(crate) fn new(url: &str) -> Result<NodeClient, String> {
        let base = url.trim_end_matches('/').to_string();
        if !base.starts_with("http://") {
            return Err(format!("--node {url}: give the node's address as http://HOST:PORT (no TLS)"));
        }
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(REQUEST_TIMEOUT))
            // Error answers carry the node's reason in their body: read it rather than stop at the status.
            .http_status_as_error(false)
            .build();
        Ok(NodeClient { agent: ureq::Agent::new_with_config(config), base })
    }

    pub(crate) fn get(&self, path: &str) -> Result<Value, RequestError> {
        let answer = self.agent.get(format!("{}{path}", self.base)).call();
        self.answer(path, answer)
    }

    pub(crate) fn post(&self, path: &str, body: &Value) -> Result<Value, RequestError> {
        let answer = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/json")
            .send(body.to_string());
        self.answer(path, answer)
    }

    fn answer(
        &self,
        path: &str,
        answer: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Value, RequestError> {
        let transport = |e: &dyn std::fmt::Display| RequestError::Transport(format!("{}{path}: {e}", self.base));
        let mut response = answer.map_err(|e| transport(&e))?;
        let status = response.status().as_u16();
        let text =
            response.body_mut().with_config().limit(MAX_BODY_BYTES).read_to_string().map_err(|e| transport(&e))?;
        let json: Result<Value, _> = serde_json::from_str(&text);
        if (200..300).contains(&status) {
            return json.map_err(|e| transport(&format_args!("the answer is not JSON ({e})")));
        }
        // IOST's error body {"error", "code", "message", "details"}; anything else is shown as sent.
        let message = match json {
            Ok(body) => body["message"].as_str().or(body["error"].as_str()).map(str::to_string),
            Err(_) => None,
        }
        .unwrap_or_else(|| text.trim().chars().take(500).collect());
        Err(RequestError::Node { status, message })
    }
}
