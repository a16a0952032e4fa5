//! The engagement loop's rows: activity segments (with the suggestion in force when each
//! began) and per-session engagement totals. `retro` reads them back as the retrospective.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::domain::Ts;

/// Writes for the engagement loop (one `WriteOp::Engage` variant keeps the writer's enum small).
#[derive(Clone, Debug, PartialEq)]
pub enum EngageOp {
    /// Reply: the `activities` row id.
    StartActivity {
        session_id: i64,
        name: String,
        started_at: Ts,
        suggested: Option<String>,
    },
    EndActivity {
        id: i64,
        ended_at: Ts,
        engagement: Option<f64>,
        reward: Option<f64>,
        note: Option<String>,
    },
    /// Insert or replace the session's engagement totals.
    Stats(EngageStats),
}

#[derive(Clone, Debug, PartialEq)]
pub struct EngageStats {
    pub session_id: i64,
    pub at: Ts,
    pub unique_chatters: u64,
    pub messages: u64,
    pub engagement_mean: Option<f64>,
    pub engagement_min: Option<f64>,
    pub engagement_max: Option<f64>,
    pub scored_seconds: u64,
}

pub(super) fn apply(conn: &Connection, op: &EngageOp) -> Result<i64, StoreError> {
    match op {
        EngageOp::StartActivity {
            session_id,
            name,
            started_at,
            suggested,
        } => {
            conn.prepare_cached(
                "INSERT INTO activities (session_id, name, started_at, suggested)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                session_id,
                name,
                started_at.to_rfc3339(),
                suggested
            ])?;
            Ok(conn.last_insert_rowid())
        }
        EngageOp::EndActivity {
            id,
            ended_at,
            engagement,
            reward,
            note,
        } => {
            let n = conn
                .prepare_cached(
                    "UPDATE activities SET ended_at = ?2, engagement = ?3, reward = ?4, note = ?5
                     WHERE id = ?1",
                )?
                .execute(params![id, ended_at.to_rfc3339(), engagement, reward, note])?;
            if n == 0 {
                return Err(StoreError::Write(format!("no activity with id {id}")));
            }
            Ok(0)
        }
        EngageOp::Stats(s) => {
            conn.prepare_cached(
                "INSERT INTO engage_stats (session_id, at, unique_chatters, messages,
                     engagement_mean, engagement_min, engagement_max, scored_seconds)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (session_id) DO UPDATE SET at = excluded.at,
                     unique_chatters = excluded.unique_chatters, messages = excluded.messages,
                     engagement_mean = excluded.engagement_mean,
                     engagement_min = excluded.engagement_min,
                     engagement_max = excluded.engagement_max,
                     scored_seconds = excluded.scored_seconds",
            )?
            .execute(params![
                s.session_id,
                s.at.to_rfc3339(),
                s.unique_chatters as i64,
                s.messages as i64,
                s.engagement_mean,
                s.engagement_min,
                s.engagement_max,
                s.scored_seconds as i64
            ])?;
            Ok(0)
        }
    }
}

/// The last time anything was recorded for a session (its start if nothing was).
pub fn last_known(conn: &Connection, session: i64) -> Result<Option<Ts>, StoreError> {
    let started: Option<String> = conn
        .query_row(
            "SELECT started_at FROM sessions WHERE id = ?1",
            [session],
            |r| r.get(0),
        )
        .optional()?;
    let started = started.as_deref().and_then(Ts::parse_rfc3339);
    let last = super::recover::last_stored(conn, session)?;
    Ok(match started {
        Some(s) => Some(s.max(last)),
        None => (last != Ts(i64::MIN)).then_some(last),
    })
}

#[cfg(test)]
#[path = "engage_tests.rs"]
mod tests;
