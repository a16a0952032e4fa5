//! Writes that fail: answered while the writer goes on, retried when another program holds
//! the lock, and a data dir that is a file named with the fix.

use std::time::{Duration, Instant};

use kicktui::store::*;

use crate::{T0, count, db, moment, session};

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

/// A folder kicktui makes (the data dir, `clips/`) under a file, or in a file's place, names
/// that file: `create_dir_all` said "Not a directory" or "File exists", naming none.
#[test]
fn a_folder_under_a_file_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, b"x").unwrap();
    let e = kicktui::store::make_dir(&file.join("demo/clips"))
        .unwrap_err()
        .to_string();
    assert_eq!(e, format!("{} is a file, not a directory", file.display()));
    let e = kicktui::store::make_dir(&file).unwrap_err().to_string();
    assert_eq!(e, "it is a file, not a directory");
    kicktui::store::make_dir(&dir.path().join("a/b")).unwrap();
    assert!(dir.path().join("a/b").is_dir());
}
