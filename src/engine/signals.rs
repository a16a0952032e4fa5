//! SIGINT, SIGTERM and SIGHUP (an SSH drop) become one orderly shutdown; Ctrl-C again while
//! it runs (cutting clips, sending the last alerts) stops at once.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;

/// A stop signal has come: a Ctrl-C after it hurries. So does a Ctrl-C after `q` or the
/// demo's end began the stop (the token is cancelled already): the TUI has given the
/// terminal back and says it is cutting clips, and Ctrl-C there did nothing.
static SIGNALLED: AtomicBool = AtomicBool::new(false);
/// When the first stop signal came (ms since the epoch), for [`SAME_SIGNAL_MS`].
static FIRST_AT_MS: AtomicI64 = AtomicI64::new(0);
/// A second SIGINT this soon after the first is the same one delivered twice (`timeout -s
/// INT` signals the process and its group), not a person pressing Ctrl-C again, which takes
/// longer: it skipped the orderly stop and the report.
const SAME_SIGNAL_MS: i64 = 150;

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
        let hurry = kind == SignalKind::interrupt();
        tokio::spawn(async move {
            while s.recv().await.is_some() {
                let now = crate::time::wall_now().0;
                if !SIGNALLED.swap(true, Ordering::SeqCst) {
                    FIRST_AT_MS.store(now, Ordering::SeqCst);
                    if hurry && token.is_cancelled() {
                        stop_now();
                    }
                } else if hurry && !same_signal(FIRST_AT_MS.load(Ordering::SeqCst), now) {
                    stop_now();
                }
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

/// Whether a signal at `now` is the first one (at `first`) delivered again.
fn same_signal(first: i64, now: i64) -> bool {
    (0..SAME_SIGNAL_MS).contains(&(now - first))
}

/// A second Ctrl-C: the person will not wait for the orderly stop. Nothing shown as saved is
/// lost (a moment is announced only once committed); what was under way is what a crash
/// leaves, and the next start or `kicktui clip --pending` finishes it.
fn stop_now() -> ! {
    // Nothing runs on after us: streamlink, a clip's ffmpeg, a hook or an alert command (each
    // in its own process group, so the terminal's Ctrl-C did not reach them).
    crate::media::children::kill_all();
    crate::term::restore();
    let line = format!(
        "Stopping now (Ctrl-C again): clips not cut yet wait for `{}`; recording and alerts \
         stop here",
        crate::present::later_command("clip --pending")
    );
    // Headless stderr would print it a second time.
    tracing::warn!(target: crate::logging::SHOWN, "{line}");
    crate::present::say_err(&line);
    std::process::exit(130)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_delivered_twice_at_once_is_one_a_second_press_is_two() {
        assert!(same_signal(1_000, 1_000));
        assert!(same_signal(1_000, 1_040));
        assert!(!same_signal(1_000, 1_400), "a person pressing again");
    }
}
