//! The retrospective read back from the database: which session a report is for, and the
//! report itself (stream, viewers, engagement, moments, activity segments).

use rusqlite::{OptionalExtension, params};

use super::engage::last_known;
use super::{Store, StoreError};
use crate::domain::Ts;
use crate::engage::report::{Count, MomentLine, Report, SegmentRow};
use crate::engage::segments::QUICK_SWITCH_S;

fn opt_f64(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// A session that began this long after its stream did joined it late. A session that was
/// watching before the stream starts when the live state is seen: a chat event at once, but
/// an API poll (60 s by default) or Helix can take a minute or two longer.
const JOINED_LATE_S: f64 = 300.0;

/// How many moments of each kind, most first (then by name).
fn kind_counts(list: &[MomentLine]) -> Vec<Count> {
    let mut counts: std::collections::BTreeMap<&str, u64> = Default::default();
    for m in list {
        *counts.entry(m.kind.as_str()).or_default() += 1;
    }
    let mut out: Vec<Count> = counts
        .into_iter()
        .map(|(kind, count)| Count {
            kind: kind.to_string(),
            count,
        })
        .collect();
    // Stable: equal counts stay in name order.
    out.sort_by_key(|c| std::cmp::Reverse(c.count));
    out
}

impl Store {
    /// The newest session of any channel worth a report (`report --last`): one that saw its
    /// stream live or holds a moment, a watched stream before a saved replay (an old log
    /// replayed later is not the last stream). The chat after a stream, or a run quit before
    /// the stream came, opens a session too; it is the answer only when there is no other.
    pub fn last_reported_session(&self) -> Result<Option<i64>, StoreError> {
        self.last_reported_session_of(None)
    }

    /// `last_reported_session` among one channel's sessions (`(platform, name)`), or all.
    pub fn last_reported_session_of(
        &self,
        channel: Option<(&str, &str)>,
    ) -> Result<Option<i64>, StoreError> {
        let (platform, name) = channel.unzip();
        Ok(self.conn.query_row(
            "SELECT coalesce(
                 (SELECT max(s.id) FROM sessions s
                  WHERE (?1 IS NULL OR (s.platform = ?1 AND s.channel = ?2 COLLATE NOCASE))
                    AND (?1 IS NOT NULL OR s.platform != 'replay')
                    AND (s.stream_started_at IS NOT NULL
                     OR EXISTS (SELECT 1 FROM moments m WHERE m.session_id = s.id))),
                 (SELECT max(s.id) FROM sessions s
                  WHERE (?1 IS NULL OR (s.platform = ?1 AND s.channel = ?2 COLLATE NOCASE))
                    AND (s.stream_started_at IS NOT NULL
                     OR EXISTS (SELECT 1 FROM moments m WHERE m.session_id = s.id))),
                 (SELECT max(id) FROM sessions
                  WHERE ?1 IS NULL OR (platform = ?1 AND channel = ?2 COLLATE NOCASE)))",
            params![platform, name],
            |r| r.get(0),
        )?)
    }

    /// Sessions of this channel closed by crash recovery whose report was not written yet
    /// are simply every recovered session; the caller decides what to write.
    pub fn recovered_sessions(
        &self,
        platform: &str,
        channel: &str,
    ) -> Result<Vec<i64>, StoreError> {
        Ok(self
            .conn
            .prepare(
                "SELECT s.id FROM sessions s JOIN engage_stats e ON e.session_id = s.id
                 WHERE s.platform = ?1 AND s.channel = ?2 AND e.recovered = 1 ORDER BY s.id",
            )?
            .query_map(params![platform, channel], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }

    /// The channels (platform, name) with an ended session whose report file is owed.
    pub fn channels_owed_a_report(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self
            .conn
            .prepare(
                "SELECT DISTINCT platform, channel FROM sessions
                 WHERE ended_at IS NOT NULL AND report_owed = 1",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?)
    }

    /// The retrospective of session `id` from what the database holds (`None`: no such
    /// session). Revenue uses `sub_price_usd` for subs; Kicks and bits are $0.01.
    pub fn report(&self, id: i64, sub_price_usd: f64) -> Result<Option<Report>, StoreError> {
        let Some(s) = self.session(id)? else {
            return Ok(None);
        };
        let c = &self.conn;
        // The price the report was first written with, when it was.
        let stored: Option<f64> = c
            .query_row(
                "SELECT sub_price_usd FROM sessions WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let sub_price_usd = stored
            .filter(|p| p.is_finite() && *p >= 0.0)
            .unwrap_or(sub_price_usd);
        let end = match s.ended_at {
            Some(e) => Some(e),
            None => last_known(c, id)?,
        };
        let mut r = Report {
            session: id,
            channel: s.channel,
            offline: s.stream_started_at.is_none() && s.platform != "replay",
            platform: s.platform,
            title: s.title,
            started_at: s.started_at.to_rfc3339(),
            ended_at: s.ended_at.map(Ts::to_rfc3339),
            duration_s: end.map_or(0.0, |e| e.secs_since(s.started_at).max(0.0)),
            // kicktui joined a stream that had been running (moment offsets count from the
            // stream's start, so they can exceed the session's duration).
            joined_after_s: s
                .stream_started_at
                .map(|st| s.started_at.secs_since(st))
                .filter(|&late| late >= JOINED_LATE_S),
            down: self
                .down_gaps(id)?
                .into_iter()
                .map(|g| crate::engage::report::Down {
                    from: g.from.to_rfc3339(),
                    to: g.to.to_rfc3339(),
                    seconds: g.to.secs_since(g.from).max(0.0),
                    stopped: g.stopped,
                })
                .collect(),
            ..Report::default()
        };
        let (peak, mean): (Option<i64>, Option<f64>) = c.query_row(
            "SELECT MAX(viewers), AVG(viewers) FROM viewer_samples WHERE session_id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        r.peak_viewers = peak.and_then(|p| u32::try_from(p).ok());
        r.mean_viewers = opt_f64(mean);
        let messages: i64 = c.query_row(
            "SELECT COALESCE(SUM(messages), 0) FROM chat_stats WHERE session_id = ?1",
            [id],
            |row| row.get(0),
        )?;
        let peak: Option<(f64, f64)> = c
            .query_row(
                // Windows cut short (at the end, at a flush: 1 s with one message is no
                // 1 msg/s peak) are left out: under half the usual window. A restart with
                // another `window_seconds` keeps its own.
                "WITH usual AS (SELECT window_s AS s FROM chat_stats WHERE session_id = ?1
                     GROUP BY window_s ORDER BY COUNT(*) DESC, window_s DESC LIMIT 1)
                 SELECT messages / window_s, window_s FROM chat_stats, usual
                 WHERE session_id = ?1 AND window_s > 0 AND window_s >= usual.s / 2
                 ORDER BY 1 DESC LIMIT 1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        r.messages = messages.max(0) as u64;
        (r.peak_velocity, r.peak_window_s) = peak.unwrap_or_default();
        let stats = c
            .query_row(
                "SELECT unique_chatters, engagement_mean, engagement_min, engagement_max,
                     recovered, messages
                 FROM engage_stats WHERE session_id = ?1",
                [id],
                |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, Option<f64>>(1)?,
                        row.get::<_, Option<f64>>(2)?,
                        row.get::<_, Option<f64>>(3)?,
                        row.get::<_, i64>(4)?,
                        row.get::<_, i64>(5)?,
                    ))
                },
            )
            .optional()?;
        if let Some((u, mean, min, max, recovered, counted)) = stats {
            // `chat_stats` has whole windows only; the collector also counted the last one.
            r.messages = r.messages.max(counted.max(0) as u64);
            r.unique_chatters = (u > 0 || mean.is_some()).then_some(u.max(0) as u64);
            r.engagement.mean = opt_f64(mean);
            r.engagement.min = opt_f64(min);
            r.engagement.max = opt_f64(max);
            r.recovered = recovered != 0;
        }
        r.moment_list = c
            .prepare(
                "SELECT id, offset_s, trigger_type, trigger_data, score, clip_status, clip_path
                 FROM moments WHERE session_id = ?1 ORDER BY at_ms, id",
            )?
            .query_map([id], |row| {
                let stored: String = row.get(2)?;
                let data: String = row.get(3)?;
                let data = serde_json::from_str(&data).unwrap_or_default();
                // Twitch bits are a cheer, though stored as a donation (as `moments` says).
                let kind = crate::domain::TriggerType::parse(&stored)
                    .map_or(stored, |t| super::query::kind_word(t, &data).to_string());
                Ok(MomentLine {
                    id: row.get(0)?,
                    offset_s: row.get(1)?,
                    kind,
                    score: row.get(4)?,
                    clip_status: row.get(5)?,
                    clip_path: row.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        r.moments = kind_counts(&r.moment_list);
        r.clips = c.query_row(
            "SELECT COUNT(*) FROM moments WHERE session_id = ?1
             AND clip_status IN ('done', 'short') AND clip_path IS NOT NULL",
            [id],
            |row| row.get::<_, i64>(0),
        )? as u64;
        let mut money = c.prepare(
            "SELECT kind, COALESCE(SUM(amount), 0) FROM events WHERE session_id = ?1 GROUP BY kind",
        )?;
        let rows = money.query_map([id], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, f64>(1)?))
        })?;
        let m = &mut r.money;
        m.sub_price_usd = sub_price_usd;
        for row in rows {
            let (kind, amount) = row?;
            // A hand-edited or damaged row must not overflow the totals.
            let n = amount.clamp(0.0, f64::from(u32::MAX)) as u64;
            match kind.as_str() {
                "subscription" => m.subs = m.subs.saturating_add(n),
                "gifted_subs" => {
                    m.subs = m.subs.saturating_add(n);
                    m.gifted_subs = m.gifted_subs.saturating_add(n);
                }
                "kicks" => m.kicks = m.kicks.saturating_add(n),
                "bits" => m.bits = m.bits.saturating_add(n),
                "donation" if amount.is_finite() && amount > 0.0 => m.donations_usd += amount,
                _ => {}
            }
        }
        m.revenue_usd = m.subs as f64 * sub_price_usd
            + m.kicks as f64 * crate::detect::events::USD_PER_KICK
            + m.bits as f64 * crate::detect::events::USD_PER_BIT
            + m.donations_usd;
        r.segments = c
            .prepare(
                "SELECT name, started_at, ended_at, engagement, reward, suggested, note
                 FROM activities WHERE session_id = ?1 ORDER BY id",
            )?
            .query_map([id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<f64>>(3)?,
                    row.get::<_, Option<f64>>(4)?,
                    row.get::<_, Option<String>>(5)?,
                    row.get::<_, Option<String>>(6)?,
                ))
            })?
            .map(|row| {
                row.map(
                    |(name, start, end_s, engagement, reward, suggested, note)| {
                        let st = Ts::parse_rfc3339(&start);
                        let en = end_s.as_deref().and_then(Ts::parse_rfc3339).or(end);
                        let seconds = match (st, en) {
                            (Some(a), Some(b)) => b.secs_since(a).max(0.0),
                            _ => 0.0,
                        };
                        SegmentRow {
                            name,
                            started_at: start,
                            ended_at: end_s,
                            seconds,
                            engagement: opt_f64(engagement),
                            reward: opt_f64(reward),
                            suggested,
                            note,
                        }
                    },
                )
            })
            .collect::<Result<_, _>>()?;
        // A quick run through the activity keys is no segment of the stream (the log leaves
        // it out too): not listed, and not a suggestion followed or ignored. The last one
        // was ended by the stream or a stop, not by a key (a stream that ended 9 s after a
        // restart resumed its activity).
        let last = r.segments.pop();
        let quick = |s: &SegmentRow| {
            s.ended_at.is_some() && s.reward.is_none() && s.seconds < QUICK_SWITCH_S
        };
        r.quick_switch_s = r
            .segments
            .iter()
            .filter(|s| quick(s))
            .map(|s| s.seconds)
            .sum();
        r.segments.retain(|s| !quick(s));
        r.segments.extend(last);
        r.summarize_segments();
        r.advisor = self.advice_summary(Some(id))?.line();
        Ok(Some(r))
    }
}
