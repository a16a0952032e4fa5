//! The retrospective of one session: the figures (read from the database by
//! `store::engage`) and their Markdown and JSON renderings. Pure.

use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    pub session: i64,
    pub channel: String,
    pub platform: String,
    pub title: Option<String>,
    pub started_at: String,
    pub ended_at: Option<String>,
    /// The session was left open by a crash and closed at its last known time.
    pub recovered: bool,
    /// Chat or money while no stream was live (no stream start): no activity is kept then.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub offline: bool,
    /// kicktui began watching this long after the stream started (it joined a running one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joined_after_s: Option<f64>,
    /// Each time kicktui was down during the session (a crash it was resumed from): from its
    /// last stored time to the restart, RFC 3339; oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub down: Vec<Down>,
    pub duration_s: f64,
    pub peak_viewers: Option<u32>,
    pub mean_viewers: Option<f64>,
    /// Counted chat messages (bots and !commands excluded): `chat_stats`, or the session's
    /// `engage_stats` count when it is larger (it includes the last, partial window).
    pub messages: u64,
    /// The busiest `chat_stats` window, msg/s, and its length (0 without windows).
    pub peak_velocity: f64,
    pub peak_window_s: f64,
    pub unique_chatters: Option<u64>,
    pub engagement: Engagement,
    pub moments: Vec<Count>,
    /// Every moment in time order, with where its clip is.
    pub moment_list: Vec<MomentLine>,
    pub clips: u64,
    pub money: Money,
    pub activities: Vec<ActivityTotal>,
    pub segments: Vec<SegmentRow>,
    /// Seconds in segments under 10 s (a quick run through the activity keys), not listed.
    #[serde(skip_serializing_if = "is_zero")]
    pub quick_switch_s: f64,
    pub suggestions: Suggestions,
    /// The co-pilot's line (`advisor: 9 calls, 5 suggestions, 3 followed (60 %); …`), when
    /// it ran this session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advisor: Option<String>,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Down {
    pub from: String,
    pub to: String,
    pub seconds: f64,
    /// Stopped while the stream was live (else a crash).
    pub stopped: bool,
}

impl Down {
    fn cause(&self) -> &'static str {
        if self.stopped {
            "kicktui was stopped"
        } else {
            "a crash"
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Engagement {
    pub mean: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Count {
    pub kind: String,
    pub count: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MomentLine {
    pub id: i64,
    pub offset_s: f64,
    pub kind: String,
    pub score: f64,
    /// `pending`, `done`, `short`, `failed`, `no_recording`…
    pub clip_status: String,
    pub clip_path: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Money {
    /// Subs, gifted subs included.
    pub subs: u64,
    pub gifted_subs: u64,
    pub kicks: u64,
    pub bits: u64,
    pub donations_usd: f64,
    pub sub_price_usd: f64,
    pub revenue_usd: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ActivityTotal {
    pub name: String,
    pub segments: u64,
    pub seconds: f64,
    /// Duration-weighted mean engagement of its scored segments.
    pub engagement: Option<f64>,
    /// Mean reward of its rewarded segments, and how many there were.
    pub reward: Option<f64>,
    pub rewarded: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SegmentRow {
    pub name: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub seconds: f64,
    pub engagement: Option<f64>,
    pub reward: Option<f64>,
    pub suggested: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Suggestions {
    /// Segments that began while the bandit had a suggestion.
    pub made: u64,
    /// …and were the suggested activity.
    pub followed: u64,
}

impl Report {
    /// Per-activity totals and the suggestion count, from the segments.
    pub fn summarize_segments(&mut self) {
        let mut totals: Vec<ActivityTotal> = Vec::new();
        let mut sug = Suggestions::default();
        for s in &self.segments {
            let i = match totals.iter().position(|t| t.name == s.name) {
                Some(i) => i,
                None => {
                    totals.push(ActivityTotal {
                        name: s.name.clone(),
                        ..ActivityTotal::default()
                    });
                    totals.len() - 1
                }
            };
            let t = &mut totals[i];
            t.segments += 1;
            t.seconds += s.seconds;
            if let Some(r) = s.reward {
                let n = t.rewarded as f64;
                t.reward = Some((t.reward.unwrap_or(0.0) * n + r) / (n + 1.0));
                t.rewarded += 1;
            }
            if let Some(g) = &s.suggested {
                sug.made += 1;
                if *g == s.name {
                    sug.followed += 1;
                }
            }
        }
        for t in &mut totals {
            let scored: Vec<_> = self
                .segments
                .iter()
                .filter(|s| s.name == t.name)
                .filter_map(|s| s.engagement.map(|e| (e, s.seconds.max(1.0))))
                .collect();
            let w: f64 = scored.iter().map(|x| x.1).sum();
            t.engagement = (w > 0.0).then(|| scored.iter().map(|x| x.0 * x.1).sum::<f64>() / w);
        }
        self.activities = totals;
        self.suggestions = sug;
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

mod markdown;

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
