//! The TUI's log line when a moment changes while building. On its own in this binary: a
//! thread-local tracing subscriber misses events when other tests in the same process
//! register the same callsites without one.

mod tui_support;

use kicktui::app::Msg;
use kicktui::engine::update::Update;
use tui_support::*;

/// The log says what a moment was first seen as; when it becomes something else by the time
/// it is final, the log says that too (it kept "CHAT SPIKE" for a keyword burst).
#[test]
fn a_moment_that_changes_while_building_is_logged_again_when_final() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::ErrorKind::Other)?
                .extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf::default();
    let w = buf.clone();
    let sub = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || w.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(sub);
    let mut a = app();
    let mut first = spike(11.0, 40.0);
    first.triggers.truncate(1);
    a.update(
        Msg::Engine(Update::MomentBuilding {
            id: Some(1),
            moment: first,
        }),
        T0,
    );
    let mut last = spike(11.0, 208.5);
    last.trigger_type = kicktui::domain::TriggerType::Keyword;
    a.update(moment_update(Some(1), last.clone()), T0);
    // The same final form again says nothing new.
    a.update(moment_update(Some(1), last), T0);
    let log =
        String::from_utf8(buf.0.lock().map(|b| b.clone()).unwrap_or_default()).unwrap_or_default();
    assert!(log.contains("CHAT SPIKE at 11s"), "{log}");
    assert_eq!(
        log.matches("Moment #1 final: KEYWORD BURST at 11s").count(),
        1,
        "{log}"
    );
    assert!(log.contains("(score 208.5)"), "{log}");
}
