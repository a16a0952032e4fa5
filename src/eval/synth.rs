//! Synthetic chat logs with labelled highlights, to develop and tune detectors against.
//!
//! The model, after `docs/detection.md`:
//! - **Everyday chat**: Poisson arrivals per second. The rate is the profile's base rate times
//!   a slow audience drift (an AR(1) walk in log space, knots every 10 min, within about
//!   −45 %…+60 %), a ramp-up over the first 15 min, a raid's lingering boost, slow mode and
//!   the break, times short-term log-normal fluctuation (per minute and per 20 s). Chatters
//!   have log-normal activity (a few regulars write much of it); texts mix questions, game
//!   talk, banter, emotes, mentions, `!commands` (bots answer) and, at a low rate, the
//!   reaction words ("LMAO", "CLIP", "NO WAY", "W") themselves.
//! - **Highlights** (labelled, 5–40 s, 6–19 per hour by profile): chat reacts with a burst
//!   whose message times are `start + onset (5–9 s) + Gamma(3, θ)`, peaking 15–25 s after the
//!   start and raised until about +50 s. The peak is 1.1–1.5× the baseline for 12 % of them,
//!   1.5–3× for 45 %, 3–5× for 28 % and 5× up to 7–15× (by profile) for 15 %. Reaction messages are short and
//!   similar (one dominant token, stretched or repeated), from regulars and lurkers alike.
//! - **Noise** (unlabelled): a start-of-stream greeting flood with a sponsor `!command`, bot
//!   timers and replies, giveaways (`!enter` walls), copypastas, a spammer, polls, slow mode,
//!   an emote-only period, a raid (event line, a minute of raid greetings from new chatters),
//!   a break with "brb" and a welcome-back burst, goodbyes at the end, sub/gift/donation
//!   events with thank-you bursts, and off-topic bursts shaped and worded like highlight
//!   reactions. So even a perfect burst detector cannot reach precision 1, and the weakest
//!   highlights keep recall below 1.
//!
//! Labels are relative to the first line, which is always a chat line.

use std::fmt;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::str::FromStr;

use super::EvalError;
use super::events;
use super::noise;
use super::rng::Rng;
use super::score::Labels;
use super::script::{Plan, Timeline};
use super::world::{Body, World};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    /// ≈ 0.15 msg/s: a hundred viewers.
    Small,
    /// ≈ 1.5 msg/s.
    Mid,
    /// ≈ 8 msg/s.
    Big,
    /// ≈ 25 msg/s: a tournament broadcast.
    Esports,
}

impl Profile {
    pub const ALL: [Profile; 4] = [Profile::Small, Profile::Mid, Profile::Big, Profile::Esports];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Small => "small",
            Profile::Mid => "mid",
            Profile::Big => "big",
            Profile::Esports => "esports",
        }
    }

    pub(crate) fn params(self) -> Params {
        let (base_rate, population, viewers_per_rate) = match self {
            Profile::Small => (0.15, 150, 600.0),
            Profile::Mid => (1.5, 1_500, 1_000.0),
            Profile::Big => (8.0, 8_000, 2_000.0),
            Profile::Esports => (25.0, 30_000, 4_000.0),
        };
        let [
            hl,
            bursts,
            pastas,
            subs,
            gifts,
            donations,
            slow,
            sigma,
            max_peak,
        ] = match self {
            Profile::Small => [6.0, 1.5, 0.3, 2.0, 0.3, 1.0, 0.1, 0.25, 7.0],
            Profile::Mid => [10.0, 2.5, 1.0, 12.0, 2.0, 3.0, 0.3, 0.25, 15.0],
            Profile::Big => [13.0, 3.5, 2.0, 40.0, 6.0, 6.0, 0.6, 0.22, 12.0],
            Profile::Esports => [19.0, 4.5, 4.0, 15.0, 3.0, 1.0, 0.8, 0.2, 8.0],
        };
        Params {
            base_rate,
            population,
            viewers_per_rate,
            highlights_per_hour: hl,
            bursts_per_hour: bursts,
            copypastas_per_hour: pastas,
            subs_per_hour: subs,
            gifts_per_hour: gifts,
            donations_per_hour: donations,
            slow_mode_chance: slow,
            chatter_sigma: sigma,
            max_peak,
            esports: self == Profile::Esports,
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Profile {
    type Err = EvalError;

    fn from_str(s: &str) -> Result<Profile, EvalError> {
        Profile::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| EvalError::Profile(s.to_owned()))
    }
}

/// Per-profile knobs of the model.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Params {
    /// Mean everyday chat rate, msg/s.
    pub base_rate: f64,
    pub population: usize,
    viewers_per_rate: f64,
    pub highlights_per_hour: f64,
    /// Unlabelled off-topic bursts.
    pub bursts_per_hour: f64,
    pub copypastas_per_hour: f64,
    pub subs_per_hour: f64,
    pub gifts_per_hour: f64,
    pub donations_per_hour: f64,
    pub slow_mode_chance: f64,
    /// Log-sd of the 20 s fluctuation of everyday chat.
    pub chatter_sigma: f64,
    /// Ceiling of a reaction's peak over baseline.
    pub max_peak: f64,
    pub esports: bool,
}

impl Params {
    /// The channel's usual viewer count.
    pub fn viewers(&self) -> f64 {
        self.base_rate * self.viewers_per_rate
    }
}

/// A generated log: plain replay lines in time order, and the highlight labels.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthLog {
    pub lines: Vec<String>,
    pub labels: Labels,
    pub hours: f64,
}

/// Streams are at least a minute and at most a day long.
const HOURS_RANGE: (f64, f64) = (1.0 / 60.0, 24.0);

/// Generates `hours` of chat (clamped to 1 min – 24 h). The same arguments always give the
/// same log.
pub fn generate(profile: Profile, hours: f64, seed: u64) -> SynthLog {
    let hours = if hours.is_finite() {
        hours.clamp(HOURS_RANGE.0, HOURS_RANGE.1)
    } else {
        1.0
    };
    let duration = hours * 3600.0;
    let mut root = Rng::new(seed ^ crate::domain::hash_str(profile.as_str()));
    let p = profile.params();
    let plan = Plan::new(&mut root.fork(1), &p, duration);
    let timeline = Timeline::new(&mut root.fork(2), &p, &plan);
    let mut w = World::new(&mut root.fork(3), p, plan, timeline);
    w.everyday(&mut root.fork(4));
    noise::start_flood(&mut w, &mut root.fork(5));
    noise::end_wave(&mut w, &mut root.fork(6));
    noise::bot_timers(&mut w, &mut root.fork(7));
    noise::scatter(&mut w, &mut root.fork(8));
    events::highlights(&mut w, &mut root.fork(9));
    events::off_topic(&mut w, &mut root.fork(10));
    events::raids(&mut w, &mut root.fork(11));
    events::brb(&mut w, &mut root.fork(12));
    events::support(&mut w, &mut root.fork(13));
    events::viewer_counts(&mut w, &mut root.fork(14));
    // Some afternoon or evening in 2026, to the millisecond.
    let mut r = root.fork(15);
    let start_ms = 1_767_225_600_000
        + r.below(365) as i64 * 86_400_000
        + (r.range(12.0, 22.0) * 3_600_000.0) as i64;
    render(w, start_ms, hours)
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn render(w: World, start_ms: i64, hours: f64) -> SynthLog {
    let mut lines: Vec<(i64, Body)> = w
        .out
        .into_iter()
        .map(|l| ((l.t * 1000.0).round() as i64, l.body))
        .collect();
    lines.sort_by_key(|l| l.0);
    let first = lines.iter().position(|l| matches!(l.1, Body::Chat { .. }));
    let lines = lines.split_off(first.unwrap_or(lines.len()));
    let t0 = lines.first().map_or(0, |l| l.0);
    let out = lines
        .iter()
        .map(|(t, body)| {
            let ms = start_ms + t;
            let ts = format!("{}.{:03}", ms / 1000, ms % 1000);
            match body {
                Body::Chat { user, text } => format!(
                    r#"{{"ts": {ts}, "user": {}, "text": {}}}"#,
                    json_str(user),
                    json_str(text)
                ),
                Body::Raid { user, viewers } => format!(
                    r#"{{"ts": {ts}, "type": "raid", "user": {}, "viewers": {viewers}}}"#,
                    json_str(user)
                ),
                Body::Sub { user } => {
                    format!(r#"{{"ts": {ts}, "type": "sub", "user": {}}}"#, json_str(user))
                }
                Body::Gift { user, count } => format!(
                    r#"{{"ts": {ts}, "type": "gift", "user": {}, "count": {count}}}"#,
                    json_str(user)
                ),
                Body::Donation { user, amount, text } => format!(
                    r#"{{"ts": {ts}, "type": "donation", "user": {}, "amount": {amount:.2}, "text": {}}}"#,
                    json_str(user),
                    json_str(text)
                ),
                Body::Viewers { count } => {
                    format!(r#"{{"ts": {ts}, "type": "viewers", "count": {count}}}"#)
                }
            }
        })
        .collect();
    let rel = |t: f64| ((t * 1000.0).round() as i64 - t0) as f64 / 1000.0;
    let spans = w
        .plan
        .highlights
        .iter()
        .map(|&(s, e)| (rel(s), rel(e)))
        .collect();
    SynthLog {
        lines: out,
        labels: Labels { spans },
        hours,
    }
}

/// Writes the chat as JSON lines and the labels as `{"spans": [[start_s, end_s], ...]}`.
pub fn write_files(log: &SynthLog, chat_path: &Path, labels_path: &Path) -> std::io::Result<()> {
    let mut chat = BufWriter::new(std::fs::File::create(chat_path)?);
    for line in &log.lines {
        chat.write_all(line.as_bytes())?;
        chat.write_all(b"\n")?;
    }
    chat.flush()?;
    let labels = serde_json::to_string(&log.labels).map_err(std::io::Error::other)?;
    std::fs::write(labels_path, labels + "\n")
}

#[cfg(test)]
#[path = "synth_tests.rs"]
mod tests;
