//! Activity segments: the stretch of stream spent on one activity. Setting an activity closes
//! the open segment; a closed segment's reward comes from its mean engagement (see
//! [`reward`]). Pure: times and the score statistics are passed in.

use super::metrics::{Held, ScoreStats};
use crate::domain::Ts;

/// A segment shorter than this is a quick run through the activity keys: the log gives it no
/// line and the report does not list it.
pub const QUICK_SWITCH_S: f64 = 10.0;

/// The seconds no segment is credited with, when none were seen (a segment without seconds).
const LEFT_OUT: &str = "a stream's first part, the window after a switch, a raid's welcome and chat outages are left out";

/// Which seconds of a segment were left out and why, most first: "570 s of the stream's first
/// part (…), 60 s of the chat window after a switch (…)".
fn left_out(held: [u64; 5]) -> String {
    let mut why: Vec<(u64, Held)> = Held::ALL
        .iter()
        .map(|&h| (held[h as usize], h))
        .filter(|&(s, _)| s > 0)
        .collect();
    if why.is_empty() {
        return LEFT_OUT.to_string();
    }
    why.sort_by_key(|&(s, _)| std::cmp::Reverse(s));
    let parts: Vec<String> = why
        .iter()
        .map(|(s, h)| format!("{s} s left out: {}", h.phrase()))
        .collect();
    parts.join("; ")
}

/// The reward mapping: a segment's mean engagement (0–100, where 50 is the stream's own
/// baseline) divided by 100, so 0.5 means "as usual", more means better than usual.
/// No reward for a segment shorter than `min_s` or without any engagement score.
pub fn reward(seconds: f64, engagement: Option<f64>, min_s: u32) -> Result<f64, String> {
    reward_or_why(seconds, engagement, min_s, [0; 5])
}

fn reward_or_why(
    seconds: f64,
    engagement: Option<f64>,
    min_s: u32,
    held: [u64; 5],
) -> Result<f64, String> {
    if seconds < f64::from(min_s) {
        return Err(format!(
            "{} s is shorter than {min_s} s ([bandit] min_segment_seconds)",
            // Whole seconds as H:MM:SS shows them (6.9 s is 0:00:06, so 6 s, not 7).
            seconds.floor()
        ));
    }
    match engagement {
        Some(e) => Ok((e / 100.0).clamp(0.0, 1.0)),
        None => Err(format!("no engagement score counted ({})", left_out(held))),
    }
}

/// The shortest segment that can earn a reward with nothing else held back: `min_s` long, and
/// a quarter of `min_s` counted after the first `window_s` (which measure the activity before).
pub fn earning_seconds(min_s: u32, window_s: u32) -> u32 {
    min_s.max(window_s.saturating_add(counted_needed(min_s)))
}

/// A reward needs a quarter of `min_s` counted (30 s by default): a few seconds are one chat
/// burst, not the activity.
fn counted_needed(min_s: u32) -> u32 {
    min_s / 4
}

/// An open segment.
#[derive(Clone, Debug, PartialEq)]
pub struct Open {
    pub name: String,
    pub start: Ts,
    /// Its `activities` row, once stored.
    pub row: Option<i64>,
    /// The session it belongs to.
    pub session: Option<i64>,
    /// What the bandit suggested when this segment began.
    pub suggested: Option<String>,
    at_start: ScoreStats,
}

/// A finished segment.
#[derive(Clone, Debug, PartialEq)]
pub struct Closed {
    pub name: String,
    pub start: Ts,
    pub end: Ts,
    pub row: Option<i64>,
    pub session: Option<i64>,
    pub suggested: Option<String>,
    /// Mean engagement over the segment's scored seconds.
    pub engagement: Option<f64>,
    /// `Err`: why it gives no reward.
    pub reward: Result<f64, String>,
}

impl Closed {
    pub fn seconds(&self) -> f64 {
        self.end.secs_since(self.start).max(0.0)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Segments {
    min_s: u32,
    open: Option<Open>,
}

impl Segments {
    pub fn new(min_segment_seconds: u32) -> Segments {
        Segments {
            min_s: min_segment_seconds,
            open: None,
        }
    }

    pub fn current(&self) -> Option<&Open> {
        self.open.as_ref()
    }

    pub fn current_mut(&mut self) -> Option<&mut Open> {
        self.open.as_mut()
    }

    /// Starts `name` at `at`; returns the segment it ends (if one was open).
    /// `stats`: the collector's lifetime score statistics now.
    pub fn start(
        &mut self,
        name: &str,
        at: Ts,
        stats: ScoreStats,
        session: Option<i64>,
        suggested: Option<String>,
    ) -> Option<Closed> {
        let closed = self.close(at, stats);
        self.open = Some(Open {
            name: name.to_string(),
            start: at,
            row: None,
            session,
            suggested,
            at_start: stats,
        });
        closed
    }

    /// Ends the open segment at `at`.
    pub fn close(&mut self, at: Ts, stats: ScoreStats) -> Option<Closed> {
        let o = self.open.take()?;
        let secs = stats.seconds.saturating_sub(o.at_start.seconds);
        let engagement = (secs > 0).then(|| (stats.sum - o.at_start.sum) / secs as f64);
        let end = at.max(o.start);
        let needed = u64::from(counted_needed(self.min_s));
        let mut held = [0; 5];
        for (h, (now, then)) in held.iter_mut().zip(stats.held.iter().zip(o.at_start.held)) {
            *h = now.saturating_sub(then);
        }
        let reward =
            reward_or_why(end.secs_since(o.start), engagement, self.min_s, held).and_then(|r| {
                if secs < needed {
                    Err(format!(
                        "only {secs} s of it counted, {needed} s needed ({})",
                        left_out(held)
                    ))
                } else {
                    Ok(r)
                }
            });
        Some(Closed {
            name: o.name,
            start: o.start,
            end,
            row: o.row,
            session: o.session,
            suggested: o.suggested,
            engagement,
            reward,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(sum: f64, seconds: u64) -> ScoreStats {
        ScoreStats {
            sum,
            seconds,
            min: 0.0,
            max: 100.0,
            held: [0; 5],
        }
    }

    #[test]
    fn a_change_closes_the_segment_with_its_own_mean() {
        let mut s = Segments::new(120);
        assert!(
            s.start("talk", Ts(0), stats(0.0, 0), Some(1), None)
                .is_none()
        );
        // 200 scored seconds at 70 on average.
        let c = s
            .start(
                "react",
                Ts(200_000),
                stats(14_000.0, 200),
                Some(1),
                Some("react".into()),
            )
            .unwrap();
        assert_eq!(c.name, "talk");
        assert_eq!(c.engagement, Some(70.0));
        assert_eq!(c.reward, Ok(0.7));
        assert_eq!(s.current().unwrap().suggested.as_deref(), Some("react"));
        // The next one only counts its own seconds: 100 at 30.
        let c = s.close(Ts(300_000), stats(17_000.0, 300)).unwrap();
        assert_eq!(c.engagement, Some(30.0));
        assert!(s.close(Ts(400_000), stats(0.0, 0)).is_none());
    }

    #[test]
    fn short_or_unscored_segments_give_no_reward_and_say_why() {
        let mut s = Segments::new(120);
        s.start("talk", Ts(0), stats(0.0, 0), None, None);
        let c = s.close(Ts(119_000), stats(5_950.0, 119)).unwrap();
        let why = c.reward.unwrap_err();
        assert!(why.contains("shorter than 120 s"), "{why}");
        s.start("irl", Ts(0), stats(0.0, 0), None, None);
        let c = s.close(Ts(500_000), stats(0.0, 0)).unwrap();
        assert!(c.reward.unwrap_err().contains("no engagement"));
        // Long enough, but almost all of it held back: one burst is not the activity.
        s.start("irl", Ts(0), stats(0.0, 0), None, None);
        let c = s.close(Ts(500_000), stats(1_800.0, 20)).unwrap();
        let why = c.reward.unwrap_err();
        assert!(why.contains("only 20 s of it counted"), "{why}");
        assert_eq!(reward(10.0, Some(80.0), 0), Ok(0.8));
    }

    /// The line names the holds that covered this segment, most seconds first, not every
    /// hold there is.
    #[test]
    fn an_unrewarded_segment_says_which_seconds_were_left_out() {
        let mut s = Segments::new(120);
        let mut at_start = stats(0.0, 0);
        at_start.held[Held::Learning as usize] = 100;
        s.start("irl", Ts(0), at_start, None, None);
        let mut now = stats(900.0, 10);
        now.held[Held::Learning as usize] = 100;
        now.held[Held::Switch as usize] = 60;
        now.held[Held::Raid as usize] = 90;
        let why = s.close(Ts(200_000), now).unwrap().reward.unwrap_err();
        assert_eq!(
            why,
            "only 10 s of it counted, 30 s needed (90 s left out: a raid's welcome; \
             60 s left out: the chat window after a switch (it still measures the activity before))"
        );
    }
}
