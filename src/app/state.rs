//! The TUI model: everything the view reads. Only `App::update` (update.rs) changes it.

use super::history::{EmoteBoard, RateHistory};
use super::keymap::Keymap;
use super::moments::MomentList;
use super::msg::{BanditView, RecordingView};
use crate::domain::Ts;
use crate::engine::update::Snapshot;
use crate::source::ChatState;

/// The activities (bandit arms) until the bandit issue makes them configurable.
pub const DEFAULT_ACTIVITIES: [&str; 5] = ["talk", "gameplay", "q_and_a", "react", "irl"];

/// Where moments go, so the TUI can say the truth about an unsaved one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// The live engine stores every moment in SQLite.
    Database,
    /// `tui-preview`: nothing is stored.
    Preview,
}

/// What the TUI is told once at start.
#[derive(Clone, Debug, PartialEq)]
pub struct TuiContext {
    pub channel: String,
    /// Shown in the status bar.
    pub data_dir: String,
    pub keymap: Keymap,
    pub activities: Vec<String>,
    pub storage: Storage,
    /// `NO_COLOR` is set: attributes only, no colours.
    pub no_color: bool,
    /// What asking the advisor says when it is not running in this run.
    pub advisor_off: String,
    /// The config file in use (or where one would be read), named in the help.
    pub config_file: String,
    /// How long a suggested activity can be accepted: the co-pilot records it as ignored
    /// after that (`[advisor] interval_seconds`); `None`: no limit.
    pub offer_window_ms: Option<i64>,
    /// `[chat] window_seconds`: what the keyword pane's counts cover, said in its title.
    pub keyword_window_s: u32,
}

impl TuiContext {
    pub fn new(channel: &str, data_dir: &str, keymap: Keymap) -> TuiContext {
        TuiContext {
            channel: channel.to_string(),
            data_dir: data_dir.to_string(),
            keymap,
            activities: DEFAULT_ACTIVITIES.map(String::from).to_vec(),
            storage: Storage::Database,
            no_color: no_color_from_env(),
            advisor_off: ADVISOR_OFF.into(),
            config_file: "config.toml".into(),
            offer_window_ms: None,
            keyword_window_s: 10,
        }
    }
}

/// What Kick's API answered wrong, as the status bar says it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiTrouble {
    pub message: String,
    /// The failing lookup is the one chat needs its ids from.
    pub waits_for_ids: bool,
}

/// The advisor is off in the config.
pub const ADVISOR_OFF: &str =
    "the advisor is off (turn it on with [advisor] enabled = true in config.toml)";

/// <https://no-color.org>: set and not empty.
pub fn no_color_from_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Popup {
    Help,
    /// The selected moment's triggers and data.
    Details,
    /// Quit while recording?
    ConfirmQuit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashKind {
    Info,
    Good,
    Bad,
}

/// A one-line confirmation or warning in the hint bar, gone after a few seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Flash {
    pub text: String,
    pub kind: FlashKind,
    pub until: Ts,
    /// Where the file path that ends `text` starts: a narrow bar cuts its directory, not
    /// its file name.
    pub path_at: Option<usize>,
    /// A narrow bar keeps its leading clauses whole (`marked at 0:10:20 (saved #7)`), not a
    /// cut mid-phrase (`…: as shown 5 s…`).
    pub clauses: bool,
    /// The moment (its index in the list) this announces: the text follows it as it grows.
    pub moment: Option<usize>,
}

/// Stream and connection state, from the engine's updates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StreamState {
    /// `None` until the engine knows.
    pub live: Option<bool>,
    pub waiting_for_live: bool,
    pub title: Option<String>,
    pub session: Option<i64>,
    pub chat: Option<ChatState>,
    /// Which chat state changes the log pane is told about.
    pub chat_log: crate::source::state_log::ChatStateLog,
    pub api_trouble: Option<ApiTrouble>,
    pub capturing: Option<String>,
    /// Why the dashboard is not serving (a port in use is tried again).
    pub dashboard_off: Option<String>,
    pub engine_gone: bool,
}

pub struct App {
    pub ctx: TuiContext,
    /// The latest time the model was told (every message carries it).
    pub now: Ts,
    pub width: u16,
    pub height: u16,
    pub stream: StreamState,
    pub snapshot: Option<Snapshot>,
    /// When the latest snapshot arrived (wall time), to show a stalled feed.
    pub snapshot_seen: Option<Ts>,
    pub history: RateHistory,
    pub emotes: EmoteBoard,
    pub recording: RecordingView,
    pub bandit: BanditView,
    /// Index into `ctx.activities`.
    pub activity: Option<usize>,
    pub moments: MomentList,
    pub popup: Option<Popup>,
    /// The pending clips when the quit question opened: its wording and the meaning of `n`
    /// stay as shown while it is open (a clip finishing meanwhile turned "leave them" into
    /// "stay").
    pub quit_pending: usize,
    pub flash: Option<Flash>,
    /// News that stays longer than a flash (a crash recovery's): shown whenever no flash
    /// covers it, until its time on screen is up.
    pub notice: Option<Flash>,
    /// Marks sent to the engine and not yet back as a moment, oldest first: when `m` was
    /// pressed (None: the advisor's mark). The mark comes back placed at what the stream
    /// showed then.
    pub mark_presses: std::collections::VecDeque<Option<Ts>>,
    /// The last `m` that marked: presses right after it are the same moment.
    pub last_mark: Option<Ts>,
    /// The co-pilot's status and latest advice.
    pub advisor: super::advisor::AdvisorView,
    /// First help row shown, when the help does not fit the terminal.
    pub help_scroll: usize,
}

impl App {
    /// Marks sent to the engine and not yet back as a moment.
    pub fn pending_marks(&self) -> usize {
        self.mark_presses.len()
    }

    pub fn new(ctx: TuiContext, now: Ts) -> App {
        App {
            ctx,
            now,
            width: 80,
            height: 24,
            stream: StreamState::default(),
            snapshot: None,
            snapshot_seen: None,
            history: RateHistory::default(),
            emotes: EmoteBoard::default(),
            recording: RecordingView::default(),
            bandit: BanditView::default(),
            activity: None,
            moments: MomentList::default(),
            popup: None,
            quit_pending: 0,
            flash: None,
            notice: None,
            mark_presses: std::collections::VecDeque::new(),
            last_mark: None,
            advisor: Default::default(),
            help_scroll: 0,
        }
    }

    /// What the hint bar says: the latest flash, else the notice under it.
    pub fn message(&self) -> Option<&Flash> {
        self.flash.as_ref().or(self.notice.as_ref())
    }

    pub fn activity_name(&self) -> Option<&str> {
        self.ctx.activities.get(self.activity?).map(String::as_str)
    }

    /// Seconds since the latest snapshot, when that is long enough to mention.
    pub fn feed_stalled_s(&self) -> Option<u64> {
        let seen = self.snapshot_seen?;
        let s = (self.now.0 - seen.0) / 1000;
        (s >= STALE_AFTER_S).then_some(s as u64)
    }

    /// Rows the moments list shows at the current size.
    pub fn moment_rows(&self) -> usize {
        crate::ui::layout::moment_rows(self.width, self.height)
    }
}

/// Snapshots come once a second; this many seconds without one is worth saying.
pub const STALE_AFTER_S: i64 = 5;
