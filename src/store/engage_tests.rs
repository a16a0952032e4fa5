use crate::config::Config;
use crate::domain::Event;
use crate::engine::core::{Core, Effect, OffsetBase};
use crate::store::{NewEvent, NewSession, Store, StoreWriter, WriteOp};
use crate::time::Ts;

/// A session of clavicular's stream that started at `stream`, opened at `at`.
fn stream_session(at: Ts, stream: Ts) -> NewSession {
    NewSession {
        channel: "clavicular".into(),
        platform: "kick".into(),
        started_at: at,
        title: None,
        stream_started_at: Some(stream),
        stream_id: None,
    }
}

/// A fresh database with one stream session: the dir, its path, the writer and the session.
fn stream_store() -> (tempfile::TempDir, std::path::PathBuf, StoreWriter, i64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kicktui.db");
    let writer = StoreWriter::spawn(&db).expect("writer");
    let id = writer
        .handle()
        .open_session_blocking(stream_session(Ts(0), Ts(0)))
        .expect("open");
    (dir, db, writer, id)
}

/// `kicktui report N` later prints the revenue the saved report had, whatever price the
/// config says then.
#[test]
fn a_report_keeps_the_sub_price_it_was_written_with() {
    let (_dir, db, writer, id) = stream_store();
    let h = writer.handle();
    let sub = Event::Subscription {
        username: "a".into(),
        months: 1,
    };
    let row = NewEvent::from_event(id, Ts(1000), &sub).expect("a sub is stored");
    h.send_blocking(WriteOp::Event(row)).expect("event");
    for usd in [4.0, 9.0] {
        h.send_blocking(WriteOp::SubPrice {
            session_id: id,
            usd,
        })
        .expect("price");
    }
    drop(h);
    writer.shutdown().expect("shutdown");
    let store = Store::open(&db).expect("store");
    let r = store.report(id, 5.0).expect("report").expect("a session");
    assert_eq!(r.money.revenue_usd, 4.0, "the first price stored wins");
}

/// A window cut short to 1 s: its one message is no 1 msg/s peak; windows of another length
/// (a restart with 60 s windows) count over their own length, not the longest.
#[test]
fn the_chat_peak_is_taken_over_full_windows() {
    let (_dir, db, writer, id) = stream_store();
    let h = writer.handle();
    // A second run with 60 s windows: its peak (30 in 60 s) counts over its own window.
    let rows = [
        (10, 10.0, 1),
        (20, 10.0, 1),
        (21, 1.0, 1),
        (90, 60.0, 12),
        (150, 60.0, 30),
        (200, 10.0, 1),
        (210, 10.0, 20),
    ];
    for (end_s, window_s, messages) in rows {
        let stats = crate::store::ChatStats {
            session_id: id,
            at: Ts(end_s * 1000),
            window_s,
            messages,
            chatters: 1,
            keyword_hits: 0,
            emote_hits: 0,
        };
        h.send_blocking(WriteOp::ChatStats(stats)).expect("stats");
    }
    drop(h);
    writer.shutdown().expect("shutdown");
    let r = Store::open(&db)
        .expect("store")
        .report(id, 5.0)
        .expect("report")
        .expect("a session");
    assert_eq!((r.peak_velocity, r.peak_window_s), (2.0, 10.0));
}

/// kicktui joined a stream 6 minutes in, and the streamer ran through the activity keys:
/// the report says it joined late, and lists no 2-second segments nor counts their
/// suggestions.
#[test]
fn a_late_join_is_said_and_quick_switches_are_not_segments() {
    use crate::store::EngageOp;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kicktui.db");
    let writer = StoreWriter::spawn(&db).expect("writer");
    let h = writer.handle();
    let t0 = Ts(1_790_000_000_000);
    let id = h
        .open_session_blocking(stream_session(t0.plus_secs(400.0), t0))
        .expect("open");
    let segment = |name: &str, from: f64, to: f64, reward: Option<f64>| {
        let row = h
            .send_blocking(WriteOp::Engage(EngageOp::StartActivity {
                session_id: id,
                name: name.into(),
                started_at: t0.plus_secs(from),
                suggested: Some("react".into()),
            }))
            .expect("start");
        h.send_blocking(WriteOp::Engage(EngageOp::EndActivity {
            id: row,
            ended_at: t0.plus_secs(to),
            engagement: reward.map(|r| r * 100.0),
            reward,
            note: None,
        }))
        .expect("end");
    };
    segment("talk", 400.0, 900.0, Some(0.55));
    segment("gameplay", 900.0, 901.0, None);
    segment("q_and_a", 901.0, 902.5, None);
    segment("react", 902.5, 1500.0, Some(0.7));
    // Resumed after a restart, the stream ended 9 s later: its last segment, not a switch.
    segment("react", 1600.0, 1609.0, None);
    drop(h);
    writer.shutdown().expect("shutdown");
    let store = Store::open(&db).expect("store");
    let r = store.report(id, 5.0).expect("report").expect("a session");
    let names: Vec<&str> = r.segments.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["talk", "react", "react"]);
    assert_eq!((r.suggestions.followed, r.suggestions.made), (2, 3));
    let md = r.to_markdown();
    assert!(
        md.contains("- Joined the stream 0:06:40 after it started"),
        "{md}"
    );
    // Their time is said, so the activities add up to the stream.
    assert!(
        (r.quick_switch_s - 2.5).abs() < 1e-9,
        "{}",
        r.quick_switch_s
    );
    assert!(
        md.contains("Quick switches (segments under 10 s, 0:00:02 in all) are left out."),
        "{md}"
    );
}

/// `report --last` is the last stream (or the last session with a moment), not the chat
/// after it nor a run quit before the stream came; with nothing else, that session.
#[test]
fn the_last_report_skips_sessions_without_a_stream_or_a_moment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kicktui.db");
    let writer = StoreWriter::spawn(&db).expect("writer");
    let h = writer.handle();
    let offline = |at| NewSession {
        stream_started_at: None,
        ..stream_session(at, at)
    };
    let last = || {
        h.flush_blocking().expect("flush");
        Store::open(&db)
            .expect("store")
            .last_reported_session()
            .expect("query")
    };
    let chat_only = h.open_session_blocking(offline(Ts(0))).expect("open");
    assert_eq!(last(), Some(chat_only), "nothing else");
    let stream = h
        .open_session_blocking(stream_session(Ts(1000), Ts(1000)))
        .expect("open");
    h.open_session_blocking(offline(Ts(9000))).expect("open");
    assert_eq!(last(), Some(stream));
    let with_moment = h.open_session_blocking(offline(Ts(20_000))).expect("open");
    let mut core = Core::new(&Config::default(), OffsetBase::FirstEvent);
    h.insert_moment_blocking(with_moment, &core.mark(Ts(21_000), None))
        .expect("moment");
    assert_eq!(last(), Some(with_moment));
    // Another channel's stream, later: the newest of all, not clavicular's.
    let other = h
        .open_session_blocking(NewSession {
            channel: "novaplays".into(),
            platform: "twitch".into(),
            ..stream_session(Ts(30_000), Ts(30_000))
        })
        .expect("open");
    assert_eq!(last(), Some(other));
    // An old log replayed and saved afterwards is not the last stream…
    let replayed = h
        .open_session_blocking(NewSession {
            channel: "vod".into(),
            platform: "replay".into(),
            ..stream_session(Ts(1_000), Ts(1_000))
        })
        .expect("open");
    assert_eq!(last(), Some(other));
    let store = Store::open(&db).expect("store");
    // …unless asked for by its channel.
    assert_eq!(
        store
            .last_reported_session_of(Some(("replay", "vod")))
            .expect("query"),
        Some(replayed)
    );
    let of = |p, n| store.last_reported_session_of(Some((p, n))).expect("query");
    assert_eq!(of("kick", "clavicular"), Some(with_moment));
    assert_eq!(of("twitch", "novaplays"), Some(other));
    assert_eq!(of("kick", "nobody"), None);
    writer.shutdown().expect("shutdown");
}

/// Twitch bits make a moment stored as a donation; the report and `kicktui moments` call it
/// a cheer, as the banner does.
#[test]
fn bits_are_a_cheer_in_the_report_and_the_list() {
    let (_dir, db, writer, id) = stream_store();
    let h = writer.handle();
    let mut core = Core::new(&Config::default(), OffsetBase::FirstEvent);
    let bits = Event::Bits {
        username: "lunarbean".into(),
        amount: 1000,
    };
    let mut effects = core.on_event(Ts(600_000), &bits);
    for s in 1..=40 {
        effects.extend(core.on_tick(Ts(600_000 + s * 1000)));
    }
    let cheer = effects
        .into_iter()
        .find_map(|e| match e {
            Effect::Moment(m) => Some(m),
            _ => None,
        })
        .expect("a moment");
    assert_eq!(cheer.headline(), "CHEER");
    h.insert_moment_blocking(id, &cheer).expect("moment");
    writer.shutdown().expect("shutdown");
    let store = Store::open(&db).expect("store");
    let r = store.report(id, 5.0).expect("report").expect("session");
    assert_eq!(r.moment_list[0].kind, "cheer");
    assert!(r.to_markdown().contains("1 cheer"), "{}", r.to_markdown());
    let rows = store
        .list_moments(&crate::store::MomentQuery::of_session(id))
        .expect("moments");
    assert_eq!(rows[0].kind_word(), "cheer");
}

/// A resumed run reads the money the earlier one stored, oldest first, worth what it was.
#[test]
fn a_sessions_money_comes_back_as_events() {
    let (_dir, db, writer, id) = stream_store();
    let h = writer.handle();
    let events = [
        Event::Kicks {
            sender: "a".into(),
            amount: 1000,
            message: "hi".into(),
        },
        Event::GiftedSubs {
            gifter: "b".into(),
            count: 5,
        },
        Event::Raid {
            from: "c".into(),
            viewers: 40,
        },
        Event::Donation {
            username: "d".into(),
            amount_usd: 2.5,
            message: String::new(),
        },
    ];
    for (i, ev) in events.iter().enumerate() {
        let row = NewEvent::from_event(id, Ts(1000 * (4 - i as i64)), ev).expect("stored");
        h.send_blocking(WriteOp::Event(row)).expect("event");
    }
    drop(h);
    writer.shutdown().expect("shutdown");
    let back = Store::open(&db)
        .expect("store")
        .money_events(id)
        .expect("read");
    let kinds: Vec<&str> = back.iter().map(|(_, e)| e.name()).collect();
    assert_eq!(
        kinds,
        ["donation", "gifted_subs", "kicks"],
        "no raid, oldest first"
    );
    let money: Vec<_> = back
        .iter()
        .filter_map(|(_, e)| crate::engage::money::money_of(e, 5.0))
        .collect();
    let usd: f64 = money.iter().map(|m| m.usd).sum();
    assert!((usd - 37.5).abs() < 1e-9, "{usd}");
    let who: Vec<&str> = money.iter().map(|m| m.username.as_str()).collect();
    assert_eq!(who, ["d", "b", "a"], "the donors come back too");
}
