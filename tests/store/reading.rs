//! What is read back: sessions, moments best first, recordings, events without chat text, the
//! channel cache, and the recordings of a stream split by a crash.

use kicktui::domain::Event;
use kicktui::store::*;

use crate::{T0, db, moment, session};

#[test]
fn sessions_recordings_events_and_the_channel_cache_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let writer = StoreWriter::spawn(&path).unwrap();
    let h = writer.handle();
    let a = h.open_session_blocking(session("a")).unwrap();
    let b = h.open_session_blocking(session("b")).unwrap();
    for (i, score) in [1.0, 5.0, 3.0].into_iter().enumerate() {
        let mut m = moment(i as f64 * 10.0, 1);
        m.score = score;
        h.insert_moment_blocking(a, &m).unwrap();
    }
    let rec = NewRecording {
        session_id: a,
        part: 1,
        path: "/rec/a_p1.ts".into(),
        started_at: T0,
    };
    let rid = h.send_blocking(WriteOp::StartRecording(rec)).unwrap();
    let up = RecordingUpdate {
        id: rid,
        bytes: Some(1 << 20),
        status: Some("done".into()),
        ended_at: Some(T0.plus_secs(3600.0)),
        ..Default::default()
    };
    h.send_blocking(WriteOp::UpdateRecording(up)).unwrap();
    let kicks = Event::Kicks {
        sender: "viewer1".into(),
        amount: 500,
        message: "private words".into(),
    };
    let ev = NewEvent::from_event(a, T0, &kicks).unwrap();
    h.send_blocking(WriteOp::Event(ev)).unwrap();
    assert!(
        NewEvent::from_event(
            a,
            T0,
            &Event::Offline {
                ended_at: None,
                stream_id: None,
            }
        )
        .is_none()
    );
    let ids = ChannelIds {
        platform: "kick".into(),
        slug: "a".into(),
        channel_id: Some(1),
        chatroom_id: Some(2),
        user_id: None,
        updated_at: T0,
    };
    h.send_blocking(WriteOp::ChannelCache(ids.clone())).unwrap();
    let newer = ChannelIds {
        chatroom_id: Some(3),
        ..ids
    };
    h.send_blocking(WriteOp::ChannelCache(newer.clone()))
        .unwrap();
    writer.shutdown().unwrap();

    let store = Store::open(&path).unwrap();
    let sessions = store.list_sessions().unwrap();
    assert_eq!(
        sessions.iter().map(|s| s.moments).collect::<Vec<_>>(),
        [3, 0]
    );
    assert_eq!(sessions[0].recording_path.as_deref(), Some("/rec/a_p1.ts"));
    assert_eq!(store.session(b).unwrap().unwrap().channel, "b");
    assert!(store.session(99).unwrap().is_none());
    let best = MomentQuery {
        session_id: Some(a),
        order: MomentOrder::Score,
        limit: Some(2),
    };
    let scores: Vec<f64> = store
        .list_moments(&best)
        .unwrap()
        .iter()
        .map(|m| m.score)
        .collect();
    assert_eq!(scores, [5.0, 3.0]);
    let all = store.list_moments(&MomentQuery::default()).unwrap();
    assert_eq!(
        all.iter().map(|m| m.offset_s).collect::<Vec<_>>(),
        [0.0, 10.0, 20.0]
    );
    let only_b = MomentQuery {
        session_id: Some(b),
        ..Default::default()
    };
    assert!(store.list_moments(&only_b).unwrap().is_empty());
    let recs = store.recordings(a).unwrap();
    assert_eq!((recs[0].bytes, recs[0].status.as_str()), (1 << 20, "done"));
    assert_eq!(store.channel_ids("kick", "a").unwrap(), Some(newer));
    assert_eq!(store.channel_ids("kick", "zzz").unwrap(), None);
    let data: String = store
        .connection()
        .query_row("SELECT data FROM events", [], |r| r.get(0))
        .unwrap();
    assert!(!data.contains("private"), "{data}");
}

#[test]
fn a_stream_split_by_a_crash_is_clipped_from_both_sessions_recordings() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let writer = StoreWriter::spawn(&path).unwrap();
    let h = writer.handle();
    let other_stream = NewSession {
        stream_started_at: Some(T0.plus_secs(-86_400.0)),
        ..session("a")
    };
    // The restart heard of the stream from the chat socket: its start has the live event's
    // milliseconds, the API's has whole seconds.
    let restarted = NewSession {
        stream_started_at: session("a").stream_started_at.map(|t| t.plus_secs(0.766)),
        ..session("a")
    };
    // A stream that ended at once and started again 40 s later: its id tells it apart.
    let restarted_stream = NewSession {
        stream_started_at: session("c").stream_started_at.map(|t| t.plus_secs(40.0)),
        stream_id: Some(131),
        ..session("c")
    };
    let first_with_id = NewSession {
        stream_id: Some(130),
        ..session("c")
    };
    // Before the crash, after the restart (the same stream), another stream, another
    // channel with the same start.
    let ids = [session("a"), restarted, other_stream, session("b")]
        .map(|s| h.open_session_blocking(s).unwrap());
    let [with_id, second] =
        [first_with_id, restarted_stream].map(|s| h.open_session_blocking(s).unwrap());
    for (i, &sid) in ids.iter().chain(&[with_id, second]).enumerate() {
        let rec = NewRecording {
            session_id: sid,
            part: 1,
            path: format!("/rec/s{sid}_p1.ts"),
            started_at: T0.plus_secs(i as f64),
        };
        h.send_blocking(WriteOp::StartRecording(rec)).unwrap();
    }
    writer.shutdown().unwrap();
    let store = Store::open(&path).unwrap();
    let paths = |sid| -> Vec<String> {
        let rows = store.recordings_of_stream(sid).unwrap();
        rows.into_iter().map(|r| r.path).collect()
    };
    assert_eq!(paths(ids[0]), ["/rec/s1_p1.ts", "/rec/s2_p1.ts"]);
    assert_eq!(paths(ids[1]), ["/rec/s1_p1.ts", "/rec/s2_p1.ts"]);
    assert_eq!(paths(ids[2]), ["/rec/s3_p1.ts"]);
    assert_eq!(paths(ids[3]), ["/rec/s4_p1.ts"]);
    // Known ids that differ: two streams, though they started 40 s apart.
    assert_eq!(paths(with_id), ["/rec/s5_p1.ts"]);
    assert_eq!(paths(second), ["/rec/s6_p1.ts"]);
}
