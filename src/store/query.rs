//! Read queries: moments, sessions, recordings and the channel id cache.

use rusqlite::types::Type;
use rusqlite::{OptionalExtension, Row, params};

use super::model::{ChannelIds, ClipStatus};
use super::{Store, StoreError};
use crate::domain::{MomentSource, TriggerType, Ts};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MomentOrder {
    /// Oldest first.
    #[default]
    Time,
    /// Best first.
    Score,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MomentQuery {
    pub session_id: Option<i64>,
    pub order: MomentOrder,
    pub limit: Option<usize>,
}

impl MomentQuery {
    /// Every moment of one session, in time order.
    pub fn of_session(session_id: i64) -> MomentQuery {
        MomentQuery {
            session_id: Some(session_id),
            order: MomentOrder::Time,
            limit: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MomentRow {
    pub id: i64,
    pub session_id: i64,
    pub at: Ts,
    pub offset_s: f64,
    pub trigger_type: TriggerType,
    pub trigger_data: serde_json::Value,
    /// Every trigger: `[{"type", "at", "strength", "data"}]`.
    pub triggers: serde_json::Value,
    pub score: f64,
    pub source: MomentSource,
    pub clip_start_offset_s: f64,
    pub clip_end_offset_s: f64,
    pub clip_status: ClipStatus,
    pub clip_path: Option<String>,
    pub created_at: Ts,
}

impl MomentRow {
    /// Its type as people say it: `cheer` for Twitch bits (stored as a donation).
    pub fn kind_word(&self) -> &'static str {
        kind_word(self.trigger_type, &self.trigger_data)
    }
}

/// A stored moment's type as people say it, from its `trigger_type` and `trigger_data`.
pub(super) fn kind_word(t: TriggerType, data: &serde_json::Value) -> &'static str {
    if t == TriggerType::Donation && !data["bits"].is_null() {
        "cheer"
    } else {
        t.as_str()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SessionRow {
    pub id: i64,
    pub channel: String,
    pub platform: String,
    pub started_at: Ts,
    pub ended_at: Option<Ts>,
    pub title: Option<String>,
    pub recording_path: Option<String>,
    pub stream_started_at: Option<Ts>,
    /// The platform's id of the stream, if known.
    pub stream_id: Option<i64>,
    /// How many moments the session has.
    pub moments: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RecordingRow {
    pub id: i64,
    pub session_id: i64,
    pub part: u32,
    pub path: String,
    pub started_at: Ts,
    pub ended_at: Option<Ts>,
    pub bytes: u64,
    pub status: String,
    pub first_byte_at: Option<Ts>,
    pub pdt_first_at: Option<Ts>,
}

fn bad(idx: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, what.into())
}

fn parse_ts(idx: usize, s: &str) -> rusqlite::Result<Ts> {
    Ts::parse_rfc3339(s).ok_or_else(|| bad(idx, format!("not an RFC 3339 time: {s:?}")))
}

pub(super) fn get_ts(row: &Row, idx: usize) -> rusqlite::Result<Ts> {
    parse_ts(idx, &row.get::<_, String>(idx)?)
}

pub(super) fn get_opt_ts(row: &Row, idx: usize) -> rusqlite::Result<Option<Ts>> {
    row.get::<_, Option<String>>(idx)?
        .map(|s| parse_ts(idx, &s))
        .transpose()
}

fn get_json(row: &Row, idx: usize) -> rusqlite::Result<serde_json::Value> {
    let s: String = row.get(idx)?;
    serde_json::from_str(&s).map_err(|e| bad(idx, format!("bad JSON: {e}")))
}

const MOMENT_COLS: &str = "id, session_id, at, offset_s, trigger_type, trigger_data, triggers,
    score, source, clip_start_offset_s, clip_end_offset_s, clip_status, clip_path, created_at";

fn moment_row(row: &Row) -> rusqlite::Result<MomentRow> {
    let kind: String = row.get(4)?;
    let source: String = row.get(8)?;
    let status: String = row.get(11)?;
    Ok(MomentRow {
        id: row.get(0)?,
        session_id: row.get(1)?,
        at: get_ts(row, 2)?,
        offset_s: row.get(3)?,
        trigger_type: TriggerType::parse(&kind)
            .ok_or_else(|| bad(4, format!("unknown trigger type {kind:?}")))?,
        trigger_data: get_json(row, 5)?,
        triggers: get_json(row, 6)?,
        score: row.get(7)?,
        source: match source.as_str() {
            "manual" => MomentSource::Manual,
            _ => MomentSource::Auto,
        },
        clip_start_offset_s: row.get(9)?,
        clip_end_offset_s: row.get(10)?,
        clip_status: ClipStatus::parse(&status)
            .ok_or_else(|| bad(11, format!("unknown clip status {status:?}")))?,
        clip_path: row.get(12)?,
        created_at: get_ts(row, 13)?,
    })
}

const SESSION_SELECT: &str = "SELECT s.id, s.channel, s.platform, s.started_at, s.ended_at,
    s.title, s.recording_path, s.stream_started_at,
    (SELECT COUNT(*) FROM moments m WHERE m.session_id = s.id), s.stream_id
    FROM sessions s";

fn session_row(row: &Row) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id: row.get(0)?,
        channel: row.get(1)?,
        platform: row.get(2)?,
        started_at: get_ts(row, 3)?,
        ended_at: get_opt_ts(row, 4)?,
        title: row.get(5)?,
        recording_path: row.get(6)?,
        stream_started_at: get_opt_ts(row, 7)?,
        moments: row.get(8)?,
        stream_id: row.get(9)?,
    })
}

fn recording_row(row: &Row) -> rusqlite::Result<RecordingRow> {
    Ok(RecordingRow {
        id: row.get(0)?,
        session_id: row.get(1)?,
        part: row.get(2)?,
        path: row.get(3)?,
        started_at: get_ts(row, 4)?,
        ended_at: get_opt_ts(row, 5)?,
        bytes: row.get::<_, i64>(6)?.max(0) as u64,
        status: row.get(7)?,
        first_byte_at: get_opt_ts(row, 8)?,
        pdt_first_at: get_opt_ts(row, 9)?,
    })
}

impl Store {
    pub fn list_moments(&self, q: &MomentQuery) -> Result<Vec<MomentRow>, StoreError> {
        let order = match q.order {
            MomentOrder::Time => "at_ms, id",
            MomentOrder::Score => "score DESC, at_ms, id",
        };
        // Two statements rather than `?1 IS NULL OR …`, so the session filter uses its index.
        let filter = match q.session_id {
            Some(_) => "WHERE session_id = ?1",
            None => "WHERE ?1 IS NULL",
        };
        let sql = format!("SELECT {MOMENT_COLS} FROM moments {filter} ORDER BY {order} LIMIT ?2");
        // SQLite reads a negative LIMIT as "no limit".
        let limit = q.limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![q.session_id, limit], moment_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn moment(&self, id: i64) -> Result<Option<MomentRow>, StoreError> {
        let sql = format!("SELECT {MOMENT_COLS} FROM moments WHERE id = ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(stmt.query_row([id], moment_row).optional()?)
    }

    /// Every session, oldest first, with its moment count.
    pub fn list_sessions(&self) -> Result<Vec<SessionRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SESSION_SELECT} ORDER BY s.id"))?;
        let rows = stmt.query_map([], session_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn session(&self, id: i64) -> Result<Option<SessionRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SESSION_SELECT} WHERE s.id = ?1"))?;
        Ok(stmt.query_row([id], session_row).optional()?)
    }

    /// The cached platform ids of a channel, if a lookup ever stored them.
    pub fn channel_ids(
        &self,
        platform: &str,
        slug: &str,
    ) -> Result<Option<ChannelIds>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT platform, slug, channel_id, chatroom_id, user_id, updated_at
             FROM channel_cache WHERE platform = ?1 AND slug = ?2",
        )?;
        let row = stmt.query_row([platform, slug], |r| {
            Ok(ChannelIds {
                platform: r.get(0)?,
                slug: r.get(1)?,
                channel_id: r.get(2)?,
                chatroom_id: r.get(3)?,
                user_id: r.get(4)?,
                updated_at: get_ts(r, 5)?,
            })
        });
        Ok(row.optional()?)
    }

    /// The session's recordings and those of the other sessions of the same stream (same
    /// channel, stream starts within two minutes as a resume counts them: the API's start
    /// and the live event's differ by a second; a crash split the stream, and the restart's
    /// recording may hold the end of a moment the first session saw). Two sessions whose
    /// stream ids are both known and differ are two streams, however close their starts.
    pub fn recordings_of_stream(&self, session_id: i64) -> Result<Vec<RecordingRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.session_id, r.part, r.path, r.started_at, r.ended_at, r.bytes,
                 r.status, r.first_byte_at, r.pdt_first_at
             FROM recordings r JOIN sessions s ON s.id = r.session_id
             JOIN sessions me ON me.id = ?1
             WHERE r.session_id = ?1
                OR (s.platform = me.platform AND s.channel = me.channel
                    AND s.stream_started_at IS NOT NULL
                    AND abs(julianday(s.stream_started_at) - julianday(me.stream_started_at))
                        * 86400000.0 <= ?2
                    AND (s.stream_id IS NULL OR me.stream_id IS NULL
                         OR s.stream_id = me.stream_id))
             ORDER BY r.session_id, r.part",
        )?;
        let same_ms = super::resume::SAME_STREAM_MS as f64;
        let rows = stmt.query_map(rusqlite::params![session_id, same_ms], recording_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The recording parts of a session, in part order.
    pub fn recordings(&self, session_id: i64) -> Result<Vec<RecordingRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, session_id, part, path, started_at, ended_at, bytes, status,
                 first_byte_at, pdt_first_at
             FROM recordings WHERE session_id = ?1 ORDER BY part",
        )?;
        let rows = stmt.query_map([session_id], recording_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
