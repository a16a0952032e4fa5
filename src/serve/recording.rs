//! The `recording` message: whether the stream is being recorded and is healthy, in the TUI's
//! words (its Recording pane and status bar), for a dashboard on a second screen.

use serde::Serialize;

use super::messages::{Msg, round};
use crate::app::RecState;
use crate::domain::Ts;
use crate::engine::update::RecorderNews;
use crate::engine::view::View;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recording {
    /// `unknown`, `off`, `failed`, `waiting`, `starting`, `recording`, `stalled`, `frozen`,
    /// `restarting`, `unwritable`, `unreachable`, `stopped`.
    pub state: &'static str,
    /// As the TUI says it: `recording`, `STALLED`, `FROZEN: no new video`, `not recording`…
    pub label: String,
    /// The TUI's colour for it: `good` (recording), `warn` (recording, slowly), `bad`
    /// (stalled, frozen, cannot write, cannot reach the stream, failed), `idle` (anything else).
    pub health: &'static str,
    /// The part being written (1, 2, … after restarts; 0 before the first) and its file name.
    pub part: u32,
    pub file: Option<String>,
    /// All parts of the stream together.
    pub size_bytes: u64,
    pub mb_per_min: f64,
    /// Growing slower than `[recorder] min_growth_mb_per_min`.
    pub slow: bool,
    /// When this state began, when the server saw it begin.
    pub since: Option<String>,
}

/// The state and its words, as the view holds them now.
fn state(v: &View) -> (&'static str, String, Option<RecState>) {
    match (&v.recorder, &v.recording) {
        (Some(RecorderNews::Disabled), _) => ("off", RecState::Unavailable.label(), None),
        (Some(RecorderNews::Off(why)), _) => {
            let s = RecState::Failed(why.clone());
            ("failed", s.label(), Some(s))
        }
        (_, Some(info)) => {
            let s = RecState::from(&info.state);
            let word = match &s {
                RecState::Unavailable => "off",
                RecState::Waiting => "waiting",
                RecState::Starting => "starting",
                RecState::Recording => "recording",
                RecState::Stalled => "stalled",
                RecState::Restarting => "restarting",
                RecState::Frozen => "frozen",
                RecState::Unwritable(_) => "unwritable",
                RecState::Unreachable(_) => "unreachable",
                RecState::Stopped => "stopped",
                RecState::Failed(_) => "failed",
            };
            (word, s.label(), Some(s))
        }
        (Some(RecorderNews::Armed), None) => ("waiting", RecState::Waiting.label(), None),
        // The engine has not said yet whether it records.
        _ => ("unknown", "unknown".into(), None),
    }
}

fn build(v: &View, since: Option<Ts>) -> Recording {
    let (word, label, s) = state(v);
    let info = v.recording.as_ref().filter(|_| s.is_some());
    let slow = info.is_some_and(|i| i.low);
    let health = match s {
        Some(RecState::Recording) if slow => "warn",
        Some(RecState::Recording) => "good",
        Some(s) if s.is_trouble() => "bad",
        _ => "idle",
    };
    Recording {
        state: word,
        label,
        health,
        part: info.map_or(0, |i| i.part),
        // The name only: where the recordings are is this machine's business.
        file: info
            .and_then(|i| i.path.as_ref())
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned()),
        size_bytes: info.map_or(0, |i| i.bytes),
        mb_per_min: round(info.map_or(0.0, |i| i.mb_per_min), 1),
        slow,
        since: since.map(|t| t.to_rfc3339()),
    }
}

/// What the hub last said about the recording, and since when its state holds.
#[derive(Default)]
pub struct Tracker {
    sent: Recording,
    since: Option<Ts>,
}

impl Tracker {
    /// A state the view already holds began before the server followed: since unknown.
    pub fn new(v: &View) -> Tracker {
        let sent = build(v, None);
        Tracker { sent, since: None }
    }

    /// The message for the view now (a new client's snapshot, `/api/state`).
    pub fn current(&self, v: &View) -> Recording {
        build(v, self.since)
    }

    fn follow(&mut self, v: &View, now: Ts) -> Recording {
        if state(v).0 != self.sent.state {
            self.since = Some(now);
        }
        self.current(v)
    }

    /// After an update: at once when the state, its words or the part changed.
    pub fn on_update(&mut self, v: &View, now: Ts) -> Option<Msg> {
        let r = self.follow(v, now);
        let key = |r: &Recording| (r.state, r.label.clone(), r.part);
        (key(&r) != key(&self.sent)).then(|| self.send(r))
    }

    /// With the 2 s tick: when anything changed (its size grows while recording).
    pub fn on_tick(&mut self, v: &View, now: Ts) -> Option<Msg> {
        let r = self.follow(v, now);
        (r != self.sent).then(|| self.send(r))
    }

    fn send(&mut self, r: Recording) -> Msg {
        self.sent = r.clone();
        Msg::Recording(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::update::{RecordingInfo, Update};
    use crate::media;

    fn info(state: media::RecState, part: u32, bytes: u64) -> Update {
        Update::Recording(RecordingInfo {
            session: 5,
            state,
            part,
            path: Some(format!("/home/me/rec/clavicular_s005_p{part}.ts").into()),
            bytes,
            mb_per_min: 12.34,
            ..RecordingInfo::default()
        })
    }

    fn data(m: Option<Msg>) -> Option<Recording> {
        match m {
            Some(Msg::Recording(r)) => Some(r),
            _ => None,
        }
    }

    #[test]
    fn off_failed_and_unknown_say_so() {
        let mut v = View::default();
        let r = Tracker::new(&v).current(&v);
        assert_eq!((r.state, r.health), ("unknown", "idle"));
        v.apply(&Update::Recorder(RecorderNews::Disabled));
        let r = Tracker::new(&v).current(&v);
        assert_eq!(
            (r.state, r.label.as_str(), r.health),
            ("off", "not recording", "idle")
        );
        v.apply(&Update::Recorder(RecorderNews::Off(
            "streamlink is missing".into(),
        )));
        let r = Tracker::new(&v).current(&v);
        assert_eq!(r.state, "failed");
        assert_eq!(r.label, "failed: streamlink is missing");
        assert_eq!(r.health, "bad");
    }

    /// A state or part goes out at once, growth with the tick; a stall turns it red, since
    /// the time it was seen.
    #[test]
    fn a_new_state_goes_out_at_once_and_the_size_with_the_tick() {
        let mut v = View::default();
        let mut t = Tracker::new(&v);
        v.apply(&Update::Recorder(RecorderNews::Armed));
        let r = data(t.on_update(&v, Ts(1_000))).expect("armed: waiting");
        assert_eq!((r.state, r.label.as_str()), ("waiting", "waiting for live"));
        v.apply(&info(media::RecState::Recording, 1, 1_000_000));
        let r = data(t.on_update(&v, Ts(2_000))).expect("recording");
        assert_eq!((r.state, r.health, r.part), ("recording", "good", 1));
        assert_eq!(r.file.as_deref(), Some("clavicular_s005_p1.ts"));
        assert_eq!((r.size_bytes, r.mb_per_min), (1_000_000, 12.3));
        assert_eq!(r.since, Some(Ts(2_000).to_rfc3339()));
        v.apply(&info(media::RecState::Recording, 1, 2_000_000));
        assert_eq!(
            t.on_update(&v, Ts(3_000)),
            None,
            "growth waits for the tick"
        );
        let r = data(t.on_tick(&v, Ts(4_000))).expect("the tick says the size");
        assert_eq!(r.size_bytes, 2_000_000);
        assert_eq!(r.since, Some(Ts(2_000).to_rfc3339()), "the same state");
        assert_eq!(t.on_tick(&v, Ts(6_000)), None, "nothing new");
        v.apply(&info(media::RecState::Stalled, 1, 2_000_000));
        let r = data(t.on_update(&v, Ts(7_000))).expect("a stall at once");
        assert_eq!((r.label.as_str(), r.health), ("STALLED", "bad"));
        assert_eq!(r.since, Some(Ts(7_000).to_rfc3339()));
        v.apply(&info(media::RecState::Frozen, 1, 2_000_000));
        let r = data(t.on_update(&v, Ts(8_000))).expect("frozen at once");
        assert_eq!(
            (r.label.as_str(), r.health),
            ("FROZEN: no new video", "bad")
        );
        v.apply(&info(media::RecState::Recording, 2, 2_100_000));
        let r = data(t.on_update(&v, Ts(9_000))).expect("a new part at once");
        assert_eq!((r.part, r.health), (2, "good"));
        assert_eq!(r.file.as_deref(), Some("clavicular_s005_p2.ts"));
    }

    /// A stream address streamlink cannot open is said with its reason, in red: not
    /// `restarting`, which hid the reason in the log.
    #[test]
    fn an_unreachable_stream_says_why() {
        let mut v = View::default();
        let mut t = Tracker::new(&v);
        v.apply(&info(
            media::RecState::Unreachable("404 Not Found".into()),
            1,
            0,
        ));
        let r = data(t.on_update(&v, Ts(1_000))).expect("unreachable at once");
        assert_eq!(
            (r.state, r.label.as_str(), r.health),
            (
                "unreachable",
                "cannot reach the stream: 404 Not Found",
                "bad"
            )
        );
    }
}
