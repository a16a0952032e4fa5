//! The dashboard's HTTP/1 connections, served with hyper and a timer. `axum::serve` gives
//! hyper no timer, so a request's head could take forever: a byte every few seconds keeps
//! the idle limit away, and 512 such connections locked every dashboard out.

use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::listener::CappedListener;

/// A connection has this long from its accept, and a kept-alive one from the end of each
/// answer, to send a complete request head; then it is closed without an answer. Only the
/// head: a WebSocket, once upgraded, lives under the idle limit alone.
pub const HEADER_READ: Duration = Duration::from_secs(10);

/// Serves `app` until `stop`; each connection then finishes the request under way on its
/// own (a WebSocket is its own task by then and ends with the run).
pub async fn serve(
    mut listener: CappedListener,
    app: Router,
    header_read: Duration,
    stop: CancellationToken,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read);
    // Each connection holds a receiver: the sender sees them all gone once they have ended.
    let (open_tx, open_rx) = watch::channel(());
    loop {
        let io = tokio::select! {
            () = stop.cancelled() => break,
            (io, _addr) = listener.accept() => io,
        };
        let conn = http
            .serve_connection(TokioIo::new(io), TowerToHyperService::new(app.clone()))
            .with_upgrades();
        let (stop, open) = (stop.clone(), open_rx.clone());
        tokio::spawn(async move {
            let mut conn = std::pin::pin!(conn);
            let ended = tokio::select! {
                r = conn.as_mut() => r,
                () = stop.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            // A client that went away, or one closed for its slowness: nothing to report.
            if let Err(e) = ended {
                tracing::trace!("dashboard: a connection ended: {e}");
            }
            drop(open);
        });
    }
    drop(open_rx);
    open_tx.closed().await;
}
