//! Supervised tasks: a long-lived task (chat, channel actor, recorder, metrics server,
//! notifier) that exits or panics is logged and started again with backoff, and the process
//! keeps running. A panic inside a supervised task is not the process going down, so the panic
//! hooks (which kill every child and restore the terminal) leave it alone.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

tokio::task_local! {
    static SUPERVISED: &'static str;
}

/// The name of the supervised task running on this thread right now, if any. For panic hooks:
/// such a panic is caught and the task restarted.
pub fn supervised_task() -> Option<&'static str> {
    SUPERVISED.try_with(|name| *name).ok()
}

/// Runs `fut` as part of the supervised task `name` (for the tasks it spawns, such as one per
/// WebSocket client): a panic there is that task's, not the process going down.
pub fn scoped<F: Future>(name: &'static str, fut: F) -> impl Future<Output = F::Output> {
    SUPERVISED.scope(name, fut)
}

/// How a supervised task is restarted.
#[derive(Clone, Copy, Debug)]
pub struct Restart {
    pub first: Duration,
    pub max: Duration,
    /// A run that lasted this long resets the backoff.
    pub healthy_after: Duration,
}

impl Default for Restart {
    fn default() -> Self {
        Restart {
            first: Duration::from_secs(1),
            max: Duration::from_secs(30),
            healthy_after: Duration::from_secs(60),
        }
    }
}

/// Why a run of the task ended, for `on_restart`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ended {
    Panicked(String),
    Returned,
}

/// Runs `make()` until `cancel`; every time the task panics or returns before that, it is
/// logged, `on_restart` is told (so a front end can show it), and a fresh one starts after a
/// backoff (1, 2, 4 … 30 s; reset after a healthy run).
pub fn spawn_supervised<F, Fut>(
    name: &'static str,
    cancel: CancellationToken,
    restart: Restart,
    mut make: F,
    mut on_restart: impl FnMut(&Ended, Duration) + Send + 'static,
) -> JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut delay = restart.first;
        loop {
            let started = tokio::time::Instant::now();
            let run = tokio::spawn(SUPERVISED.scope(name, make()));
            let abort = run.abort_handle();
            let ended = tokio::select! {
                r = run => match r {
                    Ok(()) => Ended::Returned,
                    Err(e) if e.is_panic() => Ended::Panicked(panic_text(e.into_panic())),
                    // Aborted: only we abort it, on cancel.
                    Err(_) => return,
                },
                () = cancel.cancelled() => {
                    // The task watches `cancel` itself; give it a moment, then stop it.
                    abort.abort();
                    return;
                }
            };
            if cancel.is_cancelled() {
                return;
            }
            if started.elapsed() >= restart.healthy_after {
                delay = restart.first;
            }
            match &ended {
                Ended::Panicked(why) => {
                    tracing::error!("{name} panicked ({why}); restarting in {delay:?}")
                }
                Ended::Returned => tracing::warn!("{name} stopped; restarting in {delay:?}"),
            }
            on_restart(&ended, delay);
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = cancel.cancelled() => return,
            }
            delay = (delay * 2).min(restart.max);
        }
    })
}

/// For tests through the binary: `KICKTUI_FAULT=KIND:FILE` arms a one-time fault of `kind`;
/// true once, when FILE exists (it is removed). Debug builds only: a release binary never
/// panics or removes a file because of a stray environment variable.
pub fn fault_fired(kind: &str) -> bool {
    let Some(v) = fault_env() else {
        return false;
    };
    match v.strip_prefix(kind).and_then(|r| r.strip_prefix(':')) {
        Some(file) => std::fs::remove_file(file).is_ok(),
        None => false,
    }
}

/// `KICKTUI_FAULT`, in debug builds (the tests' binary).
pub fn fault_env() -> Option<String> {
    if cfg!(debug_assertions) {
        std::env::var("KICKTUI_FAULT").ok()
    } else {
        None
    }
}

pub fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn a_panicking_task_is_restarted_with_backoff_and_stops_on_cancel() {
        let runs = Arc::new(AtomicU32::new(0));
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let cancel = CancellationToken::new();
        let (r, s) = (runs.clone(), seen.clone());
        let handle = spawn_supervised(
            "test task",
            cancel.clone(),
            Restart::default(),
            move || {
                let n = r.fetch_add(1, Ordering::SeqCst);
                async move {
                    assert_eq!(supervised_task(), Some("test task"));
                    if n < 2 {
                        panic!("boom {n}");
                    }
                    std::future::pending::<()>().await;
                }
            },
            move |ended, delay| s.lock().unwrap().push((ended.clone(), delay)),
        );
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        let seen = seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            vec![
                (Ended::Panicked("boom 0".into()), Duration::from_secs(1)),
                (Ended::Panicked("boom 1".into()), Duration::from_secs(2)),
            ]
        );
        assert_eq!(supervised_task(), None);
        cancel.cancel();
        handle.await.unwrap();
    }
}
