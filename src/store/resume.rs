//! A stream's session picked up again after a crash. kicktui was killed mid-stream and
//! started again while the same stream (the same start time) is still live: crash recovery
//! closed the session at its last stored time; the restart opens it again, so the stream
//! keeps one session, one report, one set of recording parts.

use rusqlite::{Connection, OptionalExtension, params};

use super::apply::one_row;
use super::engage::EngageStats;
use super::query::{RecordingRow, get_ts};
use super::{Store, StoreError};
use crate::time::Ts;

/// What a resumed run carries on from.
#[derive(Clone, Debug, PartialEq)]
pub struct Resumable {
    pub session_id: i64,
    /// The start stored with it: offsets go on counting from it…
    pub stream_started_at: Ts,
    /// …unless it was the crashed run's guess and the real start is known now.
    pub start_guessed: bool,
    /// The engagement totals stored before the crash, to add the new run's to.
    pub engage: Option<EngageStats>,
    /// The parts recorded before the crash: the new run's parts follow them.
    pub recordings: Vec<RecordingRow>,
}

/// A time kicktui was down during a session: from the last thing stored to the restart;
/// `stopped`: the run was stopped while the stream was live (else it crashed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DownGap {
    pub from: Ts,
    pub to: Ts,
    pub stopped: bool,
}

/// Two stream starts this close are one stream: the API's `start_time` (whole seconds) and
/// the live event's `created_at` (microseconds) of one stream differ by a little.
pub const SAME_STREAM_MS: i64 = 120_000;

/// Live said without a start time after kicktui was down this long at most: the stream it
/// left live goes on (a stream that ended and another that started within it is rare, and
/// would only be told as one).
pub const UNKNOWN_START_GAP_MS: i64 = 10 * 60_000;

/// The tables whose rows follow a session absorbed into the resumed one.
const ABSORBED: [&str; 6] = [
    "chat_stats",
    "viewer_samples",
    "events",
    "activities",
    "advice",
    "moments",
];

impl Store {
    /// Among `closed` (the sessions crash recovery closed at this start), the one that
    /// recorded the stream that started at `stream_start` (within [`SAME_STREAM_MS`]), or
    /// whose stream id is `stream_id` when both ids are known: a stream that ended and
    /// started again a minute later is another stream. A session without a stream id may
    /// have only guessed its start (the stream probe said live while the API was blocked):
    /// a stream that started earlier than that is the same one, as no other could run then.
    ///
    /// `stream_start` None: live was said without a start (the stream probe while the API is
    /// blocked); then the session left live within [`UNKNOWN_START_GAP_MS`] of `now` is the
    /// one (a restart, or a crash, during the block).
    pub fn resumable(
        &self,
        closed: &[i64],
        stream_start: Option<Ts>,
        stream_id: Option<u64>,
        now: Ts,
    ) -> Result<Option<Resumable>, StoreError> {
        for &id in closed.iter().rev() {
            let Some(s) = self.session(id)? else { continue };
            let Some(started) = s.stream_started_at else {
                continue;
            };
            let guessed = self.start_guessed(id)?;
            let same = match (s.stream_id, stream_id, stream_start) {
                (Some(a), Some(b), _) => u64::try_from(a).is_ok_and(|a| a == b),
                (_, _, None) => s
                    .ended_at
                    .is_some_and(|left| now.0 - left.0 <= UNKNOWN_START_GAP_MS),
                (stored, _, Some(stream_start)) => {
                    let later_by = stream_start.0 - started.0;
                    later_by <= SAME_STREAM_MS
                        && (later_by >= -SAME_STREAM_MS || stored.is_none() || guessed)
                }
            };
            if !same {
                continue;
            }
            return Ok(Some(Resumable {
                session_id: id,
                stream_started_at: started,
                start_guessed: guessed,
                engage: engage_stats(&self.conn, id)?,
                recordings: self.recordings(id)?,
            }));
        }
        Ok(None)
    }

    /// The money events a session stored, oldest first, as events again (a resumed run's
    /// totals and revenue per hour go on from them). A damaged amount is left out.
    pub fn money_events(
        &self,
        session: i64,
    ) -> Result<Vec<(Ts, crate::domain::Event)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT at, kind, amount, username FROM events WHERE session_id = ?1
             AND kind IN ('subscription', 'gifted_subs', 'kicks', 'bits', 'donation')
             ORDER BY at, id",
        )?;
        let rows = stmt.query_map([session], |row| {
            Ok((
                get_ts(row, 0)?,
                row.get::<_, String>(1)?,
                row.get::<_, f64>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, kind, amount, who) = row?;
            let event = super::model::money_event(&kind, amount, who.unwrap_or_default());
            out.extend(event.map(|ev| (at, ev)));
        }
        Ok(out)
    }

    fn start_guessed(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT start_guessed FROM sessions WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }

    /// The activity the session was on last (its newest segment), if any.
    pub fn last_activity(&self, id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT name FROM activities WHERE session_id = ?1 ORDER BY id DESC LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// When kicktui was down during the session (each crash or stop it was resumed from),
    /// oldest first.
    pub fn down_gaps(&self, id: i64) -> Result<Vec<DownGap>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT down_from, resumed_at, cause FROM down_gaps WHERE session_id = ?1
             ORDER BY down_from",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(DownGap {
                from: get_ts(r, 0)?,
                to: get_ts(r, 1)?,
                stopped: r.get::<_, String>(2)? == "stopped",
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn engage_stats(conn: &Connection, id: i64) -> Result<Option<EngageStats>, StoreError> {
    let row = conn
        .query_row(
            "SELECT at, unique_chatters, messages, engagement_mean, engagement_min,
                 engagement_max, scored_seconds
             FROM engage_stats WHERE session_id = ?1",
            [id],
            |r| {
                Ok(EngageStats {
                    session_id: id,
                    at: get_ts(r, 0)?,
                    unique_chatters: r.get::<_, i64>(1)?.max(0) as u64,
                    messages: r.get::<_, i64>(2)?.max(0) as u64,
                    engagement_mean: r.get(3)?,
                    engagement_min: r.get(4)?,
                    engagement_max: r.get(5)?,
                    scored_seconds: r.get::<_, i64>(6)?.max(0) as u64,
                })
            },
        )
        .optional()?;
    Ok(row)
}

/// Opens `session_id` again at `at`. `absorb`: a session opened by this run before the stream
/// was known to be live (chat came first); its rows move into the resumed one and it goes.
pub(super) fn apply(
    conn: &Connection,
    session_id: i64,
    at: Ts,
    absorb: Option<i64>,
) -> Result<i64, StoreError> {
    // The gap: from the last thing the crashed run stored (where recovery closed it), or
    // from where a run stopped while the stream was live.
    conn.prepare_cached(
        "INSERT INTO down_gaps (session_id, down_from, resumed_at, cause)
         SELECT id, ended_at, ?2, CASE WHEN left_live = 1 THEN 'stopped' ELSE 'crash' END
         FROM sessions WHERE id = ?1 AND ended_at IS NOT NULL",
    )?
    .execute(params![session_id, at.to_rfc3339()])?;
    let n = conn
        .prepare_cached(
            "UPDATE sessions SET ended_at = NULL, report_owed = 0, left_live = 0 WHERE id = ?1",
        )?
        .execute([session_id])?;
    one_row(n, "session", session_id)?;
    // No longer a session a crash closed: it ends like any other.
    conn.prepare_cached("UPDATE engage_stats SET recovered = 0 WHERE session_id = ?1")?
        .execute([session_id])?;
    if let Some(old) = absorb.filter(|&old| old != session_id) {
        for table in ABSORBED {
            conn.execute(
                &format!("UPDATE {table} SET session_id = ?1 WHERE session_id = ?2"),
                params![session_id, old],
            )?;
        }
        // Its totals were this run's so far, which the resumed session's next totals hold.
        conn.execute("DELETE FROM engage_stats WHERE session_id = ?1", [old])?;
        conn.execute("DELETE FROM sessions WHERE id = ?1", [old])?;
    }
    Ok(0)
}

#[cfg(test)]
#[path = "resume_tests.rs"]
mod tests;
