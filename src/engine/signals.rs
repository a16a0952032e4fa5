//! SIGINT, SIGTERM and SIGHUP (an SSH drop) become one orderly shutdown.

use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;

/// Cancels `token` on the first of SIGINT, SIGTERM or SIGHUP. Returns at once if the handlers
/// cannot be installed (the process then stops the default way). `say`: a front end that
/// says why it stops in its own words (headless, whose stdout is the service's log).
pub fn cancel_on_signals(token: CancellationToken, say: Option<fn(&str)>) {
    let kinds = [
        (SignalKind::interrupt(), "Ctrl-C (SIGINT)"),
        (SignalKind::terminate(), "asked to stop (SIGTERM)"),
        (
            SignalKind::hangup(),
            "the terminal or SSH session closed (SIGHUP)",
        ),
    ];
    for (kind, why) in kinds {
        let Ok(mut s) = signal(kind) else {
            tracing::warn!("cannot listen for signal {kind:?}");
            continue;
        };
        let token = token.clone();
        tokio::spawn(async move {
            if s.recv().await.is_some() {
                let line = format!("Stopping: {why}");
                tracing::info!("{line}");
                if let Some(say) = say.filter(|_| !token.is_cancelled()) {
                    say(&line);
                }
                token.cancel();
            }
        });
    }
}
