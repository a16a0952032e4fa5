//! Crash recovery, run once when a live run starts, before the writer thread: what a `kill -9`
//! or a power cut left half-written for this channel is finished. Sessions left open are closed
//! at their last stored time; recordings left `recording` get their file's real size (and the
//! file's last write as their end); clips left queued / waiting / cutting go back to `pending`,
//! so `kicktui moments` shows them and `kicktui clip --pending` cuts them.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, schema};
use crate::time::Ts;

/// A part's bytes found on disk, or why its file could not be read.
pub type PartFound = Result<u64, String>;

/// What was repaired.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recovered {
    /// (session id, closed at).
    pub sessions: Vec<(i64, Ts)>,
    pub recordings: Vec<(i64, PartFound)>,
    /// Moments of the recovered sessions whose clip is pending (some reset from a half-done
    /// queue), for `kicktui clip --pending`.
    pub clips: usize,
    /// Sessions a crash closed (now or at an earlier start, also by `clip --pending`), or a
    /// run stopped while their stream was live, that recorded a stream and were not resumed: a restart that finds the same stream live
    /// picks one up again (its report, if written meanwhile, is written again at the end).
    pub streams: Vec<i64>,
    /// Ended sessions whose report file is owed: the ones closed here, and any whose report
    /// a full disk or a kill kept from being written.
    pub reports_owed: Vec<i64>,
}

impl Recovered {
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty() && self.recordings.is_empty() && self.clips == 0
    }
}

/// Repairs `channel`'s rows at `db` (the other channels may be live in another kicktui).
pub fn recover(db: &Path, platform: &str, channel: &str) -> Result<Recovered, StoreError> {
    let mut conn = schema::connect(db)?;
    let tx = conn.transaction()?;
    let mut out = Recovered::default();
    let open: Vec<(i64, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, started_at FROM sessions
             WHERE platform = ?1 AND channel = ?2 AND ended_at IS NULL ORDER BY id",
        )?;
        stmt.query_map(params![platform, channel], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    for (id, started) in open {
        out.recordings.extend(finish_recordings(&tx, id)?);
        let last = last_stored(&tx, id)?.max(Ts::parse_rfc3339(&started).unwrap_or_default());
        tx.execute(
            "UPDATE sessions SET ended_at = ?2, report_owed = 1 WHERE id = ?1",
            params![id, last.to_rfc3339()],
        )?;
        // The open activity segment ends with the session; too uncertain to reward.
        tx.execute(
            "UPDATE activities SET ended_at = ?2, note = 'closed after a crash; no reward'
             WHERE session_id = ?1 AND ended_at IS NULL",
            params![id, last.to_rfc3339()],
        )?;
        tx.execute(
            "INSERT INTO engage_stats (session_id, at, unique_chatters, messages, scored_seconds,
                 recovered)
             VALUES (?1, ?2, 0, 0, 0, 1)
             ON CONFLICT (session_id) DO UPDATE SET recovered = 1",
            params![id, last.to_rfc3339()],
        )?;
        out.sessions.push((id, last));
    }
    // A session that ended (went offline) before the crash can still have its last part
    // marked `recording`: its streamlink was stopping when kicktui went down.
    let ended_recording: Vec<i64> = tx
        .prepare(
            "SELECT DISTINCT r.session_id FROM recordings r JOIN sessions s ON s.id = r.session_id
             WHERE s.platform = ?1 AND s.channel = ?2 AND s.ended_at IS NOT NULL
               AND r.status = 'recording'",
        )?
        .query_map(params![platform, channel], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ended_recording {
        out.recordings.extend(finish_recordings(&tx, id)?);
    }
    // Half-done clips of sessions that were closed (a kill while the quit's clips were cut):
    // counted too, so the next start says they are pending.
    let half_done: Vec<i64> = tx
        .prepare(
            "SELECT m.session_id FROM moments m JOIN sessions s ON s.id = m.session_id
             WHERE s.platform = ?1 AND s.channel = ?2
               AND m.clip_status IN ('queued', 'waiting', 'cutting')",
        )?
        .query_map(params![platform, channel], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    out.clips = half_done
        .iter()
        .filter(|id| !out.sessions.iter().any(|(s, _)| s == *id))
        .count();
    tx.execute(
        "UPDATE moments SET clip_status = 'pending'
         WHERE clip_status IN ('queued', 'waiting', 'cutting') AND session_id IN
           (SELECT id FROM sessions WHERE platform = ?1 AND channel = ?2)",
        params![platform, channel],
    )?;
    for (id, _) in &out.sessions {
        let n: i64 = tx.query_row(
            "SELECT count(*) FROM moments WHERE session_id = ?1 AND clip_status = 'pending'",
            [id],
            |r| r.get(0),
        )?;
        out.clips += n as usize;
    }
    // Closed by this or an earlier recovery and not resumed (a second crash before the live
    // state was known keeps it a candidate; so does `clip --pending` closing and reporting
    // it). Only the channel's latest stream: a later stream's session means it is over (an
    // offline or waiting-room session since does not).
    out.streams = tx
        .prepare(
            "SELECT s.id FROM sessions s LEFT JOIN engage_stats e ON e.session_id = s.id
             WHERE s.platform = ?1 AND s.channel = ?2
               AND (coalesce(e.recovered, 0) = 1 OR s.left_live = 1)
               AND s.ended_at IS NOT NULL AND s.stream_started_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM sessions l
                   WHERE l.platform = s.platform AND l.channel = s.channel AND l.id > s.id
                     AND l.stream_started_at IS NOT NULL)",
        )?
        .query_map(params![platform, channel], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    out.reports_owed = tx
        .prepare(
            "SELECT id FROM sessions WHERE platform = ?1 AND channel = ?2
               AND ended_at IS NOT NULL AND report_owed = 1 ORDER BY id",
        )?
        .query_map(params![platform, channel], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    tx.commit()?;
    Ok(out)
}

/// The latest time any row of the session holds (RFC 3339 text does not sort as text, so
/// each table's candidates are parsed here).
pub fn last_stored(conn: &Connection, session: i64) -> Result<Ts, StoreError> {
    let mut last = Ts(i64::MIN);
    let moment: Option<i64> = conn
        .query_row(
            "SELECT max(at_ms) FROM moments WHERE session_id = ?1",
            [session],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if let Some(ms) = moment {
        last = last.max(Ts(ms));
    }
    for sql in [
        "SELECT at FROM chat_stats WHERE session_id = ?1",
        "SELECT at FROM viewer_samples WHERE session_id = ?1",
        "SELECT at FROM events WHERE session_id = ?1",
        "SELECT coalesce(ended_at, started_at) FROM recordings WHERE session_id = ?1",
        "SELECT coalesce(ended_at, started_at) FROM activities WHERE session_id = ?1",
        "SELECT at FROM engage_stats WHERE session_id = ?1",
    ] {
        let mut stmt = conn.prepare(sql)?;
        let times = stmt.query_map([session], |r| r.get::<_, String>(0))?;
        for t in times {
            if let Some(t) = Ts::parse_rfc3339(&t?) {
                last = last.max(t);
            }
        }
    }
    Ok(last)
}

/// Parts left `recording`: the real size and last write of the file, status `interrupted`
/// (`empty` when nothing reached the disk).
fn finish_recordings(conn: &Connection, session: i64) -> Result<Vec<(i64, PartFound)>, StoreError> {
    let rows: Vec<(i64, String, String)> = {
        let mut stmt = conn.prepare(
            "SELECT id, path, started_at FROM recordings
             WHERE session_id = ?1 AND status = 'recording'",
        )?;
        stmt.query_map([session], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?
    };
    let mut out = Vec::new();
    for (id, path, started) in rows {
        let meta = match std::fs::metadata(&path) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            // There but unreadable (a folder without permission): not empty, kept as stored.
            Err(e) => {
                conn.execute(
                    "UPDATE recordings SET status = 'interrupted' WHERE id = ?1",
                    params![id],
                )?;
                out.push((id, Err(e.to_string())));
                continue;
            }
        };
        let bytes = meta.as_ref().map_or(0, |m| m.len());
        let ended = meta
            .and_then(|m| m.modified().ok())
            .map(|t| Ts::from_datetime(&chrono::DateTime::<chrono::Utc>::from(t)))
            .or_else(|| Ts::parse_rfc3339(&started))
            .unwrap_or_default();
        let status = if bytes == 0 { "empty" } else { "interrupted" };
        conn.execute(
            "UPDATE recordings SET ended_at = ?2, bytes = ?3, status = ?4 WHERE id = ?1",
            params![id, ended.to_rfc3339(), bytes as i64, status],
        )?;
        out.push((id, Ok(bytes)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewSession, StoreWriter, WriteOp};

    /// A part whose file cannot be looked at (here: its "folder" is a file) is not called
    /// empty: it keeps the size last stored, and the reason is said.
    #[test]
    fn an_unreadable_part_keeps_its_stored_size() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kicktui.db");
        let not_a_dir = dir.path().join("recordings");
        std::fs::write(&not_a_dir, "x").unwrap();
        let conn = schema::connect(&db).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO sessions (id, channel, platform, started_at) VALUES
               (1, 'clavicular', 'kick', '2026-12-04T10:00:00Z');
             INSERT INTO recordings (id, session_id, part, path, started_at, bytes)
               VALUES (7, 1, 1, '{}', '2026-12-04T10:00:01Z', 2100000);",
            not_a_dir.join("part1.ts").display()
        ))
        .unwrap();
        let r = recover(&db, "kick", "clavicular").unwrap();
        assert!(
            matches!(&r.recordings[..], [(7, Err(_))]),
            "{:?}",
            r.recordings
        );
        let row: (i64, String) = conn
            .query_row(
                "SELECT bytes, status FROM recordings WHERE id = 7",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(row, (2_100_000, "interrupted".into()));
    }

    #[test]
    fn an_open_session_is_closed_at_its_last_row_and_its_part_gets_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kicktui.db");
        let part = dir.path().join("part1.ts");
        std::fs::write(&part, vec![0u8; 4321]).unwrap();
        // Last written before the last chat row (a fixed time, not the test's own clock).
        let written = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_796_378_880_000);
        std::fs::File::options()
            .write(true)
            .open(&part)
            .unwrap()
            .set_modified(written)
            .unwrap();
        let conn = schema::connect(&db).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO sessions (id, channel, platform, started_at) VALUES
               (1, 'clavicular', 'kick', '2026-12-04T10:00:00Z'),
               (2, 'other', 'kick', '2026-12-04T10:00:00Z');
             INSERT INTO chat_stats VALUES (1, '2026-12-04T10:09:59.5Z', 10, 3, 2, 0, 0),
                                           (1, '2026-12-04T10:10:00Z', 10, 3, 2, 0, 0);
             INSERT INTO viewer_samples VALUES (1, '2026-12-04T10:05:00Z', 40);
             INSERT INTO recordings (id, session_id, part, path, started_at)
               VALUES (7, 1, 1, '{}', '2026-12-04T10:00:01Z');
             INSERT INTO moments (session_id, at, at_ms, offset_s, trigger_type, score, source,
               clip_start_offset_s, clip_end_offset_s, clip_status, created_at)
               VALUES (1, 'x', 1796378400000, 0, 'manual', 1, 'manual', 0, 30, 'queued', 'x');",
            part.display()
        ))
        .unwrap();
        let r = recover(&db, "kick", "clavicular").unwrap();
        assert_eq!(
            r.sessions,
            vec![(1, Ts::parse_rfc3339("2026-12-04T10:10:00Z").unwrap())]
        );
        assert_eq!((r.recordings, r.clips), (vec![(7, Ok(4321))], 1));
        let (bytes, status): (i64, String) = conn
            .query_row(
                "SELECT bytes, status FROM recordings WHERE id = 7",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((bytes, status.as_str()), (4321, "interrupted"));
        let clip: String = conn
            .query_row("SELECT clip_status FROM moments", [], |r| r.get(0))
            .unwrap();
        assert_eq!(clip, "pending");
        // Another channel's open session is left to whoever is watching it.
        let open: i64 = conn
            .query_row(
                "SELECT count(*) FROM sessions WHERE ended_at IS NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(open, 1);
        assert!(recover(&db, "kick", "clavicular").unwrap().is_empty());
        // A stuck clip of an already closed session (a kill while the quit's clips were cut)
        // is reset too, and counted so the next start says so.
        conn.execute("UPDATE moments SET clip_status = 'cutting'", [])
            .unwrap();
        let r = recover(&db, "kick", "clavicular").unwrap();
        assert_eq!((r.clips, r.sessions.len()), (1, 0));
        let clip: String = conn
            .query_row("SELECT clip_status FROM moments", [], |r| r.get(0))
            .unwrap();
        assert_eq!(clip, "pending");
    }

    fn session(channel: &str, at: i64) -> NewSession {
        NewSession {
            channel: channel.into(),
            platform: "kick".into(),
            started_at: Ts(at),
            title: None,
            stream_started_at: None,
            stream_id: None,
        }
    }

    #[test]
    fn a_report_is_owed_until_it_is_written_and_only_for_this_channel() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("kicktui.db");
        let writer = StoreWriter::spawn(&db).expect("writer");
        let h = writer.handle();
        let owed = |id, owed| {
            h.send_blocking(WriteOp::ReportOwed {
                session_id: id,
                owed,
            })
            .expect("owed")
        };
        // Ended, report written; ended, its write failed; left open by a kill; another channel.
        let written = h.open_session_blocking(session("a", 0)).expect("open");
        owed(written, true);
        h.close_session_blocking(written, Ts(1000)).expect("close");
        owed(written, false);
        let failed = h.open_session_blocking(session("a", 2000)).expect("open");
        owed(failed, true);
        h.close_session_blocking(failed, Ts(3000)).expect("close");
        let killed = h.open_session_blocking(session("a", 4000)).expect("open");
        let other = h.open_session_blocking(session("b", 0)).expect("open");
        owed(other, true);
        h.close_session_blocking(other, Ts(1000)).expect("close");
        drop(h);
        writer.shutdown().expect("shutdown");

        let r = recover(&db, "kick", "a").expect("recover");
        assert_eq!(r.sessions, vec![(killed, Ts(4000))]);
        assert_eq!(r.reports_owed, vec![failed, killed]);
        let again = recover(&db, "kick", "a").expect("recover");
        assert!(again.sessions.is_empty());
        assert_eq!(again.reports_owed, vec![failed, killed], "until written");
    }
}
