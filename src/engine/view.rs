//! The engine's state as every front end sees it: the latest [`View`] (kept current from the
//! updates the engine publishes) is what a subscriber that fell behind resyncs from, what the
//! metrics server sends a new client, and what `GET /api/state` returns.

use std::collections::VecDeque;

use super::update::{RecorderNews, RecordingInfo, Snapshot, Update};
use crate::domain::{Moment, Ts};
use crate::media::ClipState;
use crate::source::ChatState;

/// How many moments and donations the view keeps (the newest).
pub const VIEW_MOMENTS: usize = 500;
pub const VIEW_DONATIONS: usize = 100;
/// Revenue points kept for one session (a point per donation).
pub const VIEW_REVENUE_POINTS: usize = 5000;

/// Engagement, revenue and the bandit, as the panes, the dashboard and the context line show
/// them. Empty until the engagement collector fills it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EngageView {
    pub activity: Option<String>,
    /// The bandit's suggestion for the next activity.
    pub suggestion: Option<String>,
    /// 0–100, see the README's engagement formula.
    pub engagement: Option<f64>,
    pub chat_per_min: f64,
    pub unique_chatters: u64,
    /// Dollars this session (subs × price, Kicks and bits × $0.01, donations).
    pub revenue_usd: f64,
    /// Subs this session, gifted subs included.
    pub subs: u64,
    /// Kicks this session (Kick's gift currency; Twitch's are bits).
    pub kicks: u64,
    pub bits: u64,
    pub donations_per_hour: f64,
    pub arms: Vec<ArmView>,
    /// `Stream state: 42 viewers, chat velocity 12.5 msg/min, …`
    pub context: Option<String>,
}

/// The money an [`EngageView`] shows: revenue, subs, Kicks, bits, dollars per hour.
pub type MoneyShown = (f64, u64, u64, u64, f64);

impl EngageView {
    fn money(&self) -> MoneyShown {
        (
            self.revenue_usd,
            self.subs,
            self.kicks,
            self.bits,
            self.donations_per_hour,
        )
    }

    fn set_money(&mut self, m: MoneyShown) {
        (
            self.revenue_usd,
            self.subs,
            self.kicks,
            self.bits,
            self.donations_per_hour,
        ) = m;
    }
}

/// One bandit arm: posterior mean, its 90 % interval, how often it was played.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArmView {
    pub name: String,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub pulls: u64,
}

/// Money received: a donation feed entry and a point on the revenue curve.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RevenuePoint {
    pub id: String,
    pub at: Ts,
    pub username: String,
    /// `kicks`, `sub`, `gifted_subs`, `bits`, `donation`.
    pub kind: String,
    /// Dollars.
    pub amount: f64,
    /// Dollars this session, this one included.
    pub cumulative: f64,
    /// Subs, Kicks and bits this session and dollars per hour, this one included: the
    /// dashboard's numbers move with the point, not a tick later.
    pub subs_total: u64,
    pub kicks_total: u64,
    pub bits_total: u64,
    pub per_hour: f64,
}

/// A moment as the lists show it: its row id (None when the store refused it) and clip state.
#[derive(Clone, Debug, PartialEq)]
pub struct MomentRow {
    pub id: Option<i64>,
    pub moment: Moment,
    pub clip: Option<ClipState>,
    /// Shown while its merge window is open; final once `Update::Moment` came.
    pub building: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct View {
    /// The number of the last update it holds (the feed numbers them).
    pub seq: u64,
    pub snapshot: Snapshot,
    pub chat: Option<ChatState>,
    pub session: Option<i64>,
    pub title: Option<String>,
    pub recording: Option<RecordingInfo>,
    /// Whether this run records at all, as the engine said at start: `Armed`, `Disabled`
    /// (`--no-record`) or `Off(why)`. None until it said.
    pub recorder: Option<RecorderNews>,
    pub moments: VecDeque<MomentRow>,
    pub revenue: VecDeque<RevenuePoint>,
    pub donations: VecDeque<RevenuePoint>,
    pub finished: bool,
    /// The co-pilot (when `[advisor]` is on): its latest advice and its status.
    pub advice: Option<crate::advisor::Advice>,
    pub advisor: Option<crate::advisor::AdvisorStatus>,
    /// After the stream ended: its money (revenue, subs, Kicks, bits, per hour), shown until money
    /// of another session comes.
    pub ended_money: Option<MoneyShown>,
    /// The offline session opened since, shown once money comes to it.
    pub offline_session: Option<i64>,
}

impl View {
    /// The session whose money is shown: another one counts from zero, at once.
    fn show_session(&mut self, session: Option<i64>) {
        if session != self.session {
            self.ended_money = None;
            self.revenue.clear();
            self.donations.clear();
            self.snapshot.engage.set_money(MoneyShown::default());
        }
        self.session = session;
    }

    /// Follows one update (the same order every subscriber sees).
    pub fn apply(&mut self, u: &Update) {
        match u {
            Update::Snapshot(s) => {
                self.snapshot = s.clone();
                // The engine counts the offline money from zero at once; the page keeps the
                // ended stream's until money of another session comes.
                if let Some(m) = self.ended_money {
                    self.snapshot.engage.set_money(m);
                }
            }
            Update::ChatState(c) => self.chat = Some(c.clone()),
            Update::Moment { id, moment } | Update::MomentBuilding { id, moment } => {
                let building = matches!(u, Update::MomentBuilding { .. });
                // The same row: by id, or the unsaved building row it finalizes (saved now,
                // maybe, on a second try) or shows grown. One moment builds at a time, so that
                // row is the only unsaved building one (its start and kind may have changed).
                let same = |r: &MomentRow| {
                    (id.is_some() && r.id == *id)
                        || ((!building || id.is_none()) && r.building && r.id.is_none())
                };
                if let Some(row) = self.moments.iter_mut().find(|r| same(r)) {
                    row.id = *id;
                    row.moment = moment.clone();
                    row.building = building;
                } else {
                    push_capped(
                        &mut self.moments,
                        MomentRow {
                            id: *id,
                            moment: moment.clone(),
                            clip: None,
                            building,
                        },
                        VIEW_MOMENTS,
                    );
                }
            }
            Update::WentLive { title, session, .. } => {
                // Told at once (the dashboard's off-tick `stream_state`), not with the next tick.
                self.snapshot.live = true;
                self.title = title.clone();
                self.offline_session = None;
                self.show_session(*session);
            }
            Update::OfflineSession { session } => self.offline_session = Some(*session),
            Update::Recording(info) => self.recording = Some(info.clone()),
            Update::Recorder(
                n @ (RecorderNews::Armed | RecorderNews::Disabled | RecorderNews::Off(_)),
            ) => self.recorder = Some(n.clone()),
            Update::Clip(news) => {
                if let Some(row) = self
                    .moments
                    .iter_mut()
                    .find(|r| r.id.is_some() && r.id == news.moment_id)
                {
                    row.clip = Some(news.state.clone());
                }
            }
            Update::Revenue(p) => {
                if let Some(s) = self.offline_session.take() {
                    self.show_session(Some(s));
                }
                // The total moves with the point, not a second later with the next snapshot.
                let e = &mut self.snapshot.engage;
                e.revenue_usd = e.revenue_usd.max(p.cumulative);
                e.subs = e.subs.max(p.subs_total);
                e.kicks = e.kicks.max(p.kicks_total);
                e.bits = e.bits.max(p.bits_total);
                if p.per_hour > 0.0 {
                    e.donations_per_hour = p.per_hour;
                }
                push_capped(&mut self.revenue, p.clone(), VIEW_REVENUE_POINTS);
                push_capped(&mut self.donations, p.clone(), VIEW_DONATIONS);
            }
            Update::Finished(_) => self.finished = true,
            Update::Advice(a) => self.advice = Some((**a).clone()),
            Update::Advisor(s) => self.advisor = Some(s.clone()),
            Update::Resync(v) => *self = (**v).clone(),
            Update::EarlierMoments(rows) => {
                for row in rows {
                    if !self
                        .moments
                        .iter()
                        .any(|r| r.id.is_some() && r.id == row.id)
                    {
                        push_capped(&mut self.moments, row.clone(), VIEW_MOMENTS);
                    }
                }
            }
            // What the engine's next tick will say, said at once: no viewers, and the
            // engagement of the stream that ended is not the offline chat's.
            Update::WentOffline { .. } => {
                self.ended_money = Some(self.snapshot.engage.money());
                self.snapshot.live = false;
                self.snapshot.uptime_s = None;
                self.snapshot.viewers = None;
                self.snapshot.engage.engagement = None;
                self.snapshot.engage.chat_per_min = 0.0;
            }
            Update::StartKnown { at, was } => {
                for row in &mut self.moments {
                    super::update::shift_offset(&mut row.moment, *at, *was);
                }
            }
            Update::ClipSkip {
                moment_id,
                skip,
                outcome,
            } => {
                let row = self.moments.iter_mut().find(|r| r.id == Some(*moment_id));
                if let Some(row) = row.filter(|_| *outcome == super::update::SkipOutcome::Done) {
                    row.clip = skip.then_some(ClipState::Skipped);
                }
            }
            // Kept on the row: a resync, and the dashboard, know it is no clip to cut.
            Update::NotRecorded { moment_id } => {
                if let Some(row) = self.moments.iter_mut().find(|r| r.id == Some(*moment_id)) {
                    row.clip = Some(ClipState::NoRecording);
                }
            }
            Update::WaitingForLive
            | Update::ApiTrouble { .. }
            | Update::ApiOk
            | Update::Notable { .. }
            | Update::Capturing { .. }
            | Update::DashboardOff(_)
            | Update::Recorder(_)
            | Update::Note(_)
            | Update::Recovered(_) => {}
        }
    }
}

fn push_capped<T>(q: &mut VecDeque<T>, item: T, cap: usize) {
    if q.len() >= cap {
        q.pop_front();
    }
    q.push_back(item);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Moments;
    use crate::detect::moments::MomentBuilder;
    use crate::domain::{ManualData, Ts};

    #[test]
    fn a_moment_unsaved_while_building_keeps_its_row_when_final() {
        let moment =
            MomentBuilder::new(&Moments::default()).manual(Ts(5000), ManualData::default());
        let mut view = View::default();
        let building = |id| Update::MomentBuilding {
            id,
            moment: moment.clone(),
        };
        let fin = |id| Update::Moment {
            id,
            moment: moment.clone(),
        };
        // Saved on the second try, then refused both times: one row each.
        for (last, id) in [(Some(4), Some(4)), (None, None)] {
            view.apply(&building(None));
            view.apply(&fin(last));
            let row = view.moments.back().unwrap();
            assert_eq!((row.id, row.building), (id, false));
        }
        assert_eq!(view.moments.len(), 2);
        // Its start moved earlier while building (a later peak placed before it): still the
        // same row, not a building one left behind.
        let mut earlier = moment.clone();
        earlier.at = Ts(2000);
        view.apply(&building(None));
        view.apply(&Update::Moment {
            id: Some(9),
            moment: earlier.clone(),
        });
        assert_eq!(view.moments.len(), 3);
        assert!(view.moments.iter().all(|r| !r.building));
        // Shown again as it grows, saved or not: still one row, in its latest form.
        for id in [None, Some(11)] {
            view.apply(&building(id));
            view.apply(&Update::MomentBuilding {
                id,
                moment: earlier.clone(),
            });
            let row = view.moments.back().unwrap();
            assert_eq!((row.id, row.building, row.moment.at), (id, true, Ts(2000)));
            view.apply(&fin(id));
        }
        assert_eq!(view.moments.len(), 5);
    }

    fn money(cumulative: f64, id: &str) -> Update {
        Update::Revenue(RevenuePoint {
            id: id.into(),
            at: Ts(0),
            username: "fan".into(),
            kind: "kicks".into(),
            amount: 5.0,
            cumulative,
            subs_total: 0,
            kicks_total: 0,
            bits_total: 0,
            per_hour: 20.0,
        })
    }

    /// The engine: the core counts the offline money from zero at once, its snapshots say so.
    fn tick(view: &mut View, revenue_usd: f64) {
        let mut s = Snapshot::default();
        s.engage.revenue_usd = revenue_usd;
        view.apply(&Update::Snapshot(s));
    }

    fn live(session: i64) -> Update {
        Update::WentLive {
            at: Ts(0),
            title: None,
            session: Some(session),
            source: Default::default(),
            resumed: false,
        }
    }

    #[test]
    fn an_ended_streams_money_stays_until_money_of_another_session_comes() {
        let mut view = View::default();
        view.apply(&live(1));
        view.apply(&money(5.0, "a"));
        view.apply(&money(10.0, "b"));
        view.apply(&Update::WentOffline { at: Ts(0) });
        tick(&mut view, 0.0);
        assert_eq!(view.snapshot.engage.revenue_usd, 10.0, "not $0 at the end");
        // Offline chat opens a session: nothing to show for it yet.
        view.apply(&Update::OfflineSession { session: 2 });
        tick(&mut view, 0.0);
        assert_eq!((view.session, view.revenue.len()), (Some(1), 2));
        // Offline money: the page starts that session's chart (its `context.session`).
        view.apply(&money(3.0, "c"));
        tick(&mut view, 3.0);
        assert_eq!(view.session, Some(2));
        assert_eq!(view.revenue.len(), 1);
        assert_eq!(view.snapshot.engage.revenue_usd, 3.0);
        // That session was the stream's waiting room: its money stays with the stream.
        view.apply(&live(2));
        assert_eq!((view.revenue.len(), view.donations.len()), (1, 1));
        // Another stream starts from zero.
        view.apply(&Update::WentOffline { at: Ts(0) });
        view.apply(&live(3));
        tick(&mut view, 0.0);
        assert_eq!(view.snapshot.engage.revenue_usd, 0.0);
        assert!(view.revenue.is_empty() && view.donations.is_empty());
    }
}
