//! The store against real SQLite files: schema, writer, queries, output.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kicktui::domain::{
    Event, KeywordData, Moment, MomentSource, Trigger, TriggerData, TriggerType, Ts,
};
use kicktui::store::*;
use serde_json::json;

const T0: Ts = Ts(1_790_000_000_000);

fn db(dir: &tempfile::TempDir) -> PathBuf {
    db_path(dir.path())
}

fn session(channel: &str) -> NewSession {
    NewSession {
        channel: channel.into(),
        platform: "kick".into(),
        started_at: T0,
        title: Some("Just chatting".into()),
        stream_started_at: Some(T0),
        stream_id: None,
    }
}

/// A keyword moment whose keyword was seen `count` times.
fn moment(offset_s: f64, count: usize) -> Moment {
    let at = T0.plus_secs(offset_s);
    Moment {
        at,
        offset_s,
        trigger_type: TriggerType::Keyword,
        triggers: vec![Trigger {
            kind: TriggerType::Keyword,
            at,
            strength: 1.5,
            data: TriggerData::Keyword(KeywordData {
                count,
                keyword: "CLIP".into(),
            }),
        }],
        score: 2.25,
        source: MomentSource::Auto,
        clip_start: at.plus_secs(-30.0),
        clip_end: at.plus_secs(30.0),
    }
}

fn count(path: &Path, table: &str) -> i64 {
    let store = Store::open(path).unwrap();
    store
        .connection()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn ten_thousand_ops_from_four_threads_land_in_few_transactions() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let writer = StoreWriter::spawn(&path).unwrap();
    let sid = writer.handle().open_session_blocking(session("a")).unwrap();
    let producers: Vec<_> = (0..4)
        .map(|p| {
            let h = writer.handle();
            std::thread::spawn(move || {
                for i in 0..2500u32 {
                    let at = T0.plus_ms(i64::from(i));
                    let op = if i % 2 == 0 {
                        WriteOp::ViewerSample(ViewerSample {
                            session_id: sid,
                            at,
                            viewers: p * 10_000 + i,
                        })
                    } else {
                        WriteOp::ChatStats(ChatStats {
                            session_id: sid,
                            at,
                            window_s: 10.0,
                            messages: i,
                            chatters: 3,
                            keyword_hits: 1,
                            emote_hits: 2,
                        })
                    };
                    h.enqueue_blocking(op).unwrap();
                }
            })
        })
        .collect();
    for p in producers {
        p.join().unwrap();
    }
    writer.handle().flush_blocking().unwrap();
    assert_eq!(
        count(&path, "viewer_samples") + count(&path, "chat_stats"),
        10_000
    );
    let stats = writer.shutdown().unwrap();
    assert_eq!(stats.failed, 0);
    assert!(stats.ops >= 10_002, "{stats:?}");
    assert!(stats.commits * 10 < stats.ops, "not batched: {stats:?}");
}

#[test]
fn a_moment_reply_means_a_second_connection_can_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let writer = StoreWriter::spawn(&path).unwrap();
    let h = writer.handle();
    let reader = Store::open(&path).unwrap();
    let sid = h.open_session_blocking(session("a")).unwrap();
    // Background load so replies race real batches.
    let noise = {
        let h = writer.handle();
        std::thread::spawn(move || {
            for i in 0..2000 {
                let s = ViewerSample {
                    session_id: sid,
                    at: T0.plus_ms(i),
                    viewers: 1,
                };
                h.enqueue_blocking(WriteOp::ViewerSample(s)).unwrap();
            }
        })
    };
    for i in 0..50 {
        let id = h
            .insert_moment_blocking(sid, &moment(f64::from(i), i as usize))
            .unwrap();
        let row = reader
            .moment(id)
            .unwrap()
            .expect("committed before the reply");
        assert_eq!(row.trigger_data, json!({"count": i, "keyword": "CLIP"}));
        assert_eq!(row.clip_start_offset_s, f64::from(i) - 30.0);
        assert_eq!(row.clip_status, ClipStatus::Pending);
    }
    noise.join().unwrap();
    writer.shutdown().unwrap();
}

#[test]
fn async_handles_and_async_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let writer = StoreWriter::spawn(&path).unwrap();
        let h = writer.handle();
        let sid = h.open_session(session("a")).await.unwrap();
        let id = h.insert_moment(sid, &moment(5.0, 1)).await.unwrap();
        // Final, placed earlier than first shown (a chat peak before the cheer).
        h.finalize_moment(id, &moment(2.0, 3)).await.unwrap();
        h.update_clip(id, ClipStatus::Done, Some("/c/1.mp4".into()))
            .await
            .unwrap();
        h.close_session(sid, T0.plus_secs(60.0)).await.unwrap();
        h.try_send(WriteOp::Flush).unwrap();
        writer.shutdown_async().await.unwrap();
        assert!(matches!(h.flush().await, Err(StoreError::Closed)));
    });
    let store = Store::open(&path).unwrap();
    let row = store.moment(1).unwrap().unwrap();
    assert_eq!(row.clip_path.as_deref(), Some("/c/1.mp4"));
    assert_eq!((row.at, row.offset_s), (T0.plus_secs(2.0), 2.0));
    assert_eq!(
        store.session(1).unwrap().unwrap().ended_at,
        Some(T0.plus_secs(60.0))
    );
}

#[test]
fn a_failing_write_is_answered_and_the_writer_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let writer = StoreWriter::spawn(&path).unwrap();
    let h = writer.handle();
    let sid = h.open_session_blocking(session("a")).unwrap();
    // No session 999: the foreign key fails.
    let err = h.insert_moment_blocking(999, &moment(1.0, 1)).unwrap_err();
    assert!(matches!(err, StoreError::Write(_)), "{err}");
    assert!(matches!(
        h.update_clip_blocking(12345, ClipStatus::Done, None),
        Err(StoreError::Write(_))
    ));
    // A failure in the middle of a batch rolls back only itself.
    for i in 0..100 {
        let s = if i == 50 { 999 } else { sid };
        let v = ViewerSample {
            session_id: s,
            at: T0,
            viewers: 1,
        };
        h.enqueue_blocking(WriteOp::ViewerSample(v)).unwrap();
    }
    let id = h.insert_moment_blocking(sid, &moment(2.0, 1)).unwrap();
    assert!(id > 0);
    assert_eq!(count(&path, "viewer_samples"), 99);
    assert_eq!(count(&path, "moments"), 1);
    let stats = writer.shutdown().unwrap();
    assert_eq!(stats.failed, 3, "{stats:?}");
}

#[test]
fn dropping_every_handle_commits_the_queue_and_ends_the_thread() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let writer = StoreWriter::spawn(&path).unwrap();
    let h = writer.handle();
    let sid = h.open_session_blocking(session("a")).unwrap();
    for i in 0..500 {
        let v = ViewerSample {
            session_id: sid,
            at: T0.plus_ms(i),
            viewers: 1,
        };
        h.enqueue_blocking(WriteOp::ViewerSample(v)).unwrap();
    }
    drop(h);
    drop(writer);
    // The last connection to close checkpoints and removes the WAL file: the thread is done.
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let deadline = Instant::now() + Duration::from_secs(10);
    while wal.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!wal.exists(), "the writer still holds the database");
    assert_eq!(count(&path, "viewer_samples"), 500);
}

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

#[test]
fn a_write_that_fails_while_another_program_locks_the_file_is_retried_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let writer = StoreWriter::spawn(&path).unwrap();
    // Another program (a sqlite3 shell, a second kicktui) holds the write lock past the
    // writer's busy timeout: the commit fails with SQLITE_BUSY.
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let h = writer.handle();
    let asked = std::thread::spawn(move || h.open_session_blocking(session("locked")));
    let start = Instant::now();
    while writer.stats().retries == 0 {
        assert!(start.elapsed() < Duration::from_secs(20), "no retry seen");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        writer.stats().failing,
        "the status bar's 'db: writes failing'"
    );
    other.execute_batch("COMMIT").unwrap();
    let id = asked
        .join()
        .unwrap()
        .expect("the row is written once the lock is gone");
    assert!(id > 0);
    assert_eq!(count(&path, "sessions"), 1);
    assert!(!writer.stats().failing, "writes work again");
    let stats = writer.shutdown().unwrap();
    assert_eq!(stats.failed, 0, "{stats:?}");
    assert!(stats.retries >= 1, "{stats:?}");
}

/// A data dir that is a file, or cannot be made, says so and names the setting to change.
#[test]
fn a_data_dir_that_is_a_file_is_named_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let e = Store::open_in(&file)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("it is a file, not a directory"), "{e}");
    assert!(e.contains("--data-dir"), "{e}");
}
