use super::*;
use crate::config::Config;
use crate::engine::core::{Core, OffsetBase};
use crate::store::recover::recover;
use crate::store::{NewSession, StoreWriter, WriteOp, schema};

const START: Ts = Ts(1_796_378_400_000);

/// A chat window stored in session `id` at `at` (the last thing a run stores).
fn chat_at(id: i64, at: Ts) -> WriteOp {
    WriteOp::ChatStats(crate::store::ChatStats {
        session_id: id,
        at,
        window_s: 10.0,
        messages: 1,
        chatters: 1,
        keyword_hits: 0,
        emote_hits: 0,
    })
}

/// A run that opened a stream's session and was killed; the next start's recovery.
fn crashed_stream(db: &std::path::Path) -> (i64, crate::store::recover::Recovered) {
    let writer = StoreWriter::spawn(db).expect("writer");
    let crashed = writer
        .handle()
        .open_session_blocking(session(Some(START), START))
        .expect("open");
    writer.shutdown().expect("shutdown");
    let r = recover(db, "kick", "clavicular").expect("recover");
    assert_eq!(r.streams, vec![crashed]);
    (crashed, r)
}

fn session(stream: Option<Ts>, at: Ts) -> NewSession {
    NewSession {
        channel: "clavicular".into(),
        platform: "kick".into(),
        started_at: at,
        title: None,
        stream_started_at: stream,
        stream_id: None,
    }
}

/// With the stream's id stored, a restart tells a stream that started again a minute
/// later from the one the crashed run watched; without one, the start decides.
#[test]
fn the_stream_id_decides_when_both_are_known() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kicktui.db");
    let writer = StoreWriter::spawn(&db).expect("writer");
    let crashed = writer
        .handle()
        .open_session_blocking(NewSession {
            stream_id: Some(130_000_001),
            ..session(Some(START), START)
        })
        .expect("open");
    writer.shutdown().expect("shutdown");
    let r = recover(&db, "kick", "clavicular").expect("recover");
    let store = Store::open(&db).expect("store");
    let found = |at: f64, id: Option<u64>| {
        store
            .resumable(&r.streams, Some(START.plus_secs(at)), id, START)
            .expect("query")
            .map(|f| f.session_id)
    };
    assert_eq!(found(40.0, Some(130_000_002)), None, "another stream");
    assert_eq!(found(1.2, Some(130_000_001)), Some(crashed));
    assert_eq!(found(1.2, None), Some(crashed), "no id: the start decides");
    assert_eq!(found(600.0, None), None);
    assert_eq!(
        found(-600.0, None),
        None,
        "its start was known: not this stream"
    );
}

/// A crashed run that only guessed its stream's start (the stream probe said live while the
/// API was blocked; no stream id) is found by the real start after it, earlier by any amount
/// (no other stream could run then), never by a later one.
#[test]
fn a_guessed_start_is_found_by_the_real_earlier_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kicktui.db");
    let (crashed, r) = crashed_stream(&db);
    let store = Store::open(&db).expect("store");
    let found = |at: f64| {
        store
            .resumable(
                &r.streams,
                Some(START.plus_secs(at)),
                Some(130_000_009),
                START,
            )
            .expect("query")
            .map(|f| f.session_id)
    };
    assert_eq!(found(-5400.0), Some(crashed));
    assert_eq!(found(60.0), Some(crashed));
    assert_eq!(found(600.0), None, "started after it: another stream");
}

#[test]
fn the_crashed_streams_session_opens_again_and_takes_in_the_waiting_room() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kicktui.db");
    let (crashed, r) = crashed_stream(&db);
    // Killed again before the live state was known: still the one to resume.
    let again = recover(&db, "kick", "clavicular").expect("recover");
    assert!(again.sessions.is_empty());
    assert_eq!(again.streams, vec![crashed]);

    let store = Store::open(&db).expect("store");
    // The live event's start is a second off the API's: the same stream. Ten minutes
    // off is another stream.
    let found = store
        .resumable(&r.streams, Some(START.plus_secs(1.2)), None, START)
        .expect("query");
    assert_eq!(found.map(|f| f.session_id), Some(crashed));
    let other = store
        .resumable(&r.streams, Some(START.plus_secs(600.0)), None, START)
        .expect("query");
    assert_eq!(other, None);

    // This run's waiting room (chat came before the API said live) is merged in.
    let writer = StoreWriter::spawn(&db).expect("writer");
    let h = writer.handle();
    let later = START.plus_secs(900.0);
    let room = h.open_session_blocking(session(None, later)).expect("open");
    h.send_blocking(WriteOp::ChatStats(crate::store::ChatStats {
        session_id: room,
        at: later,
        window_s: 10.0,
        messages: 7,
        chatters: 3,
        keyword_hits: 0,
        emote_hits: 0,
    }))
    .expect("stats");
    h.send_blocking(WriteOp::ResumeSession {
        session_id: crashed,
        at: later,
        absorb: Some(room),
    })
    .expect("resume");
    drop(h);
    writer.shutdown().expect("shutdown");

    let conn = schema::connect(&db).expect("connect");
    let sessions: Vec<(i64, Option<String>)> = conn
        .prepare("SELECT id, ended_at FROM sessions")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(sessions, vec![(crashed, None)]);
    let moved: i64 = conn
        .query_row(
            "SELECT SUM(messages) FROM chat_stats WHERE session_id = ?1",
            [crashed],
            |r| r.get(0),
        )
        .expect("sum");
    assert_eq!(moved, 7);
    let store = Store::open(&db).expect("store");
    let gaps = store.down_gaps(crashed).expect("query");
    let gaps: Vec<(Ts, Ts)> = gaps.iter().map(|g| (g.from, g.to)).collect();
    assert_eq!(gaps, vec![(START, later)]);
    // Open again, it is not a crash's to close or report any more.
    assert!(
        store
            .report(crashed, 5.0)
            .expect("report")
            .is_some_and(|r| !r.recovered)
    );
}

/// Killed twice in one stream: both gaps are kept and the report names both.
#[test]
fn two_crashes_in_one_stream_leave_two_gaps_in_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kicktui.db");
    let open = |at: Ts| {
        let writer = StoreWriter::spawn(&db).expect("writer");
        let h = writer.handle();
        let id = h
            .open_session_blocking(session(Some(START), START))
            .expect("open");
        h.send_blocking(chat_at(id, at)).expect("stats");
        drop(h);
        writer.shutdown().expect("shutdown");
        id
    };
    let resume = |id: i64, at: Ts, last: Ts| {
        let writer = StoreWriter::spawn(&db).expect("writer");
        let h = writer.handle();
        h.send_blocking(WriteOp::ResumeSession {
            session_id: id,
            at,
            absorb: None,
        })
        .expect("resume");
        // Something stored before the next crash: where recovery closes it.
        h.send_blocking(chat_at(id, last)).expect("stats");
        drop(h);
        writer.shutdown().expect("shutdown");
    };
    let id = open(START.plus_secs(60.0));
    recover(&db, "kick", "clavicular").expect("recover");
    resume(id, START.plus_secs(70.0), START.plus_secs(600.0));
    recover(&db, "kick", "clavicular").expect("recover");
    resume(id, START.plus_secs(630.0), START.plus_secs(900.0));

    let store = Store::open(&db).expect("store");
    let gaps = store.down_gaps(id).expect("gaps");
    let gaps: Vec<(Ts, Ts)> = gaps.iter().map(|g| (g.from, g.to)).collect();
    assert_eq!(
        gaps,
        vec![
            (START.plus_secs(60.0), START.plus_secs(70.0)),
            (START.plus_secs(600.0), START.plus_secs(630.0)),
        ]
    );
    let md = store
        .report(id, 5.0)
        .expect("report")
        .expect("session")
        .to_markdown();
    assert!(
        md.contains("- kicktui was down 2 times for 0:00:40 in all ("),
        "{md}"
    );
}

/// `clip --pending` between the crash and the restart closes and reports the session: it
/// is still the stream's to go on with. A later stream's session ends that; an offline
/// (waiting-room) session since does not.
#[test]
fn a_crashed_stream_stays_resumable_after_clip_pending_reported_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kicktui.db");
    let (crashed, _) = crashed_stream(&db);
    let writer = StoreWriter::spawn(&db).expect("writer");
    let h = writer.handle();
    // What `clip --pending` does once it wrote the report; then a run's waiting room.
    h.send_blocking(WriteOp::ReportOwed {
        session_id: crashed,
        owed: false,
    })
    .expect("reported");
    h.open_session_blocking(session(None, START.plus_secs(300.0)))
        .expect("room");
    drop(h);
    writer.shutdown().expect("shutdown");
    let again = recover(&db, "kick", "clavicular").expect("recover");
    assert_eq!(again.streams, vec![crashed]);
    let store = Store::open(&db).expect("store");
    let found = store
        .resumable(&again.streams, Some(START.plus_secs(0.8)), None, START)
        .expect("query");
    assert_eq!(found.map(|f| f.session_id), Some(crashed));

    let writer = StoreWriter::spawn(&db).expect("writer");
    let h = writer.handle();
    h.open_session_blocking(session(
        Some(START.plus_secs(7200.0)),
        START.plus_secs(7200.0),
    ))
    .expect("next stream");
    drop(h);
    writer.shutdown().expect("shutdown");
    let later = recover(&db, "kick", "clavicular").expect("recover");
    assert!(!later.streams.contains(&crashed), "{:?}", later.streams);
}

/// The real start replacing a guessed one: the session's start and stream id, and every
/// offset of its moments, move by the difference; the moments' wall times and windows stay.
#[test]
fn a_known_start_moves_the_sessions_offsets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kicktui.db");
    let writer = StoreWriter::spawn(&db).expect("writer");
    let h = writer.handle();
    let id = h
        .open_session_blocking(session(Some(START), START))
        .expect("open");
    let mut core = Core::new(&Config::default(), OffsetBase::StreamStart);
    core.set_stream_start(START, true);
    let m = core.mark(START.plus_secs(90.0), None);
    let moment = h.insert_moment_blocking(id, &m).expect("moment");
    let real = START.plus_secs(-1800.0);
    h.send_blocking(WriteOp::SessionStartKnown {
        session_id: id,
        stream_started_at: real,
        earlier_s: 1800.0,
        stream_id: Some(130_000_003),
    })
    .expect("start known");
    writer.shutdown().expect("shutdown");
    let store = Store::open(&db).expect("store");
    let s = store.session(id).expect("query").expect("session");
    assert_eq!(s.stream_started_at, Some(real));
    assert_eq!(s.stream_id, Some(130_000_003));
    let row = store.moment(moment).expect("query").expect("moment");
    assert_eq!(row.offset_s, 1890.0);
    assert_eq!(row.at, m.at);
    let window = crate::media::ClipRequest::for_moment(&row);
    assert_eq!((window.start, window.end), (m.clip_start, m.clip_end));
}

/// Live said without a start (the stream probe, Kick's API still blocked after a restart):
/// the stream kicktui left live minutes ago goes on; after a longer gap it is another.
#[test]
fn an_unknown_start_finds_the_stream_left_live_minutes_ago() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kicktui.db");
    let (crashed, r) = crashed_stream(&db);
    let store = Store::open(&db).expect("store");
    let found = |back_after: f64| {
        store
            .resumable(&r.streams, None, None, START.plus_secs(back_after))
            .expect("query")
            .map(|f| f.session_id)
    };
    assert_eq!(found(240.0), Some(crashed));
    assert_eq!(found(3600.0), None, "an hour later: another stream");
}
