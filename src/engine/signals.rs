//! SIGINT, SIGTERM and SIGHUP (an SSH drop) become one orderly shutdown.

use std::io::Write;

use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;

/// Cancels `token` on the first of SIGINT, SIGTERM or SIGHUP. Returns at once if the handlers
/// cannot be installed (the process then stops the default way). `say_on_stdout`: headless,
/// where stdout is the log a service manager keeps, says why it stops there too.
pub fn cancel_on_signals(token: CancellationToken, say_on_stdout: bool) {
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
                if say_on_stdout && !token.is_cancelled() {
                    let clock = chrono::Local::now().format("[%H:%M:%S]");
                    // A closed stdout is not worth a panic while stopping.
                    let _ = writeln!(std::io::stdout(), "{clock} {line}");
                }
                token.cancel();
            }
        });
    }
}
