//! The TUI's log while a moment builds trigger by trigger: it said "Moment #N now …" for
//! each trigger, three lines in a second, and the 80x24 log pane (one row) lost the banner.
//! On its own in this binary: a thread-local tracing subscriber misses events when other
//! tests in the same process register the same callsites without one.

mod tui_support;

use std::sync::{Arc, Mutex};

use kicktui::app::Msg;
use kicktui::domain::Moment;
use kicktui::engine::update::Update;
use tui_support::*;

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

/// The spike with `n` triggers (more keywords past its two).
fn with_triggers(n: usize) -> Moment {
    let mut m = spike(11.0, 40.0 + n as f64);
    while m.triggers.len() < n {
        let extra = m.triggers[1].clone();
        m.triggers.push(extra);
    }
    m.triggers.truncate(n);
    m
}

fn building(n: usize) -> Msg {
    Msg::Engine(Update::MomentBuilding {
        id: Some(1),
        moment: with_triggers(n),
    })
}

#[test]
fn a_moment_growing_in_one_second_logs_its_banner_not_three_now_lines() {
    let buf = Buf::default();
    let w = buf.clone();
    let sub = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || w.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(sub);
    let log = || {
        String::from_utf8(buf.0.lock().map(|b| b.clone()).unwrap_or_default()).unwrap_or_default()
    };
    let mut a = app_sized(80, 24);
    a.update(building(1), T0);
    a.update(building(2), at(0.3));
    a.update(building(3), at(0.6));
    let first = log();
    assert!(first.contains("CHAT SPIKE at 11s"), "{first}");
    assert_eq!(first.matches("Moment #1 now:").count(), 0, "{first}");
    // Seconds later it grows again: one line says what it is now.
    a.update(building(4), at(6.0));
    a.update(building(5), at(6.5));
    let later = log();
    assert_eq!(later.matches("Moment #1 now:").count(), 1, "{later}");
    // Final: the log's last word has all its triggers (it last said four).
    a.update(moment_update(Some(1), with_triggers(5)), at(8.0));
    let fin = log();
    assert_eq!(fin.matches("Moment #1 final:").count(), 1, "{fin}");
    assert!(fin.contains("(score 45.0)"), "{fin}");
}
