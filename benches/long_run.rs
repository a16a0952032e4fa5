//! Long runs: a simulated 12-hour stream through the pure core, the SQLite writer and the TUI
//! model, on a driven clock (nothing waits): 50 chat msg/s from a chatter population that keeps
//! changing, subs, gifts, Kicks, raids, viewer samples every minute and a chat spike every
//! 15 minutes. Prints RSS at the start and every hour (it must stay flat: no history, chatter
//! map or moment list grows without bound) and the database size per hour.
//!
//! Run: `cargo bench --bench long_run` (LONG_RUN_HOURS and LONG_RUN_RATE override 12 and 50).

use std::time::Instant;

use kicktui::app::{App, Keymap, Msg, TuiContext};
use kicktui::config::Config;
use kicktui::domain::{Badges, ChatMessage, Event, kick_emotes};
use kicktui::engine::core::{Core, Effect, OffsetBase};
use kicktui::engine::update::{Snapshot, Update};
use kicktui::store::{self, NewEvent, NewSession, StoreWriter, WriteOp};
use kicktui::time::Ts;

const LINES: [&str; 10] = [
    "hi chat",
    "that was clean",
    "[emote:37226:KEKW]",
    "LMAO",
    "gg",
    "bro is cooking today",
    "W",
    "how long has he been live",
    "real",
    "one more game",
];

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn chat(user_id: u64, text: &str) -> Event {
    Event::Chat(ChatMessage {
        id: None,
        user_id,
        username: format!("user{user_id}"),
        badges: Badges::default(),
        text: text.to_string(),
        emotes: kick_emotes(text),
        is_reply: false,
    })
}

/// The events of second `s` (besides chat).
fn events_at(s: u64) -> Vec<Event> {
    let mut out = Vec::new();
    if s.is_multiple_of(60) {
        out.push(Event::Viewers {
            count: 2000 + (s / 60 % 300) as u32,
        });
    }
    if s % 120 == 7 {
        out.push(Event::Subscription {
            username: format!("sub{s}"),
            months: 1,
        });
    }
    if s % 600 == 300 {
        out.push(Event::GiftedSubs {
            gifter: format!("gifter{s}"),
            count: 5,
        });
    }
    if s % 300 == 150 {
        out.push(Event::Kicks {
            sender: format!("kicker{s}"),
            amount: 500,
            message: String::new(),
        });
    }
    if s % 7200 == 3600 {
        out.push(Event::Raid {
            from: format!("raider{s}"),
            viewers: 800,
        });
    }
    out
}

fn main() {
    let hours = env_num("LONG_RUN_HOURS", 12);
    let rate = env_num("LONG_RUN_RATE", 50);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store::db_path(dir.path());
    let writer = StoreWriter::spawn(&db).expect("store");
    let store = writer.handle();
    let mut cfg = Config::default();
    cfg.recorder.enabled = false;
    let mut core = Core::new(&cfg, OffsetBase::StreamStart);
    let keymap = Keymap::from_config(&cfg.keys).expect("keys");
    let start = Ts(1_790_000_000_000);
    let mut app = App::new(TuiContext::new("longrun", "/tmp", keymap), start);
    let session = store
        .open_session_blocking(NewSession {
            channel: "longrun".into(),
            platform: "kick".into(),
            started_at: start,
            title: Some("12 hours".into()),
            stream_started_at: Some(start),
            stream_id: None,
        })
        .expect("session");
    let live = Event::Live {
        title: None,
        started_at: Some(start),
        stream_id: None,
    };
    let mut effects = core.on_event(start, &live);
    let (mut msgs, mut moments, mut rows) = (0u64, 0u64, 0u64);
    let wall = Instant::now();
    let rss_start = rss_kb();
    let mut rss_hourly = Vec::new();
    println!(
        "long run: {hours} h at {rate} msg/s, rss at start {} MB",
        rss_start / 1024
    );
    for s in 0..hours * 3600 {
        let sec_start = start.plus_ms(s as i64 * 1000);
        // A spike every 15 minutes: five times the rate for 20 s, with keywords.
        let spike = s % 900 < 20 && s >= 900;
        let n = if spike { rate * 5 } else { rate };
        // 4000 regulars, and 500 newcomers an hour who stay for that hour.
        for i in 0..n {
            let k = s * rate * 5 + i;
            let user = if k.is_multiple_of(4) {
                100_000 + s / 3600 * 500 + k % 500
            } else {
                k.wrapping_mul(2_654_435_761) % 4000
            };
            let text = if spike && i % 3 == 0 {
                "CLIP THAT"
            } else {
                LINES[(k % LINES.len() as u64) as usize]
            };
            let at = sec_start.plus_ms((i * 1000 / n) as i64);
            effects.extend(core.on_event(at, &chat(user, text)));
            msgs += 1;
        }
        for ev in events_at(s) {
            effects.extend(core.on_event(sec_start.plus_ms(500), &ev));
        }
        let now = sec_start.plus_ms(999);
        effects.extend(core.on_tick(now));
        for e in effects.drain(..) {
            rows += 1;
            let op = match e {
                Effect::Moment(m) => {
                    moments += 1;
                    let id = store.insert_moment_blocking(session, &m).ok();
                    app.update(Msg::Engine(Update::Moment { id, moment: m }), now);
                    continue;
                }
                Effect::ChatStats(c) => WriteOp::ChatStats(store::ChatStats {
                    session_id: session,
                    at: c.at,
                    window_s: f64::from(c.window_s),
                    messages: c.messages,
                    chatters: c.chatters,
                    keyword_hits: c.keyword_hits,
                    emote_hits: c.emote_hits,
                }),
                Effect::ViewerSample { at, viewers } => {
                    WriteOp::ViewerSample(store::ViewerSample {
                        session_id: session,
                        at,
                        viewers,
                    })
                }
                Effect::Notable { at, event } => match NewEvent::from_event(session, at, &event) {
                    Some(row) => WriteOp::Event(row),
                    None => continue,
                },
                // The bench stores a moment once, when final.
                Effect::MomentBuilding(_)
                | Effect::Live { .. }
                | Effect::Offline { .. }
                | Effect::StartKnown { .. } => continue,
            };
            store.enqueue_blocking(op).expect("write");
        }
        let snap = Snapshot::from_core(&core, now, "longrun");
        app.update(Msg::Engine(Update::Snapshot(snap)), now);
        if (s + 1) % 3600 == 0 {
            store.flush_blocking().expect("flush");
            let rss = rss_kb();
            rss_hourly.push(rss);
            let db_mb = std::fs::metadata(&db).map_or(0, |m| m.len()) as f64 / 1048576.0;
            println!(
                "hour {:>2}: rss {:>5.1} MB, db {:>6.2} MB, {msgs} msgs, {moments} moments",
                (s + 1) / 3600,
                rss as f64 / 1024.0,
                db_mb
            );
        }
    }
    store.flush_blocking().expect("flush");
    drop(store);
    writer.shutdown().expect("shutdown");
    let db_bytes = std::fs::metadata(&db).map_or(0, |m| m.len())
        + std::fs::metadata(db.with_extension("db-wal")).map_or(0, |m| m.len());
    let rss_end = rss_kb();
    let first_hour = rss_hourly.first().copied().unwrap_or(rss_start);
    println!(
        "done in {:.1} s: {msgs} chat msgs, {moments} moments, {rows} effects",
        wall.elapsed().as_secs_f64()
    );
    println!(
        "rss: start {:.1} MB, after hour 1 {:.1} MB, end {:.1} MB (growth after hour 1: {:+.1} MB)",
        rss_start as f64 / 1024.0,
        first_hour as f64 / 1024.0,
        rss_end as f64 / 1024.0,
        (rss_end as f64 - first_hour as f64) / 1024.0
    );
    println!(
        "db: {:.2} MB total, {:.2} MB per hour",
        db_bytes as f64 / 1048576.0,
        db_bytes as f64 / 1048576.0 / hours.max(1) as f64
    );
}
