//! For tests only: the log lines a test's own thread writes, to check what reaches a log (no
//! key, no webhook URL) and that a failure is logged once.
//!
//! One global subscriber routes each thread's events to that thread's capture. A scoped
//! subscriber per test (`set_default`) loses events when tests run in parallel: with one live
//! scoped subscriber, tracing assumes it is the global one, and a callsite first reached on
//! another test's thread is cached as "never" for every thread (CI lost a warning so).

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};

use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;

#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

thread_local! {
    static CAPTURE: RefCell<Option<Logs>> = const { RefCell::new(None) };
}

/// Writes into the calling thread's capture, if it has one.
struct ThreadWriter;

impl Write for ThreadWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        // `try_with`: an event logged while a thread's locals are torn down must not panic
        // (with one global subscriber, that would abort the whole test binary).
        let _ = CAPTURE.try_with(|c| {
            if let Some(logs) = &*c.borrow() {
                logs.0
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend_from_slice(b);
            }
        });
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capturing() -> bool {
    CAPTURE.try_with(|c| c.borrow().is_some()).unwrap_or(false)
}

/// Ends this thread's capture when dropped.
pub struct Capturing(());

impl Drop for Capturing {
    fn drop(&mut self) {
        let _ = CAPTURE.try_with(|c| c.borrow_mut().take());
    }
}

/// Everything logged on this thread while the guard lives (not on other threads: a
/// multi-thread runtime's workers and `spawn_blocking` are not captured).
pub fn capture() -> (Logs, Capturing) {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // A dynamic filter is asked at every event (a plain one is cached per callsite).
        let layer = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(|| ThreadWriter)
            .with_filter(tracing_subscriber::filter::dynamic_filter_fn(|_, _| {
                capturing()
            }));
        let subscriber = tracing_subscriber::registry().with(layer);
        // Fails only when a test set a global subscriber first; then nothing is captured and
        // the test that looks at its logs says so.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
    // A callsite reached while the subscriber was being installed may hold a stale interest.
    tracing::callsite::rebuild_interest_cache();
    let logs = Logs::default();
    CAPTURE.with(|c| *c.borrow_mut() = Some(logs.clone()));
    (logs, Capturing(()))
}
