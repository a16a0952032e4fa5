//! What comes into the TUI model (`Msg`) and what it asks of the engine (`Cmd`).

use crossterm::event::KeyEvent;

use crate::domain::Ts;
use crate::engine::media::QuitClips;
use crate::engine::update::{ClipNews, RecordingInfo, Update};
use crate::media::{self, ClipState};

/// Everything that can change the model. Time comes with every message (`App::update`'s `now`).
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// What the engine published: snapshots, moments, connection and stream state.
    Engine(Update),
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste), in characters: ignored, since every key
    /// here is a command (a pasted sentence marked, switched activities and quit).
    Paste(usize),
    /// Ctrl-Z or SIGTSTP: the TUI does not stop (stopped, it would read no chat and watch no
    /// recording), and says so.
    StopRefused,
    Resize {
        width: u16,
        height: u16,
    },
    /// The 1 Hz clock.
    Tick(Ts),
    /// Recording health, from the engine's `Update::Recording` (see [`Msg::from_update`]).
    Recording(RecordingView),
    /// The bandit's arms (until the bandit lands nobody sends it: an empty pane).
    Bandit(BanditView),
    /// A clip's progress, from the engine's `Update::Clip`.
    Clip {
        id: i64,
        status: ClipStatus,
    },
    /// The engine's command queue was full or closed: the command did not reach it.
    CmdDropped(Cmd),
    /// The engine stopped publishing (its channel closed).
    EngineGone,
}

impl Msg {
    /// An engine update as the model takes it: recording and clip news get their own messages.
    pub fn from_update(u: Update) -> Msg {
        match u {
            Update::Recording(info) => Msg::Recording(RecordingView::from(&info)),
            Update::Clip(ClipNews {
                moment_id: Some(id),
                state,
                ..
            }) => Msg::Clip {
                id,
                status: ClipStatus::from(&state),
            },
            other => Msg::Engine(other),
        }
    }
}

/// What the TUI asks the engine to do. The loop in `term` hands these over; `Repaint` and
/// `Quit` it also acts on itself.
#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    /// A person marked a moment at `at` (the key press time): store it at once.
    MarkMoment {
        at: Ts,
    },
    /// Cut a clip of the stored moment with this row id.
    ClipMoment {
        id: i64,
    },
    /// `x`: the stored moment's clip is skipped (`skip`), or wanted again.
    SkipClip {
        id: i64,
        skip: bool,
    },
    /// The current activity (bandit arm) changed.
    SetActivity(String),
    /// For the co-pilot: ask, dismiss, mark its moment, approve its chat line.
    Copilot(crate::engine::copilot::CopilotCmd),
    Quit,
    /// Quitting while live: the person's answer about the pending clips (before `Quit`).
    AtQuit(QuitClips),
    /// Clear and redraw the whole terminal.
    Repaint,
}

/// Recording health as the pane shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordingView {
    pub state: RecState,
    /// The file being written.
    pub file: Option<String>,
    pub size_bytes: u64,
    pub mb_per_min: Option<f64>,
    /// Below the configured minimum growth rate.
    pub slow: bool,
    /// The part being written (1, 2, … after restarts).
    pub part: u32,
    /// End of stream: clips done of those asked for.
    pub clipping: Option<(usize, usize)>,
    /// Minutes of recording the disk's free space holds at the current rate.
    pub disk_minutes: Option<f64>,
}

impl From<&RecordingInfo> for RecordingView {
    fn from(r: &RecordingInfo) -> RecordingView {
        RecordingView {
            state: RecState::from(&r.state),
            file: r.path.as_ref().map(|p| p.display().to_string()),
            size_bytes: r.bytes,
            mb_per_min: (r.mb_per_min > 0.0).then_some(r.mb_per_min),
            slow: r.low,
            part: r.part,
            clipping: r.clipping,
            disk_minutes: r
                .disk_free
                .and_then(|f| crate::media::disk_watch::minutes_left(f, r.mb_per_min)),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub enum RecState {
    /// No recorder in this build or run: clips cannot be cut.
    #[default]
    Unavailable,
    /// The recorder waits for the stream to go live.
    Waiting,
    /// streamlink runs, no bytes yet.
    Starting,
    Recording,
    /// The file stopped growing; the recorder restarts it.
    Stalled,
    /// Between parts: streamlink ended, is the channel still live?
    Restarting,
    /// The stream sends no new video while the channel is live; a part starts when it does.
    Frozen,
    /// The recording cannot be written (disk full, permissions): why. It resumes in a new
    /// part once it can write again.
    Unwritable(String),
    /// streamlink cannot open the stream address (`404 Not Found`, `connection refused`):
    /// why. It tries again with backoff while the channel is live.
    Unreachable(String),
    Stopped,
    Failed(String),
}

impl From<&media::RecState> for RecState {
    fn from(s: &media::RecState) -> RecState {
        use media::StopReason;
        match s {
            media::RecState::Idle => RecState::Waiting,
            media::RecState::Starting => RecState::Starting,
            media::RecState::Recording => RecState::Recording,
            media::RecState::Stalled => RecState::Stalled,
            media::RecState::Restarting => RecState::Restarting,
            media::RecState::Unreachable(why) => RecState::Unreachable(why.clone()),
            media::RecState::Frozen => RecState::Frozen,
            media::RecState::Unwritable(why) => RecState::Unwritable(why.clone()),
            // It starts again at once; the flash and the log say it crashed.
            media::RecState::Crashed(_) => RecState::Restarting,
            media::RecState::Stopped(StopReason::Requested | StopReason::Offline) => {
                RecState::Stopped
            }
            media::RecState::Stopped(StopReason::ToolMissing(m) | StopReason::Failed(m)) => {
                RecState::Failed(m.clone())
            }
        }
    }
}

impl RecState {
    /// Not recording when it should (stalled, frozen, cannot write or reach, failed): red
    /// wherever the recording is shown.
    pub fn is_trouble(&self) -> bool {
        matches!(
            self,
            RecState::Stalled
                | RecState::Frozen
                | RecState::Failed(_)
                | RecState::Unwritable(_)
                | RecState::Unreachable(_)
        )
    }

    /// Quitting now would stop a recording.
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            RecState::Starting
                | RecState::Recording
                | RecState::Stalled
                | RecState::Restarting
                | RecState::Frozen
                | RecState::Unwritable(_)
                | RecState::Unreachable(_)
        )
    }

    /// Clips can be asked for (they wait for their window if needed).
    pub fn can_clip(&self) -> bool {
        !matches!(self, RecState::Unavailable | RecState::Failed(_))
    }

    pub fn label(&self) -> String {
        match self {
            RecState::Unavailable => "not recording".into(),
            RecState::Waiting => "waiting for live".into(),
            RecState::Starting => "starting".into(),
            RecState::Recording => "recording".into(),
            RecState::Stalled => "STALLED".into(),
            RecState::Restarting => "restarting".into(),
            RecState::Frozen => "FROZEN: no new video".into(),
            RecState::Unwritable(why) => format!("CANNOT WRITE: {why}"),
            RecState::Unreachable(why) => format!("cannot reach the stream: {why}"),
            RecState::Stopped => "stopped".into(),
            RecState::Failed(why) => format!("failed: {why}"),
        }
    }
}

/// One arm of the activity bandit.
#[derive(Clone, Debug, PartialEq)]
pub struct BanditArm {
    pub name: String,
    /// Posterior mean reward and a credible interval around it, all in 0..1.
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub pulls: u32,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BanditView {
    pub arms: Vec<BanditArm>,
    pub suggestion: Option<String>,
    /// The engagement score now (0–100) and money per hour, for the pane's footer.
    pub engagement: Option<f64>,
    pub revenue_per_hour: Option<f64>,
    /// The context line (`Stream state: …`).
    pub context: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub enum ClipStatus {
    #[default]
    None,
    /// Asked for; waits in the clipper's queue.
    Queued,
    /// Its window is not recorded yet.
    Waiting,
    Cutting,
    Done {
        path: String,
        /// Shorter than asked (a hole in the recording, or it ended).
        short: bool,
        /// How long it is, when the clipper said (not for one cut by an earlier run).
        length: Option<ClipLength>,
    },
    Failed {
        why: String,
    },
    /// No recording covers it: stored while the channel was offline or recording was off,
    /// or the recording passed its window without it.
    NotRecorded,
    /// `x`: not to be cut, at the stream's end or by `clip --pending` (`x` again undoes it).
    Skipped,
}

/// A cut clip's length, and for a short one what was asked and why it is short.
#[derive(Clone, Debug, PartialEq)]
pub struct ClipLength {
    pub secs: f64,
    /// Seconds asked for, when it came out shorter.
    pub short_of: Option<f64>,
    /// Why it is short, when the recording knows (a part cut off by a full disk).
    pub why: Option<String>,
}

impl ClipLength {
    /// `26.5 s`, or `short: 56.2 of 60 s, <why>`: [`crate::present::clip_length_words`].
    pub fn words(&self) -> String {
        crate::present::clip_length_words(self.secs, self.short_of, self.why.as_deref())
    }
}

impl ClipStatus {
    /// A cut clip's length in words (`26.5 s`, `short: 56.2 of 60 s, why`), or `short` when
    /// only that is known (cut by an earlier run); None for anything not cut.
    pub fn length_words(&self) -> Option<String> {
        match self {
            ClipStatus::Done {
                length: Some(l), ..
            } => Some(l.words()),
            ClipStatus::Done { short: true, .. } => Some("short".into()),
            _ => None,
        }
    }

    pub fn label(&self) -> &str {
        match self {
            ClipStatus::None => "-",
            ClipStatus::Queued => "queued",
            ClipStatus::Waiting => "waiting",
            ClipStatus::Cutting => "cutting",
            ClipStatus::Done { short: true, .. } => "short",
            ClipStatus::Done { .. } => "ready",
            ClipStatus::Failed { .. } => "failed",
            ClipStatus::NotRecorded => "no rec",
            ClipStatus::Skipped => "skipped",
        }
    }
}

impl From<&ClipState> for ClipStatus {
    fn from(s: &ClipState) -> ClipStatus {
        match s {
            ClipState::Queued => ClipStatus::Queued,
            ClipState::Waiting => ClipStatus::Waiting,
            ClipState::Cutting => ClipStatus::Cutting,
            ClipState::Ready { path, duration } => ClipStatus::Done {
                path: path.display().to_string(),
                short: false,
                length: Some(ClipLength {
                    secs: *duration,
                    short_of: None,
                    why: None,
                }),
            },
            ClipState::AlreadyCut { path, short } => ClipStatus::Done {
                path: path.display().to_string(),
                short: *short,
                length: None,
            },
            ClipState::Short {
                path,
                duration,
                asked,
                why,
            } => ClipStatus::Done {
                path: path.display().to_string(),
                short: true,
                length: Some(ClipLength {
                    secs: *duration,
                    short_of: Some(*asked),
                    why: why.clone(),
                }),
            },
            // Left pending (its file is gone for now): as before it was asked for.
            ClipState::FileMissing(_) => ClipStatus::None,
            // Whether live, from a resumed session's rows or a resync: one "no rec" (it was
            // mapped to a red "failed" that a live offline moment never showed).
            ClipState::NoRecording => ClipStatus::NotRecorded,
            ClipState::Failed(_) => ClipStatus::Failed {
                why: s.label().trim_start_matches("failed: ").to_string(),
            },
            ClipState::Skipped => ClipStatus::Skipped,
        }
    }
}
