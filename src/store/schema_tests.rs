//! The schema against real SQLite files: WAL, migrations, versions, and no chat text.

use super::schema::{self, SCHEMA_VERSION, TABLES};
use super::{Store, StoreError, StoreWriter, db_path};

fn db(dir: &tempfile::TempDir) -> std::path::PathBuf {
    db_path(dir.path())
}

#[test]
fn wal_mode_and_every_table_at_the_current_version() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).unwrap();
    let conn = store.connection();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    // A run-long connection keeps a small page cache (SQLite's default is 2 MB).
    let cache: i64 = conn
        .query_row("PRAGMA cache_size", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cache, -512);
    assert_eq!(schema::user_version(conn).unwrap(), SCHEMA_VERSION);
    let mut names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut want: Vec<String> = TABLES.iter().map(|t| t.to_string()).collect();
    names.sort();
    want.sort();
    assert_eq!(names, want);
}

#[test]
fn reopening_an_up_to_date_database_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let first = Store::open(&path).unwrap();
    let schema_version = |s: &Store| -> i64 {
        s.connection()
            .query_row("PRAGMA schema_version", [], |r| r.get(0))
            .unwrap()
    };
    let before = schema_version(&first);
    drop(first);
    let again = Store::open(&path).unwrap();
    assert_eq!(schema_version(&again), before);
    assert_eq!(
        schema::user_version(again.connection()).unwrap(),
        SCHEMA_VERSION
    );
}

#[test]
fn a_newer_schema_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let store = Store::open(&path).unwrap();
    store
        .connection()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(store);
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::TooNew { found, .. } if found == SCHEMA_VERSION + 1));
    let text = err.to_string();
    assert!(text.contains("upgrade kicktui"), "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(matches!(
        StoreWriter::spawn(&path).err(),
        Some(StoreError::TooNew { .. })
    ));
}

#[test]
fn no_column_can_hold_chat_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).unwrap();
    let forbidden = [
        "text",
        "content",
        "message",
        "body",
        "msg",
        "chat",
        "chat_text",
    ];
    for table in TABLES {
        let cols: Vec<String> = store
            .connection()
            .prepare(&format!("PRAGMA table_info({table})"))
            .unwrap()
            .query_map([], |r| r.get(1))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!cols.is_empty(), "{table}");
        for col in cols {
            assert!(!forbidden.contains(&col.as_str()), "{table}.{col}");
        }
    }
}

#[test]
fn a_copy_kicktui_cannot_write_is_read_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    // A name with the characters a file: URI gives a meaning.
    let sub = dir.path().join("backup #1 ?100%");
    let path = db_path(&sub);
    let store = Store::open(&path).unwrap();
    store
        .connection()
        .execute(
            "INSERT INTO sessions (channel, platform, started_at) VALUES ('nova', 'kick', 1)",
            [],
        )
        .unwrap();
    drop(store);
    let before = std::fs::read(&path).unwrap();
    let (conn, _) = schema::connect_read_only(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    assert!(
        conn.execute("DELETE FROM sessions", []).is_err(),
        "read-only"
    );
    drop(conn);
    assert_eq!(std::fs::read(&path).unwrap(), before, "nothing written");
}

#[test]
fn an_old_schema_read_only_says_it_needs_write_access() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let store = Store::open(&path).unwrap();
    store
        .connection()
        .pragma_update(None, "user_version", SCHEMA_VERSION - 1)
        .unwrap();
    drop(store);
    let err = schema::connect_read_only(&path).err().unwrap().to_string();
    assert!(err.contains("needs write access"), "{err}");
}

#[test]
fn a_damaged_file_is_said_to_be_damaged_not_unwritable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(db(&dir), vec![0x5a; 8192]).unwrap();
    let err = Store::open(&db(&dir)).err().expect("garbage").to_string();
    assert!(
        err.contains("damaged or not a kicktui database") && !err.contains("writable"),
        "{err}"
    );
    // A good header over a damaged schema page: found only when the schema is read.
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(&db(&dir)).unwrap());
    let mut bytes = std::fs::read(db(&dir)).unwrap();
    bytes[100..4096].fill(0x5a);
    std::fs::write(db(&dir), bytes).unwrap();
    let _ = std::fs::remove_file(dir.path().join("kicktui.db-wal"));
    let err = Store::open(&db(&dir)).err().expect("damaged").to_string();
    assert!(err.contains("damaged or not a kicktui database"), "{err}");
}

/// A database from before `down_gaps` (version 6): a resumed session's one gap moves over.
#[test]
fn a_resumed_sessions_gap_survives_the_move_to_its_own_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for m in &schema::MIGRATIONS[..6] {
            conn.execute_batch(m).unwrap();
        }
        conn.pragma_update(None, "user_version", 6).unwrap();
        conn.execute_batch(
            "INSERT INTO sessions (id, channel, started_at, ended_at, down_from, resumed_at)
             VALUES (1, 'clavicular', '2026-12-01T20:00:00Z', '2026-12-01T22:00:00Z',
                     '2026-12-01T21:00:00Z', '2026-12-01T21:00:30Z'),
                    (2, 'clavicular', '2026-12-02T20:00:00Z', NULL, NULL, NULL);",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.down_gaps(1).unwrap().len(), 1);
    assert!(store.down_gaps(2).unwrap().is_empty());
    let md = store.report(1, 5.0).unwrap().unwrap().to_markdown();
    assert!(md.contains("- kicktui was down for 0:00:30"), "{md}");
}
