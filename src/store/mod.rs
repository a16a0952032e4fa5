//! The SQLite store: schema and migrations, one writer thread fed by a bounded queue, read
//! queries, and the CLI's table / JSON / CSV output.
//!
//! Writes go through [`StoreWriter`] / [`StoreHandle`] only; [`Store`] is for reading (the CLI
//! subcommands, the report). Both open `<data dir>/kicktui.db` in WAL mode, so readers never
//! block the writer.

mod advice;
mod apply;
mod engage;
mod format;
mod handle;
mod model;
mod query;
pub mod recover;
mod resume;
mod retro;
mod retry;
pub mod schema;
mod writer;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use advice::{AdviceOutcome, AdviceRow, AdviceSummary, AdviceWrite, Followed, NewAdvice};
pub use engage::{EngageOp, EngageStats, last_known};
pub use format::{OutputFormat, csv_field, render_moments, render_sessions};
pub use handle::StoreHandle;
pub use model::{
    ActivitySegment, ChannelIds, ChatStats, ClipStatus, MomentInsert, NewEvent, NewRecording,
    NewSession, RecordingUpdate, ViewerSample,
};
pub use query::{MomentOrder, MomentQuery, MomentRow, RecordingRow, SessionRow};
pub use resume::{Resumable, SAME_STREAM_MS};
pub use writer::{StoreWriter, WriteOp, WriterConfig, WriterStats};

/// The database file inside a data dir.
pub const DB_FILE: &str = "kicktui.db";

/// Makes a directory (and its parents). A file in its place, or in a parent's, is said as
/// such: `create_dir_all` says "File exists" or "Not a directory", which names no file.
pub fn make_dir(dir: &Path) -> std::io::Result<()> {
    if let Some(file) = dir.ancestors().find(|a| a.is_file()) {
        let what = if file == dir {
            "it is a file, not a directory".to_string()
        } else {
            format!("{} is a file, not a directory", file.display())
        };
        return Err(std::io::Error::other(what));
    }
    std::fs::create_dir_all(dir)
}

pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DB_FILE)
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "cannot create the data directory {path}: {source} (pick another with --data-dir, \
         $KICKTUI_DATA or [general] data_dir)"
    )]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database {path}: {source} ({})", open_hint(source))]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the database {path} has schema version {found}, but this kicktui only knows up to \
         version {supported}: upgrade kicktui, or use another --data-dir"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{path} has an older schema (version {found}), and upgrading it needs write access: \
         open it where kicktui can write"
    )]
    OldReadOnly { path: PathBuf, found: i64 },
    #[error("database error: {}{}", .0, damaged_hint(.0))]
    Sql(#[from] rusqlite::Error),
    /// A queued write failed; the writer logged it and goes on.
    #[error("write failed: {0}")]
    Write(String),
    #[error("cannot start the store writer thread: {0}")]
    Spawn(std::io::Error),
    #[error("the store writer has stopped")]
    Closed,
    /// `try_send` found the queue full: the writer is behind.
    #[error("the store queue is full")]
    Full,
}

/// SQLite says the file is damaged, or not a database at all.
fn is_damaged(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    matches!(e.sqlite_error_code(), Some(NotADatabase | DatabaseCorrupt))
}

/// What to do about a database found damaged while it was read (it opened).
fn damaged_hint(e: &rusqlite::Error) -> &'static str {
    if is_damaged(e) {
        " (the file is damaged: `sqlite3 kicktui.db .recover` saves what it can; or move it \
         aside with its -wal and -shm files and kicktui starts a new one)"
    } else {
        ""
    }
}

/// What to do about a database that would not open: a damaged file is not a permissions
/// problem.
fn open_hint(e: &rusqlite::Error) -> &'static str {
    if is_damaged(e) {
        "the file is damaged or not a kicktui database: move it aside with its -wal and -shm \
         files and kicktui starts a new one, or pick another --data-dir"
    } else {
        "is the data directory writable? pick another with --data-dir, $KICKTUI_DATA or \
         [general] data_dir"
    }
}

/// A read connection (writes go through [`StoreWriter`]).
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Opened read-only past a `-wal` file it could not read: the newest rows may be missing.
    unread_wal: bool,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = schema::connect(path)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            unread_wal: false,
        })
    }

    /// For commands that only read (moments, sessions, report): as [`Store::open`], or when
    /// the database cannot be written (a read-only copy), read-only. When both fail the first
    /// error is said, unless the read-only open found the schema is not this kicktui's.
    pub fn open_for_reading(path: &Path) -> Result<Store, StoreError> {
        match Store::open(path) {
            Ok(store) => Ok(store),
            Err(e @ StoreError::TooNew { .. }) => Err(e),
            Err(e) => match schema::connect_read_only(path) {
                Ok((conn, unread_wal)) => Ok(Store {
                    conn,
                    path: path.to_path_buf(),
                    unread_wal,
                }),
                // It opened, but its schema is not this kicktui's: that is the news.
                Err(schema @ (StoreError::TooNew { .. } | StoreError::OldReadOnly { .. })) => {
                    Err(schema)
                }
                Err(_) => Err(e),
            },
        }
    }

    /// Opens `<data_dir>/kicktui.db`.
    pub fn open_in(data_dir: &Path) -> Result<Store, StoreError> {
        Store::open(&db_path(data_dir))
    }

    /// Read-only past a `-wal` file it could not read: the newest rows may be missing.
    pub fn unread_wal(&self) -> bool {
        self.unread_wal
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw connection, for checks and tools that need SQL the queries do not cover.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod format_tests;
#[cfg(test)]
mod schema_tests;

#[cfg(test)]
mod error_tests {
    use super::*;

    #[test]
    fn a_damaged_file_found_while_reading_says_what_to_do() {
        let sql = |code| {
            StoreError::Sql(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(code),
                None,
            ))
            .to_string()
        };
        assert!(sql(rusqlite::ffi::SQLITE_CORRUPT).contains(".recover"));
        assert!(!sql(rusqlite::ffi::SQLITE_BUSY).contains(".recover"));
    }
}
