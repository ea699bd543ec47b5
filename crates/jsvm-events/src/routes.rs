//! The endpoints: `POST /subscribe` streams newline-delimited JSON as go-iost's gateway does; `GET /ws` sends
//! the same lines as WebSocket text messages, the request being the client's first message.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::{ChainEvent, EventError, EventHub, SubscribeRequest, Subscription};

/// Largest subscribe request accepted, in bytes (a body or a WebSocket message).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;

/// How long a WebSocket client has to send its subscribe request.
const FIRST_MESSAGE_WAIT: Duration = Duration::from_secs(10);

/// `POST /subscribe` and `GET /ws` over `hub`, for the node to merge into its router.
pub fn routes(hub: Arc<EventHub>) -> Router {
    Router::new()
        .route("/subscribe", post(subscribe))
        .route("/ws", get(websocket))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(hub)
}

/// An HTTP error in the gateway's shape, `{"error", "code", "message", "details"}`.
fn error_response(status: StatusCode, code: u32, message: &str) -> Response {
    let body = serde_json::json!({"error": message, "code": code, "message": message, "details": []});
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn refusal(error: &EventError) -> Response {
    let status = match error {
        EventError::BadRequest(_) => StatusCode::BAD_REQUEST,
        EventError::TooManySubscriptions(_) => StatusCode::TOO_MANY_REQUESTS,
        EventError::Lagged { .. } | EventError::Unreadable { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        EventError::Closed => StatusCode::SERVICE_UNAVAILABLE,
    };
    error_response(status, error.grpc_code(), &error.to_string())
}

/// One stream line (without its newline): an event, or the error that ends the stream.
fn line(item: Result<ChainEvent, EventError>) -> String {
    match item {
        Ok(event) => event.to_line(),
        Err(error) => error.to_line(),
    }
}

fn open(hub: &EventHub, body: &[u8]) -> Result<Subscription, EventError> {
    hub.subscribe(SubscribeRequest::from_json(body)?)
}

async fn subscribe(State(hub): State<Arc<EventHub>>, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return error_response(rejection.status(), 3, &rejection.body_text()),
    };
    let subscription = match open(&hub, &body) {
        Ok(subscription) => subscription,
        Err(error) => return refusal(&error),
    };
    let lines = futures_util::stream::unfold(subscription, |mut subscription| async move {
        let item = subscription.next().await?;
        Some((Ok::<_, Infallible>(Bytes::from(line(item) + "\n")), subscription))
    });
    ([(header::CONTENT_TYPE, "application/json")], Body::from_stream(lines)).into_response()
}

async fn websocket(
    State(hub): State<Arc<EventHub>>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    match upgrade {
        Ok(upgrade) => upgrade.max_message_size(MAX_REQUEST_BYTES).on_upgrade(move |socket| serve(hub, socket)),
        Err(rejection) => error_response(rejection.status(), 3, &rejection.body_text()),
    }
}

/// The client's subscribe request: its first text or binary message, within [`FIRST_MESSAGE_WAIT`].
async fn first_request(socket: &mut WebSocket) -> Option<Bytes> {
    let wait = async {
        while let Some(Ok(message)) = socket.recv().await {
            match message {
                Message::Text(text) => return Some(Bytes::from(text)),
                Message::Binary(bytes) => return Some(bytes),
                Message::Close(_) => return None,
                Message::Ping(_) | Message::Pong(_) => {}
            }
        }
        None
    };
    tokio::time::timeout(FIRST_MESSAGE_WAIT, wait).await.ok().flatten()
}

/// Sends `text`, then closes the socket (the client learns why from the text).
async fn close_with(mut socket: WebSocket, text: String) {
    if socket.send(Message::Text(text.into())).await.is_ok() {
        let _ = socket.send(Message::Close(None)).await;
    }
}

async fn serve(hub: Arc<EventHub>, mut socket: WebSocket) {
    let Some(request) = first_request(&mut socket).await else { return };
    let mut subscription = match open(&hub, &request) {
        Ok(subscription) => subscription,
        Err(error) => return close_with(socket, line(Err(error))).await,
    };
    drop(hub);
    loop {
        tokio::select! {
            item = subscription.next() => match item {
                Some(Ok(event)) => {
                    if socket.send(Message::Text(line(Ok(event)).into())).await.is_err() {
                        return;
                    }
                }
                Some(Err(error)) => return close_with(socket, line(Err(error))).await,
                None => return close_with(socket, line(Err(EventError::Closed))).await,
            },
            // Later client messages are ignored; its close or a broken connection ends the subscription.
            message = socket.recv() => match message {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
