//! What comes into the TUI model (`Msg`) and what it asks of the engine (`Cmd`).

use crossterm::event::KeyEvent;

use crate::domain::Ts;
use crate::engine::update::Update;

/// Everything that can change the model. Time comes with every message (`App::update`'s `now`).
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// What the engine published: snapshots, moments, connection and stream state.
    Engine(Update),
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// The 1 Hz clock.
    Tick(Ts),
    /// Recording health (until the recorder lands nobody sends it: "not recording").
    Recording(RecordingView),
    /// The bandit's arms (until the bandit lands nobody sends it: an empty pane).
    Bandit(BanditView),
    /// A clip's progress (until the clipper lands nobody sends it).
    Clip {
        id: i64,
        status: ClipStatus,
    },
    /// The engine's command queue was full or closed: the command did not reach it.
    CmdDropped(Cmd),
    /// The engine stopped publishing (its channel closed).
    EngineGone,
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
    /// The current activity (bandit arm) changed.
    SetActivity(String),
    Quit,
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
}

#[derive(Clone, Debug, Default, PartialEq)]
pub enum RecState {
    /// No recorder in this build or run: clips cannot be cut.
    #[default]
    Unavailable,
    /// The recorder waits for the stream to go live.
    Waiting,
    Recording,
    /// The file stopped growing; the recorder restarts it.
    Stalled,
    Stopped,
    Failed(String),
}

impl RecState {
    /// Quitting now would stop a recording.
    pub fn is_active(&self) -> bool {
        matches!(self, RecState::Recording | RecState::Stalled)
    }

    /// Clips can be asked for (they wait for their window if needed).
    pub fn can_clip(&self) -> bool {
        !matches!(self, RecState::Unavailable | RecState::Failed(_))
    }

    pub fn label(&self) -> String {
        match self {
            RecState::Unavailable => "not recording".into(),
            RecState::Waiting => "waiting for live".into(),
            RecState::Recording => "recording".into(),
            RecState::Stalled => "STALLED".into(),
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
}

#[derive(Clone, Debug, Default, PartialEq)]
pub enum ClipStatus {
    #[default]
    None,
    /// Asked for; waits in the clipper's queue or for its window to be recorded.
    Queued,
    Cutting,
    Done {
        path: String,
    },
    Failed {
        why: String,
    },
}

impl ClipStatus {
    pub fn label(&self) -> &str {
        match self {
            ClipStatus::None => "-",
            ClipStatus::Queued => "queued",
            ClipStatus::Cutting => "cutting",
            ClipStatus::Done { .. } => "clipped",
            ClipStatus::Failed { .. } => "failed",
        }
    }
}
