//! The SQL behind each [`WriteOp`]. Runs on the writer thread, inside its transaction.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::writer::WriteOp;
use crate::domain::Ts;

fn ts(t: Ts) -> String {
    t.to_rfc3339()
}

/// A platform's stream id as SQLite stores it (one past `i64::MAX` is no id).
fn stream_id(id: Option<u64>) -> Option<i64> {
    id.and_then(|id| i64::try_from(id).ok())
}

fn opt_ts(t: Option<Ts>) -> Option<String> {
    t.map(ts)
}

/// An update that matched no row is an error: the caller holds a stale or wrong id.
pub(super) fn one_row(changed: usize, what: &str, id: i64) -> Result<i64, StoreError> {
    if changed == 0 {
        Err(StoreError::Write(format!("no {what} with id {id}")))
    } else {
        Ok(0)
    }
}

/// Applies one op; returns the new row id, or 0 for ops without one.
pub(super) fn apply(conn: &Connection, op: &WriteOp, now: Ts) -> Result<i64, StoreError> {
    match op {
        WriteOp::OpenSession(s) => {
            conn.prepare_cached(
                "INSERT INTO sessions (channel, platform, started_at, title, stream_started_at,
                     stream_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                s.channel,
                s.platform,
                ts(s.started_at),
                s.title,
                opt_ts(s.stream_started_at),
                stream_id(s.stream_id)
            ])?;
            Ok(conn.last_insert_rowid())
        }
        WriteOp::CloseSession {
            session_id,
            ended_at,
        } => {
            let n = conn
                .prepare_cached("UPDATE sessions SET ended_at = ?2 WHERE id = ?1")?
                .execute(params![session_id, ts(*ended_at)])?;
            one_row(n, "session", *session_id)
        }
        WriteOp::LeftLive { session_id } => {
            let n = conn
                .prepare_cached("UPDATE sessions SET left_live = 1 WHERE id = ?1")?
                .execute([session_id])?;
            one_row(n, "session", *session_id)
        }
        WriteOp::SubPrice { session_id, usd } => {
            let n = conn
                .prepare_cached(
                    "UPDATE sessions SET sub_price_usd = coalesce(sub_price_usd, ?2) WHERE id = ?1",
                )?
                .execute(params![session_id, usd])?;
            one_row(n, "session", *session_id)
        }
        WriteOp::ReportOwed { session_id, owed } => {
            let n = conn
                .prepare_cached("UPDATE sessions SET report_owed = ?2 WHERE id = ?1")?
                .execute(params![session_id, owed])?;
            one_row(n, "session", *session_id)
        }
        WriteOp::SessionWentLive {
            session_id,
            started_at,
            stream_started_at,
            title,
            stream_id,
        } => {
            let n = conn
                .prepare_cached(
                    "UPDATE sessions SET started_at = ?2, stream_started_at = ?3, title = ?4,
                         stream_id = ?5
                     WHERE id = ?1",
                )?
                .execute(params![
                    session_id,
                    ts(*started_at),
                    ts(*stream_started_at),
                    title,
                    self::stream_id(*stream_id)
                ])?;
            one_row(n, "session", *session_id)
        }
        WriteOp::StartGuessed { session_id } => {
            let n = conn
                .prepare_cached("UPDATE sessions SET start_guessed = 1 WHERE id = ?1")?
                .execute([session_id])?;
            one_row(n, "session", *session_id)
        }
        WriteOp::SessionStartKnown {
            session_id,
            stream_started_at,
            earlier_s,
            stream_id,
        } => {
            let n = conn
                .prepare_cached(
                    "UPDATE sessions SET stream_started_at = ?2,
                         stream_id = coalesce(stream_id, ?3), start_guessed = 0
                     WHERE id = ?1",
                )?
                .execute(params![
                    session_id,
                    ts(*stream_started_at),
                    self::stream_id(*stream_id)
                ])?;
            conn.prepare_cached(
                "UPDATE moments SET offset_s = offset_s + ?2,
                     clip_start_offset_s = clip_start_offset_s + ?2,
                     clip_end_offset_s = clip_end_offset_s + ?2
                 WHERE session_id = ?1",
            )?
            .execute(params![session_id, earlier_s])?;
            one_row(n, "session", *session_id)
        }
        WriteOp::ResumeSession {
            session_id,
            at,
            absorb,
        } => super::resume::apply(conn, *session_id, *at, *absorb),
        WriteOp::InsertMoment(m) => {
            conn.prepare_cached(
                "INSERT INTO moments (session_id, at, at_ms, offset_s, trigger_type, trigger_data,
                     triggers, score, source, clip_start_offset_s, clip_end_offset_s, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                m.session_id,
                ts(m.at),
                m.at.0,
                m.offset_s,
                m.trigger_type.as_str(),
                m.trigger_data,
                m.triggers,
                m.score,
                m.source.as_str(),
                m.clip_start_offset_s,
                m.clip_end_offset_s,
                ts(now),
            ])?;
            Ok(conn.last_insert_rowid())
        }
        WriteOp::FinalizeMoment { moment_id, row: m } => {
            let n = conn
                .prepare_cached(
                    // Its time too: a later trigger may place the moment earlier (a chat
                    // peak placed before the cheer that was shown first).
                    "UPDATE moments SET trigger_type = ?2, trigger_data = ?3, triggers = ?4,
                         score = ?5, clip_start_offset_s = ?6, clip_end_offset_s = ?7,
                         at = ?8, at_ms = ?9, offset_s = ?10
                     WHERE id = ?1",
                )?
                .execute(params![
                    moment_id,
                    m.trigger_type.as_str(),
                    m.trigger_data,
                    m.triggers,
                    m.score,
                    m.clip_start_offset_s,
                    m.clip_end_offset_s,
                    ts(m.at),
                    m.at.0,
                    m.offset_s,
                ])?;
            one_row(n, "moment", *moment_id)
        }
        // Only a clip not cut nor on its way is skipped (a failed one too: not retried at
        // the stream's end); only a skipped one is wanted again.
        WriteOp::SkipClip { moment_id, skip } => {
            let sql = if *skip {
                "UPDATE moments SET clip_status = 'skipped'
                 WHERE id = ?1 AND clip_status IN ('pending', 'failed')"
            } else {
                "UPDATE moments SET clip_status = 'pending' WHERE id = ?1 AND clip_status = 'skipped'"
            };
            let n = conn.prepare_cached(sql)?.execute(params![moment_id])?;
            Ok(n as i64)
        }
        WriteOp::UpdateClip {
            moment_id,
            status,
            path,
        } => {
            let n = conn
                .prepare_cached(
                    "UPDATE moments SET clip_status = ?2, clip_path = COALESCE(?3, clip_path)
                     WHERE id = ?1",
                )?
                .execute(params![moment_id, status.as_str(), path])?;
            one_row(n, "moment", *moment_id)
        }
        WriteOp::ChatStats(c) => {
            conn.prepare_cached(
                "INSERT INTO chat_stats (session_id, at, window_s, messages, chatters,
                     keyword_hits, emote_hits)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                c.session_id,
                ts(c.at),
                c.window_s,
                c.messages,
                c.chatters,
                c.keyword_hits,
                c.emote_hits
            ])?;
            Ok(0)
        }
        WriteOp::ViewerSample(v) => {
            conn.prepare_cached(
                "INSERT INTO viewer_samples (session_id, at, viewers) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![v.session_id, ts(v.at), v.viewers])?;
            Ok(0)
        }
        WriteOp::Event(e) => {
            conn.prepare_cached(
                "INSERT INTO events (session_id, at, kind, username, amount, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                e.session_id,
                ts(e.at),
                e.kind,
                e.username,
                e.amount,
                e.data.to_string()
            ])?;
            Ok(conn.last_insert_rowid())
        }
        WriteOp::ChannelCache(c) => {
            conn.prepare_cached(
                "INSERT INTO channel_cache (platform, slug, channel_id, chatroom_id, user_id,
                     updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (platform, slug) DO UPDATE SET channel_id = excluded.channel_id,
                     chatroom_id = excluded.chatroom_id, user_id = excluded.user_id,
                     updated_at = excluded.updated_at",
            )?
            .execute(params![
                c.platform,
                c.slug,
                c.channel_id,
                c.chatroom_id,
                c.user_id,
                ts(c.updated_at)
            ])?;
            Ok(0)
        }
        WriteOp::Advice(a) => super::advice::apply(conn, a),
        WriteOp::Activity(a) => {
            conn.prepare_cached(
                "INSERT INTO activities (session_id, name, started_at, ended_at, reward,
                     engagement)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                a.session_id,
                a.name,
                ts(a.started_at),
                opt_ts(a.ended_at),
                a.reward,
                a.engagement
            ])?;
            Ok(conn.last_insert_rowid())
        }
        WriteOp::StartRecording(r) => {
            conn.prepare_cached(
                "INSERT INTO recordings (session_id, part, path, started_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![r.session_id, r.part, r.path, ts(r.started_at)])?;
            let id = conn.last_insert_rowid();
            conn.prepare_cached(
                "UPDATE sessions SET recording_path = ?2 WHERE id = ?1 AND recording_path IS NULL",
            )?
            .execute(params![r.session_id, r.path])?;
            Ok(id)
        }
        WriteOp::UpdateRecording(u) => {
            let bytes = u.bytes.map(|b| i64::try_from(b).unwrap_or(i64::MAX));
            let n = conn
                .prepare_cached(
                    "UPDATE recordings SET ended_at = COALESCE(?2, ended_at),
                         bytes = COALESCE(?3, bytes), status = COALESCE(?4, status),
                         first_byte_at = COALESCE(?5, first_byte_at),
                         pdt_first_at = COALESCE(?6, pdt_first_at)
                     WHERE id = ?1",
                )?
                .execute(params![
                    u.id,
                    opt_ts(u.ended_at),
                    bytes,
                    u.status,
                    opt_ts(u.first_byte_at),
                    opt_ts(u.pdt_first_at)
                ])?;
            one_row(n, "recording", u.id)
        }
        WriteOp::DropEmptyRecording(id) => {
            let empty: Option<(i64, String)> = conn
                .prepare_cached(
                    "SELECT session_id, path FROM recordings
                     WHERE id = ?1 AND bytes = 0 AND first_byte_at IS NULL",
                )?
                .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((session, path)) = empty else {
                return Ok(0);
            };
            conn.prepare_cached("DELETE FROM recordings WHERE id = ?1")?
                .execute(params![id])?;
            // It was the session's first part: the path is the next one's (set again by it).
            conn.prepare_cached(
                "UPDATE sessions SET recording_path = (SELECT path FROM recordings
                     WHERE session_id = ?1 ORDER BY part, id LIMIT 1)
                 WHERE id = ?1 AND recording_path = ?2",
            )?
            .execute(params![session, path])?;
            Ok(0)
        }
        WriteOp::Flush => Ok(0),
        WriteOp::Engage(e) => super::engage::apply(conn, e),
    }
}
