//! Which updates become alerts, and their words (from `present`) and data. The notifier keeps
//! its own [`View`] to know a clip's moment and the channel.

use serde_json::{Value, json};

use crate::engine::update::{RecorderNews, Update};
use crate::engine::view::View;
use crate::media::clip_job::ClipState;
use crate::present;

#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    /// One of `config::ALERT_EVENTS`.
    pub event: &'static str,
    /// One line for people (Discord's message).
    pub text: String,
    /// The details for programs.
    pub data: Value,
}

impl Alert {
    /// The generic webhook's body and the command's `KICKTUI_ALERT`.
    pub fn json(&self) -> Value {
        json!({"event": self.event, "text": self.text, "data": self.data})
    }
}

/// A clip that is final but whose size is still to be read (off the notifier's loop).
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    Ready(Alert),
    /// `clip_ready`: add `bytes` from the file at `data.path`, then it is ready.
    ClipFile(Alert, std::path::PathBuf),
}

/// The alert one update brings, given the view *before* it is applied (a moment's first
/// appearance is told apart from its updates).
pub fn from_update(before: &View, u: &Update) -> Option<Pending> {
    let channel = before.snapshot.channel.as_str();
    let alert = |event, text: String, data| Some(Pending::Ready(Alert { event, text, data }));
    match u {
        Update::WentLive {
            at,
            title,
            resumed: false,
            ..
        } => alert(
            "live",
            match title.as_deref().filter(|t| !t.is_empty()) {
                Some(t) => format!("{channel} is LIVE: {t}"),
                None => format!("{channel} is LIVE"),
            },
            json!({"channel": channel, "title": title, "time": at.to_rfc3339()}),
        ),
        Update::WentOffline { at } => alert(
            "offline",
            format!("{channel} went offline"),
            json!({"channel": channel, "time": at.to_rfc3339()}),
        ),
        Update::Recorder(RecorderNews::Stalled { after_s }) => alert(
            "recording_stalled",
            format!("Recording of {channel} STALLED: no growth for {after_s} s; restarting"),
            json!({"channel": channel, "afterSeconds": after_s, "noNewVideo": false}),
        ),
        Update::Recorder(RecorderNews::DiskLow {
            free_bytes,
            minutes_left,
            mb_per_min,
        }) => alert(
            "disk_low",
            format!(
                "Recording of {channel}: {}; free some space",
                crate::media::disk_watch::disk_low_words(*free_bytes, *minutes_left, *mb_per_min)
            ),
            json!({"channel": channel, "freeBytes": free_bytes,
                "minutesLeft": minutes_left.round(), "mbPerMin": mb_per_min}),
        ),
        Update::Recorder(RecorderNews::NoNewVideo { for_s }) => alert(
            "recording_stalled",
            format!(
                "Recording of {channel} STALLED: the stream has sent no new video for {for_s} s \
                 while the channel is live (is the encoder stuck?)"
            ),
            json!({"channel": channel, "afterSeconds": for_s, "noNewVideo": true}),
        ),
        // Told once, when final (the building form came first with the same id).
        Update::Moment { id, moment } => {
            let seen = id.is_some() && before.moments.iter().any(|r| r.id == *id && !r.building);
            if seen {
                return None;
            }
            // The channel first: one Discord channel often takes several streams' alerts. The
            // headline is the dashboard's (`CHEER` where `type` says `donation`).
            alert(
                "moment",
                format!(
                    "{channel}: {}: {}",
                    present::moment_title(moment),
                    present::trigger_summary(moment)
                ),
                json!({"channel": channel, "id": id, "time": moment.at.to_rfc3339(),
                    "offset": moment.offset_s, "type": moment.trigger_type.as_str(),
                    "headline": moment.headline(), "score": moment.score}),
            )
        }
        Update::Clip(news) => {
            let (path, duration, asked, why) = match &news.state {
                ClipState::Ready { path, duration } => (path, *duration, None, None),
                ClipState::Short {
                    path,
                    duration,
                    asked,
                    why,
                } => (path, *duration, Some(*asked), why.as_deref()),
                _ => return None,
            };
            // A short clip says so: the clipper may want the recording instead.
            let (ready, status) = match asked {
                None => ("Clip ready".to_string(), "ready"),
                Some(asked) => (
                    format!(
                        "Clip ready but SHORT ({duration:.0} of {asked:.0} s, {})",
                        why.unwrap_or(present::SHORT_CLIP_WHY)
                    ),
                    "short",
                ),
            };
            let row = before
                .moments
                .iter()
                .find(|r| r.id.is_some() && r.id == news.moment_id);
            // One alert per clip, even if the news repeats.
            if row.and_then(|r| r.clip.as_ref()) == Some(&news.state) {
                return None;
            }
            let (title, time, offset, kind, headline) = match row {
                Some(r) => (
                    present::moment_title(&r.moment),
                    Some(r.moment.at.to_rfc3339()),
                    Some(r.moment.offset_s),
                    Some(r.moment.trigger_type.as_str()),
                    Some(r.moment.headline()),
                ),
                None => ("a moment".to_string(), None, None, None, None),
            };
            let a = Alert {
                event: "clip_ready",
                text: format!("{channel}: {ready}: {title} → {}", path.display()),
                data: json!({"channel": channel, "momentId": news.moment_id, "time": time,
                    "offset": offset, "type": kind, "headline": headline,
                    "path": path.display().to_string(),
                    "status": status, "durationS": duration, "askedS": asked, "why": why}),
            };
            Some(Pending::ClipFile(a, path.clone()))
        }
        _ => None,
    }
}

/// Reads the clip's size into the alert.
pub async fn complete(p: Pending) -> Alert {
    match p {
        Pending::Ready(a) => a,
        Pending::ClipFile(mut a, path) => {
            let bytes = tokio::fs::metadata(&path).await.map(|m| m.len()).ok();
            if let Some(b) = bytes {
                a.text.push_str(&format!(" ({})", present::megabytes(b)));
            }
            a.data["bytes"] = json!(bytes);
            a
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both kinds of stall carry `noNewVideo`, as docs/metrics.md says (a stall left it out).
    #[test]
    fn a_stall_says_whether_the_stream_sent_no_new_video() {
        let data = |news| match from_update(&View::default(), &Update::Recorder(news)) {
            Some(Pending::Ready(a)) => a.data,
            other => panic!("{other:?}"),
        };
        let grew_not = data(RecorderNews::Stalled { after_s: 20 });
        assert_eq!(grew_not["noNewVideo"], json!(false));
        let frozen = data(RecorderNews::NoNewVideo { for_s: 60 });
        assert_eq!(frozen["noNewVideo"], json!(true));
    }
}
