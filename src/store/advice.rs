//! The `advice` table: each advisor call, its validated tool calls, what the streamer did
//! afterwards and the bandit's view, plus the summary the report prints.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::{Store, StoreError};
use crate::domain::Ts;

/// One advisor call as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAdvice {
    pub session_id: Option<i64>,
    pub at: Ts,
    pub provider: String,
    pub model: String,
    /// `ok` or the error kind (`rate_limited`, `server_error`, `timeout`, …).
    pub outcome: String,
    /// What was sent (see the advisor's input builder).
    pub input: Value,
    /// The tool calls that passed validation, as JSON.
    pub tool_calls: Value,
    pub rejected_calls: u32,
    pub free_text: Option<String>,
    pub suggested_arm: Option<String>,
    pub bandit_arm: Option<String>,
    /// The bandit's posterior mean of `suggested_arm` at the call.
    pub bandit_mean: Option<f64>,
    pub activity_before: Option<String>,
    pub engagement_before: Option<f64>,
}

/// What the streamer did after a suggestion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Followed {
    /// Switched to the suggested activity.
    Followed,
    /// Switched to another one.
    Other,
    /// Kept the activity until the next call.
    Ignored,
    /// Dismissed it with a key.
    Dismissed,
}

impl Followed {
    pub fn as_str(self) -> &'static str {
        match self {
            Followed::Followed => "followed",
            Followed::Other => "other",
            Followed::Ignored => "ignored",
            Followed::Dismissed => "dismissed",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AdviceOutcome {
    pub advice_id: i64,
    pub followed: Followed,
    pub decided_at: Ts,
    pub activity_after: Option<String>,
    /// Engagement a while after the decision (None: not known yet).
    pub engagement_after: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AdviceWrite {
    /// Reply: the advice id.
    Insert(Box<NewAdvice>),
    Outcome(AdviceOutcome),
}

pub(super) fn apply(conn: &Connection, w: &AdviceWrite) -> Result<i64, StoreError> {
    match w {
        AdviceWrite::Insert(a) => {
            conn.prepare_cached(
                "INSERT INTO advice (session_id, at, at_ms, provider, model, outcome, input,
                     tool_calls, rejected_calls, free_text, suggested_arm, bandit_arm,
                     bandit_mean, activity_before, engagement_before)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?
            .execute(params![
                a.session_id,
                a.at.to_rfc3339(),
                a.at.0,
                a.provider,
                a.model,
                a.outcome,
                a.input.to_string(),
                a.tool_calls.to_string(),
                a.rejected_calls,
                a.free_text,
                a.suggested_arm,
                a.bandit_arm,
                a.bandit_mean,
                a.activity_before,
                a.engagement_before,
            ])?;
            Ok(conn.last_insert_rowid())
        }
        AdviceWrite::Outcome(o) => {
            let n = conn
                .prepare_cached(
                    "UPDATE advice SET followed = ?2, decided_at = ?3, activity_after = ?4,
                         engagement_after = COALESCE(?5, engagement_after)
                     WHERE id = ?1",
                )?
                .execute(params![
                    o.advice_id,
                    o.followed.as_str(),
                    o.decided_at.to_rfc3339(),
                    o.activity_after,
                    o.engagement_after,
                ])?;
            if n == 0 {
                return Err(StoreError::Write(format!(
                    "no advice with id {}",
                    o.advice_id
                )));
            }
            Ok(0)
        }
    }
}

/// A stored call, for tools and tests.
#[derive(Clone, Debug, PartialEq)]
pub struct AdviceRow {
    pub id: i64,
    pub session_id: Option<i64>,
    pub at: String,
    pub outcome: String,
    pub tool_calls: String,
    pub rejected_calls: u32,
    pub suggested_arm: Option<String>,
    pub followed: Option<String>,
    pub input: String,
}

/// How often advice was followed and what followed it did to engagement: the report's line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdviceSummary {
    pub calls: u64,
    pub failed: u64,
    /// Calls that suggested an activity.
    pub suggestions: u64,
    pub followed: u64,
    /// Switched elsewhere, ignored or dismissed.
    pub not_followed: u64,
    /// Mean engagement change (after − before) where known.
    pub engagement_change_followed: Option<f64>,
    pub engagement_change_not_followed: Option<f64>,
}

impl AdviceSummary {
    /// `advisor: 9 calls (1 failed), 5 suggestions, 3 followed (60 %); engagement +4.2 after
    /// followed advice, −1.0 otherwise`; `None` when the advisor never ran.
    pub fn line(&self) -> Option<String> {
        if self.calls == 0 {
            return None;
        }
        let decided = self.followed + self.not_followed;
        let plural =
            |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut s = format!("advisor: {}", plural(self.calls, "call", "calls"));
        if self.failed > 0 {
            s.push_str(&format!(" ({} failed)", self.failed));
        }
        s.push_str(&format!(
            ", {}, {} followed",
            plural(self.suggestions, "suggestion", "suggestions"),
            self.followed
        ));
        if decided > 0 {
            // Of the suggestions the streamer acted on: one still open at the end is neither.
            let of = if decided < self.suggestions {
                format!(" of {decided} decided")
            } else {
                String::new()
            };
            s.push_str(&format!(
                " ({:.0} %{of})",
                100.0 * self.followed as f64 / decided as f64
            ));
        }
        let sign = |x: f64| {
            if x < 0.0 {
                format!("−{:.1}", -x)
            } else {
                format!("+{x:.1}")
            }
        };
        if let Some(f) = self.engagement_change_followed {
            s.push_str(&format!("; engagement {} after followed advice", sign(f)));
            if let Some(n) = self.engagement_change_not_followed {
                s.push_str(&format!(", {} otherwise", sign(n)));
            }
        }
        Some(s)
    }
}

impl Store {
    /// The summary for one session, or for every session with `None`.
    pub fn advice_summary(&self, session: Option<i64>) -> Result<AdviceSummary, StoreError> {
        let row = self
            .connection()
            .query_row(
                "SELECT COUNT(*),
                    COALESCE(SUM(outcome <> 'ok'), 0),
                    COALESCE(SUM(suggested_arm IS NOT NULL), 0),
                    COALESCE(SUM(followed = 'followed'), 0),
                    COALESCE(SUM(followed IN ('other', 'ignored', 'dismissed')), 0),
                    AVG(CASE WHEN followed = 'followed'
                        THEN engagement_after - engagement_before END),
                    AVG(CASE WHEN followed IN ('other', 'ignored', 'dismissed')
                        THEN engagement_after - engagement_before END)
                 FROM advice WHERE (?1 IS NULL OR session_id = ?1)",
                params![session],
                |r| {
                    Ok(AdviceSummary {
                        calls: r.get::<_, i64>(0)? as u64,
                        failed: r.get::<_, i64>(1)? as u64,
                        suggestions: r.get::<_, i64>(2)? as u64,
                        followed: r.get::<_, i64>(3)? as u64,
                        not_followed: r.get::<_, i64>(4)? as u64,
                        engagement_change_followed: r.get(5)?,
                        engagement_change_not_followed: r.get(6)?,
                    })
                },
            )
            .optional()?;
        Ok(row.unwrap_or_default())
    }

    /// When the calls since `since` were made (any channel's: they share the key's bill),
    /// oldest first.
    pub fn advice_times_since(&self, since: Ts) -> Result<Vec<Ts>, StoreError> {
        let mut st = self
            .connection()
            .prepare("SELECT at_ms FROM advice WHERE at_ms >= ?1 ORDER BY at_ms")?;
        let times = st
            .query_map([since.0], |r| Ok(Ts(r.get(0)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(times)
    }

    /// The calls of one session (or all), oldest first.
    pub fn advice_rows(&self, session: Option<i64>) -> Result<Vec<AdviceRow>, StoreError> {
        let mut st = self.connection().prepare(
            "SELECT id, session_id, at, outcome, tool_calls, rejected_calls, suggested_arm,
                    followed, input
             FROM advice WHERE (?1 IS NULL OR session_id = ?1) ORDER BY at_ms, id",
        )?;
        let rows = st
            .query_map(params![session], |r| {
                Ok(AdviceRow {
                    id: r.get(0)?,
                    session_id: r.get(1)?,
                    at: r.get(2)?,
                    outcome: r.get(3)?,
                    tool_calls: r.get(4)?,
                    rejected_calls: r.get(5)?,
                    suggested_arm: r.get(6)?,
                    followed: r.get(7)?,
                    input: r.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{StoreWriter, WriteOp, db_path};
    use serde_json::json;

    fn advice(arm: Option<&str>, outcome: &str, eng: f64) -> NewAdvice {
        NewAdvice {
            session_id: None,
            at: Ts(1_000_000),
            provider: "anthropic".into(),
            model: "m".into(),
            outcome: outcome.into(),
            input: json!({"context": "x"}),
            tool_calls: json!([]),
            rejected_calls: 0,
            free_text: None,
            suggested_arm: arm.map(String::from),
            bandit_arm: Some("talk".into()),
            bandit_mean: Some(0.5),
            activity_before: Some("talk".into()),
            engagement_before: Some(eng),
        }
    }

    /// What a restart's budget counts: every call since the time asked, failed ones too.
    #[tokio::test]
    async fn the_calls_since_a_time_are_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = db_path(dir.path());
        let w = StoreWriter::spawn(&path).unwrap();
        let h = w.handle();
        for (at_ms, outcome) in [(1_000_000, "ok"), (2_000_000, "timeout"), (3_000_000, "ok")] {
            let a = NewAdvice {
                at: Ts(at_ms),
                ..advice(None, outcome, 1.0)
            };
            let op = WriteOp::Advice(AdviceWrite::Insert(Box::new(a)));
            h.send(op).await.unwrap();
        }
        w.shutdown_async().await.unwrap();
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.advice_times_since(Ts(2_000_000)).unwrap(),
            vec![Ts(2_000_000), Ts(3_000_000)]
        );
    }

    #[tokio::test]
    async fn calls_and_outcomes_are_stored_and_summarised() {
        let dir = tempfile::tempdir().unwrap();
        let path = db_path(dir.path());
        let w = StoreWriter::spawn(&path).unwrap();
        let h = w.handle();
        let ins = |a| h.send(WriteOp::Advice(AdviceWrite::Insert(Box::new(a))));
        let a = ins(advice(Some("gameplay"), "ok", 40.0)).await.unwrap();
        let b = ins(advice(Some("irl"), "ok", 50.0)).await.unwrap();
        ins(advice(None, "rate_limited", 50.0)).await.unwrap();
        let out = |id, followed, after| {
            h.send(WriteOp::Advice(AdviceWrite::Outcome(AdviceOutcome {
                advice_id: id,
                followed,
                decided_at: Ts(1_100_000),
                activity_after: Some("gameplay".into()),
                engagement_after: Some(after),
            })))
        };
        out(a, Followed::Followed, 46.0).await.unwrap();
        out(b, Followed::Ignored, 49.0).await.unwrap();
        assert!(out(999, Followed::Ignored, 1.0).await.is_err());
        w.shutdown_async().await.unwrap();
        let store = Store::open(&path).unwrap();
        let s = store.advice_summary(None).unwrap();
        assert_eq!(
            (s.calls, s.failed, s.suggestions, s.followed, s.not_followed),
            (3, 1, 2, 1, 1)
        );
        assert_eq!(
            s.line().as_deref(),
            Some(
                "advisor: 3 calls (1 failed), 2 suggestions, 1 followed (50 %); engagement \
                 +6.0 after followed advice, −1.0 otherwise"
            )
        );
        assert_eq!(store.advice_rows(None).unwrap().len(), 3);
        assert_eq!(AdviceSummary::default().line(), None);
        // A suggestion still open at the end is not in the share.
        let open = AdviceSummary {
            suggestions: 3,
            ..s
        };
        assert!(
            open.line()
                .is_some_and(|l| l.contains("3 suggestions, 1 followed (50 % of 2 decided)")),
            "{:?}",
            open.line()
        );
    }
}
