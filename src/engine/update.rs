//! What the engine tells a front end (headless printer or TUI). Snapshots are small and
//! batched, so a busy chat cannot flood the front end.

use std::path::PathBuf;

use super::core::Core;
use super::view::{EngageView, RevenuePoint, View};
use crate::detect::velocity::VelocityStatus;
use crate::domain::{Event, Moment, Ts};
use crate::kickapi::LiveSource;
use crate::media::{ClipState, RecState};
use crate::source::ChatState;

/// The state of the stream and chat once a second.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub at: Ts,
    pub channel: String,
    pub live: bool,
    /// Seconds since the stream went live.
    pub uptime_s: Option<f64>,
    pub viewers: Option<u32>,
    pub velocity: VelocityStatus,
    /// Keyword hits in the window, in config order.
    pub keywords: Vec<(String, usize)>,
    pub top_emote: Option<(String, u32)>,
    pub chat_messages: u64,
    pub malformed_frames: u64,
    /// A moment is being collected right now.
    pub moment_open: bool,
    /// That moment has a chat trigger (velocity, keywords, emotes): chat is spiking.
    pub chat_spike: bool,
    /// Engagement, revenue and the bandit.
    pub engage: Box<EngageView>,
    /// Where the live state came from.
    pub live_source: LiveSource,
    /// Database writes are failing and being retried right now.
    pub db_failing: bool,
    /// Writes the database gave up on since kicktui started.
    pub db_lost: u64,
}

impl Snapshot {
    /// The fields the pure core knows; the caller adds live state, viewers and counters.
    pub fn from_core(core: &Core, at: Ts, channel: &str) -> Snapshot {
        Snapshot {
            at,
            channel: channel.to_string(),
            velocity: core.velocity(),
            keywords: core
                .keyword_counts()
                .map(|(k, n)| (k.to_string(), n))
                .collect(),
            top_emote: core.top_emote().map(|(e, n)| (e.to_string(), n)),
            chat_messages: core.totals.chat_messages,
            moment_open: core.open_moment().is_some(),
            ..Snapshot::default()
        }
    }

    pub fn keyword_total(&self) -> usize {
        self.keywords.iter().map(|k| k.1).sum()
    }
}

/// What became of an `x`.
#[derive(Clone, Debug, PartialEq)]
pub enum SkipOutcome {
    Done,
    /// The clip had moved on meanwhile (cut, or on its way): left as it is.
    MovedOn,
    /// The database refused the change (why).
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Update {
    Snapshot(Snapshot),
    ChatState(ChatState),
    /// A moment, stored (its row id) or not (the store failed: say so, never pretend).
    Moment {
        id: Option<i64>,
        moment: Moment,
    },
    /// A moment still collecting triggers, shown at once (stored: `id`), and again with the
    /// same id as it grows. The `Moment` update with the same id makes it final.
    MomentBuilding {
        id: Option<i64>,
        moment: Moment,
    },
    /// A moment stored while the channel was offline: no recording can ever cover it, so
    /// it is not a clip to cut (nor to offer at quit).
    NotRecorded {
        moment_id: i64,
    },
    /// `x` on a moment: its clip skipped (`skip`) or wanted again, and how that went.
    ClipSkip {
        moment_id: i64,
        skip: bool,
        outcome: SkipOutcome,
    },
    /// What the start-up recovery after a crash did (sessions closed, clips still to cut):
    /// worth more than a log line that scrolls away in seconds.
    Recovered(String),
    WentLive {
        at: Ts,
        title: Option<String>,
        session: Option<i64>,
        /// What said so (the API, the chat socket, the stream probe).
        source: LiveSource,
        /// A stream kicktui had seen go live before a crash: its session goes on (no new
        /// "live" alert).
        resumed: bool,
    },
    WentOffline {
        at: Ts,
    },
    /// An offline session opened for chat, money or a moment while the channel is offline:
    /// its money counts from zero (it becomes the stream's if the stream comes soon).
    OfflineSession {
        session: i64,
    },
    /// The live stream's real start, earlier than the guess `was` it replaces: the moments
    /// made since `was` move their offsets by the difference (see [`shift_offset`]).
    StartKnown {
        at: Ts,
        was: Ts,
    },
    WaitingForLive,
    /// The channel API failed (the message says what kicktui does next); chat keeps running
    /// when its ids are known. `retry_s`: when it will try again, `None`: it will not.
    ApiTrouble {
        message: String,
        retry_s: Option<u64>,
        /// The lookup that gives chat its ids is what fails: chat cannot start yet.
        waits_for_ids: bool,
    },
    /// The API answers again after trouble.
    ApiOk,
    /// A sub, gift, Kicks, donation or raid.
    Notable {
        at: Ts,
        event: Event,
    },
    /// Capture is on: every frame goes to this file.
    Capturing {
        path: String,
    },
    /// The dashboard cannot listen (why, in a few words: `port 8788 in use`), or listens
    /// again (`None`: a port in use is tried every 30 s).
    DashboardOff(Option<String>),
    /// The recording pane: sent when the recording changes, its size every few seconds.
    Recording(RecordingInfo),
    /// A recorder event worth a log line.
    Recorder(RecorderNews),
    /// A clip's progress. A `Ready`/`Short` state is final: the file exists (the hook for a
    /// clip-ready alert).
    Clip(ClipNews),
    /// Money received (Kicks, subs, gifted subs, bits, donations), in dollars.
    Revenue(RevenuePoint),
    /// This front end fell behind and missed updates: the whole current state instead.
    Resync(Box<View>),
    /// A session resumed after a crash: its moments from before it, with their clips, for
    /// the lists (listed, not announced: no banner, alert or chat line).
    EarlierMoments(Vec<super::view::MomentRow>),
    /// The co-pilot's latest advice: validated tool calls, shown; acted on only by a key press.
    Advice(Box<crate::advisor::Advice>),
    /// The advisor's budget and what it is doing: `advisor: 3/12 calls this hour · asking…`.
    Advisor(crate::advisor::AdvisorStatus),
    /// A plain line for the log (warnings).
    Note(String),
    /// The engine has stopped; the last update.
    Finished(Summary),
}

/// The recording of one session, as the front ends show it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordingInfo {
    pub session: i64,
    pub state: RecState,
    /// The part being written (1, 2, …) and its file.
    pub part: u32,
    pub path: Option<PathBuf>,
    /// All parts together.
    pub bytes: u64,
    pub mb_per_min: f64,
    /// Growing slower than `[recorder] min_growth_mb_per_min`.
    pub low: bool,
    /// Free space on the recordings' disk, when known.
    pub disk_free: Option<u64>,
    /// End of stream: clips done and asked for (`clip_all`).
    pub clipping: Option<(usize, usize)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RecorderNews {
    /// Recording is on: it starts when the channel goes live.
    Armed,
    /// `--no-record` or `[recorder] enabled = false`.
    Disabled,
    /// Recording cannot work (a missing program): why. Chat and moments go on.
    Off(String),
    /// streamlink writes a new part (`reason`: why the previous one ended, for part 2+).
    PartStarted {
        part: u32,
        path: PathBuf,
        reason: Option<String>,
    },
    /// `Recording health: 45.2 MB (+12.3 MB/min)`, every `health_interval_seconds`.
    Health { line: String, low: bool },
    /// The file stopped growing; streamlink is restarted.
    Stalled { after_s: u64 },
    /// The recordings' disk fills up: this many minutes of recording left at the current
    /// rate (said with an hour, 30, 10 and 5 minutes left).
    DiskLow {
        free_bytes: u64,
        minutes_left: f64,
        mb_per_min: f64,
    },
    /// The stream has sent no new video for `for_s` (its encoder stuck while the platform
    /// says live); streamlink keeps being restarted. Said once per freeze.
    NoNewVideo { for_s: u64 },
    /// New video again after a freeze that was said (`NoNewVideo`): frozen for `after_s`.
    VideoBack { after_s: u64 },
    /// The recorder stopped (offline, quit, or a failure: the label says which).
    Stopped { session: i64, why: String },
    /// The session ended: every moment without a clip is being clipped, best first.
    ClippingAll { session: i64, count: usize },
    /// The recording cannot be written (disk full, permissions): why. Chat, moments and the
    /// database go on; recording resumes in a new part once it can write.
    Unwritable { why: String },
    /// The recorder task crashed (`why`, with when it restarts); chat and the database go on.
    Crashed { why: String },
    /// At quit: clips that were still queued and are left for later (`kicktui clip`);
    /// `out_of_time`: the time for cutting at quit ran out.
    LeftPending {
        session: i64,
        moments: Vec<i64>,
        out_of_time: bool,
    },
    /// At quit: the session's recording task (stopping streamlink, cutting clips) did not
    /// finish in time; its clips not cut are left for `kicktui clip --pending`.
    QuitUnfinished { session: i64 },
    /// Quitting while live: the session's pending clips are cut now (`cut`) or left for
    /// `kicktui clip --pending`; `why`: who decided (the person at quit, or the config).
    AtQuit {
        session: i64,
        cut: bool,
        why: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClipNews {
    pub session: i64,
    pub moment_id: Option<i64>,
    pub state: ClipState,
    /// End of stream: this clip is number `.0` of `.1` (counted once final).
    pub progress: Option<(usize, usize)>,
}

/// What one run saw, for the line printed at shutdown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Distinct chat messages received (after de-duplication).
    pub chat_messages: u64,
    pub moments: u64,
    /// Moments the database refused.
    pub unsaved_moments: u64,
    pub malformed_frames: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = |n: u64| if n == 1 { "" } else { "s" };
        write!(
            f,
            "Received {} chat message{}, {} moment{}, {} malformed frame{} skipped",
            self.chat_messages,
            s(self.chat_messages),
            self.moments,
            s(self.moments),
            self.malformed_frames,
            s(self.malformed_frames)
        )?;
        if self.unsaved_moments > 0 {
            write!(f, " ({} moments NOT SAVED)", self.unsaved_moments)?;
        }
        Ok(())
    }
}

impl Update {
    /// State a [`View`] folds in wholly, so that replaying it after a resync to that view
    /// would show it twice (a donation) or apply it twice (an offset shift). Events (notes,
    /// subs, live and offline, clips, final moments) are not: subscribers act on them.
    pub fn folded_by_view(&self) -> bool {
        matches!(
            self,
            Update::Snapshot(_)
                | Update::ChatState(_)
                | Update::MomentBuilding { .. }
                | Update::Recording(_)
                | Update::Revenue(_)
                | Update::OfflineSession { .. }
                | Update::StartKnown { .. }
                | Update::EarlierMoments(_)
                | Update::NotRecorded { .. }
                | Update::Advice(_)
                | Update::Advisor(_)
        )
    }
}

/// A moment of the live stream (made at or after the guessed start `was`) counted from the
/// real start `at` instead.
pub fn shift_offset(m: &mut Moment, at: Ts, was: Ts) {
    if m.at >= was {
        m.offset_s += was.secs_since(at);
    }
}
