//! What the model remembers from snapshots: per-second chat rates for the sparkline, and the
//! emotes that topped the chat recently.

use std::collections::VecDeque;

use crate::detect::velocity::VelocityStatus;
use crate::domain::Ts;

/// Ten minutes of per-second points: more than the widest sparkline shows.
pub const HISTORY_S: i64 = 600;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RatePoint {
    pub sec: i64,
    pub rate: f64,
    /// The rate that would fire at that second (0: none yet).
    pub threshold: f64,
    pub baseline: f64,
    /// The threshold is the chat-peak bar, not a rate that fires by itself.
    pub peak_bar: bool,
}

impl RatePoint {
    /// Chat reached the line that held at this second (none while there is no line).
    pub fn is_hot(&self) -> bool {
        self.rate > 0.0 && self.threshold > 0.0 && self.rate >= self.threshold
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RateHistory {
    points: VecDeque<RatePoint>,
}

impl RateHistory {
    /// One snapshot's rate. A second seen twice keeps the later value; time going backwards
    /// (a restarted feed) starts over.
    pub fn push(&mut self, at: Ts, v: &VelocityStatus) {
        let sec = at.0.div_euclid(1000);
        let p = RatePoint {
            sec,
            rate: v.chart_rate,
            threshold: v.threshold,
            baseline: v.baseline,
            peak_bar: v.peak_bar,
        };
        match self.points.back_mut() {
            Some(last) if last.sec == sec => *last = p,
            Some(last) if last.sec > sec => {
                self.points.clear();
                self.points.push_back(p);
            }
            _ => self.points.push_back(p),
        }
        while self
            .points
            .front()
            .is_some_and(|f| f.sec <= sec - HISTORY_S)
        {
            self.points.pop_front();
        }
    }

    pub fn last(&self) -> Option<&RatePoint> {
        self.points.back()
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// `cols` buckets of `secs_per_col` seconds ending at the newest point, oldest first: the
    /// highest rate in each, or `None` where no snapshot came.
    pub fn columns(&self, cols: usize, secs_per_col: i64) -> Vec<Option<f64>> {
        let mut out = vec![None; cols];
        self.each_in_columns(cols, secs_per_col, |i, p| {
            out[i] = Some(out[i].map_or(p.rate, |v: f64| v.max(p.rate)));
        });
        out
    }

    /// Per column as in [`columns`](Self::columns): whether chat reached the line that held
    /// at the time (the line moves: a past bar is judged by its own, not today's).
    pub fn hot_columns(&self, cols: usize, secs_per_col: i64) -> Vec<bool> {
        let mut out = vec![false; cols];
        self.each_in_columns(cols, secs_per_col, |i, p| {
            out[i] |= p.is_hot();
        });
        out
    }

    /// Calls `f(column, point)` for the points of the last `cols` columns.
    fn each_in_columns(
        &self,
        cols: usize,
        secs_per_col: i64,
        mut f: impl FnMut(usize, &RatePoint),
    ) {
        let (Some(last), true) = (self.points.back(), secs_per_col > 0) else {
            return;
        };
        // Columns are fixed stretches of the clock, so a past bar keeps its shape as time
        // moves on (counted back from the newest second, every bar shifted each second).
        let newest = last.sec.div_euclid(secs_per_col);
        for p in self.points.iter().rev() {
            let back = newest - p.sec.div_euclid(secs_per_col);
            let Some(i) = usize::try_from(back).ok().filter(|b| *b < cols) else {
                break;
            };
            f(cols - 1 - i, p);
        }
    }

    /// The highest rate among the newest `secs` seconds.
    pub fn peak(&self, secs: i64) -> f64 {
        let Some(last) = self.points.back() else {
            return 0.0;
        };
        self.points
            .iter()
            .rev()
            .take_while(|p| p.sec > last.sec - secs)
            .map(|p| p.rate)
            .fold(0.0, f64::max)
    }
}

/// An emote that was the most repeated in the window at some point.
#[derive(Clone, Debug, PartialEq)]
pub struct EmoteSeen {
    pub name: String,
    /// The highest window count it reached in the last five minutes or so.
    pub peak: u32,
    /// When it reached it.
    pub peak_sec: i64,
    /// The latest window count while it was on top.
    pub now: u32,
    pub last_sec: i64,
}

impl EmoteSeen {
    /// A repeated phrase (the detector names them in quotes), not an emote.
    pub fn is_phrase(&self) -> bool {
        crate::detect::emotes::is_phrase(&self.name)
    }
}

/// A phrase is shown once this many chatters typed it in the window: one person's line is
/// not "repeated" (the top token of a quiet chat often is).
const PHRASE_MIN_CHATTERS: u32 = 3;

/// The recent top emotes, best first. Each snapshot names only the current top one; the model
/// keeps the others for five minutes so the pane shows what chat spammed lately.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EmoteBoard {
    pub seen: Vec<EmoteSeen>,
}

const EMOTE_MEMORY_S: i64 = 300;
const EMOTE_MAX: usize = 12;

impl EmoteBoard {
    pub fn observe(&mut self, at: Ts, top: Option<(&str, u32)>) {
        let sec = at.0.div_euclid(1000);
        for e in &mut self.seen {
            e.now = 0;
        }
        let top = top.filter(|&(name, count)| {
            !crate::detect::emotes::is_phrase(name) || count >= PHRASE_MIN_CHATTERS
        });
        if let Some((name, count)) = top {
            match self.seen.iter_mut().find(|e| e.name == name) {
                Some(e) => {
                    // An old peak gives way: the pane is about the last minutes, and an
                    // emote that keeps coming back showed its all-time high for an hour.
                    if count >= e.peak || sec - e.peak_sec >= EMOTE_MEMORY_S {
                        e.peak = count;
                        e.peak_sec = sec;
                    }
                    e.now = count;
                    e.last_sec = sec;
                }
                None => self.seen.push(EmoteSeen {
                    name: name.to_string(),
                    peak: count,
                    peak_sec: sec,
                    now: count,
                    last_sec: sec,
                }),
            }
        }
        self.seen
            .retain(|e| e.last_sec > sec - EMOTE_MEMORY_S && e.last_sec <= sec);
        self.seen
            .sort_by(|a, b| b.peak.cmp(&a.peak).then(b.last_sec.cmp(&a.last_sec)));
        self.seen.truncate(EMOTE_MAX);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Ts {
        Ts(s * 1000)
    }

    fn rate(rate: f64) -> VelocityStatus {
        VelocityStatus {
            chart_rate: rate,
            threshold: 5.0,
            baseline: 1.0,
            ..VelocityStatus::default()
        }
    }

    #[test]
    fn history_keeps_ten_minutes_and_buckets_by_max() {
        let mut h = RateHistory::default();
        for s in 0..1000 {
            h.push(at(s), &rate((s % 10) as f64));
        }
        assert_eq!(h.len(), HISTORY_S as usize);
        let cols = h.columns(4, 5);
        assert_eq!(cols, vec![Some(4.0), Some(9.0), Some(4.0), Some(9.0)]);
        assert_eq!(h.peak(3), 9.0);
    }

    #[test]
    fn past_columns_keep_their_shape_as_seconds_pass() {
        let mut h = RateHistory::default();
        for s in 0..40 {
            h.push(at(s), &rate((s * 7 % 11) as f64));
        }
        let before = h.columns(6, 5);
        h.push(at(40), &rate(0.0));
        let after = h.columns(6, 5);
        // A new column started; the ones before it moved left unchanged.
        assert_eq!(&after[..5], &before[1..]);
        h.push(at(41), &rate(10.5));
        let later = h.columns(6, 5);
        assert_eq!(&later[..5], &after[..5]);
        assert_eq!(later[5], Some(10.5));
    }

    #[test]
    fn a_past_column_is_hot_by_the_line_of_its_own_time() {
        let mut h = RateHistory::default();
        let point = |rate, threshold| VelocityStatus {
            chart_rate: rate,
            threshold,
            ..VelocityStatus::default()
        };
        // 4 msg/s under a line of 5, then the line drops to 2: still not hot.
        h.push(at(0), &point(4.0, 5.0));
        h.push(at(1), &point(6.0, 5.0));
        h.push(at(2), &point(1.0, 2.0));
        h.push(at(3), &point(0.0, 0.0));
        assert_eq!(h.hot_columns(4, 1), vec![false, true, false, false]);
    }

    #[test]
    fn gaps_stay_empty_and_time_going_back_starts_over() {
        let mut h = RateHistory::default();
        h.push(at(100), &rate(1.0));
        h.push(at(104), &rate(2.0));
        assert_eq!(
            h.columns(5, 1),
            vec![Some(1.0), None, None, None, Some(2.0)]
        );
        h.push(at(50), &rate(3.0));
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn emote_board_remembers_recent_tops() {
        let mut b = EmoteBoard::default();
        b.observe(at(0), Some(("KEKW", 12)));
        b.observe(at(1), Some(("W", 5)));
        b.observe(at(2), None);
        let names: Vec<_> = b.seen.iter().map(|e| (e.name.as_str(), e.peak)).collect();
        assert_eq!(names, vec![("KEKW", 12), ("W", 5)]);
        b.observe(at(400), None);
        assert!(b.seen.is_empty());
    }

    #[test]
    fn an_emote_that_keeps_coming_back_shows_its_recent_peak_not_its_all_time_one() {
        let mut b = EmoteBoard::default();
        b.observe(at(0), Some(("KEKW", 50)));
        for s in (10..600).step_by(10) {
            b.observe(at(s), Some(("KEKW", 20)));
        }
        assert_eq!(b.seen[0].peak, 20, "{:?}", b.seen);
    }

    #[test]
    fn a_phrase_few_chatters_typed_is_not_shown() {
        let mut b = EmoteBoard::default();
        b.observe(at(0), Some(("\"sven_tiger real\"", 1)));
        b.observe(at(1), Some(("\"easy\"", 2)));
        assert!(b.seen.is_empty());
        b.observe(at(2), Some(("KEKW", 1)));
        b.observe(at(3), Some(("\"no way\"", 3)));
        let names: Vec<_> = b.seen.iter().map(|e| (e.name.as_str(), e.peak)).collect();
        assert_eq!(names, vec![("\"no way\"", 3), ("KEKW", 1)]);
    }
}
