//! The core's chat counts: every counted message lands in some `ChatStats`, including the
//! window cut short by offline or shutdown.

use super::*;
use crate::domain::{Badges, ChatMessage};

fn core() -> Core {
    let mut cfg = Config::default();
    cfg.chat.window_seconds = 10;
    cfg.chat.warmup_seconds = 0;
    Core::new(&cfg, OffsetBase::StreamStart)
}

fn chat(user_id: u64) -> Event {
    Event::Chat(ChatMessage {
        id: None,
        user_id,
        username: format!("u{user_id}"),
        badges: Badges::default(),
        text: "hello".into(),
        emotes: vec![],
        is_reply: false,
    })
}

fn stats(effects: &[Effect]) -> Vec<ChatStats> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ChatStats(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// 10 s windows starting at t = 1000 s; `n` chats spread over `[from, from + span)` ms.
fn feed(core: &mut Core, from: i64, span: i64, n: i64, out: &mut Vec<Effect>) {
    for i in 0..n {
        out.extend(core.on_event(Ts(from + i * span / n), &chat(i as u64 % 7)));
    }
}

#[test]
fn finish_stores_the_last_partial_window() {
    let mut c = core();
    let mut out = Vec::new();
    // 25 chats over 1000.0–1024.0 s: two full windows close at 1010 and 1020 s.
    feed(&mut c, 1_000_000, 24_000, 25, &mut out);
    out.extend(c.finish(Ts(1_024_500)));
    let s = stats(&out);
    assert_eq!(s.iter().map(|s| s.messages).sum::<u32>(), 25, "{s:?}");
    let last = s.last().unwrap();
    assert_eq!((last.at, last.window_s), (Ts(1_024_500), 5));
    // A finish with nothing counted since adds nothing.
    assert!(stats(&c.finish(Ts(1_025_000))).is_empty());
}

#[test]
fn offline_flushes_before_the_offline_effect_and_the_next_window_is_short() {
    let mut c = core();
    let mut out = c.on_event(
        Ts(1_000_000),
        &Event::Live {
            title: None,
            started_at: None,
            stream_id: None,
        },
    );
    feed(&mut c, 1_000_000, 3_000, 4, &mut out);
    out.extend(c.on_event(
        Ts(1_003_200),
        &Event::Offline {
            ended_at: None,
            stream_id: None,
        },
    ));
    let flush = out
        .iter()
        .position(|e| matches!(e, Effect::ChatStats(_)))
        .unwrap();
    let offline = out
        .iter()
        .position(|e| matches!(e, Effect::Offline { .. }))
        .unwrap();
    assert!(flush < offline, "the live session still gets its counts");
    assert_eq!(stats(&out)[0].messages, 4);
    assert_eq!(stats(&out)[0].window_s, 4);
    // After the flush, the window closing at 1010 s covers 1003.2–1010 s only.
    let mut more = Vec::new();
    feed(&mut c, 1_005_000, 1_000, 2, &mut more);
    more.extend(c.on_tick(Ts(1_010_000)));
    let s = stats(&more);
    assert_eq!(
        (s[0].messages, s[0].window_s, s[0].at),
        (2, 7, Ts(1_010_000))
    );
    // And the one after is full again.
    feed(&mut c, 1_012_000, 1_000, 1, &mut more);
    let s = stats(&c.on_tick(Ts(1_020_000)));
    assert_eq!((s[0].messages, s[0].window_s), (1, 10));
}

#[test]
fn nothing_counted_twice_or_lost_over_many_windows() {
    let mut c = core();
    let mut out = Vec::new();
    feed(&mut c, 1_000_000, 95_300, 384, &mut out);
    out.extend(c.on_event(
        Ts(1_095_400),
        &Event::Offline {
            ended_at: None,
            stream_id: None,
        },
    ));
    out.extend(c.finish(Ts(1_096_000)));
    let total: u32 = stats(&out).iter().map(|s| s.messages).sum();
    assert_eq!(total, 384);
}

#[test]
fn a_window_cut_short_has_no_more_chatters_than_messages() {
    let mut c = core();
    let mut out = Vec::new();
    // 7 chatters over 1000–1009 s, then one message in the next window before the cut.
    feed(&mut c, 1_000_000, 9_000, 14, &mut out);
    out.extend(c.on_event(Ts(1_010_200), &chat(3)));
    out.extend(c.finish(Ts(1_011_000)));
    let last = stats(&out).pop().unwrap();
    assert_eq!((last.messages, last.chatters), (1, 1), "{last:?}");
}
