//! The engagement part of each second's snapshot, the context line and the stored totals
//! when they are due, and the revenue curve's points.

use crate::domain::{Event, Ts};
use crate::engage::context::{ContextInput, context_line};
use crate::engage::money::{Money, MoneyTotals};
use crate::engage::money_of;
use crate::engine::runner::Engine;
use crate::engine::update::Update;
use crate::engine::view::{EngageView, RevenuePoint};
use crate::store::{EngageOp, EngageStats, WriteOp};

/// A resumed session's earlier money put back on the revenue curve: its last this many.
const EARLIER_POINTS: usize = 100;

/// Engagement totals are stored this often (and whenever a segment or session ends).
const STATS_EVERY_S: i64 = 10;

impl Engine {
    pub(super) fn engage_stats(&self, at: Ts) -> Option<WriteOp> {
        let session_id = self.sessions.current()?;
        let m = &self.core.engage;
        let s = m.stats;
        let stats = EngageStats {
            session_id,
            at,
            unique_chatters: m.unique_chatters(),
            messages: m.messages,
            engagement_mean: s.mean(),
            engagement_min: (s.seconds > 0).then_some(s.min),
            engagement_max: (s.seconds > 0).then_some(s.max),
            scored_seconds: s.seconds,
        };
        let stats = match &self.engage.base_stats {
            Some(base) if base.session_id == session_id => {
                crate::engine::resume::added(base, stats)
            }
            _ => stats,
        };
        Some(WriteOp::Engage(EngageOp::Stats(stats)))
    }

    /// Money received: a point on the revenue curve.
    pub(in crate::engine) fn engage_revenue(&mut self, at: Ts, event: &Event) {
        let Some(m) = money_of(event, self.engage.sub_price_usd) else {
            return;
        };
        let totals = self.core.engage.totals.clone();
        let per_hour = self.core.engage.revenue_per_hour(at);
        self.send_revenue_point(at, m, &totals, per_hour);
    }

    /// A resumed session's money from its earlier runs (read back from the store), as the
    /// points of its revenue curve: the dashboard's curve and donations go on from them
    /// instead of starting again at the restart.
    /// Only the last `EARLIER_POINTS` are sent (each is three messages to every dashboard,
    /// whose queue holds 1024), with totals that count them all.
    pub(in crate::engine) fn engage_revenue_before(&mut self, money: &[(Ts, Event)]) {
        // Every stored row is money (`Store::money_events`).
        let skip = money.len().saturating_sub(EARLIER_POINTS);
        // Ids as the earlier run numbered them: the new points go on after all of them.
        self.engage.revenue_seq += skip as u64;
        let mut totals = MoneyTotals::default();
        for (i, (at, event)) in money.iter().enumerate() {
            let Some(m) = money_of(event, self.engage.sub_price_usd) else {
                continue;
            };
            totals.count(&m);
            if i >= skip {
                // The rate is the snapshot's, from all of them.
                self.send_revenue_point(*at, m, &totals, 0.0);
            }
        }
    }

    /// `totals`: this session's, the point included.
    fn send_revenue_point(&mut self, at: Ts, m: Money, totals: &MoneyTotals, per_hour: f64) {
        self.engage.revenue_seq += 1;
        let session = self.sessions.current().unwrap_or(0);
        self.feed.send(Update::Revenue(RevenuePoint {
            id: format!("r{session}-{}", self.engage.revenue_seq),
            at,
            username: m.username,
            kind: m.kind.to_string(),
            amount: m.usd,
            cumulative: totals.revenue_usd,
            subs_total: totals.subs,
            kicks_total: totals.kicks,
            bits_total: totals.bits,
            per_hour,
        }));
    }

    /// The engagement part of this second's snapshot; stores totals and prints the context
    /// line when they are due.
    pub(in crate::engine) fn engage_view(&mut self, now: Ts) -> EngageView {
        self.engage.turn_over(now);
        let m = &self.core.engage;
        let live = self.core.totals.is_live;
        let per_hour = m.revenue_per_hour(now);
        let h = &self.engage;
        let context = context_line(&ContextInput {
            viewers: self.viewers,
            chat_per_min: Some(m.chat_per_min()),
            engagement: m.engagement(),
            revenue_per_hour: live.then_some(per_hour),
            suggestion: h.suggestion(),
            activity: h.activity(),
        });
        let view = EngageView {
            activity: h.activity().map(str::to_string),
            suggestion: h.suggestion().map(str::to_string),
            engagement: m.engagement(),
            chat_per_min: m.chat_per_min(),
            unique_chatters: m.unique_chatters(),
            revenue_usd: m.totals.revenue_usd,
            subs: m.totals.subs,
            kicks: m.totals.kicks,
            bits: m.totals.bits,
            donations_per_hour: per_hour,
            arms: h.arms.clone(),
            context: Some(context.clone()),
        };
        let due = |last: Option<Ts>, every: i64| last.is_none_or(|l| now.0 - l.0 >= every);
        let next = |last: Option<Ts>, every: i64| Some(next_period(last, now, every));
        if self.engage.last_context.is_none() {
            self.engage.last_context = Some(now);
        } else if due(self.engage.last_context, self.engage.context_every_ms) {
            self.engage.last_context = next(self.engage.last_context, self.engage.context_every_ms);
            self.feed.send(Update::Note(context));
        }
        if due(self.engage.last_stats, STATS_EVERY_S * 1000) {
            self.engage.last_stats = next(self.engage.last_stats, STATS_EVERY_S * 1000);
            if let Some(op) = self.engage_stats(now) {
                self.write_soft(op);
            }
        }
        view
    }
}

/// When a periodic line that was due at `last` counts as done, seen at `now`: a period after
/// `last`, not after `now` (a tick a little late each time slipped the context line by 23 s
/// an hour); after a long pause (more than a period missed), from `now`.
pub(super) fn next_period(last: Option<Ts>, now: Ts, every_ms: i64) -> Ts {
    match last {
        Some(l) if now.0 - l.0 < 2 * every_ms => l.plus_ms(every_ms),
        _ => now,
    }
}
