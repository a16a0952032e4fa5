//! The keymap table itself: per action its `[keys]` name, default keys, help text, hint-bar
//! label, and what it does under a popup. `keymap` resolves it; input, help and the hint
//! bar all read it.

use super::keymap::Action;
use super::state::Popup;
use InPopup::{Closes, Ignored, Moves, Works};

/// What a key does while the help or the details popup is open, with its hint-bar label
/// then (`None`: not hinted, for room). The quit question answers every key itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InPopup {
    /// Nothing.
    Ignored,
    Closes(Option<&'static str>),
    /// Scrolls the help; moves the selection under the details (which show it).
    Moves(Option<&'static str>),
    /// What it does on the main screen.
    Works(Option<&'static str>),
}

impl InPopup {
    pub fn hint(self) -> Option<&'static str> {
        match self {
            Ignored => None,
            Closes(h) | Moves(h) | Works(h) => h,
        }
    }
}

/// One row: the action, its `[keys]` name, default keys, help text, hint-bar label, and
/// what it does with the help and with the details open.
pub struct Row {
    pub action: Action,
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub help: &'static str,
    pub hint: Option<&'static str>,
    pub in_help: InPopup,
    pub in_details: InPopup,
}

const fn row(
    action: Action,
    name: &'static str,
    keys: &'static [&'static str],
    help: &'static str,
    hint: Option<&'static str>,
) -> Row {
    Row {
        action,
        name,
        keys,
        help,
        hint,
        in_help: Ignored,
        in_details: Ignored,
    }
}

impl Row {
    /// What it does with the help open, and with the details open.
    const fn popups(self, in_help: InPopup, in_details: InPopup) -> Row {
        Row {
            in_help,
            in_details,
            ..self
        }
    }

    pub fn in_popup(&self, popup: Popup) -> InPopup {
        match popup {
            Popup::Help => self.in_help,
            Popup::Details => self.in_details,
            Popup::ConfirmQuit => Ignored,
        }
    }
}

pub const TABLE: &[Row] = &[
    row(
        Action::Mark,
        "mark",
        &["m"],
        "mark a moment now",
        Some("mark"),
    )
    .popups(Works(Some("mark")), Works(Some("mark"))),
    row(
        Action::Clip,
        "clip",
        &["c"],
        "clip the selected moment",
        Some("clip"),
    )
    .popups(Ignored, Works(Some("clip"))),
    row(
        Action::NextActivity,
        "activity",
        &["a"],
        "next activity",
        Some("activity"),
    )
    .popups(Ignored, Works(None)),
    row(
        Action::PickActivity,
        "pick_activity",
        &["1", "2", "3", "4", "5", "6", "7", "8", "9"],
        "pick the activity shown beside that key",
        None,
    )
    .popups(Ignored, Works(None)),
    // Down before up: the hint bar's merged item reads `j/k`, as the popups' edges do.
    row(
        Action::Down,
        "down",
        &["j", "Down"],
        "select the moment below",
        None,
    )
    .popups(Moves(Some("scroll")), Moves(Some("browse"))),
    row(
        Action::Up,
        "up",
        &["k", "Up"],
        "select the moment above",
        None,
    )
    .popups(Moves(Some("scroll")), Moves(Some("browse"))),
    row(Action::PageUp, "page_up", &["PgUp"], "a page up", None).popups(Moves(None), Moves(None)),
    row(
        Action::PageDown,
        "page_down",
        &["PgDn"],
        "a page down",
        None,
    )
    .popups(Moves(None), Moves(None)),
    row(Action::Top, "top", &["g", "Home"], "first moment", None).popups(Moves(None), Moves(None)),
    row(Action::Bottom, "bottom", &["G", "End"], "last moment", None)
        .popups(Moves(None), Moves(None)),
    row(
        Action::Details,
        "details",
        &["Enter"],
        "the selected moment's triggers and data",
        Some("details"),
    )
    .popups(Ignored, Closes(None)),
    row(
        Action::Sort,
        "sort",
        &["s"],
        "moments: newest or best first",
        Some("sort"),
    )
    .popups(Ignored, Works(None)),
    row(
        Action::SkipClip,
        "skip_clip",
        &["x"],
        "skip the selected moment's clip / unskip",
        Some("skip"),
    )
    .popups(Ignored, Works(Some("skip"))),
    row(Action::Help, "help", &["?"], "this help", Some("help")).popups(Closes(None), Ignored),
    row(Action::Back, "back", &["Esc"], "close a popup", None)
        .popups(Closes(Some("close")), Closes(Some("close"))),
    row(
        Action::Quit,
        "quit",
        &["q", "Ctrl-C"],
        "quit (asks while recording or clips wait)",
        Some("quit"),
    )
    .popups(Closes(None), Closes(None)),
    row(
        Action::Repaint,
        "repaint",
        &["Ctrl-L"],
        "repaint the whole screen",
        None,
    )
    .popups(Works(None), Works(None)),
    row(
        Action::AskAdvice,
        "ask_advice",
        &["A"],
        "advisor: ask for advice now",
        None,
    )
    .popups(Ignored, Works(None)),
    row(
        Action::AcceptAdvice,
        "accept_advice",
        &["y"],
        "advisor: accept (activity, moment, chat)",
        Some("accept"),
    )
    .popups(Ignored, Works(Some("accept"))),
    row(
        Action::DismissAdvice,
        "dismiss_advice",
        &["n"],
        "advisor: dismiss the advice",
        None,
    )
    .popups(Ignored, Works(None)),
];

/// What `action` does while `popup` is open.
pub fn in_popup(action: Action, popup: Popup) -> InPopup {
    TABLE
        .iter()
        .find(|r| r.action == action)
        .map_or(Ignored, |r| r.in_popup(popup))
}
