//! Scores moments against labelled highlights, per stream, exactly as `docs/detection.md`
//! defines it. Ratios with an empty denominator are `None` (JSON `null`), never NaN.

use serde::{Deserialize, Serialize};

use super::EvalError;

/// A moment may sit at most this long after the highlight start it hits.
pub const HIT_WINDOW_S: f64 = 60.0;

/// The cut-offs reported for precision@k.
pub const PRECISION_KS: [usize; 3] = [1, 5, 10];

/// Labelled highlight spans, `(start_s, end_s)` relative to the log's first event, by start.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    pub spans: Vec<(f64, f64)>,
}

impl Labels {
    /// A warning when some spans lie wholly outside the log (`0..=log_s` seconds): they can
    /// never be hit, and all of them past the end usually means milliseconds, not seconds.
    pub fn outside(&self, log_s: f64) -> Option<String> {
        let out = self
            .spans
            .iter()
            .filter(|s| s.1 < 0.0 || s.0 > log_s)
            .count();
        (out > 0).then(|| {
            format!(
                "{out} of {} labelled spans lie outside the log (0 to {log_s:.0} s) and can \
                 never be hit; spans are in seconds from the log's first event",
                self.spans.len()
            )
        })
    }
}

/// Reads `{"spans": [[start_s, end_s], ...]}`; other keys are ignored.
pub fn parse_labels(json: &str) -> Result<Labels, EvalError> {
    let doc: serde_json::Value = serde_json::from_str(json.trim_start_matches('\u{feff}'))?;
    let obj = doc
        .as_object()
        .ok_or_else(|| bad("expected an object like {\"spans\": [[start_s, end_s], ...]}"))?;
    let spans = obj
        .get("spans")
        .ok_or_else(|| bad("missing key `spans`"))?
        .as_array()
        .ok_or_else(|| bad("`spans` must be an array of [start_s, end_s] pairs"))?;
    let mut out = Vec::with_capacity(spans.len());
    for (i, span) in spans.iter().enumerate() {
        let pair = span.as_array().filter(|a| a.len() == 2);
        let nums = pair.map(|a| (a[0].as_f64(), a[1].as_f64()));
        let (Some(start), Some(end)) = nums.unwrap_or((None, None)) else {
            return Err(bad(&format!(
                "span {i}: expected [start_s, end_s] (two numbers), got {span}"
            )));
        };
        if !start.is_finite() || !end.is_finite() {
            return Err(bad(&format!("span {i}: times must be finite, got {span}")));
        }
        if end < start {
            return Err(bad(&format!("span {i}: end {end} is before start {start}")));
        }
        out.push((start, end));
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    // A highlight labelled twice is one highlight (it was counted as two hits).
    out.dedup();
    Ok(Labels { spans: out })
}

fn bad(msg: &str) -> EvalError {
    EvalError::Labels(msg.to_owned())
}

/// One detected moment, as `kicktui replay --format json` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoredMoment {
    /// Seconds since the log's first event.
    pub offset_s: f64,
    pub score: f64,
    /// Where the clip would start, seconds since the log's first event.
    pub clip_start_offset_s: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalReport {
    pub moments: usize,
    /// Hours of chat the moments came from.
    pub hours: f64,
    pub highlights: usize,
    /// Moments with a highlight start in `[t - 60 s, t]`.
    pub hits: usize,
    /// Moments that are not hits.
    pub false_alarms: usize,
    /// Highlights with at least one hit.
    pub highlights_hit: usize,
    /// Hits whose clip starts at or before the highlight start.
    pub timely_hits: usize,
    /// hits / moments; `None` without moments.
    pub precision: Option<f64>,
    /// highlights_hit / highlights; `None` without highlights.
    pub recall: Option<f64>,
    /// false_alarms / hours; `None` when `hours` is not positive.
    pub false_alarms_per_hour: Option<f64>,
    pub moments_per_hour: Option<f64>,
    /// `(k, precision of the k best-scored moments)` for k = 1, 5, 10. With fewer than k
    /// moments the divisor is the number of moments present (so 3 moments, all hits, give
    /// 1.0 at k = 10); `None` without moments.
    pub precision_at: Vec<(usize, Option<f64>)>,
    /// Precision of the top k with every empty slot a miss (hits among the k best / k; 0.0
    /// without moments): a stream with 3 moments scores at most 0.3 at k = 10. The stricter
    /// reading, as an outside measurement may score it.
    pub precision_at_k_slots: Vec<(usize, f64)>,
    /// timely_hits / hits; `None` without hits.
    pub timing: Option<f64>,
}

/// Whether a highlight starting at `start` is hit by a moment at `t` (both ends inclusive).
pub fn hits(t: f64, start: f64) -> bool {
    start >= t - HIT_WINDOW_S && start <= t
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

pub fn score(moments: &[ScoredMoment], labels: &Labels, hours: f64) -> EvalReport {
    let starts: Vec<f64> = labels.spans.iter().map(|s| s.0).collect();
    let mut is_hit = vec![false; moments.len()];
    let mut highlight_hit = vec![false; starts.len()];
    let mut timely_hits = 0;
    for (m, hit) in moments.iter().zip(is_hit.iter_mut()) {
        // The latest start it hits: the clip is on time if it starts before any of them.
        let mut latest: Option<f64> = None;
        for (&s, h) in starts.iter().zip(highlight_hit.iter_mut()) {
            if hits(m.offset_s, s) {
                *h = true;
                latest = Some(latest.map_or(s, |l: f64| l.max(s)));
            }
        }
        if let Some(latest) = latest {
            *hit = true;
            if m.clip_start_offset_s <= latest {
                timely_hits += 1;
            }
        }
    }
    let n_hits = is_hit.iter().filter(|&&h| h).count();
    let highlights_hit = highlight_hit.iter().filter(|&&h| h).count();
    let false_alarms = moments.len() - n_hits;
    let per_hour = |n: usize| (hours.is_finite() && hours > 0.0).then(|| n as f64 / hours);

    // Best score first; NaN ranks last, ties keep the earlier moment first.
    let mut order: Vec<usize> = (0..moments.len()).collect();
    let key = |i: usize| {
        let s = moments[i].score;
        if s.is_nan() { f64::NEG_INFINITY } else { s }
    };
    order.sort_by(|&a, &b| {
        key(b)
            .total_cmp(&key(a))
            .then(moments[a].offset_s.total_cmp(&moments[b].offset_s))
    });
    let top_hits = |k: usize| {
        order[..k.min(order.len())]
            .iter()
            .filter(|&&i| is_hit[i])
            .count()
    };
    let precision_at = PRECISION_KS
        .iter()
        .map(|&k| (k, ratio(top_hits(k), k.min(order.len()))))
        .collect();
    let precision_at_k_slots = PRECISION_KS
        .iter()
        .map(|&k| (k, top_hits(k) as f64 / k as f64))
        .collect();

    EvalReport {
        moments: moments.len(),
        hours,
        highlights: starts.len(),
        hits: n_hits,
        false_alarms,
        highlights_hit,
        timely_hits,
        precision: ratio(n_hits, moments.len()),
        recall: ratio(highlights_hit, starts.len()),
        false_alarms_per_hour: per_hour(false_alarms),
        moments_per_hour: per_hour(moments.len()),
        precision_at,
        precision_at_k_slots,
        timing: ratio(timely_hits, n_hits),
    }
}

fn fmt_opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.decimals$}"))
}

impl EvalReport {
    /// A short human summary, one topic per line.
    pub fn to_text(&self) -> String {
        let p_at: Vec<String> = self
            .precision_at
            .iter()
            .map(|(k, v)| format!("p@{k} {}", fmt_opt(*v, 2)))
            .collect();
        let slots: Vec<String> = self
            .precision_at_k_slots
            .iter()
            .map(|(k, v)| format!("p@{k} {v:.2}"))
            .collect();
        format!(
            "moments     {} in {:.2} h ({}/h), highlights {}\n\
             precision   {} ({}/{} hits)\n\
             recall      {} ({}/{} highlights)\n\
             false alarm {}/h ({})\n\
             ranking     {}\n\
             \x20           {} (empty slots count as misses)\n\
             timing      {} ({}/{} hits start at or before the highlight)\n",
            self.moments,
            self.hours,
            fmt_opt(self.moments_per_hour, 1),
            self.highlights,
            fmt_opt(self.precision, 3),
            self.hits,
            self.moments,
            fmt_opt(self.recall, 3),
            self.highlights_hit,
            self.highlights,
            fmt_opt(self.false_alarms_per_hour, 1),
            self.false_alarms,
            p_at.join("  "),
            slots.join("  "),
            fmt_opt(self.timing, 3),
            self.timely_hits,
            self.hits,
        )
    }
}

#[cfg(test)]
#[path = "score_tests.rs"]
mod tests;
