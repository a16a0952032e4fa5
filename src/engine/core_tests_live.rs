//! Going live and ending: a start in the future or ages ago not believed, a title's escape
//! sequences dropped, a late end of another broadcast ignored and a new broadcast its own
//! session.

use super::*;

/// The live start the core takes from `started_at`, seen through the `Live` effect.
fn live_start(now: Ts, started_at: Option<Ts>) -> Option<Ts> {
    let (_, out) = live_core(now, started_at);
    out.into_iter().find_map(|e| match e {
        Effect::Live { at, .. } => Some(at),
        _ => None,
    })
}

#[test]
fn a_stream_start_in_the_future_or_ages_ago_is_not_believed() {
    let now = Ts(1_790_000_000_000);
    let ten_min_ago = now.plus_ms(-600_000);
    assert_eq!(live_start(now, Some(ten_min_ago)), Some(ten_min_ago));
    assert_eq!(live_start(now, None), Some(now));
    assert_eq!(live_start(now, Some(now.plus_ms(3_600_000))), Some(now));
    assert_eq!(live_start(now, Some(Ts(i64::MAX))), Some(now));
    assert_eq!(live_start(now, Some(Ts(0))), Some(now), "the epoch");
}

/// A title with escape sequences (a screen clear, a window title, a clipboard write) reaches
/// the log file, headless stdout and the report without them; one of only those is none.
#[test]
fn a_streams_title_loses_its_escape_sequences_on_the_way_in() {
    let title_of = |title: &str| {
        let mut core = Core::new(&Config::default(), OffsetBase::StreamStart);
        let live = Event::Live {
            title: Some(title.into()),
            started_at: None,
            stream_id: None,
        };
        core.on_event(Ts(1_790_000_000_000), &live)
            .into_iter()
            .find_map(|e| match e {
                Effect::Live { title, .. } => Some(title),
                _ => None,
            })
            .expect("a Live effect")
    };
    assert_eq!(
        title_of("\x1b]0;PWNED\x07Ranked \x1b[2J\x1b]52;c;ZWNobw==\x07grind\n"),
        Some("Ranked grind".into())
    );
    assert_eq!(title_of("\x1b[2J"), None);
    assert_eq!(title_of("草 ランク 🎉"), Some("草 ランク 🎉".into()));
}

fn broadcast(id: u64, started_at: Ts) -> Event {
    Event::Live {
        title: None,
        started_at: Some(started_at),
        stream_id: Some(id),
    }
}

fn lives_and_ends(out: &[Effect]) -> Vec<String> {
    out.iter()
        .filter_map(|e| match e {
            Effect::Live { stream_id, .. } => Some(format!("live {stream_id:?}")),
            Effect::Offline { at } => Some(format!("offline {}", at.0)),
            _ => None,
        })
        .collect()
}

/// Around a restart, frames come late or go missing: a "stream ended" about the broadcast
/// before does not end the live one, and a new broadcast while one is live ends the old
/// session where the new one starts (it merged two broadcasts into one session).
#[test]
fn a_late_end_of_another_broadcast_is_ignored_a_new_one_starts_its_own_session() {
    let t0 = Ts(1_790_000_000_000);
    let mut core = Core::new(&Config::default(), OffsetBase::StreamStart);
    let mut out = core.on_event(t0, &broadcast(10, t0));
    let stale = Event::Offline {
        ended_at: None,
        stream_id: Some(9),
    };
    out.extend(core.on_event(t0.plus_secs(60.0), &stale));
    assert!(core.totals.is_live, "{out:?}");
    assert_eq!(core.live_stream_id(), Some(10));

    let restart = t0.plus_secs(600.0);
    out.extend(core.on_event(restart.plus_secs(5.0), &broadcast(11, restart)));
    assert_eq!(
        lives_and_ends(&out),
        [
            "live Some(10)".to_string(),
            format!("offline {}", restart.0),
            "live Some(11)".to_string()
        ]
    );
    // The same broadcast said again is no new session; its own end ends it.
    out.clear();
    out.extend(core.on_event(restart.plus_secs(30.0), &broadcast(11, restart)));
    let end = Event::Offline {
        ended_at: None,
        stream_id: Some(11),
    };
    out.extend(core.on_event(restart.plus_secs(90.0), &end));
    assert_eq!(
        lives_and_ends(&out),
        [format!("offline {}", restart.plus_secs(90.0).0)]
    );
}
