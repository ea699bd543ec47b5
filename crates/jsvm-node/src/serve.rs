//! The HTTP server's accept loop: hyper's HTTP/1 connections over the router, with a bound on the time a
//! client may take to send a request's head and on the connections open at once.
//!
//! `axum::serve` sets no timer on hyper, so hyper's header read timeout never runs there: a client that sends
//! its request line a byte at a time (slowloris), or connects and sends nothing, holds its connection, its task
//! and its file descriptor for as long as it likes, and enough of them exhaust the node's descriptors. Here each
//! connection has [`Limits::header_read_timeout`] to send a whole head (the same bound closes a keep-alive
//! connection idle that long), and at most [`Limits::max_connections`] are served at once; past that the
//! listener waits, and new clients wait in the kernel's backlog until a connection ends.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

use crate::config::Limits;
use crate::node::wait_for_stop;

/// Pause after an accept error that is not the client's (out of file descriptors, say), so that it is not
/// retried in a hot loop.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// Serves `app` on `listener` until `stopped` turns true; then stops accepting, lets each open connection
/// finish its request in flight, and returns once every connection has ended.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    stopped: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let max_connections = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    let open = Arc::new(Semaphore::new(max_connections as usize));
    let mut builder = Builder::new(TokioExecutor::new());
    // half_close: a client may end its input after the request (`nc -N`, scripts) and wait for the answer; by
    // default hyper closes the connection on reading that end, while the handler still works, and the client
    // gets nothing.
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).half_close(true);
    let stop = wait_for_stop(stopped.clone());
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let (builder, service, stopped) = (builder.clone(), TowerToHyperService::new(app.clone()), stopped.clone());
        tokio::spawn(async move {
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = wait_for_stop(stopped) => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            // An upgraded connection (a WebSocket) lives on outside this count: subscriptions have their own bound.
            drop(permit);
        });
    }
    drop(listener);
    // Every permit back: every connection has ended.
    let _ = open.acquire_many(max_connections).await;
    Ok(())
}

/// An accept error that concerns one client's connection only (it went away before it was accepted).
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}
