//! SIGINT, SIGTERM and SIGHUP (an SSH drop) become one orderly shutdown.

use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;

/// Cancels `token` on the first of SIGINT, SIGTERM or SIGHUP. Returns at once if the handlers
/// cannot be installed (the process then stops the default way).
pub fn cancel_on_signals(token: CancellationToken) {
    let kinds = [
        SignalKind::interrupt(),
        SignalKind::terminate(),
        SignalKind::hangup(),
    ];
    for kind in kinds {
        let Ok(mut s) = signal(kind) else {
            tracing::warn!("cannot listen for signal {kind:?}");
            continue;
        };
        let token = token.clone();
        tokio::spawn(async move {
            if s.recv().await.is_some() {
                tracing::info!("signal {kind:?}: shutting down");
                token.cancel();
            }
        });
    }
}
