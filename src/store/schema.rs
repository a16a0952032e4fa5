//! The schema as an ordered list of migrations, tracked with `PRAGMA user_version`.
//!
//! Privacy: no table has a column for chat message text. Chat is stored only as per-window
//! counts (`chat_stats`); keyword names and counts may appear in `moments.trigger_data`.
//! `events.data` is structured details only and must never hold the message a viewer sends
//! with Kicks or a donation (see `NewEvent`).

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// Migration `i` (0-based) takes the schema from version `i` to `i + 1`.
/// Append new steps; never edit one that has shipped.
pub const MIGRATIONS: &[&str] = &[
    V1,
    V2_ENGAGE,
    V_ADVICE,
    V_REPORT_OWED,
    V_RESUMED,
    V_SUB_PRICE,
    V_DOWN_GAPS,
    V_STREAM_ID,
    V_START_GUESSED,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Every table, for checks and tools.
pub const TABLES: &[&str] = &[
    "sessions",
    "moments",
    "recordings",
    "viewer_samples",
    "chat_stats",
    "events",
    "activities",
    "channel_cache",
    "engage_stats",
    "advice",
    "down_gaps",
];

const V1: &str = r#"
CREATE TABLE sessions (
    id                INTEGER PRIMARY KEY,
    channel           TEXT NOT NULL,
    platform          TEXT NOT NULL DEFAULT 'kick',
    started_at        TEXT NOT NULL,
    ended_at          TEXT,
    title             TEXT,
    recording_path    TEXT,
    -- when the platform says the stream went live: stream offsets count from it
    stream_started_at TEXT
);
CREATE INDEX sessions_channel ON sessions(platform, channel, id);

CREATE TABLE moments (
    id                  INTEGER PRIMARY KEY,
    session_id          INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at                  TEXT NOT NULL,
    -- `at` as Unix milliseconds: RFC 3339 text with optional fractions does not sort as text
    at_ms               INTEGER NOT NULL,
    offset_s            REAL NOT NULL,
    trigger_type        TEXT NOT NULL,
    trigger_data        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(trigger_data)),
    triggers            TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(triggers)),
    score               REAL NOT NULL,
    source              TEXT NOT NULL CHECK (source IN ('auto', 'manual')),
    clip_start_offset_s REAL NOT NULL,
    clip_end_offset_s   REAL NOT NULL,
    clip_status         TEXT NOT NULL DEFAULT 'pending',
    clip_path           TEXT,
    created_at          TEXT NOT NULL
);
CREATE INDEX moments_session_time ON moments(session_id, at_ms);
CREATE INDEX moments_time ON moments(at_ms);
CREATE INDEX moments_score ON moments(score);

CREATE TABLE recordings (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    part          INTEGER NOT NULL,
    path          TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    ended_at      TEXT,
    bytes         INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'recording',
    -- media.md §6: what maps a wall time to an offset in this file
    first_byte_at TEXT,
    pdt_first_at  TEXT,
    UNIQUE (session_id, part)
);

CREATE TABLE viewer_samples (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    viewers    INTEGER NOT NULL
);
CREATE INDEX viewer_samples_session ON viewer_samples(session_id, at);

CREATE TABLE chat_stats (
    session_id   INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at           TEXT NOT NULL,
    window_s     REAL NOT NULL,
    messages     INTEGER NOT NULL,
    chatters     INTEGER NOT NULL,
    keyword_hits INTEGER NOT NULL,
    emote_hits   INTEGER NOT NULL
);
CREATE INDEX chat_stats_session ON chat_stats(session_id, at);

CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    username   TEXT,
    amount     REAL NOT NULL DEFAULT 0,
    -- structured details only (units, months); never the message sent with a gift
    data       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data))
);
CREATE INDEX events_session ON events(session_id, at);

CREATE TABLE activities (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    reward     REAL,
    engagement REAL
);
CREATE INDEX activities_session ON activities(session_id, started_at);

CREATE TABLE channel_cache (
    platform    TEXT NOT NULL,
    slug        TEXT NOT NULL,
    channel_id  INTEGER,
    chatroom_id INTEGER,
    user_id     INTEGER,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (platform, slug)
);
"#;

/// The engagement loop: the bandit's suggestion when a segment began (so the report can say
/// whether advice was followed), why a segment gave no reward, and per-session totals the
/// other tables cannot give (distinct chatters, the engagement score's range).
const V2_ENGAGE: &str = r#"
ALTER TABLE activities ADD COLUMN suggested TEXT;
ALTER TABLE activities ADD COLUMN note TEXT;
CREATE TABLE engage_stats (
    session_id       INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    at               TEXT NOT NULL,
    unique_chatters  INTEGER NOT NULL,
    messages         INTEGER NOT NULL,
    engagement_mean  REAL,
    engagement_min   REAL,
    engagement_max   REAL,
    scored_seconds   INTEGER NOT NULL,
    -- closed by crash recovery at its last known time
    recovered        INTEGER NOT NULL DEFAULT 0
);
"#;

/// The advisor's calls: what was sent (never the key; chat text only with capture on), the
/// tool calls it answered with, what the streamer did afterwards and the bandit's view then.
const V_ADVICE: &str = r#"
CREATE TABLE advice (
    id                INTEGER PRIMARY KEY,
    session_id        INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
    at                TEXT NOT NULL,
    at_ms             INTEGER NOT NULL,
    provider          TEXT NOT NULL,
    model             TEXT NOT NULL,
    -- ok, rate_limited, server_error, refused, timeout, network, malformed
    outcome           TEXT NOT NULL,
    input             TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(input)),
    -- the tool calls that passed validation
    tool_calls        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tool_calls)),
    rejected_calls    INTEGER NOT NULL DEFAULT 0,
    free_text         TEXT,
    suggested_arm     TEXT,
    -- the bandit's own suggestion and its posterior mean of the suggested arm, at the call
    bandit_arm        TEXT,
    bandit_mean       REAL,
    activity_before   TEXT,
    engagement_before REAL,
    -- followed, other, ignored, dismissed; NULL until known
    followed          TEXT CHECK (followed IN ('followed', 'other', 'ignored', 'dismissed')),
    decided_at        TEXT,
    activity_after    TEXT,
    engagement_after  REAL
);
CREATE INDEX advice_session ON advice(session_id, at_ms);
"#;

/// A session whose report file is owed: set as it closes, cleared once the file is written,
/// so a report a full disk or a kill kept from being written is written at the next start.
const V_REPORT_OWED: &str = r#"
ALTER TABLE sessions ADD COLUMN report_owed INTEGER NOT NULL DEFAULT 0;
"#;

/// A stream's session that a restart picked up again after a crash: kicktui was down from
/// `down_from` (the last thing it stored) to `resumed_at`.
const V_RESUMED: &str = r#"
ALTER TABLE sessions ADD COLUMN down_from TEXT;
ALTER TABLE sessions ADD COLUMN resumed_at TEXT;
"#;

/// Every time kicktui was down during a session it was resumed from (a crash, or a run
/// stopped while the stream was live: `sessions.left_live`): a stream with two crashes has
/// two gaps (`sessions.down_from` held only the last).
const V_DOWN_GAPS: &str = r#"
CREATE TABLE down_gaps (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    down_from  TEXT NOT NULL,
    resumed_at TEXT NOT NULL,
    -- 'crash' or 'stopped'
    cause      TEXT NOT NULL DEFAULT 'crash'
);
CREATE INDEX down_gaps_session ON down_gaps(session_id, down_from);
INSERT INTO down_gaps (session_id, down_from, resumed_at)
    SELECT id, down_from, resumed_at FROM sessions
    WHERE down_from IS NOT NULL AND resumed_at IS NOT NULL;
ALTER TABLE sessions DROP COLUMN down_from;
ALTER TABLE sessions DROP COLUMN resumed_at;
ALTER TABLE sessions ADD COLUMN left_live INTEGER NOT NULL DEFAULT 0;
"#;

/// The platform's id of the session's stream (Kick's livestream id, Twitch's stream id):
/// a restart tells a new stream from the one it was watching by it, even when both started
/// within the same two minutes.
const V_STREAM_ID: &str = r#"
ALTER TABLE sessions ADD COLUMN stream_id INTEGER;
"#;

/// The sub price the session's report was written with, so `kicktui report N` prints the
/// same revenue later whatever the config says then.
const V_SUB_PRICE: &str = r#"
ALTER TABLE sessions ADD COLUMN sub_price_usd REAL;
"#;

/// The session's stream start is kicktui's guess (live said without a start time, by the
/// stream probe while the API was blocked): a restart takes a real start up to any time
/// before it as the same stream, and replaces it.
const V_START_GUESSED: &str = r#"
ALTER TABLE sessions ADD COLUMN start_guessed INTEGER NOT NULL DEFAULT 0;
"#;

/// Opens a connection with the pragmas every connection needs, then migrates.
pub(crate) fn connect(path: &Path) -> Result<Connection, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        super::make_dir(dir).map_err(|source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let open_err = |source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut conn = Connection::open(path).map_err(open_err)?;
    // Readers and the writer share the file; wait rather than fail on a brief lock.
    conn.busy_timeout(Duration::from_secs(5))
        .map_err(open_err)?;
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(open_err)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(path = %path.display(), mode, "SQLite refused WAL mode");
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(open_err)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(open_err)?;
    // The writer lives as long as the run and mostly appends: SQLite's default 2 MB page cache
    // filled with pages it never reads again (a heap profile saw it grow all stream long).
    conn.pragma_update(None, "cache_size", -512)
        .map_err(open_err)?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// A read-only connection, for listing a database kicktui cannot write (a backup, another
/// user's data dir). Failing plain read-only, `immutable`: SQLite then assumes nobody writes
/// the file meanwhile, which lets it open a WAL database in a directory where it cannot make
/// the `-shm` file. The schema must be current: migrating needs write access.
/// Also says whether a `-wal` file was left unread (the newest rows may be missing).
pub(crate) fn connect_read_only(path: &Path) -> Result<(Connection, bool), StoreError> {
    use rusqlite::OpenFlags;
    let open_err = |source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
    let open = |query: &str| -> Result<(Connection, i64), rusqlite::Error> {
        let uri = format!("file:{}?{query}", uri_path(&path.to_string_lossy()));
        let conn = Connection::open_with_flags(uri, flags)?;
        let version = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        Ok((conn, version))
    };
    // Plain read-only first: it sees a WAL's latest writes, where it can share the `-shm`.
    let ((conn, found), unread_wal) = match open("mode=ro") {
        Ok(opened) => (opened, false),
        Err(_) => {
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            let unread = std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
            (open("immutable=1").map_err(open_err)?, unread)
        }
    };
    if found > SCHEMA_VERSION {
        return Err(too_new(path, found));
    }
    if found < SCHEMA_VERSION {
        return Err(StoreError::OldReadOnly {
            path: path.to_path_buf(),
            found,
        });
    }
    Ok((conn, unread_wal))
}

/// A path as the path part of a `file:` URI: the characters URIs give a meaning escaped.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' | '?' | '#' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Applies the missing migrations in one immediate transaction.
/// Reopening an up-to-date database writes nothing.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let found = user_version(conn)?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    if found > SCHEMA_VERSION {
        return Err(too_new(path, found));
    }
    // IMMEDIATE: two processes opening a fresh file at once must not both migrate.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if now > SCHEMA_VERSION {
        return Err(too_new(path, now));
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(now.max(0) as usize) {
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tracing::info!(version = i + 1, "migrated the database schema");
    }
    tx.commit()?;
    Ok(())
}

pub fn user_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

fn too_new(path: &Path, found: i64) -> StoreError {
    StoreError::TooNew {
        path: path.to_path_buf(),
        found,
        supported: SCHEMA_VERSION,
    }
}
