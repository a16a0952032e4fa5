//! Shared fixtures for the TUI tests: a model at a fixed time, keys, moments, snapshots, and
//! rendering to plain text.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use kicktui::app::{App, Keymap, Msg, Storage, TuiContext};
use kicktui::detect::velocity::VelocityStatus;
use kicktui::domain::{
    KeywordData, ManualData, Moment, MomentSource, Trigger, TriggerData, TriggerType, Ts,
    VelocityData,
};
use kicktui::engine::update::{Snapshot, Update};

/// 2027-01-15T08:00:00Z: a fixed "now" for every test.
pub const T0: Ts = Ts(1_800_000_000_000);

pub fn ctx() -> TuiContext {
    let mut c = TuiContext::new("clavicular", "/srv/kicktui", Keymap::default());
    c.no_color = true;
    c.storage = Storage::Database;
    c
}

pub fn app_sized(w: u16, h: u16) -> App {
    app_in(ctx(), w, h)
}

/// An app with context `c` (a keymap, a setting), on a `w` × `h` terminal.
pub fn app_in(c: TuiContext, w: u16, h: u16) -> App {
    let mut a = App::new(c, T0);
    a.update(
        Msg::Resize {
            width: w,
            height: h,
        },
        T0,
    );
    a
}

pub fn app() -> App {
    app_sized(120, 40)
}

/// The flash's text, empty when there is none.
pub fn flash(a: &App) -> String {
    a.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
}

pub fn at(s: f64) -> Ts {
    T0.plus_secs(s)
}

pub fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub fn trigger(kind: TriggerType, strength: f64, data: TriggerData) -> Trigger {
    Trigger {
        kind,
        at: T0,
        strength,
        data,
    }
}

/// A chat spike with keywords, `offset_s` into the stream.
pub fn spike(offset_s: f64, score: f64) -> Moment {
    Moment {
        at: at(offset_s),
        offset_s,
        trigger_type: TriggerType::ChatVelocity,
        triggers: vec![
            trigger(
                TriggerType::ChatVelocity,
                2.0,
                TriggerData::Velocity(VelocityData {
                    baseline: 1.2,
                    chatters: 40,
                    rate: 8.7,
                    window_s: 10,
                    z: 5.1,
                }),
            ),
            trigger(
                TriggerType::Keyword,
                1.5,
                TriggerData::Keyword(KeywordData {
                    count: 5,
                    keyword: "CLIP".into(),
                }),
            ),
        ],
        score,
        source: MomentSource::Auto,
        clip_start: at(offset_s - 45.0),
        clip_end: at(offset_s + 10.0),
    }
}

pub fn manual(offset_s: f64) -> Moment {
    Moment {
        at: at(offset_s),
        offset_s,
        trigger_type: TriggerType::Manual,
        triggers: vec![trigger(
            TriggerType::Manual,
            1.0,
            TriggerData::Manual(ManualData::default()),
        )],
        score: 50.0,
        source: MomentSource::Manual,
        clip_start: at(offset_s - 45.0),
        clip_end: at(offset_s + 10.0),
    }
}

pub fn moment_update(id: Option<i64>, m: Moment) -> Msg {
    Msg::Engine(Update::Moment { id, moment: m })
}

// `..default()`: fields the engine adds later.
#[allow(clippy::needless_update)]
pub fn snapshot(secs: f64, rate: f64) -> Snapshot {
    Snapshot {
        at: at(secs),
        channel: "clavicular".into(),
        live: true,
        uptime_s: Some(5025.0 + secs),
        viewers: Some(1234),
        velocity: VelocityStatus {
            rate,
            baseline: 2.0,
            threshold: 6.0,
            z: 0.0,
            chatters: 40,
            peak_bar: true,
            chart_rate: rate,
        },
        keywords: vec![
            ("CLIP".into(), 5),
            ("CLIP THAT".into(), 0),
            ("NO WAY".into(), 2),
            ("LMAO".into(), 7),
        ],
        top_emote: Some(("KEKW".into(), 14)),
        chat_messages: 5000,
        malformed_frames: 0,
        moment_open: false,
        ..Snapshot::default()
    }
}

/// The whole screen as text, one line per row (trailing spaces kept).
pub fn screen(app: &App, w: u16, h: u16) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    kicktui::ui::render(app, area, &mut buf);
    text(&buf)
}

pub fn text(buf: &Buffer) -> String {
    let a = buf.area;
    (a.y..a.bottom())
        .map(|y| {
            (a.x..a.right())
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The engine's recording news for session 5: part 1 at 45.2 MB, in `state`.
pub fn recording_update(state: kicktui::media::RecState) -> Update {
    Update::Recording(kicktui::engine::update::RecordingInfo {
        session: 5,
        state,
        part: 1,
        path: Some(std::path::PathBuf::from(
            "/d/recordings/clavicular_s005_p1.ts",
        )),
        bytes: 45_200_000,
        mb_per_min: 2.6,
        low: false,
        disk_free: None,
        clipping: None,
    })
}

/// The log lines the app writes through `tracing`, captured while it lives (a thread-local
/// subscriber: the binary holding the test should hold no other, see tui_log_building).
pub struct LogCapture {
    buf: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

#[derive(Clone)]
struct LogBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuf {
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

pub fn capture_log() -> LogCapture {
    let buf = std::sync::Arc::default();
    let w = LogBuf(std::sync::Arc::clone(&buf));
    let sub = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || w.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(sub);
    LogCapture { buf, _guard }
}

impl LogCapture {
    /// Everything logged so far.
    pub fn text(&self) -> String {
        let bytes = self.buf.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}
