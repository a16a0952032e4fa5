//! Turns triggers into moments: triggers close together merge into one moment holding all of
//! them, the strongest names it, and a cooldown keeps one long burst from making many.

use crate::config::Moments as MomentsConfig;
use crate::domain::{ManualData, Moment, MomentSource, Trigger, TriggerData, TriggerType, Ts};

/// A moment still collecting triggers; the TUI can show it as provisional.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenMoment {
    pub first: Ts,
    pub last: Ts,
    /// One entry per trigger type: its strongest firing (data from that firing).
    pub triggers: Vec<Trigger>,
}

fn is_chat(kind: TriggerType) -> bool {
    matches!(
        kind,
        TriggerType::ChatVelocity | TriggerType::Keyword | TriggerType::EmoteSpam
    )
}

/// Subs, gifts, money and raids: things that happened at their time, not reactions to them.
fn is_event(kind: TriggerType) -> bool {
    matches!(
        kind,
        TriggerType::SubBurst | TriggerType::Donation | TriggerType::Raid
    )
}

/// Strongest trigger first, then half of each other kind: agreement between detectors counts.
/// A chat peak adds its crowd (see `crowd_bonus`).
pub fn score_of(triggers: &[Trigger]) -> f64 {
    let mut s: Vec<f64> = triggers.iter().map(|t| t.strength).collect();
    s.sort_by(|a, b| b.total_cmp(a));
    let crowd = triggers.iter().filter_map(|t| t.data.crowd()).max();
    let total = s.first().copied().unwrap_or(0.0)
        + 0.5 * s.iter().skip(1).sum::<f64>()
        + crowd.map_or(0.0, crowd_bonus);
    (total * 100.0).round() / 10.0
}

/// The fewest chatters a chat peak needs.
const CROWD_BASE: f64 = 4.0;

/// Among chat peaks of like probability, the bigger crowd is the likelier keep (a plain
/// message-count ranker orders real highlights well): ten points of score per e-fold of
/// chatters above the fewest, so 40 chatters add 23 and 400 add 46. Only the score moves;
/// the strongest trigger still names the moment.
fn crowd_bonus(chatters: u32) -> f64 {
    (f64::from(chatters) / CROWD_BASE).max(1.0).ln()
}

pub struct MomentBuilder {
    cfg: MomentsConfig,
    open: Option<OpenMoment>,
    cooldown_until: Ts,
}

impl MomentBuilder {
    pub fn new(cfg: &MomentsConfig) -> Self {
        MomentBuilder {
            cfg: cfg.clone(),
            open: None,
            cooldown_until: Ts(i64::MIN),
        }
    }

    pub fn open(&self) -> Option<&OpenMoment> {
        self.open.as_ref()
    }

    /// Adds a trigger; returns a moment that this trigger's arrival closed, if any.
    pub fn on_trigger(&mut self, trig: Trigger) -> Option<Moment> {
        let t = trig.at;
        // Closes a moment whose merge window is over, so one still open takes this trigger.
        let closed = self.advance(t);
        // A chat trigger in the cooldown is the tail of a burst already reported: it joins
        // nothing, not even a moment a donation or raid just opened. A far bigger reaction
        // ends the cooldown: what follows it belongs to it.
        if is_chat(trig.kind) && t < self.cooldown_until {
            if !trig.data.new_reaction() {
                return closed;
            }
            self.cooldown_until = Ts(i64::MIN);
        }
        match &mut self.open {
            Some(open) => {
                // Peaks are placed before the chat that confirmed them: the earliest names it.
                open.first = open.first.min(t);
                open.last = open.last.max(t);
                match open.triggers.iter_mut().find(|x| x.kind == trig.kind) {
                    Some(x) if trig.strength > x.strength => *x = trig,
                    Some(_) => {}
                    None => open.triggers.push(trig),
                }
            }
            None => {
                self.open = Some(OpenMoment {
                    first: t,
                    last: t,
                    triggers: vec![trig],
                })
            }
        }
        closed
    }

    fn merge_ms(&self) -> i64 {
        self.cfg.merge_seconds as i64 * 1000
    }

    /// Time passes: closes the open moment once its merge window is over, so a moment is
    /// announced at most `merge_seconds` after it began, however long the burst goes on.
    pub fn advance(&mut self, now: Ts) -> Option<Moment> {
        let open = self.open.as_ref()?;
        if now.0 - open.first.0 > self.merge_ms() {
            self.close()
        } else {
            None
        }
    }

    /// Closes whatever is open (end of stream, end of replay). A chat-only moment whose
    /// signals do not agree is dropped here.
    pub fn close(&mut self) -> Option<Moment> {
        let open = self.open.take()?;
        if !self.convincing(&open.triggers) {
            return None;
        }
        // The cooldown is for the tail of a chat burst: after a moment of subs or money
        // alone, chat's own reaction (which comes later) is not a tail of anything.
        if open.triggers.iter().any(|t| is_chat(t.kind)) {
            self.cooldown_until = open.last.plus_ms(self.cfg.cooldown_seconds as i64 * 1000);
        }
        Some(self.finish(open.first, open.triggers, MomentSource::Auto))
    }

    fn convincing(&self, triggers: &[Trigger]) -> bool {
        if triggers.iter().any(|t| !is_chat(t.kind)) {
            return true;
        }
        let strongest = triggers.iter().map(|t| t.strength).fold(0.0, f64::max);
        triggers.len() as u32 >= self.cfg.min_chat_kinds || strongest >= self.cfg.strong_single
    }

    /// The open moment as it would be announced now, once its signals are convincing: shown
    /// while it builds, final (same moment, maybe more triggers) when its merge window closes.
    pub fn preview(&self) -> Option<Moment> {
        let open = self.open.as_ref()?;
        self.convincing(&open.triggers)
            .then(|| self.finish(open.first, open.triggers.clone(), MomentSource::Auto))
    }

    /// A moment a person marked: saved at once, never merged or cooled down.
    pub fn manual(&self, t: Ts, data: ManualData) -> Moment {
        let trig = Trigger {
            kind: TriggerType::Manual,
            at: t,
            strength: 5.0,
            data: TriggerData::Manual(data),
        };
        self.finish(t, vec![trig], MomentSource::Manual)
    }

    /// The clip window one trigger of a moment at `at` asks for: chat (and a person's mark)
    /// reacts to what came before the moment (its first firing may have been outdone by a
    /// later one of its kind); an event is what happened at its own time, and the reaction
    /// follows (a sub train from its first sub).
    fn window_of(&self, t: &Trigger, at: Ts) -> (Ts, Ts) {
        let c = &self.cfg;
        let (from, pre, post) = if is_event(t.kind) {
            let span = match &t.data {
                TriggerData::SubBurst(d) => d.span_s,
                _ => 0,
            };
            let pre = c.event_pre_roll_seconds.saturating_add(span);
            (t.at, pre, c.event_post_roll_seconds)
        } else {
            (at, c.pre_roll_seconds, c.post_roll_seconds)
        };
        (
            from.plus_ms(-i64::from(pre) * 1000),
            from.plus_ms(i64::from(post) * 1000),
        )
    }

    fn finish(&self, at: Ts, mut triggers: Vec<Trigger>, source: MomentSource) -> Moment {
        triggers.sort_by(|a, b| b.strength.total_cmp(&a.strength).then(a.kind.cmp(&b.kind)));
        let trigger_type = triggers.first().map_or(TriggerType::Manual, |t| t.kind);
        // Covers every trigger's window (a moment always has one: a mark is one too).
        let (clip_start, clip_end) = triggers
            .iter()
            .map(|t| self.window_of(t, at))
            .reduce(|(s1, e1), (s2, e2)| (s1.min(s2), e1.max(e2)))
            .unwrap_or((at, at));
        Moment {
            at,
            offset_s: 0.0,
            trigger_type,
            score: score_of(&triggers),
            triggers,
            source,
            clip_start,
            clip_end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trig(kind: TriggerType, at_s: i64, strength: f64) -> Trigger {
        Trigger {
            kind,
            at: Ts(at_s * 1000),
            strength,
            data: TriggerData::Manual(ManualData::default()),
        }
    }

    #[test]
    fn close_triggers_merge_and_the_strongest_names_the_moment() {
        let mut b = MomentBuilder::new(&MomentsConfig::default());
        assert!(
            b.on_trigger(trig(TriggerType::ChatVelocity, 100, 1.2))
                .is_none()
        );
        assert!(b.on_trigger(trig(TriggerType::Keyword, 105, 2.0)).is_none());
        assert!(
            b.on_trigger(trig(TriggerType::ChatVelocity, 110, 1.8))
                .is_none()
        );
        let m = b
            .advance(Ts(150_000))
            .expect("closed after the merge window");
        assert_eq!(m.at, Ts(100_000));
        assert_eq!(m.trigger_type, TriggerType::Keyword);
        assert_eq!(m.triggers.len(), 2);
        assert_eq!(
            m.triggers[1].strength, 1.8,
            "the strongest firing of a kind is kept"
        );
        assert_eq!(m.score, 29.0);
        assert_eq!(m.clip_start, Ts(55_000));
        assert_eq!(m.clip_end, Ts(110_000));
    }

    fn peak(at_s: i64, p: f64, chatters: u32) -> Trigger {
        Trigger {
            data: TriggerData::Peak(crate::domain::PeakData {
                baseline: 5.0,
                chatters,
                count: chatters + 2,
                p,
                window_s: 15,
                new_reaction: false,
            }),
            ..trig(TriggerType::ChatVelocity, at_s, 10.0 * p)
        }
    }

    #[test]
    fn of_two_like_chat_peaks_the_bigger_crowd_scores_higher_and_names_nothing() {
        let mut b = MomentBuilder::new(&MomentsConfig::default());
        b.on_trigger(peak(100, 0.62, 6));
        let few = b.close().expect("a peak of 6 chatters");
        b.on_trigger(peak(300, 0.58, 60));
        let many = b.close().expect("a peak of 60 chatters");
        assert!(many.score > few.score, "{} vs {}", many.score, few.score);
        // 10 points per e-fold above the fewest a peak needs (4): 58 + 27.1.
        assert_eq!(many.score, 85.1);
        // Fifty gifted subs (strength 10) still name a moment the big crowd shares.
        b.on_trigger(peak(500, 0.9, 400));
        b.on_trigger(trig(TriggerType::SubBurst, 505, 10.0));
        let both = b.close().expect("chat and subs");
        assert_eq!(both.trigger_type, TriggerType::SubBurst);
        // 100 for the subs, half the peak's 90, 46 for its 400 chatters.
        assert!((both.score - 191.1).abs() < 0.11, "{}", both.score);
    }

    #[test]
    fn an_event_clip_is_mostly_after_it_and_a_mixed_moment_covers_both() {
        let mut b = MomentBuilder::new(&MomentsConfig::default());
        b.on_trigger(trig(TriggerType::Raid, 100, 3.0));
        let raid = b.close().expect("a raid");
        assert_eq!((raid.clip_start, raid.clip_end), (Ts(85_000), Ts(145_000)));
        b.on_trigger(trig(TriggerType::ChatVelocity, 300, 5.0));
        b.on_trigger(trig(TriggerType::Donation, 310, 1.0));
        let both = b.close().expect("chat and a donation");
        assert_eq!(both.trigger_type, TriggerType::ChatVelocity);
        assert_eq!((both.clip_start, both.clip_end), (Ts(255_000), Ts(355_000)));
        // A sub train is clipped from its first sub, 40 s before the one that completed it.
        let mut train = trig(TriggerType::SubBurst, 500, 1.0);
        train.data = TriggerData::SubBurst(crate::domain::SubBurstData {
            gifter: None,
            subs: 5,
            window_s: 60,
            span_s: 40,
        });
        b.on_trigger(train);
        let subs = b.close().expect("a sub burst");
        assert_eq!((subs.clip_start, subs.clip_end), (Ts(445_000), Ts(545_000)));
    }

    #[test]
    fn one_chat_signal_alone_is_not_a_moment_unless_strong() {
        let mut b = MomentBuilder::new(&MomentsConfig::default());
        b.on_trigger(trig(TriggerType::ChatVelocity, 0, 1.5));
        assert!(
            b.advance(Ts(31_000)).is_none(),
            "velocity alone, weak: dropped"
        );
        b.on_trigger(trig(TriggerType::Keyword, 100, 3.5));
        assert!(
            b.advance(Ts(131_000)).is_some(),
            "a very strong keyword burst stands alone"
        );
        b.on_trigger(trig(TriggerType::Donation, 300, 1.0));
        assert!(b.advance(Ts(331_000)).is_some(), "events need no agreement");
    }

    #[test]
    fn cooldown_drops_chat_tails_but_not_events() {
        let cfg = MomentsConfig {
            min_chat_kinds: 1,
            ..MomentsConfig::default()
        };
        let mut b = MomentBuilder::new(&cfg);
        b.on_trigger(trig(TriggerType::ChatVelocity, 0, 1.0));
        assert!(b.advance(Ts(31_000)).is_some());
        assert!(
            b.on_trigger(trig(TriggerType::ChatVelocity, 40, 1.0))
                .is_none()
        );
        assert!(
            b.open().is_none(),
            "chat trigger inside the cooldown is dropped"
        );
        b.on_trigger(trig(TriggerType::Raid, 41, 3.0));
        assert!(b.open().is_some(), "a raid always counts");
        assert!(b.close().is_some());
        b.on_trigger(trig(TriggerType::ChatVelocity, 200, 1.0));
        assert!(b.open().is_some(), "after the cooldown chat fires again");
    }

    #[test]
    fn a_moment_of_money_or_subs_alone_cools_nothing_down() {
        let mut b = MomentBuilder::new(&MomentsConfig::default());
        b.on_trigger(trig(TriggerType::Donation, 100, 1.0));
        assert!(b.advance(Ts(131_000)).is_some(), "the donation's moment");
        // A big chat reaction confirmed after it closed (peaks come 20–30 s late).
        b.on_trigger(trig(TriggerType::ChatVelocity, 125, 5.0));
        let chat = b.advance(Ts(160_000)).expect("chat's own moment");
        assert_eq!(chat.trigger_type, TriggerType::ChatVelocity);
    }

    #[test]
    fn a_never_ending_burst_is_announced_early_and_cooled_down() {
        let cfg = MomentsConfig {
            min_chat_kinds: 1,
            ..MomentsConfig::default()
        };
        let mut b = MomentBuilder::new(&cfg);
        let mut closed = Vec::new();
        for s in 0..300 {
            closed.extend(b.advance(Ts(s * 1000)));
            closed.extend(b.on_trigger(trig(TriggerType::ChatVelocity, s, 1.0)));
        }
        assert_eq!(closed[0].at, Ts(0));
        // 30 s collecting, then 45 s of cooldown after its last trigger: about one per 76 s.
        assert!((3..=4).contains(&closed.len()), "{}", closed.len());
    }
}
