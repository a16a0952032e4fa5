//! The `?` help's rows and its scrolling: advisor keys only when the advisor is on, and a
//! help taller than the terminal scrolls with the moving keys instead of being cut off.

use super::keymap::Action;
use super::state::App;

/// The notes, the blank line and the `[keys]` footer (two lines: the file has its own) under
/// the rows.
pub const HELP_FOOTER_LINES: usize = 3 + HELP_NOTES.len();

/// What the moments list says that no key explains, under the keys; `{mark}` and `{clip}`
/// are the keys bound to them ([`App::help_notes`]).
pub const HELP_NOTES: [&str; 7] = [
    " A \"building\" moment still gathers triggers; it is",
    " final within half a minute, in the same row, and",
    " {mark} and {clip} work on it at once.",
    " score ranks moments: 100 x how likely a clipper",
    " keeps a chat peak, more for a bigger crowd and",
    " when keywords, emotes, !clip or events agree.",
    " It is not a percent.",
];

fn advisor_key(a: Action) -> bool {
    matches!(
        a,
        Action::AskAdvice | Action::AcceptAdvice | Action::DismissAdvice
    )
}

impl App {
    /// (keys, what they do) for the help, in keymap order.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        let advisor_on = self.advisor.status.is_some();
        self.ctx
            .keymap
            .help_rows()
            .into_iter()
            .filter(|(action, _, _)| advisor_on || !advisor_key(*action))
            .map(|(action, keys, help)| match action {
                Action::PickActivity => (self.activity_keys().unwrap_or(keys), help),
                _ => (keys, help),
            })
            .collect()
    }

    /// [`HELP_NOTES`] with the keys as bound (`mark = "M"` made it say `m` still).
    pub fn help_notes(&self) -> Vec<String> {
        let km = &self.ctx.keymap;
        HELP_NOTES
            .iter()
            .map(|n| {
                n.replace("{mark}", &km.label(Action::Mark))
                    .replace("{clip}", &km.label(Action::Clip))
            })
            .collect()
    }

    /// `1..5` for five activities: only the keys that pick one (the table binds 1..9).
    fn activity_keys(&self) -> Option<String> {
        let keys = self.ctx.keymap.keys(Action::PickActivity);
        let n = self.ctx.activities.len().min(keys.len());
        match n {
            0 => None,
            1 => Some(keys[0].to_string()),
            _ => Some(format!("{}..{}", keys[0], keys[n - 1])),
        }
    }

    /// (lines of help text, how many fit inside the popup's border) at `height` rows.
    fn help_fit(&self, height: u16) -> (usize, usize) {
        let lines = self.help_rows().len() + HELP_FOOTER_LINES;
        (lines, crate::ui::layout::help_inner_height(height, lines))
    }

    /// The rows a popup has: all but the hint bar's.
    pub fn popup_height(&self) -> u16 {
        self.height.saturating_sub(1)
    }

    /// The furthest the help can scroll at that height (0 when it fits).
    pub fn help_max_scroll(&self, height: u16) -> usize {
        let (lines, visible) = self.help_fit(height);
        lines - visible
    }

    /// A moving key scrolls the help (others do nothing).
    pub(super) fn scroll_help(&mut self, action: Action) {
        let (lines, visible) = self.help_fit(self.popup_height());
        let page = visible.max(2) as isize - 1;
        let by = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            _ => return,
        };
        let max = (lines - visible) as isize;
        self.help_scroll = (self.help_scroll as isize).saturating_add(by).clamp(0, max) as usize;
    }
}
