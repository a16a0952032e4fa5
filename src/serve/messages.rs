//! The metrics messages, exactly as a web dashboard's stores expect them: `{"type", "data"}`
//! with camelCase fields, integers as integers, `uptime` as `H:MM:SS`. Built from the engine's
//! [`View`]; fields the engine does not know yet are sent as 0 (numbers) or null (names).

use std::collections::VecDeque;

use serde::Serialize;

use super::recording::Recording;
use crate::engine::update::Update;
use crate::engine::view::{MomentRow, RevenuePoint, View};
use crate::present;
use crate::source::channel_ref::Platform;
use crate::time::format_hms;

/// Moments a new client gets (the newest); the list grows from there.
pub const SNAPSHOT_MOMENTS: usize = 100;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Msg {
    /// On connect: the charts' points so far (a reload keeps its last 30 minutes).
    History(History),
    StreamState(StreamState),
    MetricsUpdate(Metrics),
    /// Whether the stream is being recorded, and healthy (not in `stream_state`, whose fields
    /// are fixed).
    Recording(super::recording::Recording),
    RevenuePoint(Point),
    Donation(Donation),
    Moment(MomentMsg),
    Context(Context),
    Advice(AdviceMsg),
}

/// One point per 2 s tick, oldest first: the values `stream_state` carried.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    pub chat_velocity: Vec<f64>,
    pub engagement_score: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamState {
    pub is_live: bool,
    pub viewer_count: u64,
    pub uptime: String,
    pub current_activity: Option<String>,
    /// Messages per minute.
    pub chat_velocity: f64,
    pub engagement_score: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub revenue_today: f64,
    pub subs_count: u64,
    pub bits_today: u64,
    pub donations_per_hour: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    pub timestamp: String,
    pub amount: f64,
    pub cumulative: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Donation {
    pub id: String,
    pub username: String,
    pub amount: f64,
    /// Chat text is never kept, so never sent.
    pub message: String,
    pub timestamp: String,
    /// `kicks`, `sub`, `gifted_subs`, `bits`, `donation`.
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MomentMsg {
    /// The row id; null when the database refused the moment.
    pub id: Option<i64>,
    pub time: String,
    /// Seconds since the stream went live.
    pub offset: f64,
    #[serde(rename = "type")]
    pub kind: String,
    /// What the TUI, headless output, log and reports call it (`KEYWORD BURST`, `CHEER` for
    /// Twitch bits where `type` says `donation`).
    pub headline: String,
    pub score: f64,
    /// `none`, `queued`, `waiting`, `cutting`, `ready`, `short`, `failed`.
    pub clip_status: String,
    pub clip_path: Option<String>,
    /// `Velocity: 8.7 msg/s | Keywords: CLIP (5x)`.
    pub summary: String,
    /// Shown at its first trigger, its merge window still open: the same id comes again as
    /// triggers change its kind, score or summary, and final (`false`) when it closes.
    pub building: bool,
}

/// The orchestrator's context line with the activity and the bandit's suggestion, and what
/// the page needs to know of the channel (not in `stream_state` or `metrics_update`, whose
/// fields are fixed).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Context {
    /// The channel watched (`twitch:` first for Twitch), for the page's title.
    pub channel: String,
    /// `kick` or `twitch` (null before a channel is known): Kick's gifts are Kicks, Twitch's
    /// bits.
    pub platform: Option<String>,
    /// Kicks this session (Twitch's bits are `metrics_update.bitsToday`).
    pub kicks_today: u64,
    pub line: Option<String>,
    pub activity: Option<String>,
    pub suggestion: Option<String>,
    /// The stream's session: a new one means its money counts from zero (a run watching
    /// for days sees many streams).
    pub session: Option<i64>,
}

/// The co-pilot's latest advice (when `[advisor]` is on), as the TUI reads it. Shown only:
/// accepting it is a key press in the TUI.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdviceMsg {
    pub id: Option<i64>,
    pub time: String,
    /// One line per validated tool call: `try react: chat is slowing`.
    pub calls: Vec<String>,
    /// The model's own words, if any.
    pub text: Option<String>,
}

pub(super) fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    if v.is_finite() {
        (v * f).round() / f
    } else {
        0.0
    }
}

pub fn stream_state(v: &View) -> Msg {
    let s = &v.snapshot;
    let e = &s.engage;
    // The engagement collector's per-minute rate, always: falling back to the detector's
    // (another window, other messages counted) made it jump at each start and switch.
    let per_min = e.chat_per_min;
    Msg::StreamState(StreamState {
        is_live: s.live,
        viewer_count: s.viewers.map_or(0, u64::from),
        uptime: format_hms(if s.live {
            s.uptime_s.unwrap_or(0.0)
        } else {
            0.0
        }),
        current_activity: e.activity.clone(),
        chat_velocity: round(per_min, 1),
        engagement_score: round(e.engagement.unwrap_or(0.0), 1),
    })
}

pub fn metrics(v: &View) -> Msg {
    let e = &v.snapshot.engage;
    Msg::MetricsUpdate(Metrics {
        revenue_today: round(e.revenue_usd, 2),
        subs_count: e.subs,
        bits_today: e.bits,
        donations_per_hour: round(e.donations_per_hour, 2),
    })
}

pub fn revenue_point(p: &RevenuePoint) -> Msg {
    Msg::RevenuePoint(Point {
        timestamp: p.at.to_rfc3339(),
        amount: round(p.amount, 2),
        cumulative: round(p.cumulative, 2),
    })
}

pub fn donation(p: &RevenuePoint) -> Msg {
    Msg::Donation(Donation {
        id: p.id.clone(),
        username: p.username.clone(),
        amount: round(p.amount, 2),
        message: String::new(),
        timestamp: p.at.to_rfc3339(),
        kind: p.kind.clone(),
    })
}

pub fn moment(row: &MomentRow) -> Msg {
    let m = &row.moment;
    Msg::Moment(MomentMsg {
        id: row.id,
        time: m.at.to_rfc3339(),
        offset: round(m.offset_s, 1),
        kind: m.trigger_type.as_str().to_string(),
        headline: m.headline().to_string(),
        score: round(m.score, 1),
        clip_status: present::clip_status(row.clip.as_ref()).to_string(),
        clip_path: row
            .clip
            .as_ref()
            .and_then(present::final_clip)
            .map(|p| p.display().to_string()),
        summary: present::trigger_summary(m),
        building: row.building,
    })
}

pub fn context_of(v: &View) -> Context {
    let e = &v.snapshot.engage;
    Context {
        channel: v.snapshot.channel.clone(),
        platform: platform(&v.snapshot.channel).map(str::to_string),
        kicks_today: e.kicks,
        line: e.context.clone(),
        activity: e.activity.clone(),
        suggestion: e.suggestion.clone(),
        session: v.session,
    }
}

/// The live engine names a Twitch channel `twitch:NAME` and a Kick one by its name alone;
/// the words are the platform's own (`kick`, `twitch`, as stored).
fn platform(channel: &str) -> Option<&'static str> {
    let p = if channel.starts_with("twitch:") {
        Platform::Twitch
    } else {
        Platform::Kick
    };
    (!channel.is_empty()).then(|| p.as_str())
}

/// Nothing to say before the engagement collector says something.
pub fn context(v: &View) -> Option<Msg> {
    let c = context_of(v);
    (c != Context::default()).then_some(Msg::Context(c))
}

pub fn advice(a: &crate::advisor::Advice) -> Msg {
    Msg::Advice(AdviceMsg {
        id: a.id,
        time: a.at.to_rfc3339(),
        calls: a
            .calls
            .iter()
            .map(crate::advisor::show::call_line)
            .collect(),
        text: a.text.clone(),
    })
}

/// What a new client gets: the state, the metrics, the recording, the session's revenue
/// points, the recent donations and moments, the context line, the latest advice.
pub fn snapshot(v: &View, recording: Recording) -> Vec<Msg> {
    let mut out = vec![stream_state(v), metrics(v), Msg::Recording(recording)];
    out.extend(v.revenue.iter().map(revenue_point));
    out.extend(v.donations.iter().map(donation));
    let skip = v.moments.len().saturating_sub(SNAPSHOT_MOMENTS);
    out.extend(v.moments.iter().skip(skip).map(moment));
    out.extend(context(v));
    out.extend(v.advice.as_ref().map(advice));
    out
}

/// The messages one update brings, given the view with that update applied.
pub fn for_update(v: &View, u: &Update) -> Vec<Msg> {
    let row = |id: Option<i64>| {
        v.moments
            .iter()
            .rev()
            .find(|r| id.is_some() && r.id == id)
            .map(moment)
    };
    match u {
        Update::Revenue(p) => vec![donation(p), revenue_point(p), metrics(v)],
        // Unsaved: no row to find by id, so as it came.
        Update::Moment {
            id: None,
            moment: m,
        }
        | Update::MomentBuilding {
            id: None,
            moment: m,
        } => vec![moment(&MomentRow {
            id: None,
            moment: m.clone(),
            clip: None,
            building: matches!(u, Update::MomentBuilding { .. }),
        })],
        Update::Moment { id, .. } | Update::MomentBuilding { id, .. } => {
            row(*id).into_iter().collect()
        }
        Update::Clip(news) => row(news.moment_id).into_iter().collect(),
        Update::NotRecorded { moment_id } | Update::ClipSkip { moment_id, .. } => {
            row(Some(*moment_id)).into_iter().collect()
        }
        Update::EarlierMoments(rows) => rows.iter().map(moment).collect(),
        Update::Advice(a) => vec![advice(a)],
        // The stream's moments, counted from its real start now.
        Update::StartKnown { was, .. } => v
            .moments
            .iter()
            .filter(|r| r.moment.at >= *was)
            .map(moment)
            .chain([stream_state(v), metrics(v)])
            .collect(),
        // A resync is told by the hub from what it had (`for_resync`).
        Update::WentLive { .. } | Update::WentOffline { .. } | Update::Resync(_) => {
            vec![stream_state(v), metrics(v)]
        }
        _ => vec![],
    }
}

/// What a hub that fell behind the feed (`Update::Resync`) sends its clients: the state, and
/// what it missed in the gap going from `old` to `new` (donations and revenue points after
/// the last it had, moments new or changed, newer advice), never one twice.
pub fn for_resync(old: &View, new: &View) -> Vec<Msg> {
    let mut out = vec![stream_state(new), metrics(new)];
    let after = |old: &VecDeque<RevenuePoint>, new: &VecDeque<RevenuePoint>| {
        let from = old
            .back()
            .and_then(|last| new.iter().rposition(|p| p.id == last.id))
            .map_or(0, |i| i + 1);
        new.iter().skip(from).cloned().collect::<Vec<_>>()
    };
    out.extend(after(&old.revenue, &new.revenue).iter().map(revenue_point));
    out.extend(after(&old.donations, &new.donations).iter().map(donation));
    let skip = new.moments.len().saturating_sub(SNAPSHOT_MOMENTS);
    out.extend(
        new.moments
            .iter()
            .skip(skip)
            .filter(|r| !old.moments.contains(r))
            .map(moment),
    );
    if new.advice != old.advice {
        out.extend(new.advice.as_ref().map(advice));
    }
    out
}

/// `GET /api/state`: the snapshot as one JSON document.
pub fn api_state(v: &View, recording: Recording) -> serde_json::Value {
    let data = |m: Msg| serde_json::to_value(m).map(|j| j["data"].clone());
    let skip = v.moments.len().saturating_sub(SNAPSHOT_MOMENTS);
    let list = |msgs: Vec<Msg>| -> Vec<serde_json::Value> {
        msgs.into_iter().filter_map(|m| data(m).ok()).collect()
    };
    serde_json::json!({
        "streamState": data(stream_state(v)).unwrap_or_default(),
        "metrics": data(metrics(v)).unwrap_or_default(),
        "recording": data(Msg::Recording(recording)).unwrap_or_default(),
        "channel": v.snapshot.channel,
        "platform": platform(&v.snapshot.channel),
        "kicksToday": v.snapshot.engage.kicks,
        "context": v.snapshot.engage.context,
        "revenue": list(v.revenue.iter().map(revenue_point).collect()),
        "donations": list(v.donations.iter().map(donation).collect()),
        "moments": list(v.moments.iter().skip(skip).map(moment).collect()),
        "advice": v.advice.as_ref().and_then(|a| data(advice(a)).ok()),
    })
}
