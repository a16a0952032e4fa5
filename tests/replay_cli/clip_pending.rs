//! `clip --pending` on a saved replay: a window no recording covers is given up once (a missing
//! part is not), and a report that was never written is written once.

use crate::{kicktui, mixed_log};

/// A data dir with the mixed log replayed and saved (an ended session with moments), and a
/// connection to its database.
fn saved_replay() -> (tempfile::TempDir, rusqlite::Connection) {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = mixed_log();
    let file = dir.path().join("stream.jsonl");
    std::fs::write(&file, log).unwrap();
    let (_, err, ok) = kicktui(&["replay", file.to_str().unwrap(), "--save"], dir.path());
    assert!(ok, "{err}");
    let db = rusqlite::Connection::open(dir.path().join("kicktui.db")).unwrap();
    (dir, db)
}

/// A moment of an ended stream whose window no recording covers (a gap while the disk was
/// full), pending (or failed, with `--failed`), is marked `no_recording` once, not retried by every `clip --pending` (whose exit
/// code a cron job checks). A part that is missing may come back (a disk not mounted): its
/// moments stay pending, and the run fails saying so.
#[test]
fn clip_pending_gives_up_on_a_window_never_recorded() {
    let (dir, db) = saved_replay();
    // The only part holds the first 5 s (its sidecar says so); moments from 0:00:05 on have
    // nothing.
    let part = dir.path().join("recordings/part1.ts");
    std::fs::create_dir_all(part.parent().unwrap()).unwrap();
    std::fs::write(&part, b"ts").unwrap();
    std::fs::write(
        dir.path().join("recordings/part1.ts.json"),
        r#"{"content_s": 5.0, "lead_s": 0.0, "target_duration": 2.0}"#,
    )
    .unwrap();
    let insert_part = |path: &std::path::Path| {
        db.execute_batch(&format!(
            "DELETE FROM recordings;
             INSERT INTO recordings (session_id, part, path, started_at, ended_at, status,
                 first_byte_at)
             SELECT id, 1, '{}', started_at, started_at, 'done', started_at FROM sessions;",
            path.display()
        ))
        .unwrap();
    };
    db.execute_batch(
        "DELETE FROM moments WHERE clip_start_offset_s < 5;
         UPDATE moments SET clip_status = 'pending';",
    )
    .unwrap();
    let moments: i64 = db
        .query_row("SELECT count(*) FROM moments", [], |r| r.get(0))
        .unwrap();
    assert!(moments > 0);
    let pending = "SELECT count(*) FROM moments WHERE clip_status = 'pending'";

    insert_part(&dir.path().join("recordings/unmounted.ts"));
    let (_, err, ok) = kicktui(&["clip", "--pending"], dir.path());
    assert!(!ok && err.contains("unmounted.ts is missing"), "{err}");
    let left: i64 = db.query_row(pending, [], |r| r.get(0)).unwrap();
    assert_eq!(left, moments, "a missing part may come back: {err}");

    // Failed clips (a full disk fails every one left) are left alone, unless asked for.
    db.execute_batch("UPDATE moments SET clip_status = 'failed';")
        .unwrap();
    insert_part(&part);
    let (_, err, ok) = kicktui(&["clip", "--pending"], dir.path());
    assert!(ok && err.contains("No pending clips."), "{err}");
    let (_, err, ok) = kicktui(&["clip", "--pending", "--failed"], dir.path());
    assert!(ok, "{err}");
    assert!(
        err.contains("no recording of session 1 covers")
            && err.contains("(recorded: 0:00:00–0:00:05)")
            && err.contains("marked no_recording")
            && err.contains(&format!(
                "0 of {moments} pending clips cut; {moments} not recorded"
            )),
        "{err}"
    );
    let left: i64 = db.query_row(pending, [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
    let (_, err, ok) = kicktui(&["clip", "--pending"], dir.path());
    assert!(ok && err.contains("No pending clips."), "{err}");
}

/// A report a full disk or a kill kept from being written is owed: `clip --pending` (like the
/// channel's next start) writes it once.
#[test]
fn clip_pending_writes_a_report_that_was_never_saved() {
    let (dir, db) = saved_replay();
    db.execute("UPDATE sessions SET report_owed = 1", [])
        .unwrap();

    let (_, err, ok) = kicktui(&["clip", "--pending"], dir.path());
    assert!(ok && err.contains("report saved: "), "{err}");
    let path = err
        .lines()
        .find_map(|l| l.strip_prefix("report saved: "))
        .unwrap();
    let md = std::fs::read_to_string(path).unwrap();
    assert!(
        md.starts_with("# Stream report: replay:stream (session 1)"),
        "{md}"
    );
    let owed: i64 = db
        .query_row("SELECT sum(report_owed) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(owed, 0);
    let (_, err, ok) = kicktui(&["clip", "--pending"], dir.path());
    assert!(ok && !err.contains("report"), "written once: {err}");
}
