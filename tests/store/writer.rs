//! The writer thread: writes from many threads batched into few transactions, a moment's reply
//! only once it is readable, async handles, and dropping every handle commits the queue.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use kicktui::store::*;
use serde_json::json;

use crate::{T0, count, db, moment, session};

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

/// `x` skips a clip only while it is not cut nor on its way (a failed one too), and only a
/// skipped one is wanted again; a clip that moved on meanwhile is left as it is.
#[test]
fn a_clip_is_skipped_only_before_it_is_cut_and_unskipped_only_when_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let status = |id: i64| {
        Store::open(&path)
            .unwrap()
            .moment(id)
            .unwrap()
            .unwrap()
            .clip_status
    };
    let writer = StoreWriter::spawn(&path).unwrap();
    let h = writer.handle();
    let ids = rt.block_on(async {
        let sid = h.open_session(session("a")).await.unwrap();
        let mut ids = Vec::new();
        for (i, st) in [
            ClipStatus::Pending,
            ClipStatus::Failed,
            ClipStatus::Queued,
            ClipStatus::Done,
        ]
        .into_iter()
        .enumerate()
        {
            let id = h.insert_moment(sid, &moment(i as f64, 1)).await.unwrap();
            h.update_clip(id, st, None).await.unwrap();
            ids.push(id);
        }
        ids
    });
    let skip = |id, on| rt.block_on(h.skip_clip(id, on)).unwrap();
    assert!(skip(ids[0], true));
    assert_eq!(status(ids[0]), ClipStatus::Skipped);
    assert!(!skip(ids[0], true), "skipped already");
    assert!(
        skip(ids[1], true),
        "a failed clip is not retried at the stream's end"
    );
    assert!(!skip(ids[2], true), "on its way");
    assert!(!skip(ids[3], true), "cut");
    assert_eq!(
        (status(ids[2]), status(ids[3])),
        (ClipStatus::Queued, ClipStatus::Done)
    );
    assert!(skip(ids[0], false));
    assert_eq!(status(ids[0]), ClipStatus::Pending);
    assert!(!skip(ids[3], false), "only a skipped clip is wanted again");
    assert_eq!(status(ids[3]), ClipStatus::Done);
    assert!(!skip(999, true), "no such moment");
    drop(h);
    writer.shutdown().unwrap();
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
