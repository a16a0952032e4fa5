//! Paid and community events: sub bursts, donations (Kicks, dollars, bits), raids, and
//! viewer spikes against the recent median.

use std::collections::VecDeque;

use crate::config::{Events as EventsConfig, Viewers as ViewersConfig};
use crate::domain::{
    DonationData, Event, RaidData, SubBurstData, Trigger, TriggerData, TriggerType, Ts,
    ViewerSpikeData,
};

/// Dollar value of one Kick (Kicks are sold at about a cent each).
pub const USD_PER_KICK: f64 = 0.01;
/// Dollar value of one Twitch bit.
pub const USD_PER_BIT: f64 = 0.01;

pub struct EventDetector {
    cfg: EventsConfig,
    subs: VecDeque<(i64, u32)>,
    /// u64: gift counts come from outside; a sum of u32s must not overflow.
    sub_total: u64,
    /// A burst fires once; it re-arms when the window empties below the threshold.
    sub_armed: bool,
}

impl EventDetector {
    pub fn new(cfg: &EventsConfig) -> Self {
        EventDetector {
            cfg: cfg.clone(),
            subs: VecDeque::new(),
            sub_total: 0,
            sub_armed: true,
        }
    }

    /// A donation worth a moment; `paid` fills in what it was paid in (Kicks, bits).
    fn donation(
        &self,
        t: Ts,
        username: &str,
        usd: f64,
        paid: impl FnOnce(&mut DonationData),
    ) -> Option<Trigger> {
        if usd < self.cfg.donation_min_usd {
            return None;
        }
        let mut data = DonationData {
            amount_usd: (usd * 100.0).round() / 100.0,
            bits: None,
            kicks: None,
            username: username.to_string(),
        };
        paid(&mut data);
        Some(Trigger {
            kind: TriggerType::Donation,
            at: t,
            strength: (usd / self.cfg.donation_min_usd).sqrt().max(1.0),
            data: TriggerData::Donation(data),
        })
    }

    fn add_subs(&mut self, t: Ts, n: u32) -> Option<Trigger> {
        self.expire(t);
        self.subs.push_back((t.0, n));
        self.sub_total += u64::from(n);
        if !self.sub_armed || self.sub_total < u64::from(self.cfg.sub_burst_count) {
            return None;
        }
        self.sub_armed = false;
        let first = self.subs.front().map_or(t.0, |s| s.0);
        Some(Trigger {
            kind: TriggerType::SubBurst,
            at: t,
            strength: (self.sub_total as f64 / self.cfg.sub_burst_count as f64).max(1.0),
            data: TriggerData::SubBurst(SubBurstData {
                gifter: None,
                subs: u32::try_from(self.sub_total).unwrap_or(u32::MAX),
                window_s: self.cfg.sub_burst_seconds,
                span_s: u32::try_from((t.0 - first).max(0) / 1000).unwrap_or(0),
            }),
        })
    }

    fn expire(&mut self, t: Ts) {
        let cutoff = t.0 - self.cfg.sub_burst_seconds as i64 * 1000;
        while self.subs.front().is_some_and(|s| s.0 <= cutoff) {
            if let Some((_, n)) = self.subs.pop_front() {
                self.sub_total -= u64::from(n);
            }
        }
        if self.sub_total < u64::from(self.cfg.sub_burst_count) {
            self.sub_armed = true;
        }
    }

    pub fn on_event(&mut self, t: Ts, ev: &Event) -> Option<Trigger> {
        match ev {
            Event::Subscription { .. } => self.add_subs(t, 1),
            Event::GiftedSubs { gifter, count } => {
                let burst = self.add_subs(t, *count);
                burst.map(|mut b| {
                    // Named only when this gift is the whole burst: "gifted by" the last of
                    // several gifters (or of a gift among plain subs) says what did not happen.
                    if let TriggerData::SubBurst(d) = &mut b.data
                        && *count >= d.subs
                    {
                        d.gifter = Some(gifter.clone());
                    }
                    b
                })
            }
            Event::Kicks { sender, amount, .. } => {
                self.donation(t, sender, *amount as f64 * USD_PER_KICK, |d| {
                    d.kicks = Some(*amount)
                })
            }
            Event::Donation {
                username,
                amount_usd,
                ..
            } => self.donation(t, username, *amount_usd, |_| {}),
            Event::Bits { username, amount } => {
                self.donation(t, username, *amount as f64 * USD_PER_BIT, |d| {
                    d.bits = Some(*amount)
                })
            }
            Event::Raid { from, viewers } if *viewers >= self.cfg.raid_min_viewers => {
                Some(Trigger {
                    kind: TriggerType::Raid,
                    at: t,
                    strength: (*viewers as f64 / self.cfg.raid_min_viewers as f64)
                        .log2()
                        .max(0.0)
                        + 1.0,
                    data: TriggerData::Raid(RaidData {
                        from: from.clone(),
                        viewers: *viewers,
                    }),
                })
            }
            _ => None,
        }
    }
}

/// A stream's audience arrives over its first minutes (0, 60, 150, 300…): each step of that
/// ramp is no spike.
pub const VIEWERS_SETTLE_MS: i64 = 10 * 60_000;

pub struct ViewerDetector {
    cfg: ViewersConfig,
    samples: VecDeque<u32>,
    armed: bool,
    /// No spike before this (the stream's opening ramp).
    settle_until: Option<Ts>,
}

impl ViewerDetector {
    pub fn new(cfg: &ViewersConfig) -> Self {
        ViewerDetector {
            cfg: cfg.clone(),
            samples: VecDeque::new(),
            armed: true,
            settle_until: None,
        }
    }

    /// A new stream starts from its own counts. `opened_at`: when its audience began to
    /// arrive (its start, when kicktui saw it; None for a stream that was running already).
    pub fn start_stream(&mut self, opened_at: Option<Ts>) {
        self.samples.clear();
        self.armed = true;
        self.settle_until = opened_at.map(|t| t.plus_ms(VIEWERS_SETTLE_MS));
    }

    pub fn median(&self) -> Option<u32> {
        let mut v: Vec<u32> = self.samples.iter().copied().collect();
        v.sort_unstable();
        v.get(v.len() / 2).copied()
    }

    pub fn on_sample(&mut self, t: Ts, count: u32) -> Option<Trigger> {
        // Kick and Helix say 0 until they have counted: not an audience of none (400 after
        // it read as a spike of 400×).
        if count == 0 {
            return None;
        }
        let median = self.median();
        self.samples.push_back(count);
        if self.samples.len() > self.cfg.baseline_samples as usize {
            self.samples.pop_front();
        }
        let median = median?;
        // Needs a few samples before a median means anything.
        if self.samples.len() < 3 {
            return None;
        }
        let spike = count as f64 >= median as f64 * self.cfg.spike_ratio
            && count >= median.saturating_add(self.cfg.min_increase);
        if !spike {
            self.armed = true;
            return None;
        }
        if self.settle_until.is_some_and(|until| t < until) {
            return None;
        }
        if !std::mem::replace(&mut self.armed, false) {
            return None;
        }
        let ratio = count as f64 / (median.max(1)) as f64;
        Some(Trigger {
            kind: TriggerType::ViewerSpike,
            at: t,
            // Doubling steps, as for raids: a tenfold jump is a big moment, not one that
            // outranks every other moment of the stream a hundred times over.
            strength: (ratio / self.cfg.spike_ratio).log2().max(0.0) + 1.0,
            data: TriggerData::ViewerSpike(ViewerSpikeData {
                baseline: median,
                viewers: count,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_subs_in_a_minute_fire_once() {
        let mut d = EventDetector::new(&EventsConfig::default());
        let sub = Event::Subscription {
            username: "a".into(),
            months: 1,
        };
        let fired: Vec<_> = (0..8)
            .filter_map(|i| d.on_event(Ts(i * 5000), &sub))
            .collect();
        assert_eq!(fired.len(), 1);
        let sub_burst = |subs, gifter: Option<&str>, span_s| {
            TriggerData::SubBurst(SubBurstData {
                gifter: gifter.map(str::to_string),
                subs,
                window_s: 60,
                span_s,
            })
        };
        // Subs at 0, 5, … 20 s: the train ran 20 s before it was a burst.
        assert_eq!(fired[0].data, sub_burst(5, None, 20));
        let gift = Event::GiftedSubs {
            gifter: "g".into(),
            count: 10,
        };
        let t = d
            .on_event(Ts(200_000), &gift)
            .expect("a big gift is a burst on its own");
        assert_eq!(t.data, sub_burst(10, Some("g"), 0));
        // An absurd gift count from outside neither panics nor wraps into a small burst.
        let huge = Event::GiftedSubs {
            gifter: "h".into(),
            count: u32::MAX,
        };
        let t = d.on_event(Ts(400_000), &huge).expect("a burst");
        let more = d.on_event(Ts(401_000), &huge);
        assert_eq!(t.data, sub_burst(u32::MAX, Some("h"), 0));
        assert!(more.is_none(), "one burst per window");
        // Two subs, then a gift of 3 makes the burst: not all "gifted by" its gifter.
        let mut d = EventDetector::new(&EventsConfig::default());
        d.on_event(Ts(0), &sub);
        d.on_event(Ts(1000), &sub);
        let three = Event::GiftedSubs {
            gifter: "g".into(),
            count: 3,
        };
        let t = d.on_event(Ts(2000), &three).expect("a burst of 5");
        assert_eq!(t.data, sub_burst(5, None, 2));
    }

    #[test]
    fn donations_need_the_minimum_and_raids_their_viewers() {
        let mut d = EventDetector::new(&EventsConfig::default());
        let small = Event::Kicks {
            sender: "s".into(),
            amount: 100,
            message: String::new(),
        };
        assert!(d.on_event(Ts(0), &small).is_none());
        let big = Event::Kicks {
            sender: "s".into(),
            amount: 1000,
            message: String::new(),
        };
        let t = d.on_event(Ts(0), &big).expect("$10");
        assert_eq!(
            t.data,
            TriggerData::Donation(DonationData {
                amount_usd: 10.0,
                bits: None,
                kicks: Some(1000),
                username: "s".into(),
            })
        );
        assert!(
            d.on_event(
                Ts(0),
                &Event::Raid {
                    from: "r".into(),
                    viewers: 3
                }
            )
            .is_none()
        );
        assert!(
            d.on_event(
                Ts(0),
                &Event::Raid {
                    from: "r".into(),
                    viewers: 300
                }
            )
            .is_some()
        );
    }

    #[test]
    fn viewer_spike_against_the_median_fires_once_per_rise() {
        let mut d = ViewerDetector::new(&ViewersConfig::default());
        for i in 0..5 {
            assert!(d.on_sample(Ts(i), 100).is_none());
        }
        assert!(d.on_sample(Ts(10), 130).is_none(), "+30 is not enough");
        let t = d.on_sample(Ts(20), 400).expect("4x");
        assert_eq!(
            t.data,
            TriggerData::ViewerSpike(ViewerSpikeData {
                baseline: 100,
                viewers: 400
            })
        );
        assert!(d.on_sample(Ts(30), 420).is_none(), "still the same spike");
    }

    /// Zeros are "not counted yet"; the opening ramp of a stream is its audience arriving;
    /// a huge jump scores like a big raid, not a hundred moments.
    #[test]
    fn zeros_and_a_streams_opening_ramp_are_no_spike() {
        let mut d = ViewerDetector::new(&ViewersConfig::default());
        let start = Ts(0);
        d.start_stream(Some(start));
        let minute = |m: i64| Ts(m * 60_000);
        for (m, n) in [0, 0, 0, 0, 60, 150, 300, 400, 420].into_iter().enumerate() {
            assert!(d.on_sample(minute(m as i64), n).is_none(), "{n} at {m} min");
        }
        for m in 9..14 {
            assert!(d.on_sample(minute(m), 420).is_none());
        }
        let t = d.on_sample(minute(14), 4200).expect("tenfold, settled");
        assert_eq!(
            t.data,
            TriggerData::ViewerSpike(ViewerSpikeData {
                baseline: 420,
                viewers: 4200
            })
        );
        assert!((3.5..4.5).contains(&t.strength), "{}", t.strength);
        // Joined while it ran: no ramp to wait out.
        let mut joined = ViewerDetector::new(&ViewersConfig::default());
        joined.start_stream(None);
        for m in 0..3 {
            assert!(joined.on_sample(minute(m), 100).is_none());
        }
        assert!(joined.on_sample(minute(3), 400).is_some());
    }
}
